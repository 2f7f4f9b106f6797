import { describe, expect, it } from '@jest/globals';
import {
  distributionProblems,
  dueDateProblems,
  firstStage,
  isOverdue,
  moveStage,
  REVIEW_STAGES,
  type StageAction,
  type StageRole,
  type StageSettings,
  stageUnderSettings,
  standing,
} from './review-stages.js';

const ALL: StageSettings = { selfAssessment: true, managerAssessment: true };
const NO_SELF: StageSettings = { selfAssessment: false, managerAssessment: true };
const NO_MANAGER: StageSettings = { selfAssessment: true, managerAssessment: false };
const NONE: StageSettings = { selfAssessment: false, managerAssessment: false };
const dues = { selfAssessmentDue: '2026-12-10', managerAssessmentDue: '2026-12-17', hrReviewDue: null, finalizationDue: '2026-12-31' };

describe('review stages', () => {
  it('start at the first stage the cycle runs', () => {
    expect(firstStage(ALL)).toBe('self');
    expect(firstStage(NO_SELF)).toBe('manager');
    expect(firstStage(NO_MANAGER)).toBe('self');
    expect(firstStage(NONE)).toBe('hr');
  });

  it('move along the table, skipping stages the cycle does not run', () => {
    expect(moveStage(ALL, 'self', 'submitSelf', 'employee')).toEqual({ ok: true, to: 'manager' });
    expect(moveStage(NO_MANAGER, 'self', 'submitSelf', 'employee')).toEqual({ ok: true, to: 'hr' });
    expect(moveStage(ALL, 'manager', 'submitManager', 'manager')).toEqual({ ok: true, to: 'hr' });
    expect(moveStage(ALL, 'self', 'skipSelf', 'hr')).toEqual({ ok: true, to: 'manager' });
    expect(moveStage(ALL, 'manager', 'skipManager', 'hr')).toEqual({ ok: true, to: 'hr' });
    expect(moveStage(ALL, 'hr', 'finalize', 'hr')).toEqual({ ok: true, to: 'done' });
    expect(moveStage(ALL, 'done', 'reopen', 'hr')).toEqual({ ok: true, to: 'hr' });
  });

  // Every (action, role, stage) cell: exactly the listed ones are allowed, everything else is refused.
  const allowed: [StageAction, StageRole, string][] = [
    ['submitSelf', 'employee', 'self'],
    ['skipSelf', 'hr', 'self'],
    ['submitManager', 'manager', 'manager'],
    ['skipManager', 'hr', 'manager'],
    ['finalize', 'hr', 'hr'],
    ['reopen', 'hr', 'done'],
  ];
  const actions: StageAction[] = ['submitSelf', 'skipSelf', 'submitManager', 'skipManager', 'finalize', 'reopen'];
  const roles: StageRole[] = ['employee', 'manager', 'hr'];
  for (const action of actions) {
    for (const who of roles) {
      for (const from of REVIEW_STAGES) {
        const ok = allowed.some(([a, w, f]) => a === action && w === who && f === from);
        it(`${action} by ${who} from ${from}: ${ok ? 'allowed' : 'refused'}`, () => {
          const move = moveStage(ALL, from, action, who);
          expect(move.ok).toBe(ok);
          if (!move.ok) {
            const roleAllowed = allowed.some(([a, w]) => a === action && w === who);
            expect(move.reason).toBe(roleAllowed ? 'wrong_stage' : 'not_allowed');
          }
        });
      }
    }
  }

  it('move reviews on when their stage is switched off, never back', () => {
    expect(stageUnderSettings(NO_SELF, 'self')).toBe('manager');
    expect(stageUnderSettings(NONE, 'self')).toBe('hr');
    expect(stageUnderSettings(NO_MANAGER, 'manager')).toBe('hr');
    expect(stageUnderSettings(NONE, 'done')).toBe('done');
    expect(stageUnderSettings(ALL, 'hr')).toBe('hr');
  });

  it('fall due the day after the due date', () => {
    expect(isOverdue(dues, 'self', '2026-12-10')).toBe(false);
    expect(isOverdue(dues, 'self', '2026-12-11')).toBe(true);
    expect(standing(dues, 'hr', '2027-01-01')).toEqual({ stage: 'hr', due: '2026-12-31', overdue: true });
    expect(standing(dues, 'done', '2027-01-01')).toEqual({ stage: 'done', due: null, overdue: false });
    expect(standing({ ...dues, managerAssessmentDue: null }, 'manager', '2030-01-01').overdue).toBe(false);
  });

  it('check due dates in stage order, only for stages the cycle runs', () => {
    expect(dueDateProblems(ALL, dues, '2026-07-01')).toEqual([]);
    expect(dueDateProblems(ALL, { ...dues, managerAssessmentDue: '2026-12-01' }, '2026-07-01')).toEqual([
      { field: 'managerAssessmentDue', code: 'notBeforeStage', params: { date: '2026-12-10' }, message: 'must not be before selfAssessmentDue (2026-12-10)' },
    ]);
    expect(dueDateProblems(NO_MANAGER, { ...dues, managerAssessmentDue: '2026-12-01' }, '2026-07-01')).toEqual([]);
    expect(dueDateProblems(ALL, { ...dues, selfAssessmentDue: '2026-06-30' }, '2026-07-01')).toEqual([
      { field: 'selfAssessmentDue', code: 'notBeforeStart', params: { date: '2026-07-01' }, message: 'must not be before the period starts (2026-07-01)' },
    ]);
  });

  it('want a target distribution of whole percents adding up to 100', () => {
    expect(distributionProblems({ A: 20, B: 70, C: 10 })).toEqual([]);
    const said = (t: Record<string, number>) => distributionProblems(t).map((p) => [p.code, p.params, p.message]);
    expect(said({ A: 20, B: 70 })).toEqual([['distributionSum', { sum: 90 }, 'must add up to 100 (it adds up to 90)']]);
    expect(said({ A: 20.5, B: 79.5 })).toEqual([
      ['distributionPercent', { band: 'A' }, 'A must be a whole percent from 0 to 100'],
      ['distributionPercent', { band: 'B' }, 'B must be a whole percent from 0 to 100'],
    ]);
    expect(said({})).toEqual([['distributionEmpty', {}, 'must name at least one band']]);
  });
});
