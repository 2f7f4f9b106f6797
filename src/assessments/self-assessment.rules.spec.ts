import { describe, expect, it } from '@jest/globals';
import type { AccessScope } from '../auth/access-scope.js';
import type { KpiDefinition } from '../scoring/types.js';
import { checkSelfEntries, entriesInOrder, missingSelfRatings, selfReader } from './self-assessment.rules.js';

const rating = (key: string): KpiDefinition => ({
  key,
  nameZh: key,
  nameEn: key,
  descriptionZh: '',
  descriptionEn: '',
  category: 'skill',
  weight: 50,
  rule: { type: 'rating', min: 1, max: 5, points: [1, 2, 3, 4, 5].map((value) => ({ value, labelZh: `${value}`, labelEn: `${value}` })) },
});
const target = (key: string): KpiDefinition => ({
  ...rating(key),
  rule: { type: 'target', target: 100, unit: '%', direction: 'higher', cap: 120, threshold: null },
});
const KPIS = [target('sales'), rating('communication'), rating('constructor')];

describe('selfReader', () => {
  const hr: AccessScope = { kind: 'everyone' };
  const manager: AccessScope = { kind: 'subtree', managerId: 'm', ids: ['e'] };
  const employee: AccessScope = { kind: 'self', employeeId: 'e' };

  it('the author always; HR always; a manager above only once submitted; nobody else', () => {
    expect(selfReader(employee, 'e', 'e', false)).toBe('author');
    expect(selfReader(hr, null, 'e', false)).toBe('hr');
    expect(selfReader(manager, 'm', 'e', false)).toBeNull();
    expect(selfReader(manager, 'm', 'e', true)).toBe('manager');
    expect(selfReader({ kind: 'subtree', managerId: 'x', ids: ['y'] }, 'x', 'e', true)).toBeNull();
    expect(selfReader({ kind: 'self', employeeId: 'other' }, 'other', 'e', true)).toBeNull();
    // A manager's own review: they are its author, not its manager.
    expect(selfReader(manager, 'm', 'm', false)).toBe('author');
  });
});

describe('checkSelfEntries', () => {
  it('keeps ratings of rating KPIs and comments of any KPI', () => {
    const out = checkSelfEntries(KPIS, [
      { kpiKey: 'sales', comment: 'big year' },
      { kpiKey: 'communication', rating: 4, comment: null },
      { kpiKey: 'constructor', rating: null },
    ]);
    expect(out.errors).toEqual([]);
    expect(out.entries).toEqual({
      sales: { rating: null, comment: 'big year' },
      communication: { rating: 4, comment: '' },
      constructor: { rating: null, comment: '' },
    });
  });

  it('names the field of every refusal', () => {
    const out = checkSelfEntries(KPIS, [
      { kpiKey: 'sales', rating: 3 },
      { kpiKey: 'communication', rating: 0 },
      { kpiKey: 'communication', rating: 3 },
      { kpiKey: 'nope' },
    ]);
    expect(out.errors.map((e) => e.field)).toEqual(['entries[0].rating', 'entries[1].rating', 'entries[2].kpiKey', 'entries[3].kpiKey']);
    expect(out.errors[1].message).toBe('rating must be from 1 to 5');
  });
});

describe('missingSelfRatings and entriesInOrder', () => {
  it('lists rating KPIs without a rating in template order, and fills blanks', () => {
    expect(missingSelfRatings(KPIS, {})).toEqual(['communication', 'constructor']);
    expect(missingSelfRatings(KPIS, { communication: { rating: 2, comment: '' }, constructor: { rating: 5, comment: '' } })).toEqual([]);
    expect(entriesInOrder(KPIS, { communication: { rating: 2, comment: 'ok' } })).toEqual([
      { kpiKey: 'sales', rating: null, comment: '' },
      { kpiKey: 'communication', rating: 2, comment: 'ok' },
      { kpiKey: 'constructor', rating: null, comment: '' },
    ]);
  });
});
