import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { ACCESS_EXTENSION, type AccessExtension } from '../openapi/extensions.js';
import type { UserRole } from './user.entity.js';

export const ACCESS_KEY = 'scorecard:access';

/** Every route declares who may call it; the global guard refuses routes that do not. */
export type AccessRule = { kind: 'public' } | { kind: 'roles'; roles: readonly UserRole[]; allowWithExpiredPassword?: boolean };

// The same rule also goes into the OpenAPI document (security, 401 and 403), so the two cannot disagree.
const documented = (rule: AccessRule, doc: AccessExtension) => applyDecorators(SetMetadata(ACCESS_KEY, rule), ApiExtension(ACCESS_EXTENSION, doc));

/** Anyone, signed in or not (sign-in, health, API docs). */
export const Public = () => documented({ kind: 'public' }, { kind: 'public' });

/** Signed-in users with one of these roles. Row-level scope is then the service's job. */
export const Allow = (...roles: UserRole[]) => documented({ kind: 'roles', roles }, { kind: 'roles', roles, anyRole: false });

export const ALL_ROLES: readonly UserRole[] = ['admin', 'hr', 'manager', 'employee'];

/** Any signed-in user, even one who must change their password first (me, logout, change-password). */
export const SignedIn = () =>
  documented({ kind: 'roles', roles: ALL_ROLES, allowWithExpiredPassword: true }, { kind: 'roles', roles: ALL_ROLES, anyRole: true });
