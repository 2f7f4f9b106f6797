import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../common/errors.js';
import { ACCOUNT_MANAGER, DEFAULT_BANDS } from '../kpi-templates/default-templates.js';
import type { PublishedVersion } from '../kpi-templates/kpi-templates.service.js';
import type { PinnedTemplate } from './review.entity.js';
import type { AccessScope } from '../auth/access-scope.js';
import {
  canSeeReview,
  editRefusal,
  entriesToInputs,
  pinnedFrom,
  reviewScopeSql,
  reviewViewOf,
  scoreColumns,
  textPatch,
  transitionRefusal,
} from './review.rules.js';

const template: PinnedTemplate = {
  templateId: 't',
  templateVersionId: 'v',
  versionNumber: 3,
  roleCode: 'account_manager',
  roleNameZh: '客户经理',
  roleNameEn: 'Account manager',
  kpis: ACCOUNT_MANAGER.kpis,
  bands: DEFAULT_BANDS,
};

/** The field errors of what `run` throws; fails the test when it throws nothing or something else. */
function fieldErrors(run: () => unknown): { field: string; message: string }[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).getStatus()).toBe(400);
    return (err as ApiError).fieldErrors ?? [];
  }
  throw new Error('expected a refusal');
}

describe('entriesToInputs', () => {
  it('keeps actuals, targets, ratings and non-blank comments under their KPI keys', () => {
    const inputs = entriesToInputs(template, [
      { kpiKey: 'sales_attainment', actual: 2_150_000, target: 2_000_000, comment: 'Q4 push' },
      { kpiKey: 'communication', rating: 4, comment: '   ' },
    ]);
    expect(inputs).toEqual({
      sales_attainment: { actual: 2_150_000, target: 2_000_000, comment: 'Q4 push' },
      communication: { rating: 4, comment: null },
    });
  });

  it('names each bad entry by its position: unknown key, repeated key, wrong kind of input, rating out of scale', () => {
    const errors = fieldErrors(() =>
      entriesToInputs(template, [
        { kpiKey: 'nope', actual: 1 },
        { kpiKey: 'communication', rating: 9 },
        { kpiKey: 'communication', rating: 3 },
        { kpiKey: 'selling', actual: 5, target: 5 },
        { kpiKey: 'customer_satisfaction', rating: 4 },
      ]),
    );
    expect(errors.map((e) => e.field)).toEqual([
      'entries[0].kpiKey',
      'entries[1].rating',
      'entries[2].kpiKey',
      'entries[3].actual',
      'entries[3].target',
      'entries[4].rating',
    ]);
    expect(errors[0].message).toContain('"nope" is not a KPI of this review');
    expect(errors[1].message).toBe('rating must be from 1 to 5');
    expect(errors[2].message).toBe('"communication" appears more than once');
  });

  it('accepts "constructor" only when the template has it: keys are not looked up on a plain object', () => {
    expect(fieldErrors(() => entriesToInputs(template, [{ kpiKey: 'constructor', actual: 1 }])).map((e) => e.field)).toEqual(['entries[0].kpiKey']);
    const odd: PinnedTemplate = { ...template, kpis: [{ ...template.kpis[0], key: 'constructor' }] };
    expect(Object.keys(entriesToInputs(odd, [{ kpiKey: 'constructor', actual: 1 }]))).toEqual(['constructor']);
  });
});

describe('textPatch', () => {
  it('sets only the texts that were sent, empty ones included', () => {
    expect(textPatch({ version: 1, strengths: 'Calm', hrNotes: '' })).toEqual({ strengths: 'Calm', hrNotes: '' });
    expect(textPatch({ version: 1 })).toEqual({});
  });
});

describe('scoreColumns', () => {
  it('stores an empty review as incomplete with no band', () => {
    expect(scoreColumns(template, {})).toEqual({ total: 0, complete: false, bandKey: null });
  });
});

describe('pinnedFrom', () => {
  it('copies the version, role and content a new review keeps', () => {
    const published = {
      template: { id: 'tpl' },
      role: { code: 'account_manager', nameZh: '客户经理', nameEn: 'Account manager' },
      version: { id: 'ver', number: 7, kpis: ACCOUNT_MANAGER.kpis, bands: DEFAULT_BANDS },
    } as unknown as PublishedVersion;
    expect(pinnedFrom(published)).toEqual({ ...template, templateId: 'tpl', templateVersionId: 'ver', versionNumber: 7 });
  });
});

describe('refusals', () => {
  it('say what a review in the wrong state can do instead', () => {
    expect(transitionRefusal('draft', 'finalize', ['submitted'])).toBe('A draft review cannot be finalized; it must be submitted');
    expect(transitionRefusal('draft', 'reopen', ['submitted', 'finalized'])).toBe('A draft review cannot be reopened; it must be submitted or finalized');
    expect(editRefusal('finalized')).toContain('finalized and cannot change');
    expect(editRefusal('submitted')).toContain('awaits finalization');
  });
});

describe('which reviews a scope shows', () => {
  const everyone: AccessScope = { kind: 'everyone' };
  const manager: AccessScope = { kind: 'subtree', managerId: 'm', ids: ['a'] };
  const employee: AccessScope = { kind: 'self', employeeId: 'e' };
  const nobody: AccessScope = { kind: 'self', employeeId: null };
  const review = (employeeId: string, status: 'draft' | 'submitted' | 'finalized') => ({ employeeId, status });

  it("shows everything to HR, a team in any state to its manager, and one's own only once finalized", () => {
    expect(canSeeReview(everyone, review('z', 'draft'))).toBe(true);
    expect(canSeeReview(manager, review('a', 'draft'))).toBe(true);
    expect(canSeeReview(manager, review('m', 'submitted'))).toBe(false);
    expect(canSeeReview(manager, review('m', 'finalized'))).toBe(true);
    expect(canSeeReview(manager, review('z', 'finalized'))).toBe(false);
    expect(canSeeReview(employee, review('e', 'draft'))).toBe(false);
    expect(canSeeReview(employee, review('e', 'finalized'))).toBe(true);
    expect(canSeeReview(nobody, review('e', 'finalized'))).toBe(false);
  });

  it('writes the same rule in SQL, and nothing for everyone', () => {
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    expect(reviewScopeSql(everyone, param)).toBeNull();
    expect(reviewScopeSql(manager, param)).toBe(`(r.employee_id = ANY($1::uuid[]) OR (r.employee_id = $2 AND r.status = 'finalized'))`);
    expect(params).toEqual([['a'], 'm']);
  });

  it('shows HR-only fields to everyone-scopes alone', () => {
    expect(reviewViewOf(everyone)).toBe('hr');
    expect(reviewViewOf(manager)).toBe('restricted');
    expect(reviewViewOf(employee)).toBe('restricted');
  });
});
