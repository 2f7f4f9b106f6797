import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type HeaderObject,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ReferenceObject,
  type ResponseObject,
  type SchemaObject,
  SwaggerModule,
  getSchemaPath,
} from '@nestjs/swagger';
import { ERROR_DESCRIPTIONS } from '../common/api-errors.decorator.js';
import { ERROR_DETAIL_MODELS, ErrorResponseDto } from '../common/error-response.dto.js';
import { CSRF_COOKIE } from '../auth/csrf.js';
import { SESSION_COOKIE } from '../auth/auth.guard.js';
import { applyQueryRules, applyValidationRules } from './validation-rules.js';
import { ACCESS_EXTENSION, type AccessExtension } from './extensions.js';

type Schema = SchemaObject | ReferenceObject;
const ERROR_REF = { $ref: getSchemaPath(ErrorResponseDto) };
const json = (schema: Schema) => ({ 'application/json': { schema } });

const retryAfter: HeaderObject = { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } };

const SHARED_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  428: 'PreconditionRequired',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

/** The responses that many operations share, each answered in the one error shape. */
const SHARED: Record<number, { name: string; response: ResponseObject }> = Object.fromEntries(
  Object.entries(SHARED_NAMES).map(([status, name]) => [
    status,
    {
      name,
      response: {
        description: ERROR_DESCRIPTIONS[Number(status)],
        ...(status === '429' || status === '503' ? { headers: { 'Retry-After': retryAfter } } : {}),
        content: json(ERROR_REF),
      },
    },
  ]),
);

const WRITES = new Set(['post', 'put', 'patch', 'delete']);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const isRef = (s: unknown): s is ReferenceObject => typeof s === 'object' && s !== null && '$ref' in s;

/**
 * OpenAPI 3.0 `nullable` only widens a `type` beside it: `nullable` with `allOf: [$ref]` (what
 * Nest emits for a nullable object) still refuses null, and a nullable enum must list null.
 */
function fixNullable(schema: unknown): void {
  if (Array.isArray(schema)) {
    schema.forEach(fixNullable);
    return;
  }
  if (typeof schema !== 'object' || schema === null) return;
  const s = schema as SchemaObject & Record<string, unknown>;
  if (s.nullable === true) {
    const ref = isRef(s) ? { $ref: s.$ref } : s.allOf?.length === 1 && isRef(s.allOf[0]) ? s.allOf[0] : null;
    if (ref) {
      delete s.nullable;
      delete s.allOf;
      delete (s as Record<string, unknown>).$ref;
      delete s.type;
      s.oneOf = [ref, { type: 'object', nullable: true, enum: [null] }];
    } else if (Array.isArray(s.enum) && !s.enum.includes(null)) {
      s.enum = [...(s.enum as unknown[]), null];
    }
  }
  for (const value of Object.values(s)) fixNullable(value);
}

/** The scoring rule is one of two shapes, told apart by `type`. */
function splitScoringRule(schemas: Record<string, Schema>): void {
  const rule = schemas.ScoringRuleDto as SchemaObject | undefined;
  if (!rule?.properties) return;
  const pick = (names: string[]) => Object.fromEntries(names.filter((n) => rule.properties?.[n]).map((n) => [n, rule.properties?.[n] as Schema]));
  schemas.RatingRule = {
    type: 'object',
    description: 'Scored from a rating on a scale min..max, one label per point',
    properties: { type: { type: 'string', enum: ['rating'] }, ...pick(['min', 'max', 'points']) },
    required: ['type', 'min', 'max', 'points'],
  };
  schemas.TargetRule = {
    type: 'object',
    description: 'Scored from the actual result against a target',
    properties: { type: { type: 'string', enum: ['target'] }, ...pick(['target', 'unit', 'direction', 'cap', 'threshold']) },
    required: ['type', 'target', 'unit', 'direction', 'cap'],
  };
  schemas.ScoringRuleDto = {
    description: rule.description ?? 'How a KPI is scored',
    oneOf: [{ $ref: '#/components/schemas/RatingRule' }, { $ref: '#/components/schemas/TargetRule' }],
    discriminator: { propertyName: 'type', mapping: { rating: '#/components/schemas/RatingRule', target: '#/components/schemas/TargetRule' } },
  };
}

function ensureResponse(op: OperationObject, status: number): void {
  const key = String(status);
  if (!op.responses[key]) op.responses[key] = { $ref: `#/components/responses/${SHARED[status].name}` };
}

