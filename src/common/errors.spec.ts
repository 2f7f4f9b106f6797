import { describe, expect, it } from '@jest/globals';
import { defaultCode, ERROR_CODES, isCodedError, STATUS_OF } from './error-codes.js';
import { ApiError, badRequest, conflict, duplicate, isApiError, notFound, staleVersion, stillReferenced, throttled } from './errors.js';

describe('error codes', () => {
  it('gives every code an HTTP status, and the default code of that status has the same status', () => {
    for (const code of ERROR_CODES) {
      expect([400, 401, 403, 404, 405, 409, 413, 415, 428, 429, 500, 503]).toContain(STATUS_OF[code]);
      expect(STATUS_OF[defaultCode(STATUS_OF[code])]).toBe(STATUS_OF[code]);
    }
  });

  it('takes the status from the code', () => {
    expect(badRequest('bad').getStatus()).toBe(400);
    expect(notFound('Review', 'x').getStatus()).toBe(404);
    expect(conflict('no', { status: 'finalized' }).getStatus()).toBe(409);
    expect(duplicate('taken', [{ field: 'email', code: 'unique', message: 'must be unique' }]).getStatus()).toBe(409);
    expect(stillReferenced('in use', { reviews: 2 }).getStatus()).toBe(409);
    expect(new ApiError('INVALID_CREDENTIALS', 'Wrong email or password').getStatus()).toBe(401);
    expect(new ApiError('PRECONDITION_REQUIRED', 'Send the version').getStatus()).toBe(428);
  });

  it('carries the details of its code', () => {
    const stale = staleVersion('changed by someone else', { currentVersion: 4, yourVersion: 3 });
    expect(stale.code).toBe('STALE_VERSION');
    expect(stale.details).toEqual({ currentVersion: 4, yourVersion: 3 });
    const slow = throttled('Too many', 30);
    expect([slow.getStatus(), slow.code, slow.details]).toEqual([429, 'THROTTLED', { retryAfterSeconds: 30 }]);
  });

  it('tells codes apart without reading the message', () => {
    const stale = staleVersion('Review x was changed by someone else');
    expect(isApiError(stale, 'STALE_VERSION')).toBe(true);
    expect(isApiError(stale, 'INVALID_STATE')).toBe(false);
    expect(isApiError(conflict('Review x was changed by someone else'), 'STALE_VERSION')).toBe(false);
    expect(isApiError(new Error('STALE_VERSION'), 'STALE_VERSION')).toBe(false);
  });

  it('knows an error of a lower layer that says its code', () => {
    const coded = Object.assign(new Error('The PDF renderer is busy'), {
      errorCode: 'SERVICE_UNAVAILABLE',
      errorDetails: { code: 'RENDERER_BUSY', retryAfterSeconds: 2 },
    });
    expect(isCodedError(coded)).toBe(true);
    expect(isCodedError(Object.assign(new Error('x'), { errorCode: 'NO_SUCH_CODE' }))).toBe(false);
    expect(isCodedError({ errorCode: 'SERVICE_UNAVAILABLE' })).toBe(false);
  });
});
