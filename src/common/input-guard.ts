import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { badRequest } from './errors.js';

/** Keys that would reach an object's prototype once class-transformer or a spread copies them. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type InputProblem = { kind: 'depth'; field: string; maxDepth: number } | { kind: 'prototype'; field: string } | { kind: 'nul'; field: string };

/**
 * The first thing in a parsed body, query or set of path parameters that no handler should ever
 * see: nesting deeper than `maxDepth` (class-transformer recurses once per level and about 2,000
 * levels, a 4 kB body, overflow its stack: a 500 and 0.15 s of a blocked event loop per request),
 * a prototype key, or a NUL character (PostgreSQL refuses it in text: a 500 after the work is
 * done). Walks with its own stack, so the walk itself cannot overflow.
 */
export function inspectInput(value: unknown, maxDepth: number, root = ''): InputProblem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: here, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof here === 'string') {
      if (here.includes('\u0000')) return { kind: 'nul', field: path };
      continue;
    }
    if (here === null || typeof here !== 'object') continue;
    if (depth >= maxDepth) return { kind: 'depth', field: path, maxDepth };
    if (Array.isArray(here)) {
      for (let i = here.length - 1; i >= 0; i--) stack.push({ value: here[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(here);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const field = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) return { kind: 'prototype', field };
      if (key.includes('\u0000')) return { kind: 'nul', field: field.replace(/\u0000/g, '\\u0000') };
      stack.push({ value: (here as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return null;
}

export function inputProblemMessage(problem: InputProblem): { message: string; fieldMessage: string; code: string; params: Record<string, number> } {
  switch (problem.kind) {
    case 'depth':
      return {
        message: `The request nests deeper than ${problem.maxDepth} levels`,
        fieldMessage: `nests deeper than ${problem.maxDepth} levels`,
        code: 'tooDeep',
        params: { max: problem.maxDepth },
      };
    case 'prototype':
      return { message: `${problem.field} is not a known field`, fieldMessage: 'is not allowed', code: 'unknownField', params: {} };
    case 'nul':
      return {
        message: `${problem.field || 'The request'} contains a NUL character (\\u0000), which text may not hold`,
        fieldMessage: 'must not contain a NUL character',
        code: 'nulCharacter',
        params: {},
      };
  }
}

/**
 * One check of everything a client sent, for the API and the pages alike, before any guard,
 * pipe or service reads it. A guard rather than Express middleware, so the refusal goes through
 * the one exception filter: JSON for the API, an error page for pages.
 */
@Injectable()
export class InputGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const maxDepth = this.config.bodyMaxDepth;
    const problem = inspectInput(req.body, maxDepth) ?? inspectInput(req.query, maxDepth) ?? inspectInput(req.params, maxDepth);
    if (!problem) return true;
    const { message, fieldMessage, code, params } = inputProblemMessage(problem);
    throw badRequest(message, [{ field: problem.field, code, params, message: fieldMessage }]);
  }
}