function completeOperation(path: string, method: string, op: OperationObject & Record<string, unknown>): void {
  const access = op[ACCESS_EXTENSION] as AccessExtension | undefined;
  delete op[ACCESS_EXTENSION];
  if (!op.summary) op.summary = `${method.toUpperCase()} ${path}`;
  if (access?.kind === 'public') {
    op.security = [];
  } else if (access?.kind === 'roles') {
    const who = access.roles.length === 4 ? 'Any signed-in user' : `Roles: ${access.roles.join(', ')}`;
    op.description = op.description ? `${op.description}\n\n${who}.` : `${who}.`;
  }
  // Errors are JSON whatever the success type is (ApiProduces would have made them PDF or zip).
  for (const [status, response] of Object.entries(op.responses)) {
    if (!response || Number(status) < 400 || isRef(response)) continue;
    // A JSON body of its own (the health report that a 503 of readiness carries) stays as declared.
    const own = response.content?.['application/json']?.schema;
    if (own && !(isRef(own) && own.$ref === ERROR_REF.$ref)) {
      if (Number(status) === 429 || Number(status) === 503) response.headers = { 'Retry-After': retryAfter, ...response.headers };
      continue;
    }
    const shared = SHARED[Number(status)];
    if (shared && (!response.description || response.description === shared.response.description || response.description === 'Error')) {
      op.responses[status] = { $ref: `#/components/responses/${shared.name}` };
    } else {
      response.content = json(ERROR_REF);
      if (Number(status) === 429 || Number(status) === 503) response.headers = { 'Retry-After': retryAfter, ...response.headers };
    }
  }
  const params = op.parameters ?? [];
  applyQueryRules(params.filter((p): p is ParameterObject => !isRef(p)));
  // Every path parameter is an id that ParseIdPipe checks.
  for (const p of params) if (!isRef(p) && p.in === 'path' && p.schema && !isRef(p.schema)) p.schema.format = 'uuid';
  const hasPathParams = params.some((p) => !isRef(p) && p.in === 'path');
  const hasQuery = params.some((p) => !isRef(p) && p.in === 'query');
  if (hasPathParams || hasQuery || op.requestBody) ensureResponse(op, 400);
  // An id in the path, or in a filter (a cycle, a manager), may name nothing the caller may see.
  if (hasPathParams || params.some((p) => !isRef(p) && p.in === 'query' && p.schema && !isRef(p.schema) && p.schema.format === 'uuid')) ensureResponse(op, 404);
  if (op.requestBody) {
    ensureResponse(op, 413);
    ensureResponse(op, 415);
  }
  if (access?.kind !== 'public') ensureResponse(op, 401);
  // Roles (and a pending password change) refuse with 403; so does the CSRF check on any write.
  if ((access?.kind === 'roles' && !access.anyRole) || WRITES.has(method)) ensureResponse(op, 403);
  if (params.some((p) => !isRef(p) && p.in === 'header' && p.name === 'If-Match')) {
    ensureResponse(op, 409);
    ensureResponse(op, 428);
  }
  ensureResponse(op, 429);
  ensureResponse(op, 503);
  // Responses in status order read better in every viewer.
  op.responses = Object.fromEntries(Object.entries(op.responses).sort(([a], [b]) => a.localeCompare(b)));
}

/** The API's OpenAPI document, as served at /api/docs-json. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Scorecard API')
      .setDescription(
        'Performance reviews with role-specific KPI templates and explainable scores. Every write carries the version it read ' +
          '(If-Match header or `version` field); a stale version gets 409 with code STALE_VERSION. Errors share one shape ' +
          '(ErrorResponse) with a stable `code`.\n\n' +
          'Sign in with POST /api/auth/login: API clients send the returned token as `Authorization: Bearer <token>`. Browsers get ' +
          `the same token in the httpOnly \`${SESSION_COOKIE}\` cookie; a write authenticated by that cookie must repeat the ` +
          `\`${CSRF_COOKIE}\` cookie's value in the \`X-CSRF-Token\` header (bearer clients need no CSRF token).`,
      )
      .setVersion('1')
      .setLicense('Proprietary', 'https://example.com/scorecard/license')
      .addServer('/', 'This server')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The token from POST /api/auth/login' }, 'bearer')
      .addCookieAuth(
        SESSION_COOKIE,
        { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /api/auth/login; writes also need X-CSRF-Token' },
        'cookie',
      )
      .addSecurityRequirements('bearer')
      .addSecurityRequirements('cookie')
      .build(),
    { extraModels: [ErrorResponseDto, ...ERROR_DETAIL_MODELS] },
  );
  const components = doc.components ?? {};
  doc.components = components;
  const schemas = (components.schemas ??= {});
  applyValidationRules(schemas);
  splitScoringRule(schemas);
  // Each health check reports facts of its own beside its status (pid, queue counts, the browser's path).
  const indicator = schemas.HealthIndicatorDto as SchemaObject | undefined;
  if (indicator) indicator.additionalProperties = true;
  components.responses = Object.fromEntries(Object.values(SHARED).map(({ name, response }) => [name, response]));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) completeOperation(path, method, op as OperationObject & Record<string, unknown>);
    }
  }
  fixNullable(doc.paths);
  fixNullable(schemas);
  return doc;
}
