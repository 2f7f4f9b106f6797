// End-to-end tests of /api/cycles: planning, validation, the planned → open → closed life cycle
// with versions, the close guard (every review finalized), what a closed cycle refuses, listing
// with a status filter, per-status review counts, deletion and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ReviewDto, ReviewPageDto } from '../src/reviews/dto/review.dto.js';
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
  uniq,
} from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

const UNKNOWN_ID = '9b2f7c1e-4d3a-4e8b-9c6f-0a1b2c3d4e5f';
const ZERO = { draft: 0, submitted: 0, finalized: 0, total: 0 };

describe('cycles API', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];

  beforeAll(async () => {
    t = await createTestApp();
    statuses = recordStatuses(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const postCycle = (b: Record<string, unknown>) => t.http.post('/api/cycles').set(t.as('hr')).send(b);

  async function plan(overrides: Record<string, unknown> = {}): Promise<CycleDto> {
    const res = await postCycle({ name: `Cycle ${uniq()}`, periodStart: '2026-01-01', periodEnd: '2026-06-30', ...overrides });
    expect(res.status).toBe(201);
    return res.body as CycleDto;
  }
  async function getCycle(id: string): Promise<CycleDto> {
    const res = await t.http.get(`/api/cycles/${id}`).set(t.as('hr')).expect(200);
    return res.body as CycleDto;
  }
  async function listCycles(query: Record<string, string> = {}): Promise<CycleDto[]> {
    const res = await t.http.get('/api/cycles').query(query).set(t.as('hr')).expect(200);
    return res.body as CycleDto[];
  }
  const openReq = (c: { id: string }, version: number) => t.http.post(`/api/cycles/${c.id}/open`).set(t.as('hr')).send({ version });
  const closeReq = (c: { id: string }, version: number) => t.http.post(`/api/cycles/${c.id}/close`).set(t.as('hr')).send({ version });

  async function open(c: CycleDto): Promise<CycleDto> {
    const res = await openReq(c, c.version);
    expect(res.status).toBe(200);
    return res.body as CycleDto;
  }
  async function submit(r: { id: string; version: number }): Promise<ReviewDto> {
    const res = await t.http.post(`/api/reviews/${r.id}/submit`).set(t.as('hr')).send({ version: r.version });
    expect(res.status).toBe(200);
    return res.body as ReviewDto;
  }
  async function finalize(r: { id: string; version: number }): Promise<ReviewDto> {
    const res = await t.http.post(`/api/reviews/${r.id}/finalize`).set(t.as('hr')).send({ version: r.version });
    expect(res.status).toBe(200);
    return res.body as ReviewDto;
  }
  /** Scores → submitted → finalized. */
  async function finish(r: ReviewDto): Promise<ReviewDto> {
    return finalize(await submit(await putScores(t, r, fullAccountManagerEntries())));
  }
  async function reviewsIn(cycleId: string): Promise<ReviewPageDto> {
    const res = await t.http.get('/api/reviews').query({ cycleId }).set(t.as('hr')).expect(200);
    return res.body as ReviewPageDto;
  }

  describe('planning', () => {
    it('creates a planned cycle at version 1 with no reviews; GET returns the same', async () => {
      const name = `2026 上半年绩效评估 ${uniq()}`;
      const res = await postCycle({ name, periodStart: '2026-01-01', periodEnd: '2026-06-30' });
      expect(res.status).toBe(201);
      const c = res.body as CycleDto;
      expect(c).toMatchObject({ name, periodStart: '2026-01-01', periodEnd: '2026-06-30', status: 'planned', version: 1, reviews: ZERO });
      expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await getCycle(c.id)).toEqual(c);
    });

    it('accepts a one-day period (end equal to start) and trims the name', async () => {
      const u = uniq();
      const c = await plan({ name: `  One day ${u}  `, periodStart: '2026-02-28', periodEnd: '2026-02-28' });
      expect(c.name).toBe(`One day ${u}`);
      expect(c.periodEnd).toBe('2026-02-28');
    });

    it('refuses periodEnd before periodStart with 400 naming periodEnd, and stores nothing', async () => {
      const name = `Backwards ${uniq()}`;
      const res = expectError(await postCycle({ name, periodStart: '2026-07-01', periodEnd: '2026-06-30' }), 400);
      expect(errorFields(res)).toEqual(['periodEnd']);
      expect(res.message).toBe('periodEnd (2026-06-30) is before periodStart (2026-07-01)');
      expect((await listCycles()).map((c) => c.name)).not.toContain(name);
    });

    const invalid: [string, Record<string, unknown>, string][] = [
      ['a non-existent date', { periodStart: '2026-02-30' }, 'periodStart'],
      ['a month 13', { periodEnd: '2026-13-01' }, 'periodEnd'],
      ['a word for a date', { periodStart: 'tomorrow' }, 'periodStart'],
      ['a timestamp for a date', { periodEnd: '2026-06-30T00:00:00Z' }, 'periodEnd'],
      ['a missing name', { name: undefined }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a 201-character name', { name: 'n'.repeat(201) }, 'name'],
      ['a number for the name', { name: 2026 }, 'name'],
      ['a status on create (cannot be born open)', { status: 'open' }, 'status'],
      ['a version on create', { version: 1 }, 'version'],
    ];
    it.each(invalid)('refuses %s with 400 naming the field', async (_label, overrides, field) => {
      const name = `Invalid ${uniq()}`;
      const res = expectError(await postCycle({ name, periodStart: '2026-01-01', periodEnd: '2026-06-30', ...overrides }), 400);
      expect(errorFields(res)).toEqual([field]);
      expect((await listCycles()).map((c) => c.name)).not.toContain(name);
    });

    it('refuses a duplicate name with 409 naming name (also after trimming)', async () => {
      const first = await plan();
      const dup = expectError(await postCycle({ name: first.name, periodStart: '2027-01-01', periodEnd: '2027-06-30' }), 409);
      expect(errorFields(dup)).toEqual(['name']);
      expect(dup.message).toBe(`A cycle named "${first.name}" already exists`);
      expect(errorFields(expectError(await postCycle({ name: ` ${first.name} `, periodStart: '2027-01-01', periodEnd: '2027-06-30' }), 409))).toEqual(['name']);
      expect((await listCycles()).filter((c) => c.name === first.name)).toHaveLength(1);
    });

    it('6 concurrent creates with one name: exactly one 201, the rest 409 naming name', async () => {
      const name = `Race ${uniq()}`;
      const responses = await Promise.all(Array.from({ length: 6 }, () => postCycle({ name, periodStart: '2026-01-01', periodEnd: '2026-12-31' })));
      expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
      const conflicts = responses.filter((r) => r.status !== 201);
      expect(conflicts).toHaveLength(5);
      for (const r of conflicts) expect(errorFields(expectError(r, 409))).toEqual(['name']);
      expect((await listCycles()).filter((c) => c.name === name)).toHaveLength(1);
    });

    it('PATCH renames and moves dates with the version; stale → 409, backwards → 400, duplicate → 409, missing version → 428', async () => {
      const other = await plan();
      const c = await plan({ periodStart: '2026-01-01', periodEnd: '2026-06-30' });
      const newName = `Renamed ${uniq()}`;
      const res = await t.http.patch(`/api/cycles/${c.id}`).set(t.as('hr')).send({ version: 1, name: newName, periodEnd: '2026-07-31' });
      expect(res.status).toBe(200);
      const renamed = res.body as CycleDto;
      expect(renamed).toMatchObject({ name: newName, periodStart: '2026-01-01', periodEnd: '2026-07-31', version: 2, status: 'planned' });

      const stale = expectError(await t.http.patch(`/api/cycles/${c.id}`).set(t.as('hr')).send({ version: 1, name: 'Stale' }), 409);
      expect(stale.details).toEqual({ currentVersion: 2, yourVersion: 1 });
      // Only periodStart sent: checked against the stored periodEnd.
      expect(
        errorFields(expectError(await t.http.patch(`/api/cycles/${c.id}`).set(t.as('hr')).set('If-Match', '2').send({ periodStart: '2026-08-01' }), 400)),
      ).toEqual(['periodEnd']);
      expect(errorFields(expectError(await t.http.patch(`/api/cycles/${c.id}`).set(t.as('hr')).set('If-Match', '2').send({ name: other.name }), 409))).toEqual([
        'name',
      ]);
      expect(errorFields(expectError(await t.http.patch(`/api/cycles/${c.id}`).set(t.as('hr')).send({ name: 'No version' }), 428))).toEqual(['version']);
      expect(errorFields(expectError(await t.http.patch(`/api/cycles/${c.id}`).set(t.as('hr')).set('If-Match', '2').send({ name: null }), 400))).toEqual([
        'name',
      ]);
      expect(errorFields(expectError(await t.http.patch(`/api/cycles/${c.id}`).set(t.as('hr')).set('If-Match', '2').send({ status: 'closed' }), 400))).toEqual([
        'status',
      ]);
      expect(await getCycle(c.id)).toEqual(renamed);
    });

    it('a non-UUID id → 400 naming id; an unknown id → 404', async () => {
      expect(errorFields(expectError(await t.http.get('/api/cycles/2026-h1').set(t.as('hr')), 400))).toEqual(['id']);
      expect(expectError(await t.http.get(`/api/cycles/${UNKNOWN_ID}`).set(t.as('hr')), 404).message).toBe(`Cycle ${UNKNOWN_ID} was not found`);
      expectError(await openReq({ id: UNKNOWN_ID }, 1), 404);
      expectError(await closeReq({ id: UNKNOWN_ID }, 1), 404);
    });
  });

  describe('opening', () => {
    it('opens a planned cycle with its version (body or If-Match) and bumps the version', async () => {
      const c = await plan();
      const opened = await open(c);
      expect(opened).toMatchObject({ id: c.id, status: 'open', version: 2, name: c.name, reviews: ZERO });
      expect(await getCycle(c.id)).toEqual(opened);

      const d = await plan();
      const viaHeader = await t.http.post(`/api/cycles/${d.id}/open`).set(t.as('hr')).set('If-Match', '"1"').send({});
      expect(viaHeader.status).toBe(200);
      expect((viaHeader.body as CycleDto).status).toBe('open');
    });

    it('needs a version (428), refuses a stale one (409), and stays planned', async () => {
      const c = await plan();
      const missing = expectError(await t.http.post(`/api/cycles/${c.id}/open`).set(t.as('hr')).send({}), 428);
      expect(errorFields(missing)).toEqual(['version']);
      expectError(await t.http.post(`/api/cycles/${c.id}/open`).set(t.as('hr')), 428);
      const stale = expectError(await openReq(c, 7), 409);
      expect(stale.details).toEqual({ currentVersion: 1, yourVersion: 7 });
      expect(errorFields(expectError(await openReq(c, 0), 400))).toEqual(['version']);
      expect(await getCycle(c.id)).toEqual(c);
    });

    it('opening twice → 409 (with the new version: wrong state; with the old: stale)', async () => {
      const c = await plan();
      const opened = await open(c);
      const again = expectError(await openReq(c, opened.version), 409);
      expect(again.details).toEqual({ status: 'open' });
      expect(again.message).toBe(`Cycle "${c.name}" is open; only a planned cycle can become open`);
      const stale = expectError(await openReq(c, c.version), 409);
      expect(stale.details).toEqual({ currentVersion: 2, yourVersion: 1 });
      expect(await getCycle(c.id)).toEqual(opened);
    });

    it('a planned cycle cannot be closed (409) and takes no reviews (409), nothing is created', async () => {
      const c = await plan();
      const close = expectError(await closeReq(c, 1), 409);
      expect(close.details).toEqual({ status: 'planned' });
      const e = await createEmployee(t);
      const review = expectError(await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: e.id, cycleId: c.id }), 409);
      expect(review.details).toEqual({ cycleStatus: 'planned' });
      expect(review.message).toContain('planned');
      expect((await reviewsIn(c.id)).meta.total).toBe(0);
      expect(await getCycle(c.id)).toEqual(c);
    });

    it('two concurrent opens with the same version: exactly one succeeds', async () => {
      const c = await plan();
      const [r1, r2] = await Promise.all([openReq(c, 1), openReq(c, 1)]);
      expect([r1.status, r2.status].sort()).toEqual([200, 409]);
      const now = await getCycle(c.id);
      expect(now.status).toBe('open');
      expect(now.version).toBe(2);
      expect((await auditOf(t, 'cycle', c.id)).filter((a) => a.action === 'open')).toHaveLength(1);
    });
  });

  describe('closing', () => {
    /** An open cycle with three reviews: CLn-1 draft, CLn-2 submitted, CLn-3 finalized. */
    async function cycleWithMixedReviews(): Promise<{
      cycle: CycleDto;
      employees: EmployeeDto[];
      draft: ReviewDto;
      submitted: ReviewDto;
      finalized: ReviewDto;
    }> {
      const cycle = await open(await plan());
      const u = uniq().toUpperCase();
      // Created in reverse number order: the error must list them sorted by employee number.
      const e3 = await createEmployee(t, 'account_manager', { employeeNo: `CL${u}-3`, name: '赵六' });
      const e2 = await createEmployee(t, 'account_manager', { employeeNo: `CL${u}-2`, name: '李四' });
      const e1 = await createEmployee(t, 'account_manager', { employeeNo: `CL${u}-1`, name: '张三' });
      const finalized = await finish(await createReview(t, e3.id, cycle.id));
      const submitted = await submit(await putScores(t, await createReview(t, e2.id, cycle.id), fullAccountManagerEntries()));
      const draft = await createReview(t, e1.id, cycle.id);
      return { cycle: await getCycle(cycle.id), employees: [e1, e2, e3], draft, submitted, finalized };
    }

    it('counts reviews per status in GET /api/cycles/:id and in the list', async () => {
      const { cycle } = await cycleWithMixedReviews();
      expect(cycle.reviews).toEqual({ draft: 1, submitted: 1, finalized: 1, total: 3 });
      const extra = await createEmployee(t);
      await createReview(t, extra.id, cycle.id);
      const after = await getCycle(cycle.id);
      expect(after.reviews).toEqual({ draft: 2, submitted: 1, finalized: 1, total: 4 });
      const listed = (await listCycles({ status: 'open' })).find((c) => c.id === cycle.id);
      expect(listed?.reviews).toEqual({ draft: 2, submitted: 1, finalized: 1, total: 4 });
      // Counts are per cycle: a fresh cycle still shows zero.
      expect((await getCycle((await plan()).id)).reviews).toEqual(ZERO);
    });

    it('refuses to close while reviews are unfinalized: 409 listing them by employee number; the cycle stays open', async () => {
      const { cycle, employees, draft, submitted } = await cycleWithMixedReviews();
      const [e1, e2, e3] = employees;
      const res = expectError(await closeReq(cycle, cycle.version), 409);
      expect(res.details).toEqual({
        notFinalized: [
          { reviewId: draft.id, employeeNo: e1.employeeNo, name: '张三', status: 'draft' },
          { reviewId: submitted.id, employeeNo: e2.employeeNo, name: '李四', status: 'submitted' },
        ],
      });
      expect(res.message).toBe(`The cycle cannot close: 2 review(s) are not finalized: ${e1.employeeNo} 张三 (draft), ${e2.employeeNo} 李四 (submitted)`);
      expect(res.message).not.toContain(e3.employeeNo);
      const still = await getCycle(cycle.id);
      expect(still.status).toBe('open');
      expect(still.version).toBe(cycle.version);
      expect((await auditOf(t, 'cycle', cycle.id)).map((a) => a.action)).toEqual(['open', 'create']);
    });

    it('closes once every review is finalized; the closed cycle then refuses every review write', async () => {
      const { cycle, draft, submitted, finalized } = await cycleWithMixedReviews();
      expectError(await closeReq(cycle, cycle.version), 409);
      const f1 = await finish(draft);
      const f2 = await finalize(submitted);
      expect([f1.status, f2.status]).toEqual(['finalized', 'finalized']);

      expect(errorFields(expectError(await t.http.post(`/api/cycles/${cycle.id}/close`).set(t.as('hr')).send({}), 428))).toEqual(['version']);
      expectError(await closeReq(cycle, cycle.version + 1), 409);
      const res = await closeReq(cycle, cycle.version);
      expect(res.status).toBe(200);
      const closed = res.body as CycleDto;
      expect(closed).toMatchObject({ id: cycle.id, status: 'closed', version: cycle.version + 1, reviews: { draft: 0, submitted: 0, finalized: 3, total: 3 } });
      expect(await getCycle(cycle.id)).toEqual(closed);

      const before = await getReview(t, f1.id);
      const closedErr = (r: Parameters<typeof expectError>[0]) => {
        const body = expectError(r, 409);
        expect(body.details).toEqual({ cycleStatus: 'closed' });
        expect(body.message).toBe(`Cycle "${cycle.name}" is closed; reviews can only change while it is open`);
      };
      closedErr(await t.http.put(`/api/reviews/${f1.id}/scores`).set(t.as('hr')).send({ version: before.version, entries: fullAccountManagerEntries() }));
      closedErr(await t.http.patch(`/api/reviews/${f1.id}`).set(t.as('hr')).send({ version: before.version, strengths: 'too late' }));
      closedErr(await t.http.post(`/api/reviews/${f1.id}/reopen`).set(t.as('hr')).send({ version: before.version, reason: 'typo in sales figure' }));
      closedErr(await t.http.post(`/api/reviews/${finalized.id}/finalize`).set(t.as('hr')).send({ version: finalized.version }));
      const newcomer = await createEmployee(t);
      closedErr(await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: newcomer.id, cycleId: cycle.id }));
      expect(await getReview(t, f1.id)).toEqual(before);
      expect((await reviewsIn(cycle.id)).meta.total).toBe(3);

      // The cycle itself is frozen too.
      expect(expectError(await openReq(cycle, closed.version), 409).details).toEqual({ status: 'closed' });
      expect(expectError(await closeReq(cycle, closed.version), 409).details).toEqual({ status: 'closed' });
      expect(
        expectError(await t.http.patch(`/api/cycles/${cycle.id}`).set(t.as('hr')).send({ version: closed.version, name: 'Renamed after close' }), 409).message,
      ).toBe(`Cycle "${cycle.name}" is closed and can no longer change`);
      expectError(await t.http.delete(`/api/cycles/${cycle.id}`).set(t.as('hr')).set('If-Match', String(closed.version)), 409);
      expect(await getCycle(cycle.id)).toEqual(closed);

      const audit = await auditOf(t, 'cycle', cycle.id);
      expect(audit.map((a) => a.action)).toEqual(['close', 'open', 'create']);
      expect(audit[0].actor).toBe('hr@test.example');
      expect(audit[0].before).toMatchObject({ status: 'open', version: cycle.version });
      expect(audit[0].after).toMatchObject({ status: 'closed', version: cycle.version + 1 });
    });

    it('a reopened review blocks closing again until finalized anew', async () => {
      const cycle = await open(await plan());
      const e = await createEmployee(t, 'account_manager', { name: '复核员工' });
      const done = await finish(await createReview(t, e.id, cycle.id));
      const reopened = await t.http.post(`/api/reviews/${done.id}/reopen`).set(t.as('hr')).send({ version: done.version, reason: 'HR found a typo' });
      expect(reopened.status).toBe(200);
      const res = expectError(await closeReq(cycle, cycle.version), 409);
      expect(res.details).toEqual({ notFinalized: [{ reviewId: done.id, employeeNo: e.employeeNo, name: '复核员工', status: 'draft' }] });
      await finish(reopened.body as ReviewDto);
      expect((await closeReq(cycle, cycle.version)).status).toBe(200);
    });

    it('an open cycle without reviews closes', async () => {
      const cycle = await open(await plan());
      const res = await closeReq(cycle, cycle.version);
      expect(res.status).toBe(200);
      expect((res.body as CycleDto).status).toBe('closed');
    });

    it('close racing a reopen: never both (a closed cycle never holds an unfinalized review)', async () => {
      for (let round = 0; round < 5; round++) {
        const cycle = await open(await plan());
        const done = await finish(await createReview(t, (await createEmployee(t)).id, cycle.id));
        const [closeRes, reopenRes] = await Promise.all([
          closeReq(cycle, cycle.version),
          t.http.post(`/api/reviews/${done.id}/reopen`).set(t.as('hr')).send({ version: done.version, reason: 'race with close' }),
        ]);
        expect([closeRes.status, reopenRes.status].sort()).toEqual([200, 409]);
        const now = await getCycle(cycle.id);
        const review = await getReview(t, done.id);
        if (now.status === 'closed') expect(review.status).toBe('finalized');
        else expect(review.status).toBe('draft');
      }
    });

    it('close racing a new review: never both (no review slips into a closed cycle)', async () => {
      for (let round = 0; round < 5; round++) {
        const cycle = await open(await plan());
        const e = await createEmployee(t);
        const [closeRes, createRes] = await Promise.all([
          closeReq(cycle, cycle.version),
          t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: e.id, cycleId: cycle.id }),
        ]);
        const now = await getCycle(cycle.id);
        if (now.status === 'closed') {
          expect(closeRes.status).toBe(200);
          expect(expectError(createRes, 409).details).toEqual({ cycleStatus: 'closed' });
          expect(now.reviews).toEqual(ZERO);
        } else {
          expect(createRes.status).toBe(201);
          expect(expectError(closeRes, 409).details).toMatchObject({ notFinalized: [{ employeeNo: e.employeeNo, status: 'draft' }] });
          expect(now.reviews).toEqual({ draft: 1, submitted: 0, finalized: 0, total: 1 });
        }
      }
    });
  });

  describe('listing', () => {
    it('filters by status and lists newest period first', async () => {
      const planned = await plan({ periodStart: '2030-01-01', periodEnd: '2030-06-30' });
      const opened = await open(await plan({ periodStart: '2030-07-01', periodEnd: '2030-12-31' }));
      const closedRes = await closeReq(await open(await plan({ periodStart: '2029-07-01', periodEnd: '2029-12-31' })), 2);
      expect(closedRes.status).toBe(200);
      const closed = closedRes.body as CycleDto;

      const all = await listCycles();
      const ids = all.map((c) => c.id);
      expect(ids).toEqual(expect.arrayContaining([planned.id, opened.id, closed.id]));
      // periodStart descending: 2030-07 (open), 2030-01 (planned), 2029-07 (closed).
      expect(ids.indexOf(opened.id)).toBeLessThan(ids.indexOf(planned.id));
      expect(ids.indexOf(planned.id)).toBeLessThan(ids.indexOf(closed.id));
      const starts = all.map((c) => c.periodStart);
      expect(starts).toEqual([...starts].sort().reverse());

      for (const [status, mine, others] of [
        ['planned', planned.id, [opened.id, closed.id]],
        ['open', opened.id, [planned.id, closed.id]],
        ['closed', closed.id, [planned.id, opened.id]],
      ] as [string, string, string[]][]) {
        const filtered = await listCycles({ status });
        expect(filtered.length).toBeGreaterThan(0);
        for (const c of filtered) expect(c.status).toBe(status);
        expect(filtered.map((c) => c.id)).toContain(mine);
        for (const o of others) expect(filtered.map((c) => c.id)).not.toContain(o);
      }
      expect(all.length).toBe(
        (await listCycles({ status: 'planned' })).length + (await listCycles({ status: 'open' })).length + (await listCycles({ status: 'closed' })).length,
      );

      expect(errorFields(expectError(await t.http.get('/api/cycles').query({ status: 'archived' }).set(t.as('hr')), 400))).toEqual(['status']);
      expect(errorFields(expectError(await t.http.get('/api/cycles').query({ sort: 'name' }).set(t.as('hr')), 400))).toEqual(['sort']);
    });
  });

  describe('deleting', () => {
    it('deletes a planned cycle with its version (204), then 404', async () => {
      const c = await plan();
      expect(errorFields(expectError(await t.http.delete(`/api/cycles/${c.id}`).set(t.as('hr')), 428))).toEqual(['version']);
      expect(expectError(await t.http.delete(`/api/cycles/${c.id}`).set(t.as('hr')).set('If-Match', '2'), 409).details).toEqual({
        currentVersion: 1,
        yourVersion: 2,
      });
      const res = await t.http.delete(`/api/cycles/${c.id}`).set(t.as('hr')).set('If-Match', '1');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectError(await t.http.get(`/api/cycles/${c.id}`).set(t.as('hr')), 404);
      expectError(await t.http.delete(`/api/cycles/${c.id}`).set(t.as('hr')).set('If-Match', '1'), 404);
      expect((await listCycles()).map((x) => x.id)).not.toContain(c.id);
      // The name is free again.
      expect((await postCycle({ name: c.name, periodStart: '2026-01-01', periodEnd: '2026-06-30' })).status).toBe(201);
      const audit = await auditOf(t, 'cycle', c.id);
      expect(audit.map((a) => a.action)).toEqual(['delete', 'create']);
      expect(audit[0].before).toMatchObject({ name: c.name, status: 'planned', version: 1 });
    });

    it('refuses to delete an open cycle (with or without reviews): 409, still there', async () => {
      const empty = await open(await plan());
      const res = expectError(await t.http.delete(`/api/cycles/${empty.id}`).set(t.as('hr')).set('If-Match', String(empty.version)), 409);
      expect(res.message).toBe(`Only a planned cycle can be deleted; "${empty.name}" is open`);
      expect(await getCycle(empty.id)).toEqual(empty);

      const busy = await open(await plan());
      await createReview(t, (await createEmployee(t)).id, busy.id);
      expectError(await t.http.delete(`/api/cycles/${busy.id}`).set(t.as('hr')).set('If-Match', String(busy.version)), 409);
      expect((await getCycle(busy.id)).reviews.total).toBe(1);
    });
  });

  describe('audit trail', () => {
    it('records create, update and open with actor hr, before and after values', async () => {
      const c = await plan({ periodStart: '2026-01-01', periodEnd: '2026-06-30' });
      const renamed = `Audited ${uniq()}`;
      await t.http.patch(`/api/cycles/${c.id}`).set(t.as('hr')).send({ version: 1, name: renamed }).expect(200);
      await openReq(c, 2).expect(200);
      const audit = await auditOf(t, 'cycle', c.id);
      expect(audit.map((a) => a.action)).toEqual(['open', 'update', 'create']);
      for (const a of audit) expect(a.actor).toBe('hr@test.example');
      expect(audit[2].before).toBeNull();
      expect(audit[2].after).toEqual({
        name: c.name,
        periodStart: '2026-01-01',
        periodEnd: '2026-06-30',
        status: 'planned',
        selfAssessment: false,
        managerAssessment: false,
        selfAssessmentDue: null,
        managerAssessmentDue: null,
        hrReviewDue: null,
        finalizationDue: null,
        targetDistribution: null,
        printAssessments: false,
        version: 1,
      });
      expect(audit[1].before).toMatchObject({ name: c.name, version: 1 });
      expect(audit[1].after).toMatchObject({ name: renamed, version: 2 });
      expect(audit[0].before).toMatchObject({ status: 'planned', version: 2 });
      expect(audit[0].after).toMatchObject({ status: 'open', version: 3 });
    });
  });

  it('no request in this file ended in a 5xx', () => {
    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });
});
