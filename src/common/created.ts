import { applyDecorators, type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, type Type, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';

/** Points `Location` at the created object: the collection it was posted to, then its id. */
@Injectable()
export class LocationInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = ctx.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        const id = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
        if (typeof id === 'string') res.setHeader('Location', `${req.baseUrl}${req.path.replace(/\/+$/, '')}/${encodeURIComponent(id)}`);
        return body;
      }),
    );
  }
}

/** A create: 201 with the new object and its address in `Location`. */
export const ApiCreated = (type: Type<unknown>, description = 'Created; `Location` is its address') =>
  applyDecorators(
    ApiCreatedResponse({
      type,
      description,
      headers: { Location: { description: 'Path of the new object', schema: { type: 'string', example: '/api/things/3f1c…' } } },
    }),
    UseInterceptors(LocationInterceptor),
  );
