import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `errors` names each offending field',
  404: 'No such object',
  409: 'Conflict: stale version, a state that forbids the change, or a duplicate',
  413: 'Request body too large',
  428: 'The version you read is missing (If-Match header or version field)',
};

/** Documents the error responses of a route in the one error shape. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', type: ErrorResponseDto })));

/** Documents the optimistic-lock header every write accepts. */
export const ApiIfMatch = () => ApiHeader({ name: 'If-Match', required: false, description: 'The version you read (alternative to the `version` field)' });
