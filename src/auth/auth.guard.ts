import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { RequestWithActor } from '../common/actor.js';
import type { CodedError } from '../common/error-codes.js';
import { cookieOf } from '../common/cookies.js';
import { ACCESS_KEY, type AccessRule } from './access.decorator.js';
import { AuthService } from './auth.service.js';

export const SESSION_COOKIE = 'scorecard_session';

/** A user with a reset (or first) password may do nothing else until they change it; pages send them to the form. */
export class PasswordChangeRequired extends ForbiddenException implements CodedError<'PASSWORD_CHANGE_REQUIRED'> {
  readonly errorCode = 'PASSWORD_CHANGE_REQUIRED';
}

/** The token from `Authorization: Bearer …` (API clients) or the session cookie (browsers). */
export function tokenOf(req: RequestWithActor): string | null {
  const auth = req.header('authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return cookieOf(req, SESSION_COOKIE);
}

/**
 * Closed by default: a route without an access rule is refused for everyone, so a forgotten
 * decorator fails safe (and the access-matrix test names the route).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [ctx.getHandler(), ctx.getClass()]);
    const req = ctx.switchToHttp().getRequest<RequestWithActor>();
    if (!rule) {
      this.logger.error(`${req.method} ${req.path} declares no access rule; refused`);
      throw new ForbiddenException('This route is not open to anyone');
    }
    const token = tokenOf(req);
    const actor = token ? await this.auth.actorForToken(token) : null;
    if (rule.kind === 'public') {
      if (actor) req.actor = actor;
      return true;
    }
    if (!actor) throw new UnauthorizedException(token ? 'Your session has ended; sign in again' : 'Sign in first');
    if (actor.mustChangePassword && !rule.allowWithExpiredPassword) {
      throw new PasswordChangeRequired('Change your password first (POST /api/auth/change-password)');
    }
    if (!rule.roles.includes(actor.role as (typeof rule.roles)[number])) {
      throw new ForbiddenException(`This needs one of the roles: ${rule.roles.join(', ')}`);
    }
    req.actor = actor;
    return true;
  }
}
