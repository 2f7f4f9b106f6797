import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ReviewDto, ReviewPageDto } from '../src/reviews/dto/review.dto.js';
import {
  auditOf,
  createEmployee,
  errorFields,
  expectError,
  fullAccountManagerEntries,
  getEmployee,
  getReview,
  putScores,
  recordStatuses,
  seedOpenCycle,
  seedReview,
  type KpiEntry,
} from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

const WRITERS = 40;

/** Writer i's full entry set: only the sales actual (and a comment) differ between writers. */
function writerEntries(i: number): KpiEntry[] {
  return fullAccountManagerEntries().map((e) =>
    // 1,000,000 + i × 20,000 of a 2,000,000 target = (50 + i) % attainment.
    e.kpiKey === 'sales_attainment' ? { kpiKey: e.kpiKey, actual: 1_000_000 + i * 20_000, comment: `writer ${i}` } : e,
  );
}

/** The 200s and the 409s of a batch; anything else fails the test. */
function split(responses: Response[]): { ok: { index: number; res: Response }[]; conflicts: Response[] } {
  const ok: { index: number; res: Response }[] = [];
  const conflicts: Response[] = [];
  responses.forEach((res, index) => {
    if (res.status === 200) ok.push({ index, res });
    else if (res.status === 409) conflicts.push(res);
    else throw new Error(`writer ${index}: unexpected ${res.status} ${JSON.stringify(res.body)}`);
  });
  return { ok, conflicts };
}

