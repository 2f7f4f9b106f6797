import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';

/**
 * Whose records an actor may read, decided once per request from the reporting lines as they are
 * now (a re-organisation takes effect at once):
 * - everyone: HR, admins and the system;
 * - subtree: a manager, over themselves and everyone below them (`ids`, not the manager);
 * - self: an employee, or a manager with no employee record (then `employeeId` is null: nobody).
 */
export type AccessScope =
  | { readonly kind: 'everyone' }
  | { readonly kind: 'subtree'; readonly managerId: string; readonly ids: readonly string[] }
  | { readonly kind: 'self'; readonly employeeId: string | null };

/** Limited scopes: the ones that name their people. */
export type LimitedScope = Exclude<AccessScope, { kind: 'everyone' }>;

/** HR, admins and the system read every record; nobody else does. */
export function seesEverything(actor: Pick<Actor, 'role'>): boolean {
  return actor.role === 'admin' || actor.role === 'hr' || actor.role === 'system';
}

/** The scope of an actor, given the ids below them when they manage (see {@link AccessScopes.of}). */
export function scopeOf(actor: Actor, reports: readonly string[]): AccessScope {
  if (seesEverything(actor)) return { kind: 'everyone' };
  if (actor.role === 'manager' && actor.employeeId) return { kind: 'subtree', managerId: actor.employeeId, ids: reports };
  return { kind: 'self', employeeId: actor.employeeId };
}

/** Everyone a limited scope names: the manager and their subtree, or the one person (or nobody). */
export function peopleOf(scope: LimitedScope): string[] {
  if (scope.kind === 'subtree') return [scope.managerId, ...scope.ids];
  return scope.employeeId ? [scope.employeeId] : [];
}

/** The people below the actor: a manager's subtree, else nobody. */
export function teamOf(scope: AccessScope): readonly string[] {
  return scope.kind === 'subtree' ? scope.ids : [];
}

/** Whether the scope covers this employee's records. */
export function covers(scope: AccessScope, employeeId: string): boolean {
  return scope.kind === 'everyone' || peopleOf(scope).includes(employeeId);
}

/**
 * A SQL condition keeping `column` (an employee id) within the scope, its value added with
 * `param`; null when the scope holds everyone and nothing needs to be kept out.
 */
export function scopeSql(scope: AccessScope, column: string, param: (value: unknown) => string): string | null {
  return scope.kind === 'everyone' ? null : `${column} = ANY(${param(peopleOf(scope))}::uuid[])`;
}

/** Resolves actors to their {@link AccessScope} from the reporting lines in the database. */
@Injectable()
export class AccessScopes {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(actor: Actor, m: EntityManager = this.dataSource.manager): Promise<AccessScope> {
    const reports = !seesEverything(actor) && actor.role === 'manager' && actor.employeeId ? await this.subtreeIds(actor.employeeId, m) : [];
    return scopeOf(actor, reports);
  }

  /** Ids of everyone below a manager (reports, their reports, …), not the manager. */
  async subtreeIds(managerId: string, m: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows = await m.query<{ id: string }[]>(
      `WITH RECURSIVE tree AS (
         SELECT id FROM employees WHERE manager_id = $1
         UNION
         SELECT e.id FROM employees e JOIN tree t ON e.manager_id = t.id
       ) SELECT id FROM tree`,
      [managerId],
    );
    return rows.map((r) => r.id);
  }
}
