// End-to-end tests of a cycle's stages: settings and due dates on the cycle, where each review
// stands (and whether it is overdue, on a clock the test moves), HR's submit and finalize waiting
// for the HR stage, skipping a stage with a reason, reopening, and switching a stage off.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '../src/common/clock.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import {
  auditOf,
  createEmployee,
  createReview,
  errorFields,
  expectError,
  fullAccountManagerEntries,
  getReview,
  putScores,
  recordStatuses,
  seedOpenCycle,
  seedStagedCycle,
  uniq,
} from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

describe('review stages', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];

  beforeAll(async () => {
    t = await createTestApp();
    statuses = recordStatuses(t);
  });
  afterEach(() => t.app.get(Clock).travelTo(null));
  afterAll(async () => {
    await t.close();
  });

  const post = (url: string, body: Record<string, unknown>) => t.http.post(url).set(t.as('hr')).send(body);
  async function reviewIn(cycle: CycleDto): Promise<ReviewDto> {
    const e = await createEmployee(t);
    return createReview(t, e.id, cycle.id);
  }

  it('a cycle keeps its stages and due dates; a new review starts at the first stage with its due date', async () => {
    const cycle = await seedStagedCycle(t);
    expect(cycle).toMatchObject({
      selfAssessment: true,
      managerAssessment: true,
      selfAssessmentDue: '2026-07-10',
      managerAssessmentDue: '2026-07-17',
      hrReviewDue: '2026-07-24',
      finalizationDue: '2026-07-31',
      targetDistribution: null,
      printAssessments: false,
    });
    t.app.get(Clock).travelTo(new Date('2026-07-10T12:00:00+08:00'));
    const r = await reviewIn(cycle);
    expect(r.stage).toEqual({ stage: 'self', due: '2026-07-10', overdue: false });
    // The due date is a day in the company's zone (Asia/Shanghai): 00:30 there on the 11th is late.
    t.app.get(Clock).travelTo(new Date('2026-07-11T00:30:00+08:00'));
    expect((await getReview(t, r.id)).stage).toEqual({ stage: 'self', due: '2026-07-10', overdue: true });
  });

  it('a cycle without stages starts reviews with HR, as before', async () => {
    const r = await reviewIn(await seedOpenCycle(t));
    expect(r.stage).toEqual({ stage: 'hr', due: null, overdue: false });
  });

  it('refuses due dates out of stage order and a target distribution that does not add up, naming the fields', async () => {
    const bad = await post('/api/cycles', {
      name: `Bad ${uniq()}`,
      periodStart: '2026-01-01',
      periodEnd: '2026-06-30',
      selfAssessment: true,
      managerAssessment: true,
      selfAssessmentDue: '2026-07-10',
      managerAssessmentDue: '2026-07-01',
      targetDistribution: { A: 20, B: 70 },
    });
    const body = expectError(bad, 400);
    expect(errorFields(body).sort()).toEqual(['managerAssessmentDue', 'targetDistribution']);
    expect(body.errors?.find((e) => e.field === 'targetDistribution')?.message).toBe('must add up to 100 (it adds up to 90)');
    const notADate = await post('/api/cycles', { name: `Bad ${uniq()}`, periodStart: '2026-01-01', periodEnd: '2026-06-30', hrReviewDue: '24 July' });
    expect(errorFields(expectError(notADate, 400))).toEqual(['hrReviewDue']);
    const nullFlag = await post('/api/cycles', { name: `Bad ${uniq()}`, periodStart: '2026-01-01', periodEnd: '2026-06-30', selfAssessment: null });
    expect(errorFields(expectError(nullFlag, 400))).toEqual(['selfAssessment']);
  });

  it('HR cannot submit or finalize while the employee or manager has the review; skipping moves it on with a reason in the audit', async () => {
    const cycle = await seedStagedCycle(t);
    let r = await reviewIn(cycle);
    // HR's own inputs (actuals) go in during any stage.
    r = await putScores(t, r, fullAccountManagerEntries());
    const early = expectError(await post(`/api/reviews/${r.id}/submit`, { version: r.version }), 409);
    expect(early.code).toBe('INVALID_STATE');
    expect(early.details).toEqual({ stage: 'self', expectedStage: 'hr' });
    expect(early.message).toMatch(/waits for the self-assessment/);

    const noReason = await post(`/api/reviews/${r.id}/skip-stage`, { version: r.version });
    expect(errorFields(expectError(noReason, 400))).toEqual(['reason']);
    const stale = await post(`/api/reviews/${r.id}/skip-stage`, { version: r.version - 1, reason: 'on parental leave' });
    expect(expectError(stale, 409).code).toBe('STALE_VERSION');

    let res = await post(`/api/reviews/${r.id}/skip-stage`, { version: r.version, reason: 'on parental leave' });
    expect(res.status).toBe(200);
    r = res.body as ReviewDto;
    expect(r.stage).toMatchObject({ stage: 'manager', due: '2026-07-17' });
    res = await post(`/api/reviews/${r.id}/skip-stage`, { version: r.version, reason: 'the manager left the company' });
    r = res.body as ReviewDto;
    expect(r.stage.stage).toBe('hr');
    expect(r.stage.due).toBe('2026-07-24');
    const again = expectError(await post(`/api/reviews/${r.id}/skip-stage`, { version: r.version, reason: 'nothing left to skip' }), 409);
    expect(again.details).toEqual({ stage: 'hr', expectedStage: 'self' });

    const audit = await auditOf(t, 'review', r.id);
    const skips = audit.filter((a) => a.action === 'skip_stage');
    const field = (v: unknown, key: string) => (v as Record<string, unknown> | null)?.[key];
    expect(skips.map((a) => [field(a.before, 'stage'), field(a.after, 'stage'), field(a.after, 'reason')])).toEqual([
      ['manager', 'hr', 'the manager left the company'],
      ['self', 'manager', 'on parental leave'],
    ]);

    res = await post(`/api/reviews/${r.id}/submit`, { version: r.version });
    expect(res.status).toBe(200);
    res = await post(`/api/reviews/${r.id}/finalize`, { version: (res.body as ReviewDto).version });
    expect(res.status).toBe(200);
    r = res.body as ReviewDto;
    expect(r.stage).toEqual({ stage: 'done', due: null, overdue: false });
    res = await post(`/api/reviews/${r.id}/reopen`, { version: r.version, reason: 'calibration moved the band' });
    expect((res.body as ReviewDto).stage.stage).toBe('hr');
  });

  it('switching a stage off moves the reviews waiting in it on, and never back when it is switched on again', async () => {
    const cycle = await seedStagedCycle(t);
    const r = await reviewIn(cycle);
    expect(r.stage.stage).toBe('self');
    let res = await t.http.patch(`/api/cycles/${cycle.id}`).set(t.as('hr')).send({ version: cycle.version, selfAssessment: false });
    expect(res.status).toBe(200);
    const changed = res.body as CycleDto;
    const moved = await getReview(t, r.id);
    expect(moved.stage.stage).toBe('manager');
    expect(moved.version).toBe(r.version + 1);
    res = await t.http.patch(`/api/cycles/${cycle.id}`).set(t.as('hr')).send({ version: changed.version, selfAssessment: true, managerAssessment: false });
    expect(res.status).toBe(200);
    expect((await getReview(t, r.id)).stage.stage).toBe('hr');
    // A review started now begins with the self-assessment again.
    expect((await reviewIn(res.body as CycleDto)).stage.stage).toBe('self');
  });

  it('answers every request of this file without a 5xx', () => {
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });
});
