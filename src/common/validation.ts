import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { badRequest } from './errors.js';
import type { FieldErrorDto } from './error-response.dto.js';

/** Flattens class-validator's tree into `kpis[2].rule.cap`-style paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldErrorDto[] {
  const out: FieldErrorDto[] = [];
  for (const e of errors) {
    const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) {
      // forbidNonWhitelisted reports "property x should not exist"; say it plainly.
      out.push({ field: path, message: message.replace(/^property (\S+) should not exist$/, '$1 is not a known field') });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      const summary = fieldErrors
        .slice(0, 3)
        .map((e) => `${e.field}: ${e.message}`)
        .join('; ');
      return badRequest(`Validation failed: ${summary}${fieldErrors.length > 3 ? '; …' : ''}`, fieldErrors);
    },
  });
}

/**
 * `@IsOptional()` lets null through as "not sent"; for fields that cannot be empty a PATCH must
 * leave them out instead of nulling them.
 */
export function rejectNulls<T extends object>(dto: T, fields: (keyof T & string)[]): void {
  const nulled = fields.filter((f) => dto[f] === null);
  if (nulled.length > 0) {
    throw badRequest(
      `Validation failed: ${nulled.map((f) => `${f} cannot be null`).join('; ')}`,
      nulled.map((f) => ({ field: f, message: 'cannot be null; leave it out to keep the current value' })),
    );
  }
}
