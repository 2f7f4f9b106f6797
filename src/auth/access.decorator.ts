import { SetMetadata } from '@nestjs/common';
import type { UserRole } from './user.entity.js';

export const ACCESS_KEY = 'scorecard:access';

/** Every route declares who may call it; the global guard refuses routes that do not. */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'roles'; roles: readonly UserRole[]; allowWithExpiredPassword?: boolean };

/** Anyone, signed in or not (sign-in, health, API docs). */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessRule);

/** Signed-in users with one of these roles. Row-level scope is then the service's job. */
export const Allow = (...roles: UserRole[]) => SetMetadata(ACCESS_KEY, { kind: 'roles', roles } satisfies AccessRule);

export const ALL_ROLES: readonly UserRole[] = ['admin', 'hr', 'manager', 'employee'];

/** Any signed-in user, even one who must change their password first (me, logout, change-password). */
export const SignedIn = () => SetMetadata(ACCESS_KEY, { kind: 'roles', roles: ALL_ROLES, allowWithExpiredPassword: true } satisfies AccessRule);
