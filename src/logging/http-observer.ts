// The first middleware of the app: gives each request its id, and when the response is done, writes
// its one log line and its latency to the metrics. First, so that answers given by later
// middleware (429 from the rate limit, 415, body-parser errors) are logged and counted too.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type pino from 'pino';
import { pinoHttp } from 'pino-http';
import type { RequestWithActor } from '../common/actor.js';
import { requestLogger } from './logging.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What the observer reports each finished request to (the metrics service). */
export interface HttpRequestSink {
  observeHttp(method: string, route: string, status: string, seconds: number): void;
}

/** The label of requests that matched no route (404s, and answers given before routing). */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * An incoming X-Request-Id (from a proxy or a client) is kept when it is a plain token, so one id
 * follows the request through every hop; anything else (too long, spaces, control characters that
 * could forge log lines) is replaced by a fresh UUID.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && /^[A-Za-z0-9._:@/+=-]{1,128}$/.test(value)) return value;
  return randomUUID();
}

/** The route pattern that handled the request ('/api/reviews/:id'), never the URL with its ids. */
export function routeOf(req: IncomingMessage): string | null {
  const route = (req as Partial<Request>).route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? route.path : null;
}

function pathOf(req: IncomingMessage): string {
  const url = (req as Partial<Request>).originalUrl ?? req.url ?? '';
  const query = url.indexOf('?');
  return query >= 0 ? url.slice(0, query) : url;
}

/** Response headers worth a look in a log (set-cookie is there only to show a cookie was set; redacted). */
const LOGGED_RESPONSE_HEADERS = ['content-type', 'content-length', 'location', 'retry-after', 'set-cookie'];

export function httpObserver(root: pino.Logger, sink: HttpRequestSink | null): (req: Request, res: Response, next: NextFunction) => void {
  const log = pinoHttp({
    logger: root,
    quietReqLogger: true,
    wrapSerializers: false,
    customAttributeKeys: { responseTime: 'durationMs' },
    genReqId: (req, res) => {
      const id = requestIdFrom(req.headers['x-request-id']);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    serializers: {
      req: (req: IncomingMessage) => ({
        method: req.method,
        url: (req as Partial<Request>).originalUrl ?? req.url,
        headers: req.headers,
        remoteAddress: req.socket?.remoteAddress,
      }),
      res: (res: ServerResponse) => {
        const headers: Record<string, unknown> = {};
        for (const name of LOGGED_RESPONSE_HEADERS) {
          const value = res.getHeader(name);
          if (value !== undefined) headers[name] = value;
        }
        return { statusCode: res.statusCode, headers };
      },
    },
    // Called when the request arrives (route and user unknown, so nothing) and when it is done.
    customProps: (req) => {
      const props: Record<string, unknown> = {};
      const route = routeOf(req);
      if (route) props.route = route;
      const userId = (req as RequestWithActor).actor?.userId;
      if (userId) props.userId = userId;
      return props;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res, ms) => `${req.method} ${routeOf(req) ?? pathOf(req)} ${res.writableFinished ? res.statusCode : 'aborted'} ${ms} ms`,
    customErrorMessage: (req, res) => `${req.method} ${routeOf(req) ?? pathOf(req)} ${res.statusCode} failed`,
  });

  return (req, res, next) => {
    const started = process.hrtime.bigint();
    log(req, res);
    if (sink) {
      res.once('close', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const status = res.writableFinished ? String(res.statusCode) : 'aborted';
        sink.observeHttp(req.method, routeOf(req) ?? UNMATCHED_ROUTE, status, seconds);
      });
    }
    // Everything after runs with the request's logger, so Nest's Logger lines carry its reqId.
    requestLogger.run(req.log, next);
  };
}
