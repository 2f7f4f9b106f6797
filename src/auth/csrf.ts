// Cross-site request forgery protection, double-submit style: a random token lives in a cookie
// (httpOnly, SameSite=Lax) and every state-changing request from a page must repeat it, in the
// `_csrf` form field or the `X-CSRF-Token` header. A forged request from another site cannot read
// the cookie, so it cannot repeat the token. SameSite=Lax alone is not enough: it lets top-level
// GET navigations through and does nothing against a sibling subdomain of the same site.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SESSION_COOKIE } from './auth.guard.js';

export const CSRF_COOKIE = 'scorecard_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const TOKEN = /^[A-Za-z0-9_-]{32,128}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function cookie(req: Request, name: string): string | null {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return rest.join('=');
  }
  return null;
}

/** The request's token, creating (and setting) one when the browser has none yet. */
export function ensureCsrfToken(req: Request, res: Response, secure: boolean): string {
  const existing = cookie(req, CSRF_COOKIE);
  if (existing && TOKEN.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  // Lives as long as the browser session; a new sign-in keeps it, which is harmless: it proves
  // "this page came from us", not who is signed in.
  res.cookie(CSRF_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  // Later code in this same request (the page template) must see the new token too.
  req.headers.cookie = `${req.headers.cookie ? `${req.headers.cookie}; ` : ''}${CSRF_COOKIE}=${token}`;
  return token;
}

/**
 * A browser's Origin header naming another host than the one asked. "null" is what browsers send
 * for form posts under our own `Referrer-Policy: no-referrer`, so it proves nothing for pages
 * (their token decides); scripts' fetch calls always name their real origin, so for the API it
 * counts as foreign.
 */
function foreignOrigin(req: Request, nullIsForeign: boolean): boolean {
  const origin = req.header('origin');
  if (!origin) return false;
  if (origin === 'null') return nullIsForeign;
  try {
    return new URL(origin).host !== req.header('host');
  } catch {
    return true;
  }
}

const isApi = (req: Request) => req.path === '/api' || req.path.startsWith('/api/');

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Which writes need the token: every write to a page route (signed in or not: a forged sign-in is
 * an attack too), and writes to the API that a browser authenticates with the session cookie. API
 * clients sending `Authorization: Bearer` are not exposed to CSRF (browsers never add that header
 * on their own) and need nothing more.
 */
export function csrfProblem(req: Request, allowedOrigins: readonly string[] = []): string | null {
  if (SAFE_METHODS.has(req.method)) return null;
  if (isApi(req)) {
    if (req.header('authorization')?.startsWith('Bearer ')) return null;
    // Without a session cookie there is nothing to ride on, except signing the victim in to the
    // attacker's account (login CSRF): a browser names the page's origin, and a foreign one that
    // CORS_ORIGINS does not list is refused.
    if (foreignOrigin(req, true) && !allowedOrigins.includes(req.header('origin') ?? '')) return 'Requests from another site are refused';
    if (cookie(req, SESSION_COOKIE) === null) return null;
  } else if (foreignOrigin(req, false)) {
    // Pages refuse a foreign Origin outright: no other site has a reason to post here.
    return 'This form was sent from another site';
  }
  const expected = cookie(req, CSRF_COOKIE);
  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = body && typeof body === 'object' && typeof body[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : undefined;
  const sent = req.header(CSRF_HEADER) ?? fromBody;
  if (!expected || !TOKEN.test(expected) || typeof sent !== 'string' || !sameToken(expected, sent)) {
    return isApi(req)
      ? `Cookie-authenticated writes must repeat the ${CSRF_COOKIE} cookie in the X-CSRF-Token header (or use a bearer token)`
      : 'This form has expired or did not come from this site; reload the page and try again';
  }
  return null;
}

export class CsrfRejected extends ForbiddenException {}

/** Global, beside the auth guard: runs for every routed request. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const problem = csrfProblem(req, this.config.http.corsOrigins);
    if (problem) throw new CsrfRejected(problem);
    // Consumed: the field is not part of any form's data, and DTOs refuse unknown fields.
    const body = req.body as Record<string, unknown> | undefined;
    if (body && typeof body === 'object' && Object.hasOwn(body, CSRF_FIELD)) delete body[CSRF_FIELD];
    return true;
  }
}
