import { describe, expect, it } from '@jest/globals';
import type { Actor, ActorRole } from '../common/actor.js';
import { type AccessScope, covers, peopleOf, scopeOf, scopeSql, seesEverything, teamOf } from './access-scope.js';

const actor = (role: ActorRole, employeeId: string | null = null): Actor => ({ name: role, userId: null, role, employeeId });

describe('scopeOf', () => {
  it('gives HR, admins and the system everyone, whatever record they are linked to', () => {
    for (const role of ['admin', 'hr', 'system'] as const) {
      expect(seesEverything(actor(role))).toBe(true);
      expect(scopeOf(actor(role, 'e1'), ['x'])).toEqual({ kind: 'everyone' });
    }
  });

  it('gives a manager their subtree, an employee themselves, and an unlinked manager nobody', () => {
    expect(seesEverything(actor('manager', 'm'))).toBe(false);
    expect(scopeOf(actor('manager', 'm'), ['a', 'b'])).toEqual({ kind: 'subtree', managerId: 'm', ids: ['a', 'b'] });
    expect(scopeOf(actor('employee', 'e'), [])).toEqual({ kind: 'self', employeeId: 'e' });
    expect(scopeOf(actor('manager'), [])).toEqual({ kind: 'self', employeeId: null });
  });
});

describe('what a scope covers', () => {
  const everyone: AccessScope = { kind: 'everyone' };
  const subtree: AccessScope = { kind: 'subtree', managerId: 'm', ids: ['a', 'b'] };
  const self: AccessScope = { kind: 'self', employeeId: 'e' };
  const nobody: AccessScope = { kind: 'self', employeeId: null };

  it('names the manager with their subtree, or the one person', () => {
    expect(peopleOf(subtree)).toEqual(['m', 'a', 'b']);
    expect(peopleOf(self)).toEqual(['e']);
    expect(peopleOf(nobody)).toEqual([]);
  });

  it('counts only the people below as the team', () => {
    expect(teamOf(subtree)).toEqual(['a', 'b']);
    expect(teamOf(self)).toEqual([]);
    expect(teamOf(everyone)).toEqual([]);
  });

  it('covers the right people', () => {
    expect(covers(everyone, 'anyone')).toBe(true);
    expect(['m', 'a', 'b', 'z'].map((id) => covers(subtree, id))).toEqual([true, true, true, false]);
    expect(covers(self, 'e')).toBe(true);
    expect(covers(self, 'a')).toBe(false);
    expect(covers(nobody, 'e')).toBe(false);
  });

  it('adds no SQL condition for everyone, and one parameter for a limited scope', () => {
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    expect(scopeSql(everyone, 'e.id', param)).toBeNull();
    expect(params).toEqual([]);
    expect(scopeSql(subtree, 'e.id', param)).toBe('e.id = ANY($1::uuid[])');
    expect(scopeSql(nobody, 'r.employee_id', param)).toBe('r.employee_id = ANY($2::uuid[])');
    expect(params).toEqual([['m', 'a', 'b'], []]);
  });
});
