import type { Response } from 'express';
import { SESSION_COOKIE } from './auth.guard.js';
import { rotateAnonymousCsrfToken } from './csrf.js';

/** One cookie for API sign-ins and the sign-in page alike, so both behave the same. */
export function setSessionCookie(res: Response, token: string, expiresAt: Date, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, expires: expiresAt, path: '/' });
  rotateAnonymousCsrfToken(res);
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
  rotateAnonymousCsrfToken(res);
}
