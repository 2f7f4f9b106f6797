import { describe, expect, it } from '@jest/globals';
import { conflict, duplicate, notFound, staleVersion } from '../common/errors.js';
import { skipOf } from './review-bulk.js';

describe('skipOf', () => {
  it('turns each single-action refusal into its skip code and parameters', () => {
    expect(skipOf(notFound('Review', 'x'))).toMatchObject({ code: 'not_found', params: {} });
    expect(skipOf(staleVersion('changed', { currentVersion: 3, yourVersion: 2 }))).toMatchObject({ code: 'changed_meanwhile' });
    expect(skipOf(duplicate('has one', []))).toMatchObject({ code: 'already_started' });
    expect(skipOf(conflict('missing', { missing: ['a', 'b'] }))).toMatchObject({ code: 'missing_inputs', params: { count: '2' } });
    expect(skipOf(conflict('stage', { stage: 'self', expectedStage: 'hr' }))).toMatchObject({ code: 'wrong_stage', params: { stage: 'self' } });
    expect(skipOf(conflict('closed', { cycleStatus: 'closed' }))).toMatchObject({ code: 'cycle_not_open', params: { status: 'closed' } });
    expect(skipOf(conflict('A draft review cannot be finalized', { status: 'draft' }))).toEqual({
      code: 'wrong_status',
      params: { status: 'draft' },
      message: 'A draft review cannot be finalized',
    });
    expect(skipOf(conflict('locked', { calibrationLocked: { department: 'Sales', lockedAt: '', lockedBy: 'HR' } }))).toMatchObject({
      code: 'calibration_locked',
    });
    expect(skipOf(conflict('deactivated'))).toMatchObject({ code: 'refused', message: 'deactivated' });
  });

  it('rethrows what is no refusal, so a broken run stops instead of skipping everything', () => {
    const lost = new Error('connection terminated');
    expect(() => skipOf(lost)).toThrow(lost);
  });
});
