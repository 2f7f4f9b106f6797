import type { NextFunction, Request, Response } from 'express';

export interface RateLimitRule {
  /** Requests this rule applies to. */
  match: (req: Request) => boolean;
  name: string;
  perMinute: number;
}

/**
 * Fixed one-minute windows per client address and rule, in memory: enough to blunt a flood at
 * one instance. (Sign-in failures are additionally counted in the database per account.)
 */
export function rateLimit(rules: RateLimitRule[]) {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = Date.now();
  return (req: Request, res: Response, next: NextFunction): void => {
    const now = Date.now();
    if (now - lastSweep > 60_000) {
      for (const [key, w] of windows) if (now - w.start >= 60_000) windows.delete(key);
      lastSweep = now;
    }
    for (const rule of rules) {
      if (!rule.match(req)) continue;
      const key = `${rule.name}|${req.ip ?? 'unknown'}`;
      let w = windows.get(key);
      if (!w || now - w.start >= 60_000) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      if (w.count > rule.perMinute) {
        const retryAfter = Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
        res.setHeader('Retry-After', String(retryAfter));
        res.status(429).json({
          statusCode: 429,
          code: 'THROTTLED',
          error: 'Too Many Requests',
          message: `Too many requests (${rule.name}: ${rule.perMinute} a minute); try again in ${retryAfter} s`,
          details: { retryAfterSeconds: retryAfter },
        });
        return;
      }
    }
    next();
  };
}
