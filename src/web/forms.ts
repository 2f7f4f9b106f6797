// Page forms are checked with the API's own DTO classes, so a rule lives in one place; the
// difference is only what happens on a mistake: the form comes back with messages beside the
// fields and everything typed still in it, instead of a JSON error.
import { HttpException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { PASSWORD_WEAKNESS_MESSAGES } from '../auth/password-policy.js';
import { ApiError } from '../common/errors.js';
import type { FieldErrorDto } from '../common/error-response.dto.js';
import { flattenValidationErrors } from '../common/validation.js';

export type FieldErrors = Record<string, string>;

export interface FormResult<T> {
  dto: T;
  /** field → first message; empty when the form is valid. */
  errors: FieldErrors;
}

export function toFieldErrors(list: FieldErrorDto[] | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const e of list ?? []) if (!Object.hasOwn(out, e.field)) out[e.field] = e.message;
  return out;
}

/** Validates a form body against a DTO class with the same options as the API's pipe. */
export async function checkForm<T extends object>(cls: new () => T, body: unknown): Promise<FormResult<T>> {
  const dto = plainToInstance(cls, body ?? {});
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return { dto, errors: toFieldErrors(flattenValidationErrors(errors)) };
}

/**
 * A service refusal a form can show (400 with field messages, 409, 429); anything else is
 * rethrown to the error page.
 */
export function formRefusal(err: unknown, t?: (key: string) => string): { status: number; message: string; errors: FieldErrors } {
  if (err instanceof ApiError && [400, 401, 409, 429].includes(err.getStatus())) {
    const errors = toFieldErrors(err.fieldErrors);
    // A weak password says why in the page's language (the API's message carries both).
    const reason = err.details?.reason;
    if (t && typeof reason === 'string' && Object.hasOwn(PASSWORD_WEAKNESS_MESSAGES, reason)) {
      const why = t(`password.weak.${reason}`);
      for (const field of Object.keys(errors)) errors[field] = why;
      return { status: err.getStatus(), message: why, errors };
    }
    return { status: err.getStatus(), message: err.message, errors };
  }
  if (err instanceof HttpException && err.getStatus() === 400) return { status: 400, message: err.message, errors: {} };
  throw err;
}

/** Form fields arrive as strings; empty means "not given". */
export function str(body: unknown, key: string): string {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : '';
}

/**
 * The version that is there now, when a write was refused because someone else wrote first
 * (the services' version check says so in its details); null for any other error.
 */
export function staleVersion(err: unknown): number | null {
  if (!(err instanceof ApiError) || err.getStatus() !== 409) return null;
  const current = err.details?.currentVersion;
  return typeof current === 'number' ? current : null;
}
