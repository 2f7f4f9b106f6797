// Page forms are checked with the API's own DTO classes, so a rule lives in one place; the
// difference is only what happens on a mistake: the form comes back with messages beside the
// fields and everything typed still in it, instead of a JSON error.
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FieldErrorDto } from '../common/error-response.dto.js';
import { flattenValidationErrors } from '../common/validation.js';

export type FieldErrors = Record<string, string>;

export interface FormResult<T> {
  dto: T;
  /** field → first message; empty when the form is valid. */
  errors: FieldErrors;
  /** Every refusal with its code and arguments, to say it in the page's language. */
  list: FieldErrorDto[];
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
  const list = flattenValidationErrors(errors);
  return { dto, errors: toFieldErrors(list), list };
}

/** Form fields arrive as strings; empty means "not given". */
export function str(body: unknown, key: string): string {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : '';
}
