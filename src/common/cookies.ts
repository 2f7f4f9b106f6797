import type { Request } from 'express';

/**
 * A cookie of the request, as cookie-parser (configureApp) decoded it; null when absent, or when
 * it is not a plain string (cookie-parser turns "j:…" values into objects, which no cookie of ours is).
 */
export function cookieOf(req: Request, name: string): string | null {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  const value = cookies && Object.hasOwn(cookies, name) ? cookies[name] : undefined;
  return typeof value === 'string' ? value : null;
}