describe('optimistic concurrency', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];

  beforeAll(async () => {
    t = await createTestApp();
    statuses = recordStatuses(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it(`${WRITERS} concurrent PUT scores with the same version: exactly one wins, the rest get 409`, async () => {
    const { review } = await seedReview(t);
    const start = await putScores(t, review, [{ kpiKey: 'selling', rating: 1 }]);
    expect(start.version).toBe(2);

    const responses = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .set('If-Match', String(start.version))
          .send({ entries: writerEntries(i) }),
      ),
    );
    const { ok, conflicts } = split(responses);
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(WRITERS - 1);
    for (const res of conflicts) {
      const body = expectError(res, 409);
      expect(body.details).toEqual({ currentVersion: 3, yourVersion: 2 });
      expect(body.message).toContain('changed by someone else');
    }

    const winner = ok[0].index;
    const expectedInputs = writerEntries(winner).map((e) => ({
      actual: e.actual ?? null,
      target: e.target ?? null,
      rating: e.rating ?? null,
      comment: e.comment ?? null,
    }));
    // (50 + winner) % → score 50 + winner, × 35 / 100 points; the other KPIs add 13.5 + 0 + 10.5 + 20 = 44.
    // In hundredths: (50 + winner) × 35 + 4400.
    const expectedTotal = ((50 + winner) * 35 + 4400) / 100;
    const won = ok[0].res.body as ReviewDto;
    expect(won.version).toBe(3);
    expect(won.kpis.map((k) => k.input)).toEqual(expectedInputs);

    const stored = await getReview(t, review.id);
    expect(stored.version).toBe(3);
    expect(stored.kpis.map((k) => k.input)).toEqual(expectedInputs);
    expect(stored.kpis[0]).toMatchObject({ attainment: 50 + winner, score: 50 + winner, points: ((50 + winner) * 35) / 100 });
    expect(stored.total).toBe(expectedTotal);
    expect(stored.complete).toBe(true);

    const scores = (await auditOf(t, 'review', review.id)).filter((a) => a.action === 'scores');
    // One for the starting PUT, exactly one for the race.
    expect(scores).toHaveLength(2);
    expect(scores[0].before).toMatchObject({ version: 2, inputs: { selling: { rating: 1, comment: null } } });
    expect(scores[0].after).toMatchObject({
      version: 3,
      total: expectedTotal,
      inputs: { sales_attainment: { actual: 1_000_000 + winner * 20_000, target: null, comment: `writer ${winner}` } },
    });

    // A loser reloads and applies its change again: that works.
    const loser = winner === 0 ? 1 : 0;
    const retried = await putScores(t, stored, writerEntries(loser));
    expect(retried.version).toBe(4);
    expect(retried.kpis[0].input.actual).toBe(1_000_000 + loser * 20_000);
  });

  it(`${WRITERS} concurrent PATCH /api/employees/:id with the same version: exactly one wins`, async () => {
    const employee = await createEmployee(t);
    expect(employee.version).toBe(1);

    const responses = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        t.http
          .patch(`/api/employees/${employee.id}`)
          .set(t.as('hr'))
          .send({ version: 1, name: `并发写者 ${i}`, department: `Dept ${i}` }),
      ),
    );
    const { ok, conflicts } = split(responses);
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(WRITERS - 1);
    for (const res of conflicts) expect(expectError(res, 409).details).toEqual({ currentVersion: 2, yourVersion: 1 });

    const winner = ok[0].index;
    expect((ok[0].res.body as EmployeeDto).name).toBe(`并发写者 ${winner}`);
    const stored = await getEmployee(t, employee.id);
    expect(stored).toMatchObject({
      name: `并发写者 ${winner}`,
      department: `Dept ${winner}`,
      version: 2,
      email: employee.email,
      employeeNo: employee.employeeNo,
    });

    const trail = await auditOf(t, 'employee', employee.id);
    expect(trail.map((a) => a.action)).toEqual(['update', 'create']);
    expect(trail[0].actor).toBe('hr@test.example');
    expect(trail[0].before).toMatchObject({ name: employee.name, department: employee.department, version: 1 });
    expect(trail[0].after).toMatchObject({ name: `并发写者 ${winner}`, department: `Dept ${winner}`, version: 2 });
  });

  it('concurrent submit, PATCH and PUT scores on one version: exactly one of them happens', async () => {
    const { review } = await seedReview(t);
    const ready = await putScores(t, review, fullAccountManagerEntries());
    const v = String(ready.version);
    const requests = Array.from({ length: 30 }, (_, i) => {
      const base = `/api/reviews/${review.id}`;
      if (i % 3 === 0) return t.http.post(`${base}/submit`).set(t.as('hr')).set('If-Match', v).send({});
      if (i % 3 === 1)
        return t.http
          .patch(base)
          .set(t.as('hr'))
          .set('If-Match', v)
          .send({ strengths: `writer ${i}` });
      return t.http
        .put(`${base}/scores`)
        .set(t.as('hr'))
        .set('If-Match', v)
        .send({ entries: writerEntries(i) });
    });
    const { ok, conflicts } = split(await Promise.all(requests));
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(29);

    const stored = await getReview(t, review.id);
    expect(stored.version).toBe(ready.version + 1);
    const trail = await auditOf(t, 'review', review.id);
    // create, the set-up scores, and exactly one write of the race.
    expect(trail).toHaveLength(3);
    const winner = ok[0].index;
    if (winner % 3 === 0) {
      expect(trail[0].action).toBe('submit');
      expect(stored.status).toBe('submitted');
    } else if (winner % 3 === 1) {
      expect(trail[0].action).toBe('update');
      expect(stored.strengths).toBe(`writer ${winner}`);
      expect(stored.status).toBe('draft');
    } else {
      expect(trail[0].action).toBe('scores');
      expect(stored.kpis[0].input.comment).toBe(`writer ${winner}`);
      expect(stored.status).toBe('draft');
    }
  });

  it('20 concurrent creates of the same review: one 201, the rest 409', async () => {
    const cycle = await seedOpenCycle(t);
    const employee = await createEmployee(t);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: employee.id, cycleId: cycle.id })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    const refused = responses.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(19);
    for (const res of refused) {
      const body = expectError(res, 409);
      // Either the service's own check saw the winner's row, or the unique constraint caught the
      // race: both name the offending request fields (and nothing else).
      if (body.details) {
        expect(errorFields(body)).toEqual(['employeeId']);
        expect(body.message).toContain('already has a review');
      } else {
        expect(errorFields(body)).toEqual(['employeeId', 'cycleId']);
        expect(body.message).toMatch(/^Already exists: Key \(employee_id, cycle_id\)/);
      }
    }
    const list = await t.http.get('/api/reviews').query({ cycleId: cycle.id, employeeId: employee.id }).set(t.as('hr')).expect(200);
    expect((list.body as ReviewPageDto).meta.total).toBe(1);
  });

  describe('versions on single writes', () => {
    it('a stale If-Match gets 409 with details.currentVersion, and changes nothing', async () => {
      const { review } = await seedReview(t);
      const v2 = await putScores(t, review, [{ kpiKey: 'selling', rating: 4 }]);
      await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', '2').send({ strengths: 'v3' }).expect(200);

      const stale = expectError(
        await t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .set('If-Match', String(v2.version - 1))
          .send({ entries: [] }),
        409,
      );
      expect(stale.details).toEqual({ currentVersion: 3, yourVersion: 1 });
      expect(stale.message).toContain('you read version 1, it is now at version 3');
      const staleBody = expectError(await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).send({ version: 2, strengths: 'lost update' }), 409);
      expect(staleBody.details).toEqual({ currentVersion: 3, yourVersion: 2 });
      // A version from the future is just as wrong.
      const ahead = expectError(await t.http.post(`/api/reviews/${review.id}/submit`).set(t.as('hr')).set('If-Match', '99').send({}), 409);
      expect(ahead.details).toEqual({ currentVersion: 3, yourVersion: 99 });

      const now = await getReview(t, review.id);
      expect(now).toMatchObject({ version: 3, strengths: 'v3', status: 'draft' });
      expect(now.kpis.find((k) => k.key === 'selling')?.input.rating).toBe(4);
      expect((await auditOf(t, 'review', review.id)).map((a) => a.action)).toEqual(['update', 'scores', 'create']);
    });

    it('a stale employee version gets 409 with details.currentVersion', async () => {
      const employee = await createEmployee(t);
      await t.http.patch(`/api/employees/${employee.id}`).set(t.as('hr')).set('If-Match', '1').send({ department: 'North' }).expect(200);
      const body = expectError(await t.http.patch(`/api/employees/${employee.id}`).set(t.as('hr')).set('If-Match', '1').send({ department: 'South' }), 409);
      expect(body.details).toEqual({ currentVersion: 2, yourVersion: 1 });
      expect((await getEmployee(t, employee.id)).department).toBe('North');
    });

    it('a write without any version gets 428 and changes nothing', async () => {
      const { review } = await seedReview(t);
      const put = expectError(
        await t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .send({ entries: [{ kpiKey: 'selling', rating: 4 }] }),
        428,
      );
      expect(errorFields(put)).toEqual(['version']);
      expect(put.error).toBe('Precondition Required');
      expectError(await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).send({ strengths: 'x' }), 428);
      expectError(await t.http.post(`/api/reviews/${review.id}/submit`).set(t.as('hr')).send({}), 428);
      expectError(await t.http.post(`/api/reviews/${review.id}/reopen`).set(t.as('hr')).send({ reason: 'because' }), 428);
      // An empty If-Match is no version either.
      expectError(await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', '').send({ strengths: 'x' }), 428);
      const employee = await createEmployee(t);
      expectError(await t.http.patch(`/api/employees/${employee.id}`).set(t.as('hr')).send({ name: 'No Version' }), 428);

      const now = await getReview(t, review.id);
      expect(now.version).toBe(1);
      expect(now.strengths).toBe('');
      expect((await auditOf(t, 'review', review.id)).map((a) => a.action)).toEqual(['create']);
      expect((await getEmployee(t, employee.id)).name).toBe(employee.name);
    });

    it('accepts If-Match as 3, "3" or W/"3"; refuses one that disagrees with the body version (400)', async () => {
      const { review } = await seedReview(t);
      const a = await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', '1').send({ strengths: 'a' }).expect(200);
      expect((a.body as ReviewDto).version).toBe(2);
      const b = await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', '"2"').send({ strengths: 'b' }).expect(200);
      expect((b.body as ReviewDto).version).toBe(3);
      const c = await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', 'W/"3"').send({ strengths: 'c' }).expect(200);
      expect((c.body as ReviewDto).version).toBe(4);

      const disagree = expectError(
        await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', '4').send({ version: 3, strengths: 'd' }),
        400,
      );
      expect(errorFields(disagree)).toEqual(['version']);
      expect(disagree.message).toContain('disagree');
      expect((await getReview(t, review.id)).strengths).toBe('c');
    });
  });

  it('answered no request of this file with a 5xx', () => {
    expect(statuses.length).toBeGreaterThan(150);
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });
});
