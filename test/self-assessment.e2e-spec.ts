// End-to-end tests of the employee's self-assessment: who reads and writes it, what a save and a
// submit accept, the stale-version and stage refusals, and the review moving on after a submit.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { SelfAssessmentDto } from '../src/assessments/dto/self-assessment.dto.js';
import { Clock } from '../src/common/clock.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import { DemoService } from '../src/demo/demo.service.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { auditOf, createEmployee, createReview, errorFields, expectError, getReview, recordStatuses, seedOpenCycle, seedStagedCycle } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

const RATED = ['communication', 'selling', 'customer_service', 'problem_solving'] as const;

/** A complete self-assessment of the account-manager template: every rating KPI rated, a comment on a target KPI. */
function fullEntries() {
  return [
    { kpiKey: 'sales_attainment', comment: 'Closed the two largest deals of the region' },
    ...RATED.map((kpiKey, i) => ({ kpiKey, rating: 2 + i, comment: i === 1 ? '签约三家大客户' : '' })),
  ];
}

describe('self-assessment', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];
  let cycle: CycleDto;
  let manager: EmployeeDto;
  let outsideManager: EmployeeDto;
  let me: EmployeeDto;
  const as: Record<'me' | 'other' | 'managerIn' | 'managerOut' | 'hr' | 'admin', Record<string, string>> = {} as never;

  beforeAll(async () => {
    t = await createTestApp();
    statuses = recordStatuses(t);
    cycle = await seedStagedCycle(t);
    manager = await createEmployee(t, 'manager');
    outsideManager = await createEmployee(t, 'manager');
    me = await createEmployee(t, 'account_manager', { managerId: manager.id });
    const other = await createEmployee(t, 'account_manager', { managerId: manager.id });
    as.me = await t.userFor('employee', me.id);
    as.other = await t.userFor('employee', other.id);
    as.managerIn = await t.userFor('manager', manager.id);
    as.managerOut = await t.userFor('manager', outsideManager.id);
    as.hr = t.as('hr');
    as.admin = t.as('admin');
  });
  afterEach(() => t.app.get(Clock).travelTo(null));
  afterAll(async () => {
    await t.close();
  });

  const url = (id: string) => `/api/reviews/${id}/self-assessment`;
  const read = (id: string, who: Record<string, string>) => t.http.get(url(id)).set(who);
  const save = (id: string, who: Record<string, string>, body: Record<string, unknown>, version?: number) => {
    const req = t.http.put(url(id)).set(who);
    return (version === undefined ? req : req.set('If-Match', String(version))).send(body);
  };
  const submit = (id: string, who: Record<string, string>, version: number) =>
    t.http
      .post(`${url(id)}/submit`)
      .set(who)
      .send({ version });

  /** A fresh employee of `manager`'s team with a review in the staged cycle, and their headers. */
  async function freshReview(c: CycleDto = cycle): Promise<{ review: ReviewDto; who: Record<string, string> }> {
    const e = await createEmployee(t, 'account_manager', { managerId: manager.id });
    const review = await createReview(t, e.id, c.id);
    return { review, who: await t.userFor('employee', e.id) };
  }

  it('the employee reads the pinned KPIs and an empty draft at version 0, due on the self-assessment date', async () => {
    t.app.get(Clock).travelTo(new Date('2026-07-01T09:00:00+08:00'));
    const review = await createReview(t, me.id, cycle.id);
    const res = await read(review.id, as.me);
    expect(res.status).toBe(200);
    const sa = res.body as SelfAssessmentDto;
    expect(sa).toMatchObject({ reviewId: review.id, summary: '', submittedAt: null, version: 0, editable: true });
    expect(sa.stage).toEqual({ stage: 'self', due: '2026-07-10', overdue: false });
    expect(sa.cycle).toMatchObject({ id: cycle.id, selfAssessment: true, selfAssessmentDue: '2026-07-10' });
    expect(sa.kpis.map((k) => k.key)).toEqual(review.kpis.map((k) => k.key));
    const communication = sa.kpis.find((k) => k.key === 'communication');
    expect(communication?.rule).toMatchObject({ type: 'rating', min: 1, max: 5 });
    expect(communication?.rule.points?.map((p) => p.value)).toEqual([1, 2, 3, 4, 5]);
    expect(sa.kpis.find((k) => k.key === 'sales_attainment')?.rule).toMatchObject({ type: 'target', target: 2_000_000 });
    expect(sa.entries).toHaveLength(8);
    expect(sa.entries.every((e) => e.rating === null && e.comment === '')).toBe(true);
    // HR's inputs are not part of it, nor is anything HR-only.
    expect(JSON.stringify(sa)).not.toMatch(/hrNotes|"inputs"|"actual"/);
  });

  it('saves, refuses a stale version, then submits: read-only after, the review moves to the manager stage, all audited', async () => {
    const { review, who } = await freshReview();
    let res = await save(review.id, who, { entries: fullEntries().slice(0, 2), summary: 'A good half-year' }, 0);
    expect(res.status).toBe(200);
    let sa = res.body as SelfAssessmentDto;
    expect(sa.version).toBe(1);
    expect(sa.summary).toBe('A good half-year');
    expect(sa.entries.find((e) => e.kpiKey === 'communication')).toEqual({ kpiKey: 'communication', rating: 2, comment: '' });
    expect(sa.entries.find((e) => e.kpiKey === 'sales_attainment')?.comment).toBe('Closed the two largest deals of the region');

    // Someone (another tab) saving on the version read before: 409, with the versions.
    const stale = expectError(await save(review.id, who, { entries: [] }, 0), 409);
    expect(stale.code).toBe('STALE_VERSION');
    expect(stale.details).toEqual({ currentVersion: 1, yourVersion: 0 });
    const noVersion = expectError(await save(review.id, who, { entries: [] }), 428);
    expect(noVersion.code).toBe('PRECONDITION_REQUIRED');

    // Submitting with ratings missing names each of them.
    const early = expectError(await submit(review.id, who, 1), 409);
    expect(early.code).toBe('INVALID_STATE');
    expect(early.details).toEqual({ missing: ['selling', 'customer_service', 'problem_solving'] });
    expect(errorFields(early)).toEqual(['entries.selling.rating', 'entries.customer_service.rating', 'entries.problem_solving.rating']);

    // The version in the body works as well as If-Match; a summary left out keeps its value.
    res = await save(review.id, who, { entries: fullEntries(), version: 1 });
    sa = res.body as SelfAssessmentDto;
    expect(sa.version).toBe(2);
    expect(sa.summary).toBe('A good half-year');
    expect(expectError(await submit(review.id, who, 1), 409).code).toBe('STALE_VERSION');
    const before = await getReview(t, review.id);
    res = await submit(review.id, who, 2);
    expect(res.status).toBe(200);
    sa = res.body as SelfAssessmentDto;
    expect(sa.submittedAt).not.toBeNull();
    expect(sa.version).toBe(3);
    expect(sa.editable).toBe(false);
    expect(sa.stage.stage).toBe('manager');
    const after = await getReview(t, review.id);
    expect(after.stage).toMatchObject({ stage: 'manager', due: '2026-07-17' });
    expect(after.version).toBe(before.version + 1);

    // Read-only: a save or a second submit is refused, saying the stage it is in.
    const late = expectError(await save(review.id, who, { entries: [] }, 3), 409);
    expect(late.code).toBe('INVALID_STATE');
    expect(late.details).toEqual({ stage: 'manager', expectedStage: 'self' });
    expect(expectError(await submit(review.id, who, 3), 409).details).toEqual({ stage: 'manager', expectedStage: 'self' });

    const audit = await auditOf(t, 'review', review.id);
    expect(audit.map((a) => a.action).slice(0, 3)).toEqual(['submit_self_assessment', 'save_self_assessment', 'save_self_assessment']);
    expect(audit[0].before).toMatchObject({ stage: 'self', version: before.version });
    expect(audit[0].after).toMatchObject({ stage: 'manager', version: before.version + 1, selfAssessmentVersion: 3 });
    expect(audit[1].after).toMatchObject({ version: 2, summary: 'A good half-year' });
    expect(audit[2].before).toBeNull();
    expect(audit.slice(0, 3).every((a) => a.actor.startsWith('employee-'))).toBe(true);
  });

  it('refuses ratings off the scale, on target KPIs, unknown or repeated KPIs, and over-long texts, naming each field', async () => {
    const { review, who } = await freshReview();
    const res = await save(
      review.id,
      who,
      {
        entries: [
          { kpiKey: 'communication', rating: 7 },
          { kpiKey: 'sales_attainment', rating: 3 },
          { kpiKey: 'no_such_kpi', rating: 3 },
          { kpiKey: 'selling', rating: 4 },
          { kpiKey: 'selling', rating: 4 },
        ],
      },
      0,
    );
    const body = expectError(res, 400);
    expect(errorFields(body)).toEqual(['entries[0].rating', 'entries[1].rating', 'entries[2].kpiKey', 'entries[4].kpiKey']);
    expect(body.errors?.[0].message).toBe('rating must be from 1 to 5');
    const dto = expectError(
      await save(review.id, who, { entries: [{ kpiKey: 'selling', rating: 2.5, comment: 'x'.repeat(4001) }], summary: 'y'.repeat(10001), actual: 5 }, 0),
      400,
    );
    expect(errorFields(dto).sort()).toEqual(['actual', 'entries[0].comment', 'entries[0].rating', 'summary']);
    // Nothing was written.
    expect(((await read(review.id, who)).body as SelfAssessmentDto).version).toBe(0);
  });

  it('keeps it to the employee: others get 404 (or 403 where they can read it), managers read it only once submitted', async () => {
    const review = (await t.http.get('/api/reviews').query({ employeeId: me.id }).set(as.hr).expect(200)).body as { items: { id: string }[] };
    const id = review.items[0].id;
    expect((await save(id, as.me, { entries: fullEntries() }, 0)).status).toBe(200);
    for (const who of [as.other, as.managerOut, as.managerIn]) {
      expect(expectError(await read(id, who), 404).code).toBe('NOT_FOUND');
      expect(expectError(await save(id, who, { entries: [] }, 1), 404).code).toBe('NOT_FOUND');
      expect(expectError(await submit(id, who, 1), 404).code).toBe('NOT_FOUND');
    }
    // HR reads the draft, but it is the employee's to write.
    expect((await read(id, as.hr)).status).toBe(200);
    expect(((await read(id, as.hr)).body as SelfAssessmentDto).editable).toBe(false);
    expect(expectError(await save(id, as.hr, { entries: [] }, 1), 403).code).toBe('FORBIDDEN');
    expect(expectError(await submit(id, as.admin, 1), 403).code).toBe('FORBIDDEN');

    expect((await submit(id, as.me, 1)).status).toBe(200);
    const seen = await read(id, as.managerIn);
    expect(seen.status).toBe(200);
    expect((seen.body as SelfAssessmentDto).entries.find((e) => e.kpiKey === 'selling')).toMatchObject({ rating: 3, comment: '签约三家大客户' });
    expect(expectError(await save(id, as.managerIn, { entries: [] }, 2), 403).code).toBe('FORBIDDEN');
    expect(expectError(await read(id, as.managerOut), 404).code).toBe('NOT_FOUND');
    expect(expectError(await read('00000000-0000-4000-8000-000000000000', as.hr), 404).code).toBe('NOT_FOUND');
  });

  it('is refused outside stage self: a cycle without the stage, a stage HR skipped; overdue still writes', async () => {
    const plain = await seedOpenCycle(t);
    const { review, who } = await freshReview(plain);
    const sa = (await read(review.id, who)).body as SelfAssessmentDto;
    expect(sa).toMatchObject({ editable: false, stage: { stage: 'hr' }, cycle: { selfAssessment: false } });
    const refused = expectError(await save(review.id, who, { entries: [] }, 0), 409);
    expect(refused.details).toEqual({ stage: 'hr', expectedStage: 'self' });
    expect(refused.message).toMatch(/is with HR/);

    const skipped = await freshReview();
    await t.http.post(`/api/reviews/${skipped.review.id}/skip-stage`).set(as.hr).send({ version: skipped.review.version, reason: 'on leave' }).expect(200);
    expect(expectError(await submit(skipped.review.id, skipped.who, 0), 409).details).toEqual({ stage: 'manager', expectedStage: 'self' });

    // Past the due date the stage is overdue, yet the employee may still hand it in (HR decides whether to wait).
    t.app.get(Clock).travelTo(new Date('2026-07-12T09:00:00+08:00'));
    const late = await freshReview();
    const lateRead = (await read(late.review.id, late.who)).body as SelfAssessmentDto;
    expect(lateRead.stage).toEqual({ stage: 'self', due: '2026-07-10', overdue: true });
    expect((await save(late.review.id, late.who, { entries: fullEntries() }, 0)).status).toBe(200);
    expect((await submit(late.review.id, late.who, 1)).status).toBe(200);
  });

  it('a cycle without a manager stage goes straight to HR after the self-assessment', async () => {
    const selfOnly = await seedOpenCycle(t, `self only ${Date.now()}`, { selfAssessment: true, selfAssessmentDue: '2026-07-10', hrReviewDue: '2026-07-24' });
    const { review, who } = await freshReview(selfOnly);
    await save(review.id, who, { entries: fullEntries() }, 0).expect(200);
    const sa = (await submit(review.id, who, 1)).body as SelfAssessmentDto;
    expect(sa.stage).toMatchObject({ stage: 'hr', due: '2026-07-24' });
  });

  it('two first saves at once: one wins, the other is told its version is stale', async () => {
    const { review, who } = await freshReview();
    const [a, b] = await Promise.all([
      save(review.id, who, { entries: fullEntries(), summary: 'a' }, 0),
      save(review.id, who, { entries: [], summary: 'b' }, 0),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(((await read(review.id, who)).body as SelfAssessmentDto).version).toBe(1);
  });

  it('answers every request of this file without a 5xx', () => {
    expect(statuses.length).toBeGreaterThan(40);
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });
});

describe('self-assessment in the demo data', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.get(DemoService).seed();
  });
  afterAll(async () => {
    await t.close();
  });

  it('the open cycle runs the self stage: reviews wait for it, and every review past it has a submitted self-assessment', async () => {
    const cycles = (await t.http.get('/api/cycles').set(t.as('hr')).expect(200)).body as CycleDto[];
    const open = cycles.find((c) => c.status === 'open');
    expect(open).toMatchObject({ selfAssessment: true });
    const all = (await t.http.get('/api/reviews').query({ cycleId: open?.id, pageSize: 100 }).set(t.as('hr')).expect(200)).body as { items: { id: string }[] };
    const states = new Map<string, number>();
    for (const { id } of all.items) {
      const sa = (await t.http.get(`/api/reviews/${id}/self-assessment`).set(t.as('hr')).expect(200)).body as SelfAssessmentDto;
      const state = sa.stage.stage === 'self' ? 'waiting' : sa.submittedAt ? 'submitted' : 'past without one';
      states.set(state, (states.get(state) ?? 0) + 1);
    }
    expect(states.get('waiting')).toBeGreaterThan(0);
    expect(states.get('submitted')).toBeGreaterThan(0);
    expect(states.get('past without one')).toBeUndefined();
  });
});
