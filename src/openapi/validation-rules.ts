import type { ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import * as audit from '../audit/dto/audit.dto.js';
import * as auth from '../auth/dto/auth.dto.js';
import * as pagination from '../common/pagination.js';
import * as cycles from '../cycles/dto/cycle.dto.js';
import * as employees from '../employees/dto/employee.dto.js';
import * as exportsDto from '../exports/dto/export.dto.js';
import * as kpis from '../kpi-templates/dto/kpi.dto.js';
import * as templates from '../kpi-templates/dto/template.dto.js';
import * as reviews from '../reviews/dto/review.dto.js';
import * as scorecards from '../scorecards/dto/scorecard.dto.js';

// The modules whose classes the API validates its input with.
const DTO_MODULES: Record<string, unknown>[] = [audit, auth, pagination, cycles, employees, exportsDto, kpis, templates, reviews, scorecards];
const DATE_ONLY = /^\^\\d\{4\}-\\d\{2\}-\\d\{2\}\$$/;

type Constraints = unknown[] | undefined;

/** One class-validator rule as JSON Schema keywords (only those that say what the server enforces). */
function keywordsOf(name: string | undefined, constraints: Constraints, current: SchemaObject): Partial<SchemaObject> {
  const c = constraints ?? [];
  switch (name) {
    case 'isInt':
      return { type: 'integer' };
    case 'isUuid':
      return { format: 'uuid' };
    case 'isEmail':
      return { format: 'email' };
    case 'isBoolean':
      return current.type === 'boolean' ? {} : { type: 'boolean' };
    case 'matches': {
      const re = c[0];
      if (!(re instanceof RegExp)) return {};
      return DATE_ONLY.test(re.source) ? { format: 'date', pattern: re.source } : { pattern: re.source };
    }
    case 'min':
      return typeof c[0] === 'number' ? { minimum: c[0] } : {};
    case 'max':
      return typeof c[0] === 'number' ? { maximum: c[0] } : {};
    case 'isLength':
      return { ...(typeof c[0] === 'number' && c[0] > 0 ? { minLength: c[0] } : {}), ...(typeof c[1] === 'number' ? { maxLength: c[1] } : {}) };
    case 'maxLength':
      return typeof c[0] === 'number' ? { maxLength: c[0] } : {};
    case 'arrayMaxSize':
      return typeof c[0] === 'number' ? { maxItems: c[0] } : {};
    case 'arrayMinSize':
      return typeof c[0] === 'number' ? { minItems: c[0] } : {};
    case 'isIn':
      return current.enum || !Array.isArray(c[0]) ? {} : { enum: c[0] as unknown[] };
    case 'isNumber': {
      // Decimal places as multipleOf would fail on binary floating point (0.1 * 3); say it in words.
      const places = (c[0] as { maxDecimalPlaces?: number } | undefined)?.maxDecimalPlaces;
      return places !== undefined ? { description: `${current.description ? `${current.description}; ` : ''}at most ${places} decimal places` } : {};
    }
    case 'isNumberString':
      return { pattern: '^[0-9]+$' };
    default:
      return {};
  }
}

/**
 * Writes the rules that class-validator enforces on input DTOs (integers, formats, patterns,
 * ranges, lengths, sizes) into their schemas, so the document states exactly what the server
 * checks: one source, no second list to keep in step.
 */
export function applyValidationRules(schemas: Record<string, SchemaObject | ReferenceObject>): void {
  const storage = getMetadataStorage();
  for (const mod of DTO_MODULES) {
    for (const value of Object.values(mod)) {
      if (typeof value !== 'function') continue;
      const schema = schemas[value.name] as SchemaObject | undefined;
      if (!schema?.properties) continue;
      for (const meta of storage.getTargetValidationMetadatas(value, '', true, false)) {
        if (meta.type !== 'customValidation' || meta.each) continue;
        const prop = schema.properties[meta.propertyName] as SchemaObject | undefined;
        if (!prop || '$ref' in prop) continue;
        // Arrays of values carry the rule on their items, except for the array's own size.
        const target =
          prop.type === 'array' && meta.name !== 'arrayMaxSize' && meta.name !== 'arrayMinSize' && prop.items && !('$ref' in prop.items) ? prop.items : prop;
        Object.assign(target, keywordsOf(meta.name, meta.constraints as Constraints, target));
      }
    }
  }
}

/**
 * Query parameters are spread out of their DTO by Nest, so they get the same rules here: from the
 * query DTO that declares every parameter of the operation.
 */
export function applyQueryRules(params: ParameterObject[]): void {
  const query = params.filter((p) => p.in === 'query');
  if (query.length === 0) return;
  const storage = getMetadataStorage();
  for (const mod of DTO_MODULES) {
    for (const value of Object.values(mod)) {
      if (typeof value !== 'function' || !value.name.endsWith('QueryDto')) continue;
      const metas = storage.getTargetValidationMetadatas(value, '', true, false).filter((m) => m.type === 'customValidation' && !m.each);
      const names = new Set(metas.map((m) => m.propertyName));
      if (!query.every((p) => names.has(p.name))) continue;
      for (const meta of metas) {
        const param = query.find((p) => p.name === meta.propertyName);
        const schema = param?.schema as SchemaObject | undefined;
        if (schema && !('$ref' in schema)) Object.assign(schema, keywordsOf(meta.name, meta.constraints as Constraints, schema));
      }
      return;
    }
  }
}
