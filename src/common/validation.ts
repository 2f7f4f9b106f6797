import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';
import { badRequest, type CodedFieldError } from './errors.js';

/** What each constraint's arguments are called in `params` (class-validator keeps them positional). */
const PARAM_NAMES: Record<string, string[]> = {
  min: ['min'],
  max: ['max'],
  minLength: ['min'],
  maxLength: ['max'],
  isLength: ['min', 'max'],
  arrayMinSize: ['min'],
  arrayMaxSize: ['max'],
  maxDecimals: ['max'],
  isIn: ['values'],
};

type Params = Record<string, string | number | (string | number)[]>;

/** The arguments of one constraint of a DTO's property, named, so pages can say the rule in words. */
export function constraintParams(target: object | undefined, property: string, constraint: string): Params {
  const names = PARAM_NAMES[constraint];
  if (!names || !target) return {};
  const storage = getMetadataStorage();
  const meta = storage
    .getTargetValidationMetadatas(target.constructor, '', true, false)
    .find((m) => m.propertyName === property && constraintName(m) === constraint);
  const params: Params = {};
  names.forEach((name, i) => {
    const v: unknown = meta?.constraints?.[i];
    if (typeof v === 'number' || typeof v === 'string') params[name] = v;
    else if (Array.isArray(v)) params[name] = v.filter((x): x is string | number => typeof x === 'string' || typeof x === 'number');
  });
  return params;
}

/** The name a metadata entry reports its failures under (`ValidateBy` keeps it on the constraint class). */
export function constraintName(m: ValidationMetadata): string | undefined {
  if (m.name) return m.name;
  // The built-in kinds (isDefined, nestedValidation, conditionalValidation …) report under their type.
  if (m.type !== 'customValidation') return m.type;
  if (!m.constraintCls) return undefined;
  return getMetadataStorage().getTargetValidatorConstraints(m.constraintCls)[0]?.name;
}

// Nothing typed: a number field left empty must say "required", not "must not be greater than".
const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** Flattens class-validator's tree into `kpis[2].rule.cap`-style paths, each with its constraint's code and arguments. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): CodedFieldError[] {
  const out: CodedFieldError[] = [];
  for (const e of errors) {
    const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    const constraints = Object.entries(e.constraints ?? {});
    const empty = isEmpty(e.value) && !constraints.some(([code]) => code === 'whitelistValidation');
    for (const [code, message] of empty ? constraints.slice(0, 1) : constraints) {
      out.push({
        field: path,
        code: empty ? 'required' : code === 'whitelistValidation' ? 'unknownField' : code,
        params: empty ? {} : constraintParams(e.target, e.property, code),
        // forbidNonWhitelisted reports "property x should not exist"; say it plainly.
        message: message.replace(/^property (\S+) should not exist$/, '$1 is not a known field'),
      });
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
    // The refused object and value stay on each error (Nest drops the object by default): the rule's
    // arguments are read from it, and an empty value is told apart. Neither is sent to the client.
    validationError: { target: true, value: true },
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
      nulled.map((f) => ({ field: f, code: 'required', params: {}, message: 'cannot be null; leave it out to keep the current value' })),
    );
  }
}
