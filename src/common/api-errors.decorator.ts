import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto.js';

/** What each shared error status means; the OpenAPI document turns these into shared responses. */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (VALIDATION_FAILED, MALFORMED_BODY); `errors` names each offending field',
  401: 'Not signed in, or the session has ended (UNAUTHENTICATED)',
  403: 'FORBIDDEN: your role may not do this; PASSWORD_CHANGE_REQUIRED: change the temporary password first; CSRF_REJECTED: a cookie-authenticated write without the X-CSRF-Token header, or a write from a foreign origin',
  404: 'No such object, or not one you may see (NOT_FOUND)',
  409: 'STALE_VERSION: someone saved in between (details: StaleVersionDetails); DUPLICATE: a unique value is taken; INVALID_STATE: the state forbids this; STILL_REFERENCED: other records still point at it',
  413: 'Request body too large (PAYLOAD_TOO_LARGE)',
  415: 'Send the body as application/json (UNSUPPORTED_MEDIA_TYPE)',
  428: 'The version you read is missing: send If-Match or `version` (PRECONDITION_REQUIRED)',
  429: 'Rate limit or sign-in lockout (THROTTLED); wait Retry-After seconds',
  503: 'A dependency (database, PDF browser) is unavailable for now (SERVICE_UNAVAILABLE); wait Retry-After seconds',
};

/** Documents the error responses of a route in the one error shape. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'Error', type: ErrorResponseDto })));

/** Documents the optimistic-lock header a write honours. */
export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The version you read, e.g. `"3"` (alternative to the `version` field; one of the two is required)',
    schema: { type: 'string', pattern: '^(W/)?"?[0-9]{1,9}"?$' },
  });

/** The same header where there is no body to carry `version` (deletes). */
export const ApiIfMatchRequired = () =>
  ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'The version you read, e.g. `"3"`',
    schema: { type: 'string', pattern: '^(W/)?"?[0-9]{1,9}"?$' },
  });
