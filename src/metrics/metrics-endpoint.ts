// GET /metrics for Prometheus: a plain Express route outside the API (no session, no CSRF, no
// rate limit, not in the OpenAPI document), guarded by its own bearer token. Without METRICS_TOKEN
// the route does not exist (404).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { MetricsService } from './metrics.service.js';

export const METRICS_PATH = '/metrics';

/** Compares digests, so neither the token's length nor its content leaks through timing. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

export function metricsHandler(metrics: MetricsService, token: string): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!bearerMatches(req.header('authorization'), token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      res
        .status(401)
        .json({ statusCode: 401, code: 'UNAUTHENTICATED', error: 'Unauthorized', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' });
      return;
    }
    const { contentType, body } = await metrics.render();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  };
}
