import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Inject, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DB_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './db-unavailable.js';
import { type ErrorCode, defaultCode, isCodedError, STATUS_OF } from './error-codes.js';
import { isAnyApiError } from './errors.js';
import { HTML_ERROR_RENDERER, type HtmlErrorRenderer, isApiPath } from './html-errors.js';
import type { ErrorResponseDto, FieldErrorDto } from './error-response.dto.js';

const FALLBACK_RETRY_AFTER_SECONDS = 10;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

/** PostgreSQL errors that mean "bad input", mapped so that they never surface as a 500. */
function fromDatabase(err: QueryFailedError): ErrorResponseDto | null {
  const driverError = err.driverError as { code?: string; detail?: string; constraint?: string; column?: string };
  switch (driverError.code) {
    case '23505': {
      // A composite key reads "Key (employee_id, cycle_id)=(…)": name each column as its own field.
      const columns = /Key \(([^)]+)\)/
        .exec(driverError.detail ?? '')?.[1]
        ?.split(',')
        .map((c) => c.trim().replace(/_(\w)/g, (_m, ch: string) => ch.toUpperCase()));
      return {
        statusCode: 409,
        code: 'DUPLICATE',
        error: REASONS[409],
        message: `Already exists: ${driverError.detail ?? driverError.constraint ?? 'duplicate value'}`,
        errors: columns?.map((field) => ({
          field,
          code: 'unique',
          params: {},
          message: columns.length > 1 ? `must be unique together with ${columns.filter((c) => c !== field).join(', ')}` : 'must be unique',
        })),
      };
    }
    case '23502': {
      // NOT NULL: a client sent null for something that must have a value.
      const field = driverError.column?.replace(/_(\w)/g, (_m, ch: string) => ch.toUpperCase());
      return {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        error: REASONS[400],
        message: field ? `${field} must not be null` : 'A required value is null',
        ...(field ? { errors: [{ field, code: 'required', params: {}, message: 'must not be null' }] } : {}),
      };
    }
    case '23503':
      return {
        statusCode: 409,
        code: 'STILL_REFERENCED',
        error: REASONS[409],
        message: `Still referenced or refers to something missing: ${driverError.detail ?? ''}`.trim(),
      };
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return { statusCode: 400, code: 'VALIDATION_FAILED', error: REASONS[400], message: `Invalid value: ${err.message}` };
    default:
      return null;
  }
}

/** The machine-readable code of a 503 because PostgreSQL is away (see db-unavailable.ts). */
export const DATABASE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

/** Nest's own exceptions (guards, pipes, unknown routes) carry no code of ours unless they say one. */
function nestExceptionCode(exception: HttpException, status: number): ErrorCode {
  return isCodedError(exception) ? exception.errorCode : defaultCode(status);
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(@Optional() @Inject(HTML_ERROR_RENDERER) private readonly html?: HtmlErrorRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const body = this.toBody(exception);
    if (body.code === DATABASE_UNAVAILABLE) {
      // One line, not a stack per request: during an outage every request lands here.
      this.logger.warn(`${req.method} ${req.path}: database unavailable (${exception instanceof Error ? exception.message : String(exception)})`);
    } else if (body.statusCode >= 500) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (res.headersSent) return;
    // Pages too: a browser or proxy that honours it waits before retrying.
    const retryAfter = body.details && 'retryAfterSeconds' in body.details ? body.details.retryAfterSeconds : undefined;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    // A 503 always says when to come back, even from a lower layer that did not say.
    else if (body.statusCode === 503) res.setHeader('Retry-After', String(FALLBACK_RETRY_AFTER_SECONDS));
    if (this.html && !isApiPath(req.path)) {
      this.html.render(req, res, body, exception);
      return;
    }
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorResponseDto {
    if (isAnyApiError(exception)) {
      const api = exception;
      const status = api.getStatus();
      return {
        statusCode: status,
        code: api.code,
        error: REASONS[status] ?? 'Error',
        message: api.message,
        ...(api.fieldErrors ? { errors: api.fieldErrors } : {}),
        ...(api.details ? { details: api.details } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      let message = exception.message;
      let errors: FieldErrorDto[] | undefined;
      if (typeof response === 'object' && response !== null && 'message' in response) {
        const m = response.message;
        if (Array.isArray(m)) {
          errors = m.map((x) => ({ field: '', code: 'invalid', message: String(x) }));
          message = m.map(String).join('; ');
        } else if (typeof m === 'string') {
          message = m;
        }
      }
      let code = nestExceptionCode(exception, status);
      // Express's body parser errors arrive wrapped with the parser's own wording.
      if (status === 400 && /JSON|Unexpected token|Unexpected end/i.test(message)) {
        message = `Malformed JSON body: ${message}`;
        code = 'MALFORMED_BODY';
      }
      return { statusCode: status, code, error: REASONS[status] ?? 'Error', message, ...(errors ? { errors } : {}) };
    }
    if (isCodedError(exception)) {
      // A lower layer's own error, e.g. the PDF renderer's: the browser is missing, busy, crashed
      // mid-print or too slow (503, the request can be retried).
      const status = STATUS_OF[exception.errorCode];
      const details = exception.errorDetails;
      return { statusCode: status, code: exception.errorCode, error: REASONS[status] ?? 'Error', message: exception.message, ...(details ? { details } : {}) };
    }
    if (exception instanceof Error && exception.message === 'timeout exceeded when trying to connect') {
      // pg's pool gave up waiting for a free connection or a new one (DB_ACQUIRE_TIMEOUT_MS): all taken, or a server that does not answer.
      return {
        statusCode: 503,
        error: REASONS[503],
        code: DATABASE_UNAVAILABLE,
        message: 'The database is busy or cannot be reached; try again in a moment',
        details: { retryAfterSeconds: 1 },
      };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        statusCode: 503,
        error: REASONS[503],
        code: DATABASE_UNAVAILABLE,
        message: `The database cannot be reached right now, so nothing was read or changed; try again in ${DB_RETRY_AFTER_SECONDS} seconds`,
        details: { retryAfterSeconds: DB_RETRY_AFTER_SECONDS },
      };
    }
    if (exception instanceof QueryFailedError) {
      const mapped = fromDatabase(exception as QueryFailedError);
      if (mapped) return mapped;
    }
    const parser = exception as BodyParserError;
    if (parser && typeof parser === 'object' && typeof parser.type === 'string' && parser.expose) {
      const status = parser.status ?? parser.statusCode ?? 400;
      const message =
        parser.type === 'entity.too.large'
          ? 'Request body is too large'
          : parser.type === 'entity.parse.failed'
            ? `Malformed JSON body: ${parser.message ?? ''}`.trim()
            : (parser.message ?? 'Bad request');
      return {
        statusCode: status,
        code: parser.type === 'entity.parse.failed' ? 'MALFORMED_BODY' : defaultCode(status),
        error: REASONS[status] ?? 'Error',
        message,
      };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'INTERNAL',
      error: REASONS[500],
      message: 'Something went wrong on our side; it has been logged',
    };
  }
}
