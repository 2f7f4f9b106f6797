// End-to-end tests of calibration: a cycle's band distribution against HR's target (filtered by
// department, role and a manager's whole subtree), adjustments of a review's band and total with a
// reason beside the computed result, department locks and their reopening, and the scorecard
// saying "calibrated from X to Y: reason".
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CalibrationDto, DepartmentLockDto } from '../src/calibration/dto/calibration.dto.js';
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
  seedOpenCycle,
  seedStagedCycle,
  uniq,
} from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';
import { pdfText } from './support/pdf-reader.js';

describe('calibration', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];
  let cycle: CycleDto;
  let dept: string;
  let other: string;
  let boss: EmployeeDto;
  let lead: EmployeeDto;
  const reviews: Record<'boss' | 'lead' | 'a' | 'b' | 'c' | 'x' | 'todo', ReviewDto> = {} as never;

  const hr = () => t.as('hr');
  const overview = async (query: Record<string, string> = {}) =>
    (await t.http.get(`/api/cycles/${cycle.id}/calibration`).query(query).set(hr()).expect(200)).body as CalibrationDto;
  const calibrate = (r: { id: string; version: number }, body: Record<string, unknown>) =>
    t.http
      .put(`/api/reviews/${r.id}/calibration`)
      .set(hr())
      .send({ version: r.version, ...body });

  beforeAll(async () => {
    // Printing shares the machine with other tests: give a slow print the time it needs.
    t = await createTestApp({ PDF_TIMEOUT_MS: '60000' });
    statuses = recordStatuses(t);
    cycle = await seedOpenCycle(t, `Calibration ${uniq()}`, {
      targetDistribution: { outstanding: 20, exceeds: 20, meets: 40, needs_improvement: 10, unsatisfactory: 10 },
    });
    dept = `Calib ${uniq()}`;
    other = `Calib other ${uniq()}`;
    // boss → lead → a, b; boss → c; x elsewhere. The subtree of boss is lead, a, b, c.
    boss = await createEmployee(t, 'manager', { department: dept });
    lead = await createEmployee(t, 'manager', { department: dept, managerId: boss.id });
    const a = await createEmployee(t, 'account_manager', { department: dept, managerId: lead.id });
    const b = await createEmployee(t, 'account_manager', { department: dept, managerId: lead.id });
    const c = await createEmployee(t, 'account_manager', { department: dept, managerId: boss.id });
    const todo = await createEmployee(t, 'account_manager', { department: dept, managerId: boss.id });
    const x = await createEmployee(t, 'account_manager', { department: other });
    for (const [key, e] of [
      ['boss', boss],
      ['lead', lead],
      ['todo', todo],
    ] as const)
      reviews[key] = await createReview(t, e.id, cycle.id);
    for (const [key, e] of [
      ['a', a],
      ['b', b],
      ['c', c],
      ['x', x],
    ] as const)
      reviews[key] = await putScores(t, await createReview(t, e.id, cycle.id), fullAccountManagerEntries());
  });

  afterAll(async () => {
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
    await t.close();
  });

  it('shows the band distribution against the target, reviews without a band apart, and every review by total', async () => {
    const all = await overview({ department: dept });
    const band = reviews.a.band?.key ?? '';
    expect(band).not.toBe('');
    expect(all.cycle).toMatchObject({
      id: cycle.id,
      targetDistribution: { outstanding: 20, exceeds: 20, meets: 40, needs_improvement: 10, unsatisfactory: 10 },
    });
    // a, b and c are complete with the same band; boss, lead and todo have no input yet.
    expect(all.distribution.banded).toBe(3);
    expect(all.distribution.unbanded).toBe(3);
    expect(all.distribution.rows.map((r) => r.bandKey)).toEqual(['outstanding', 'exceeds', 'meets', 'needs_improvement', 'unsatisfactory']);
    const row = all.distribution.rows.find((r) => r.bandKey === band);
    expect(row).toMatchObject({ count: 3, percent: 100 });
    // Targets of 3 people: 0.6 / 0.6 / 1.2 / 0.3 / 0.3 → 1 / 1 / 1 / 0 / 0 by largest remainder.
    expect(all.distribution.rows.map((r) => r.targetCount)).toEqual([1, 1, 1, 0, 0]);
    expect(all.distribution.rows.map((r) => r.gap)).toEqual(all.distribution.rows.map((r) => r.count - (r.targetCount ?? 0)));
    expect(all.distribution.rows[0]).toMatchObject({ labelEn: 'Outstanding', labelZh: '卓越', targetPercent: 20 });
    expect(all.reviews).toHaveLength(6);
    const totals = all.reviews.map((r) => r.effectiveTotal);
    expect(totals).toEqual([...totals].sort((p, q) => q - p));
    expect(all.reviews[0]).toMatchObject({
      total: reviews.a.total,
      bandKey: band,
      calibratedBandKey: null,
      effectiveBandKey: band,
      stage: { stage: 'hr' },
      status: 'draft',
    });
    expect(all.reviews[0].bandKeys).toEqual(['outstanding', 'exceeds', 'meets', 'needs_improvement', 'unsatisfactory']);
    expect(all.departments.find((d) => d.department === dept)).toEqual({ department: dept, reviews: 6, locked: false, lockedAt: null, lockedBy: null });
    expect(all.options.departments).toEqual(expect.arrayContaining([dept, other]));
    expect(all.options.managers.map((m) => m.id)).toEqual(expect.arrayContaining([boss.id, lead.id]));
  });

  it("filters by role and by a manager's whole subtree", async () => {
    const managers = await overview({ department: dept, roleCode: 'manager' });
    expect(managers.reviews.map((r) => r.id).sort()).toEqual([reviews.boss.id, reviews.lead.id].sort());
    const underBoss = await overview({ managerId: boss.id });
    expect(underBoss.reviews.map((r) => r.id).sort()).toEqual([reviews.lead.id, reviews.a.id, reviews.b.id, reviews.c.id, reviews.todo.id].sort());
    const underLead = await overview({ managerId: lead.id });
    expect(underLead.reviews.map((r) => r.id).sort()).toEqual([reviews.a.id, reviews.b.id].sort());
    expect(underLead.distribution.banded).toBe(2);
    expect((await overview({ department: other })).reviews.map((r) => r.id)).toEqual([reviews.x.id]);
    expectError(await t.http.get(`/api/cycles/${cycle.id}/calibration`).query({ managerId: '00000000-0000-4000-8000-000000000000' }).set(hr()), 404);
    expectError(await t.http.get(`/api/cycles/00000000-0000-4000-8000-000000000000/calibration`).set(hr()), 404);
    expect(errorFields(expectError(await t.http.get(`/api/cycles/${cycle.id}/calibration`).query({ roleCode: 'Not A Code' }).set(hr()), 400))).toEqual([
      'roleCode',
    ]);
  });

  it('refuses an adjustment without a reason, with a band not of the review, or a total above the highest possible, naming the field', async () => {
    const r = await getReview(t, reviews.a.id);
    expect(errorFields(expectError(await calibrate(r, { bandKey: 'meets' }), 400))).toEqual(['reason']);
    expect(errorFields(expectError(await calibrate(r, { bandKey: 'meets', reason: 'no' }), 400))).toEqual(['reason']);
    expect(errorFields(expectError(await calibrate(r, { bandKey: 'legendary', reason: 'Calibration meeting' }), 400))).toEqual(['bandKey']);
    expect(errorFields(expectError(await calibrate(r, { bandKey: 'meets', total: 500, reason: 'Calibration meeting' }), 400))).toEqual(['total']);
    expect(errorFields(expectError(await calibrate(r, { bandKey: 'meets', total: -1, reason: 'Calibration meeting' }), 400))).toEqual(['total']);
    expect(errorFields(expectError(await calibrate(r, { reason: 'Calibration meeting' }), 400))).toEqual(['bandKey']);
    expect((await getReview(t, r.id)).version).toBe(r.version);
  });

  it('stores the adjustment beside the computed result, bumps the version, audits it and moves the distribution', async () => {
    const before = await getReview(t, reviews.a.id);
    const res = await calibrate(before, { bandKey: 'outstanding', total: 93.5, reason: 'Led the regional turnaround' });
    expect(res.status).toBe(200);
    const after = res.body as ReviewDto;
    expect(after.version).toBe(before.version + 1);
    expect(after.total).toBe(before.total);
    expect(after.band).toEqual(before.band);
    expect(after.calibration).toMatchObject({
      bandKey: 'outstanding',
      total: 93.5,
      reason: 'Led the regional turnaround',
      by: expect.any(String),
      fromBandKey: before.band?.key,
      fromTotal: before.total,
    });
    const [entry] = await auditOf(t, 'review', before.id);
    expect(entry).toMatchObject({
      action: 'calibrate',
      before: { calibratedBandKey: null, calibratedTotal: null, version: before.version },
      after: { calibratedBandKey: 'outstanding', calibratedTotal: 93.5, reason: 'Led the regional turnaround', version: before.version + 1 },
    });
    const view = await overview({ department: dept });
    expect(view.distribution.rows.find((r) => r.bandKey === 'outstanding')?.count).toBe(1);
    expect(view.distribution.rows.find((r) => r.bandKey === before.band?.key)?.count).toBe(2);
    expect(view.reviews[0]).toMatchObject({
      id: before.id,
      calibratedBandKey: 'outstanding',
      calibratedTotal: 93.5,
      effectiveTotal: 93.5,
      effectiveBandKey: 'outstanding',
    });
    // Lists show the band that counts.
    const list = (await t.http.get('/api/reviews').query({ cycleId: cycle.id, department: dept }).set(hr()).expect(200)).body as ReviewPageDto;
    expect(list.items.find((i) => i.id === before.id)?.bandKey).toBe('outstanding');
    // Every reader of the review sees it, the manager of the team too.
    const manager = await t.userFor('manager', lead.id, `lead-${uniq()}@calibration.example`);
    const seen = (await t.http.get(`/api/reviews/${before.id}`).set(manager).expect(200)).body as ReviewDto;
    expect(seen.calibration?.bandKey).toBe('outstanding');
  });

  it('refuses a stale adjustment with 409 and changes nothing', async () => {
    const r = await getReview(t, reviews.b.id);
    const body = expectError(await calibrate({ id: r.id, version: r.version - 1 }, { bandKey: 'meets', reason: 'Calibration meeting' }), 409);
    expect(body.code).toBe('STALE_VERSION');
    expect((await getReview(t, r.id)).calibration).toBeNull();
  });

  it('withdraws an adjustment with a reason (DELETE or PUT with a null band), audited', async () => {
    let r = await getReview(t, reviews.b.id);
    r = (await calibrate(r, { bandKey: 'meets', reason: 'Calibration meeting' }).expect(200)).body as ReviewDto;
    expect(errorFields(expectError(await t.http.delete(`/api/reviews/${r.id}/calibration`).set(hr()).send({ version: r.version }), 400))).toEqual(['reason']);
    r = (await t.http.delete(`/api/reviews/${r.id}/calibration`).set(hr()).send({ version: r.version, reason: 'Agreed to keep the computed band' }).expect(200))
      .body as ReviewDto;
    expect(r.calibration).toBeNull();
    const [entry] = await auditOf(t, 'review', r.id);
    expect(entry).toMatchObject({
      action: 'calibration_clear',
      before: { calibratedBandKey: 'meets' },
      after: { calibratedBandKey: null, reason: 'Agreed to keep the computed band' },
    });
    r = (await calibrate(r, { bandKey: 'exceeds', reason: 'Second look' }).expect(200)).body as ReviewDto;
    r = (await calibrate(r, { bandKey: null, reason: 'Back to computed' }).expect(200)).body as ReviewDto;
    expect(r.calibration).toBeNull();
    expect(expectError(await calibrate(r, { bandKey: null, reason: 'Nothing to clear' }), 409).code).toBe('INVALID_STATE');
  });

  it('refuses to calibrate a finalized review (409 with its status) and one still with the employee (409 with the stage)', async () => {
    let r = await getReview(t, reviews.x.id);
    r = (await t.http.post(`/api/reviews/${r.id}/submit`).set(hr()).send({ version: r.version }).expect(200)).body as ReviewDto;
    // Submitted is still HR's: calibration is allowed.
    r = (await calibrate(r, { bandKey: 'meets', reason: 'Calibrated before finalizing' }).expect(200)).body as ReviewDto;
    r = (await t.http.post(`/api/reviews/${r.id}/finalize`).set(hr()).send({ version: r.version }).expect(200)).body as ReviewDto;
    const body = expectError(await calibrate(r, { bandKey: 'exceeds', reason: 'Too late' }), 409);
    expect(body).toMatchObject({ code: 'INVALID_STATE', details: { status: 'finalized' } });

    const staged = await seedStagedCycle(t);
    const e = await createEmployee(t, 'account_manager', { department: dept });
    const early = await createReview(t, e.id, staged.id);
    expect(expectError(await calibrate(early, { bandKey: 'meets', reason: 'Too early' }), 409)).toMatchObject({
      code: 'INVALID_STATE',
      details: { stage: 'self', expectedStage: 'hr' },
    });
  });

  it('locks a department: adjustments are refused with 409 naming the lock until a reopen with a reason', async () => {
    const locks = `/api/cycles/${cycle.id}/calibration/locks`;
    expect(
      errorFields(
        expectError(
          await t.http
            .post(locks)
            .set(hr())
            .send({ department: `Nobody ${uniq()}` }),
          400,
        ),
      ),
    ).toEqual(['department']);
    const locked = (await t.http.post(locks).set(hr()).send({ department: dept }).expect(200)).body as DepartmentLockDto;
    expect(locked).toMatchObject({ department: dept, locked: true, reviews: 6, lockedBy: expect.any(String) });
    expect(expectError(await t.http.post(locks).set(hr()).send({ department: dept }), 409).code).toBe('INVALID_STATE');

    const r = await getReview(t, reviews.c.id);
    const refused = expectError(await calibrate(r, { bandKey: 'exceeds', reason: 'After the lock' }), 409);
    expect(refused).toMatchObject({ code: 'INVALID_STATE', details: { calibrationLocked: { department: dept, lockedAt: locked.lockedAt } } });
    expect(refused.message).toMatch(/locked/);
    expect(
      expectError(
        await t.http
          .delete(`/api/reviews/${reviews.a.id}/calibration`)
          .set(hr())
          .send({ version: 99, reason: 'x'.repeat(3) }),
        409,
      ).code,
    ).toBe('STALE_VERSION');
    const a = await getReview(t, reviews.a.id);
    expect(
      expectError(await t.http.delete(`/api/reviews/${a.id}/calibration`).set(hr()).send({ version: a.version, reason: 'After the lock' }), 409),
    ).toMatchObject({
      details: { calibrationLocked: { department: dept } },
    });
    expect((await overview({ department: dept })).reviews.every((x) => x.locked)).toBe(true);
    // Another department is not locked.
    expect((await overview()).departments.find((d) => d.department === other)?.locked).toBe(false);

    expect(errorFields(expectError(await t.http.post(`${locks}/reopen`).set(hr()).send({ department: dept }), 400))).toEqual(['reason']);
    const reopened = (await t.http.post(`${locks}/reopen`).set(hr()).send({ department: dept, reason: 'New information from the customer survey' }).expect(200))
      .body as DepartmentLockDto;
    expect(reopened).toMatchObject({ department: dept, locked: false, lockedAt: null });
    expect(expectError(await t.http.post(`${locks}/reopen`).set(hr()).send({ department: dept, reason: 'Again' }), 409).code).toBe('INVALID_STATE');
    const done = (await calibrate(r, { bandKey: 'exceeds', reason: 'After the reopen' }).expect(200)).body as ReviewDto;
    expect(done.calibration?.bandKey).toBe('exceeds');

    const trail = await auditOf(t, 'cycle', cycle.id);
    expect(trail.map((x) => x.action).slice(0, 2)).toEqual(['calibration_reopen', 'calibration_lock']);
    expect(trail[0]).toMatchObject({
      before: { department: dept, lockedBy: locked.lockedBy },
      after: { department: dept, reason: 'New information from the customer survey' },
    });
  });

  it('is for HR: managers and employees get 403', async () => {
    const manager = await t.userFor('manager', boss.id, `boss-${uniq()}@calibration.example`);
    const employee = await t.userFor('employee', reviews.c.employee.id, `c-${uniq()}@calibration.example`);
    expectError(await t.http.get(`/api/cycles/${cycle.id}/calibration`).set(manager), 403);
    expectError(await t.http.get(`/api/cycles/${cycle.id}/calibration`).set(employee), 403);
    expect((await t.http.get(`/api/cycles/${cycle.id}/calibration`).set(t.as('admin'))).status).toBe(200);
    const r = await getReview(t, reviews.c.id);
    expectError(await t.http.put(`/api/reviews/${r.id}/calibration`).set(manager).send({ version: r.version, bandKey: 'meets', reason: 'Not mine' }), 403);
  });

  it("prints the calibration on the review's scorecard, in both languages", async () => {
    const r = await getReview(t, reviews.c.id);
    const band = (key: string | null | undefined) => r.bands.find((b) => b.key === key);
    const pdf = await t.http
      .get(`/api/reviews/${r.id}/scorecard.pdf`)
      .query({ lang: 'en' })
      .set(hr())
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const text = (await pdfText(pdf.body as Buffer)).replace(/\s+/g, ' ');
    expect(text).toContain(`Calibrated from ${band(r.calibration?.fromBandKey)?.labelEn} to ${band('exceeds')?.labelEn}: After the reopen`);
    const zh = await t.http.get(`/api/reviews/${r.id}/scorecard.pdf`).query({ lang: 'zh-CN', format: 'html' }).set(hr()).expect(200);
    expect(zh.text).toContain(`已校准：由 ${band(r.calibration?.fromBandKey)?.labelZh} 调整为 ${band('exceeds')?.labelZh}。理由：After the reopen`);
  });
});
