import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who performs a request, as recorded in the audit log. */
export interface Actor {
  name: string;
  userId: string | null;
}

export const ACTOR_HEADER = 'x-actor';

export function actorFromRequest(req: Request): Actor {
  const header = req.header(ACTOR_HEADER)?.trim().slice(0, 200);
  return { name: header || 'anonymous', userId: null };
}

/** Until sign-in exists, "who" is taken from the X-Actor header. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor =>
  actorFromRequest(ctx.switchToHttp().getRequest<Request>()),
);
