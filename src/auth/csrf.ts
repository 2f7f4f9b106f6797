// Cross-site request forgery protection. Every state-changing request from a page, and every API
// write a browser authenticates with the session cookie, must repeat a token in the `_csrf` form
// field or the `X-CSRF-Token` header. Signed in, the token is an HMAC of the session token (which
// only the browser and we know), so it changes with every sign-in and a token planted by another
// site (a sibling subdomain can set our cookies) is worth nothing. Before sign-in it is a random
// value in a cookie (double submit), rotated at sign-in and sign-out; there the Origin and Referer
// checks carry the weight against login CSRF. SameSite=Lax alone is not enough: it lets top-level
// GET navigations through and does nothing against a sibling subdomain of the same site.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { CodedError } from '../common/error-codes.js';
import { cookieOf } from '../common/cookies.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SESSION_COOKIE, tokenOf } from './auth.guard.js';

export const CSRF_COOKIE = 'scorecard_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const TOKEN = /^[A-Za-z0-9_-]{32,128}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The signed-in browser's token: bound to its session, so it cannot be planted or carried over. */
function sessionBoundToken(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('scorecard csrf v1').digest('base64url');
}

/** The session cookie's token (not a bearer token: bearer clients need no CSRF token). */
function sessionCookieOf(req: Request): string | null {
  if (cookieOf(req, SESSION_COOKIE) === null) return null;
  const auth = req.header('authorization');
  return auth?.startsWith('Bearer ') ? null : tokenOf(req);
}

/** The token the request's forms must carry: the session's, or else the browser's anonymous one (set here when it has none yet). */
export function ensureCsrfToken(req: Request, res: Response, secure: boolean): string {
  const session = sessionCookieOf(req);
  if (session) return sessionBoundToken(session);
  const existing = cookieOf(req, CSRF_COOKIE);
  if (existing && TOKEN.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  res.cookie(CSRF_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  // Later code in this same request (the page template) must see the new token too.
  req.cookies = { ...(req.cookies as Record<string, unknown> | undefined), [CSRF_COOKIE]: token };
  return token;
}

/** Sign-in and sign-out start a new anonymous token: one known before cannot be used after. */
export function rotateAnonymousCsrfToken(res: Response): void {
  res.clearCookie(CSRF_COOKIE, { path: '/' });
}

/**
 * Where a write came from, by the browser's word: "foreign" when its Origin (or, without one, its
 * Referer) names another host than the one asked, or when Origin is the opaque "null" (sandboxed
 * frames, data: URLs, some redirects), which no page of ours sends: our Referrer-Policy is
 * same-origin, so our own forms name their origin.
 */
function foreignSource(req: Request): boolean {
  const source = req.header('origin') ?? req.header('referer');
  if (!source) return false;
  if (source === 'null') return true;
  try {
    return new URL(source).host !== req.header('host');
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
    if (foreignSource(req) && !allowedOrigins.includes(req.header('origin') ?? '')) return 'Requests from another site are refused';
    if (cookieOf(req, SESSION_COOKIE) === null) return null;
  } else if (foreignSource(req)) {
    // Pages refuse a foreign source outright: no other site has a reason to post here.
    return 'This form was sent from another site';
  }
  const session = sessionCookieOf(req);
  const anonymous = cookieOf(req, CSRF_COOKIE);
  const expected = session ? sessionBoundToken(session) : anonymous && TOKEN.test(anonymous) ? anonymous : null;
  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = body && typeof body === 'object' && typeof body[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : undefined;
  const sent = req.header(CSRF_HEADER) ?? fromBody;
  if (!expected || typeof sent !== 'string' || !sameToken(expected, sent)) {
    return isApi(req)
      ? `Cookie-authenticated writes must repeat the page's CSRF token in the X-CSRF-Token header (or use a bearer token)`
      : 'This form has expired or did not come from this site; reload the page and try again';
  }
  return null;
}

/** A 403 with its own code, so that pages can say "reload the form" rather than "not allowed". */
export class CsrfRejected extends ForbiddenException implements CodedError<'CSRF_REJECTED'> {
  readonly errorCode = 'CSRF_REJECTED';
}

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
