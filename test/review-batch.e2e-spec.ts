// Saving a whole draft in one write, and starting every missing review of a cycle at once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { ReviewDto, StartAllResultDto } from '../src/reviews/dto/review.dto.js';
import {
  auditOf,
  createEmployee,
  createReview,
  errorFields,
  expectError,
  fullAccountManagerEntries,
  getReview,
  recordStatuses,
  seedOpenCycle,
  seedReview,
} from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

describe('review batch writes', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];

  beforeAll(async () => {
    t = await createTestApp();
    statuses = recordStatuses(t);
  });
  afterAll(async () => {
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
    await t.close();
  });

  describe('PUT /api/reviews/:id (save a draft)', () => {
    it('sets inputs and texts under one new version, with one audit entry', async () => {
      const { review } = await seedReview(t);
      const res = await t.http.put(`/api/reviews/${review.id}`).set(t.as('hr')).send({
        version: review.version,
        entries: fullAccountManagerEntries(),
        strengths: '沟通好',
        challenges: 'Big accounts',
        developmentPlan: 'Lead a team',
      });
      expect(res.status).toBe(200);
      const saved = res.body as ReviewDto;
      expect(saved.version).toBe(review.version + 1);
      expect(saved.complete).toBe(true);
      expect(saved.strengths).toBe('沟通好');
      expect(saved.developmentPlan).toBe('Lead a team');
      // The same numbers as the two separate writes give (see reviews.e2e-spec.ts).
      const other = await seedReview(t);
      const viaScores = (
        await t.http.put(`/api/reviews/${other.review.id}/scores`).set(t.as('hr')).send({ version: 1, entries: fullAccountManagerEntries() }).expect(200)
      ).body as ReviewDto;
      expect(saved.total).toBe(viaScores.total);
      expect(saved.kpis.map((k) => k.points)).toEqual(viaScores.kpis.map((k) => k.points));
      const audit = await auditOf(t, 'review', review.id);
      expect(audit[0].action).toBe('save');
    });

    it('keeps texts that are left out, and refuses a null text', async () => {
      const { review } = await seedReview(t);
      const first = (await t.http.put(`/api/reviews/${review.id}`).set(t.as('hr')).send({ version: 1, entries: [], strengths: 'kept' }).expect(200))
        .body as ReviewDto;
      const second = (
        await t.http
          .put(`/api/reviews/${review.id}`)
          .set(t.as('hr'))
          .send({ version: first.version, entries: [{ kpiKey: 'selling', rating: 3 }] })
          .expect(200)
      ).body as ReviewDto;
      expect(second.strengths).toBe('kept');
      expect(second.kpis.find((k) => k.key === 'selling')?.score).toBe(60);
      const res = await t.http.put(`/api/reviews/${review.id}`).set(t.as('hr')).send({ version: second.version, entries: [], strengths: null });
      expect(errorFields(expectError(res, 400))).toEqual(['strengths']);
    });

    it('answers 409 on a stale version and changes nothing', async () => {
      const { review } = await seedReview(t);
      await t.http
        .put(`/api/reviews/${review.id}`)
        .set(t.as('hr'))
        .send({ version: 1, entries: [{ kpiKey: 'selling', rating: 5 }] })
        .expect(200);
      const res = await t.http
        .put(`/api/reviews/${review.id}`)
        .set(t.as('hr'))
        .send({ version: 1, entries: [{ kpiKey: 'selling', rating: 1 }], strengths: 'lost' });
      expect(expectError(res, 409).details).toMatchObject({ currentVersion: 2, yourVersion: 1 });
      const now = await getReview(t, review.id);
      expect(now.kpis.find((k) => k.key === 'selling')?.input.rating).toBe(5);
      expect(now.strengths).toBe('');
    });

    it('names the entry that is wrong, as PUT …/scores does', async () => {
      const { review } = await seedReview(t);
      const res = await t.http
        .put(`/api/reviews/${review.id}`)
        .set(t.as('hr'))
        .send({
          version: 1,
          entries: [
            { kpiKey: 'selling', rating: 9 },
            { kpiKey: 'sales_attainment', rating: 3 },
          ],
        });
      expect(errorFields(expectError(res, 400))).toEqual(['entries[0].rating', 'entries[1].rating']);
    });

    it('refuses to save a submitted review', async () => {
      const { review } = await seedReview(t);
      const full = (await t.http.put(`/api/reviews/${review.id}`).set(t.as('hr')).send({ version: 1, entries: fullAccountManagerEntries() }).expect(200))
        .body as ReviewDto;
      await t.http.post(`/api/reviews/${review.id}/submit`).set(t.as('hr')).send({ version: full.version }).expect(200);
      expectError(
        await t.http
          .put(`/api/reviews/${review.id}`)
          .set(t.as('hr'))
          .send({ version: full.version + 1, entries: [] }),
        409,
      );
    });
  });

  describe('POST /api/cycles/:id/reviews (start every missing review)', () => {
    let cycle: CycleDto;

    beforeAll(async () => {
      cycle = await seedOpenCycle(t);
    });

    it('creates a draft for each active employee without one, and reports the rest', async () => {
      const withReview = await createEmployee(t);
      await createReview(t, withReview.id, cycle.id);
      const fresh = await createEmployee(t, 'manager');
      const inactive = await createEmployee(t);
      const e = (await t.http.get(`/api/employees/${inactive.id}`).set(t.as('hr')).expect(200)).body as { version: number };
      await t.http.patch(`/api/employees/${inactive.id}`).set(t.as('hr')).send({ version: e.version, active: false }).expect(200);
      const role = (
        await t.http
          .post('/api/roles')
          .set(t.as('admin'))
          .send({ code: `intern_${Date.now()}`, nameZh: '实习生', nameEn: 'Intern' })
          .expect(201)
      ).body as { id: string; code: string };
      const intern = await createEmployee(t, 'account_manager', { roleId: role.id });

      const res = await t.http.post(`/api/cycles/${cycle.id}/reviews`).set(t.as('hr')).send({});
      expect(res.status).toBe(200);
      const result = res.body as StartAllResultDto;
      expect(result.created.map((c) => c.employeeId)).toContain(fresh.id);
      expect(result.created.map((c) => c.employeeId)).not.toContain(withReview.id);
      expect(result.skipped).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ employeeId: inactive.id, reason: 'inactive' }),
          expect.objectContaining({ employeeId: intern.id, reason: 'no_published_template' }),
        ]),
      );
      expect(result.alreadyStarted).toBe(1);
      const created = await getReview(t, result.created.find((c) => c.employeeId === fresh.id)?.reviewId ?? '');
      expect(created).toMatchObject({ status: 'draft', version: 1, total: 0, complete: false });
      expect(created.template.roleCode).toBe('manager');
      expect((await auditOf(t, 'review', created.id))[0]).toMatchObject({ action: 'create' });

      // Again: nothing left to start, the same people skipped.
      const again = (await t.http.post(`/api/cycles/${cycle.id}/reviews`).set(t.as('hr')).send({}).expect(200)).body as StartAllResultDto;
      expect(again.created).toEqual([]);
      expect(again.skipped.map((s) => s.employeeId).sort()).toEqual(result.skipped.map((s) => s.employeeId).sort());
      expect(again.alreadyStarted).toBe(result.alreadyStarted + result.created.length);
    });

    it('gives exactly one review per person when two batches race', async () => {
      const c = await seedOpenCycle(t);
      await createEmployee(t);
      const [a, b] = await Promise.all([
        t.http.post(`/api/cycles/${c.id}/reviews`).set(t.as('hr')).send({}),
        t.http.post(`/api/cycles/${c.id}/reviews`).set(t.as('hr')).send({}),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const total = (a.body as StartAllResultDto).created.length + (b.body as StartAllResultDto).created.length;
      const [{ n }] = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM reviews WHERE cycle_id = $1', [c.id]);
      expect(total).toBe(n);
      expect(Math.min((a.body as StartAllResultDto).created.length, (b.body as StartAllResultDto).created.length)).toBe(0);
    });

    it('refuses a cycle that is not open, and an unknown cycle', async () => {
      const planned = (
        await t.http
          .post('/api/cycles')
          .set(t.as('hr'))
          .send({ name: `planned ${Date.now()}`, periodStart: '2027-01-01', periodEnd: '2027-06-30' })
          .expect(201)
      ).body as CycleDto;
      expectError(await t.http.post(`/api/cycles/${planned.id}/reviews`).set(t.as('hr')).send({}), 409);
      expectError(await t.http.post('/api/cycles/7d8a2f3e-1b2c-4d5e-8f90-a1b2c3d4e5f6/reviews').set(t.as('hr')).send({}), 404);
    });
  });
});
