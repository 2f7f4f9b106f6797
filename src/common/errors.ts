import { HttpException } from '@nestjs/common';
import { type ErrorCode, type ErrorDetails, STATUS_OF } from './error-codes.js';
import type { FieldErrorDto } from './error-response.dto.js';

export { defaultCode, ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * A domain error in our one error shape: a stable code (which fixes the HTTP status), the details
 * that code carries, and field-level messages when the input was at fault.
 */
export class ApiError<C extends ErrorCode = ErrorCode> extends HttpException {
  readonly fieldErrors?: FieldErrorDto[];
  readonly details?: ErrorDetails<C>;

  constructor(
    readonly code: C,
    message: string,
    extra: { errors?: CodedFieldError[]; details?: ErrorDetails<C> } = {},
  ) {
    super(message, STATUS_OF[code]);
    if (extra.errors) this.fieldErrors = extra.errors;
    if (extra.details) this.details = extra.details;
  }
}

/** Whether `err` is our error with that code; its details are then typed. */
export function isApiError<C extends ErrorCode>(err: unknown, code: C): err is ApiError<C> {
  return err instanceof ApiError && err.code === code;
}

/** `instanceof` on the generic class would widen its code to any; this keeps it an ErrorCode. */
export function isAnyApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/**
 * A field error the service found: always with the code of the rule it broke (validation.rule.* in
 * the page dictionaries), so that a page says it in its own language, never in this English.
 */
export type CodedFieldError = FieldErrorDto & { code: string };

export const badRequest = (message: string, errors?: CodedFieldError[], details?: ErrorDetails<'VALIDATION_FAILED'>) =>
  new ApiError('VALIDATION_FAILED', message, { errors, details });
export const notFound = (what: string, id: string) => new ApiError('NOT_FOUND', `${what} ${id} was not found`);
/** 409 for a change the object's state forbids. */
export const conflict = (message: string, details?: ErrorDetails<'INVALID_STATE'>, errors?: CodedFieldError[]) =>
  new ApiError('INVALID_STATE', message, { errors, details });
/** 409 for a value that must be unique and is taken. */
export const duplicate = (message: string, errors: CodedFieldError[], details?: ErrorDetails<'DUPLICATE'>) =>
  new ApiError('DUPLICATE', message, { errors, details });
/** 409 for a write based on a version someone else has since replaced. */
export const staleVersion = (message: string, details?: ErrorDetails<'STALE_VERSION'>) => new ApiError('STALE_VERSION', message, { details });
/** 409 for a delete refused because other records still point at the object. */
export const stillReferenced = (message: string, details?: ErrorDetails<'STILL_REFERENCED'>) => new ApiError('STILL_REFERENCED', message, { details });
/** 429: too many tries; when to try again is in the details (and the Retry-After header). */
export const throttled = (message: string, retryAfterSeconds: number) => new ApiError('THROTTLED', message, { details: { retryAfterSeconds } });
