import { describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type pino from 'pino';
import { loggableUrl, requestIdFrom, routeOf } from './http-observer.js';
import { AppLogger, createRootLogger, loggableHeaders, parseLogCall, requestContext } from './logging.js';

function capture(logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log'): { root: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const root = createRootLogger({ logLevel, logFormat: 'json' }, { write: (chunk: string) => void chunks.push(chunk) });
  return { root, lines: () => chunks.map((c) => JSON.parse(c) as Record<string, unknown>) };
}

describe('parseLogCall', () => {
  it("reads Nest's Logger calls: the context last, a stack first for errors", () => {
    expect(parseLogCall([undefined, 'Auth'], false)).toEqual({ context: 'Auth', stack: undefined, extra: [] });
    expect(parseLogCall(['Error: x\n    at y', 'HTTP'], true)).toEqual({ context: 'HTTP', stack: 'Error: x\n    at y', extra: [] });
    expect(parseLogCall([undefined, 'HTTP'], true)).toEqual({ context: 'HTTP', stack: undefined, extra: [] });
    expect(parseLogCall([{ a: 1 }, 'Ctx'], false)).toEqual({ context: 'Ctx', stack: undefined, extra: [{ a: 1 }] });
    expect(parseLogCall([], true)).toEqual({ context: undefined, stack: undefined, extra: [] });
  });
});

describe('AppLogger', () => {
  it('writes JSON lines with the context, at the mapped pino level, and drops what LOG_LEVEL hides', () => {
    const { root, lines } = capture('log');
    const logger = new AppLogger(root);
    logger.log('started', 'Scorecard');
    logger.warn('careful', 'Pdf');
    logger.debug('hidden at log level', 'Pdf');
    logger.verbose('hidden too', 'Pdf');
    expect(lines().map((l) => [l.level, l.context, l.msg])).toEqual([
      [30, 'Scorecard', 'started'],
      [40, 'Pdf', 'careful'],
    ]);
  });

  it("keeps an error's name, message, stack and code, but none of its other properties (a query's parameters)", () => {
    const { root, lines } = capture();
    const error = Object.assign(new Error('duplicate key'), { code: '23505', parameters: ['$argon2id$secret-hash', 'hr note text'] });
    new AppLogger(root).error(error, undefined, 'HTTP');
    const [line] = lines();
    expect(line).toMatchObject({ level: 50, context: 'HTTP', msg: 'duplicate key', err: { type: 'Error', message: 'duplicate key', code: '23505' } });
    expect(JSON.stringify(line)).not.toContain('secret-hash');
    expect(JSON.stringify(line)).not.toContain('hr note text');
  });

  it("gives lines logged while a request is handled that request's id, through Nest's Logger", () => {
    const { root, lines } = capture();
    const app = new AppLogger(root);
    Logger.overrideLogger(app);
    try {
      requestContext.run({ reqId: 'req-1' }, () => new Logger('AuthGuard').error('refused'));
      new Logger('Later').log('outside');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines().map((l) => [l.reqId, l.context, l.msg])).toEqual([
      ['req-1', 'AuthGuard', 'refused'],
      [undefined, 'Later', 'outside'],
    ]);
  });
});

describe('loggableHeaders', () => {
  it('replaces credentials, whatever their case, and keeps the rest', () => {
    const headers = {
      authorization: 'Bearer t',
      Cookie: 's=1',
      'set-cookie': ['a=1'],
      'X-CSRF-Token': 'c',
      'proxy-authorization': 'p',
      'user-agent': 'curl',
      'x-request-id': 'r',
    };
    expect(loggableHeaders(headers)).toEqual({
      authorization: '[redacted]',
      Cookie: '[redacted]',
      'set-cookie': '[redacted]',
      'X-CSRF-Token': '[redacted]',
      'proxy-authorization': '[redacted]',
      'user-agent': 'curl',
      'x-request-id': 'r',
    });
    expect(headers.authorization).toBe('Bearer t');
  });
});

describe('loggableUrl', () => {
  it('hides a reset token wherever it sits in the query, and leaves other parameters', () => {
    expect(loggableUrl('/reset-password?token=abc-DEF_123')).toBe('/reset-password?token=[redacted]');
    expect(loggableUrl('/reset-password?lang=zh-CN&token=abc&x=1')).toBe('/reset-password?lang=zh-CN&token=[redacted]&x=1');
    expect(loggableUrl('/api/reviews?cycleId=c1&page=2')).toBe('/api/reviews?cycleId=c1&page=2');
  });
});

describe('requestIdFrom', () => {
  it('keeps a plain token and replaces anything that could forge a log line', () => {
    expect(requestIdFrom('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
    for (const bad of [undefined, '', 'a b', 'x\n{"level":60}', 'x'.repeat(129), 'ünïcode']) {
      expect(requestIdFrom(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});

describe('routeOf', () => {
  it("is the matched route's pattern, or null when nothing matched", () => {
    expect(routeOf({ route: { path: '/api/reviews/:id' } } as never)).toBe('/api/reviews/:id');
    expect(routeOf({} as never)).toBeNull();
    expect(routeOf({ route: { path: /regex/ } } as never)).toBeNull();
  });
});
