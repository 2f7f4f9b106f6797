// Bulk actions on many reviews: each review goes through the single action (its own transaction,
// version check and audit entry), refusals are listed per review with a code, the rest goes on.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BulkResultDto } from '../src/reviews/dto/review-bulk.dto.js';
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
  uniq,
} from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

describe('POST /api/reviews/bulk', () => {
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

  const bulk = (body: Record<string, unknown>, headers: Record<string, string> = t.as('hr')) => t.http.post('/api/reviews/bulk').set(headers).send(body);

  /** A complete draft (ready to submit) in the cycle, of a new employee in `department`. */
  async function completeDraft(cycle: CycleDto, department = 'Sales East'): Promise<ReviewDto> {
    const e = await createEmployee(t, 'account_manager', { department });
    const r = await createReview(t, e.id, cycle.id);
    return putScores(t, r, fullAccountManagerEntries());
  }

  async function submitted(cycle: CycleDto): Promise<ReviewDto> {
    const r = await completeDraft(cycle);
    return (await t.http.post(`/api/reviews/${r.id}/submit`).set(t.as('hr')).send({ version: r.version }).expect(200)).body as ReviewDto;
  }

  const actions = async (id: string) => (await auditOf(t, 'review', id)).map((a) => a.action);

  it('finalizes the chosen reviews one by one, skipping with a code each one that is refused, and audits each as a single finalize', async () => {
    const cycle = await seedOpenCycle(t);
    const [a, b] = [await submitted(cycle), await submitted(cycle)];
    const draft = await completeDraft(cycle);
    const nobody = randomUUID();
    const res = await bulk({ action: 'finalize', reviewIds: [a.id, draft.id, b.id, nobody] }).expect(200);
    const result = res.body as BulkResultDto;
    expect(result.action).toBe('finalize');
    expect(result.done.map((d) => d.reviewId)).toEqual([a.id, b.id]);
    expect(result.done[0]).toMatchObject({ employeeNo: a.employee.employeeNo, name: a.employee.name, version: a.version + 1 });
    expect(result.skipped.map((s) => [s.reviewId, s.code, s.params])).toEqual([
      [nobody, 'not_found', {}],
      [draft.id, 'wrong_status', { status: 'draft' }],
    ]);
    expect(result.skipped[1].message).toMatch(/draft review cannot be finalized/);
    // Exactly what one finalize leaves: the status, and one audit entry with the snapshots before and after.
    for (const r of [a, b]) {
      expect((await getReview(t, r.id)).status).toBe('finalized');
      const audit = await auditOf(t, 'review', r.id);
      expect(audit.filter((x) => x.action === 'finalize')).toHaveLength(1);
      const entry = audit.find((x) => x.action === 'finalize');
      expect(entry?.before).toMatchObject({ status: 'submitted', version: r.version });
      expect(entry?.after).toMatchObject({ status: 'finalized', version: r.version + 1 });
    }
    expect(await actions(draft.id)).not.toContain('finalize');
    expect((await getReview(t, draft.id)).status).toBe('draft');
  });

  it('submits every review a filter matches (cycle, department, status), skipping the incomplete with how many KPIs lack input', async () => {
    const cycle = await seedOpenCycle(t);
    const department = `Bulk ${uniq()}`;
    const ready = await completeDraft(cycle, department);
    const empty = await createReview(t, (await createEmployee(t, 'account_manager', { department })).id, cycle.id);
    const elsewhere = await completeDraft(cycle, 'Sales East');
    const res = await bulk({ action: 'submit', filter: { cycleId: cycle.id, department, status: 'draft' } }).expect(200);
    const result = res.body as BulkResultDto;
    expect(result.done.map((d) => d.reviewId)).toEqual([ready.id]);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatchObject({ reviewId: empty.id, code: 'missing_inputs', params: { count: String(empty.kpis.length) } });
    expect(await actions(ready.id)).toContain('submit');
    expect(await actions(empty.id)).not.toContain('submit');
    expect((await getReview(t, elsewhere.id)).status).toBe('draft');
  });

  it('reopens with the reason in each audit entry; without a reason it is refused with a field error and changes nothing', async () => {
    const cycle = await seedOpenCycle(t);
    const a = await submitted(cycle);
    const refused = expectError(await bulk({ action: 'reopen', reviewIds: [a.id] }), 400);
    expect(refused.code).toBe('VALIDATION_FAILED');
    expect(errorFields(refused)).toEqual(['reason']);
    expect(expectError(await bulk({ action: 'reopen', reviewIds: [a.id], reason: ' ' }), 400).errors?.[0].field).toBe('reason');
    expect(await actions(a.id)).not.toContain('reopen');

    const result = (await bulk({ action: 'reopen', reviewIds: [a.id], reason: 'Wrong quarter figures' }).expect(200)).body as BulkResultDto;
    expect(result.done.map((d) => d.reviewId)).toEqual([a.id]);
    const entry = (await auditOf(t, 'review', a.id)).find((x) => x.action === 'reopen');
    expect(entry?.after).toMatchObject({ status: 'draft', reason: 'Wrong quarter figures' });
    expect((await getReview(t, a.id)).lastReopenReason).toBe('Wrong quarter figures');
  });

  it('starts reviews for chosen people, skipping who already has one', async () => {
    const cycle = await seedOpenCycle(t);
    const fresh = await createEmployee(t, 'account_manager');
    const started = await createEmployee(t, 'account_manager');
    const existing = await createReview(t, started.id, cycle.id);
    const result = (await bulk({ action: 'start', employeeIds: [fresh.id, started.id], filter: { cycleId: cycle.id } }).expect(200)).body as BulkResultDto;
    expect(result.done.map((d) => d.employeeId)).toEqual([fresh.id]);
    expect(result.skipped.map((s) => [s.employeeId, s.reviewId, s.code])).toEqual([[started.id, existing.id, 'already_started']]);
    expect(await actions(result.done[0].reviewId)).toEqual(['create']);
  });

  it('starts everyone a filter shows on the "not started" list, and names a deactivated person chosen by id as skipped', async () => {
    const cycle = await seedOpenCycle(t);
    const department = `Bulk start ${uniq()}`;
    const one = await createEmployee(t, 'account_manager', { department });
    const two = await createEmployee(t, 'manager', { department });
    const gone = await createEmployee(t, 'account_manager', { department: 'Sales East' });
    await t.http.patch(`/api/employees/${gone.id}`).set(t.as('hr')).send({ version: gone.version, active: false }).expect(200);
    const byFilter = (await bulk({ action: 'start', filter: { cycleId: cycle.id, department } }).expect(200)).body as BulkResultDto;
    expect(new Set(byFilter.done.map((d) => d.employeeId))).toEqual(new Set([one.id, two.id]));
    expect(byFilter.skipped).toEqual([]);
    const byId = (await bulk({ action: 'start', employeeIds: [gone.id], filter: { cycleId: cycle.id } }).expect(200)).body as BulkResultDto;
    expect(byId.done).toEqual([]);
    expect(byId.skipped.map((s) => [s.employeeId, s.code])).toEqual([[gone.id, 'inactive']]);
  });

  it('keeps the batch within 500 and says how to choose, with field errors', async () => {
    const ids = Array.from({ length: 501 }, () => randomUUID());
    const tooMany = expectError(await bulk({ action: 'finalize', reviewIds: ids }), 400);
    expect(errorFields(tooMany)).toEqual(['reviewIds']);
    expect(errorFields(expectError(await bulk({ action: 'finalize' }), 400))).toEqual(['reviewIds']);
    expect(errorFields(expectError(await bulk({ action: 'approve', reviewIds: [randomUUID()] }), 400))).toEqual(['action']);
    expect(errorFields(expectError(await bulk({ action: 'start', employeeIds: [randomUUID()] }), 400))).toEqual(['filter.cycleId']);
  });

  it('refuses a filter that matches more than 500 with a field error, before changing anything', async () => {
    const cycle = await seedOpenCycle(t);
    const department = `Bulk cap ${uniq()}`;
    const model = await createEmployee(t, 'account_manager', { department });
    // 500 more people, written straight into the table: the cap is about how many, not who.
    await t.db.query(
      `INSERT INTO employees (employee_no, name, email, role_id, department, hire_date)
       SELECT 'CAP-' || $1 || '-' || g, 'Cap ' || g, 'cap-' || $1 || '-' || g || '@example.com', role_id, department, hire_date
         FROM employees, generate_series(1, 500) g WHERE id = $2`,
      [uniq(), model.id],
    );
    const body = expectError(await bulk({ action: 'start', filter: { cycleId: cycle.id, department } }), 400);
    expect(errorFields(body)).toEqual(['filter']);
    expect(body.errors?.[0]).toMatchObject({ code: 'arrayMaxSize', params: { max: 500 } });
    expect(body.message).toMatch(/more than 500/);
    const [{ n }] = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM reviews WHERE cycle_id = $1', [cycle.id]);
    expect(n).toBe(0);
  });

  it('is HR-only, as each single action is: a manager of the employee, the employee and an admin get 403 and nothing changes', async () => {
    const cycle = await seedOpenCycle(t);
    const boss = await createEmployee(t, 'manager');
    const member = await createEmployee(t, 'account_manager', { managerId: boss.id });
    const draft = await createReview(t, member.id, cycle.id);
    const a = (
      await t.http
        .post(`/api/reviews/${draft.id}/submit`)
        .set(t.as('hr'))
        .send({ version: (await putScores(t, draft, fullAccountManagerEntries())).version })
        .expect(200)
    ).body as ReviewDto;
    const callers = [await t.userFor('manager', boss.id), await t.userFor('employee', member.id), t.as('admin')];
    for (const headers of callers) {
      const body = expectError(await bulk({ action: 'finalize', reviewIds: [a.id] }, headers), 403);
      expect(body.code).toBe('FORBIDDEN');
    }
    expect((await getReview(t, a.id)).status).toBe('submitted');
    expect(await actions(a.id)).not.toContain('finalize');
  });
});
