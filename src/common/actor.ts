import { createParamDecorator, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';

export type ActorRole = 'admin' | 'hr' | 'manager' | 'employee' | 'system';

/** Who performs a request: recorded in the audit log and used to decide what they may see. */
export interface Actor {
  /** Shown in the audit log: the user's email, or `system` / `demo-data`. */
  name: string;
  userId: string | null;
  role: ActorRole;
  /** The employee record the user is linked to (managers and employees always are). */
  employeeId: string | null;
}

export const systemActor = (name = 'system'): Actor => ({ name, userId: null, role: 'system', employeeId: null });

export interface RequestWithActor extends Request {
  actor?: Actor;
}

/** The signed-in user, set by the global guard. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new UnauthorizedException('Sign in first');
  return actor;
});
