// The first middleware of the app: gives each request its id, and when the response is done, writes
// its one log line and its latency to the metrics. First, so that answers given by later
// middleware (429 from the rate limit, 415, body-parser errors) are logged and counted too.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type pino from 'pino';
import type { RequestWithActor } from '../common/actor.js';
import { loggableHeaders, requestContext } from './logging.js';

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

/** A password-reset link's token is a password for an hour: a log line must not carry it. */
export function loggableUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

/** Response headers worth a look in a log (set-cookie is there only to show a cookie was set; redacted). */
const LOGGED_RESPONSE_HEADERS = ['content-type', 'content-length', 'location', 'retry-after', 'set-cookie'];

function responseHeaders(res: ServerResponse): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const name of LOGGED_RESPONSE_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) headers[name] = value;
  }
  return loggableHeaders(headers);
}

/**
 * The line is written when the response is done (or the client gave up), in pino-http's shape
 * (req, res, reqId, plus route, userId and durationMs), by hand rather than through pino-http, which
 * does its work even when the level hides the line (docs/decisions/0009-request-logging-by-hand.md).
 */
export function httpObserver(root: pino.Logger, sink: HttpRequestSink | null): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const reqId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader(REQUEST_ID_HEADER, reqId);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const finished = res.writableFinished;
      const route = routeOf(req);
      sink?.observeHttp(req.method, route ?? UNMATCHED_ROUTE, finished ? String(res.statusCode) : 'aborted', seconds);
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (!root.isLevelEnabled(level)) return;
      const durationMs = Math.round(seconds * 1000);
      root[level](
        {
          reqId,
          req: { method: req.method, url: loggableUrl(req.originalUrl), headers: loggableHeaders(req.headers), remoteAddress: req.socket.remoteAddress },
          ...(route ? { route } : {}),
          ...((req as RequestWithActor).actor?.userId ? { userId: (req as RequestWithActor).actor?.userId } : {}),
          res: { statusCode: res.statusCode, headers: responseHeaders(res) },
          ...(finished ? {} : { aborted: true }),
          durationMs,
        },
        `${req.method} ${route ?? pathOf(req)} ${finished ? res.statusCode : 'aborted'} ${durationMs} ms`,
      );
    });
    // Everything after runs with the request's id, so Nest's Logger lines carry it.
    requestContext.run({ reqId }, next);
  };
}
