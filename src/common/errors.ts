import { HttpException, HttpStatus } from '@nestjs/common';
import type { FieldErrorDto } from './error-response.dto.js';

/**
 * The machine-readable `code` of every error body. Clients branch on it (a stale version wants a
 * reload, a duplicate a different value, an invalid state a different action), so codes are
 * stable: add new ones, never rename.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_BODY',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'CSRF_REJECTED',
  'PASSWORD_CHANGE_REQUIRED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'STALE_VERSION',
  'DUPLICATE',
  'INVALID_STATE',
  'STILL_REFERENCED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'PRECONDITION_REQUIRED',
  'THROTTLED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The code an error gets when nothing more specific was said. */
export function defaultCode(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'VALIDATION_FAILED';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return 'INVALID_STATE';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 428:
      return 'PRECONDITION_REQUIRED';
    case 429:
      return 'THROTTLED';
    case 503:
      return 'SERVICE_UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED';
  }
}

/** An HTTP error that carries field-level messages and facts in our one error shape. */
export class ApiError extends HttpException {
  readonly code: ErrorCode;

  constructor(
    status: HttpStatus,
    message: string,
    readonly fieldErrors?: FieldErrorDto[],
    readonly details?: Record<string, unknown>,
    code?: ErrorCode,
  ) {
    super(message, status);
    this.code = code ?? defaultCode(status);
  }
}

export const badRequest = (message: string, errors?: FieldErrorDto[], details?: Record<string, unknown>) =>
  new ApiError(HttpStatus.BAD_REQUEST, message, errors, details);
export const notFound = (what: string, id: string) => new ApiError(HttpStatus.NOT_FOUND, `${what} ${id} was not found`);
/** 409 for a change the object's state forbids (code INVALID_STATE). */
export const conflict = (message: string, details?: Record<string, unknown>, errors?: FieldErrorDto[]) =>
  new ApiError(HttpStatus.CONFLICT, message, errors, details);
/** 409 for a value that must be unique and is taken. */
export const duplicate = (message: string, errors: FieldErrorDto[], details?: Record<string, unknown>) =>
  new ApiError(HttpStatus.CONFLICT, message, errors, details, 'DUPLICATE');
/** 409 for a write based on a version someone else has since replaced. */
export const staleVersion = (message: string, details?: { currentVersion: number; yourVersion: number }) =>
  new ApiError(HttpStatus.CONFLICT, message, undefined, details, 'STALE_VERSION');
/** 409 for a delete refused because other records still point at the object. */
export const stillReferenced = (message: string, details?: Record<string, unknown>) =>
  new ApiError(HttpStatus.CONFLICT, message, undefined, details, 'STILL_REFERENCED');
