import { HttpException, HttpStatus } from '@nestjs/common';
import type { FieldErrorDto } from './error-response.dto.js';

/** An HTTP error that carries field-level messages and facts in our one error shape. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    message: string,
    readonly fieldErrors?: FieldErrorDto[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message, status);
  }
}

export const badRequest = (message: string, errors?: FieldErrorDto[], details?: Record<string, unknown>) =>
  new ApiError(HttpStatus.BAD_REQUEST, message, errors, details);
export const notFound = (what: string, id: string) => new ApiError(HttpStatus.NOT_FOUND, `${what} ${id} was not found`);
export const conflict = (message: string, details?: Record<string, unknown>, errors?: FieldErrorDto[]) =>
  new ApiError(HttpStatus.CONFLICT, message, errors, details);
