// The maintained review counts (migrations/1796800000000-ReviewCounts.ts) against a fresh aggregate
// of the same rows, after every kind of write that moves a review or its employee: creates, start
// all, submit, finalize, reopen, stage skips, bulk actions, department moves, leaving, a deleted
// review, and all of these at once. The HR dashboard and the cycle list read these counts (issue 17).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { systemActor } from '../src/common/actor.js';
import { foldReviewCounts, worthFolding } from '../src/cycles/review-counts.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { ReviewReadModels } from '../src/reviews/review-read-models.js';
import { REVIEW_STAGES } from '../src/review-stages/review-stages.js';
import { createEmployee, createReview, fullAccountManagerEntries, putScores, seedOpenCycle, seedStagedCycle } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

describe('maintained review counts', () => {
  let t: TestApp;
  let cycle: CycleDto;
  let staged: CycleDto;
  const people: EmployeeDto[] = [];

  /** The dashboard's rows and the cycle's counts as the app reads them (from the counts). */
  async function maintained(cycleId: string) {
    const progress = await t.app.get(ReviewReadModels).progressByDepartment(systemActor(), cycleId);
    const listed = ((await t.http.get('/api/cycles').set(t.as('hr')).expect(200)).body as CycleDto[]).find((c) => c.id === cycleId);
    const waiting = await t.app.get(ReviewReadModels).waitingForHr(systemActor());
    return { progress, reviews: listed?.reviews, waiting: waiting.find((w) => w.cycle_id === cycleId)?.waiting ?? 0 };
  }

  /** The same, counted from scratch over reviews and employees. */
  async function fresh(cycleId: string) {
    const rows = await t.db.query<Record<string, string | number>[]>(
      `SELECT e.department,
              count(*) FILTER (WHERE r.id IS NULL)::int AS "notStarted",
              count(*) FILTER (WHERE r.status = 'draft')::int AS draft,
              count(*) FILTER (WHERE r.status = 'submitted')::int AS submitted,
              count(*) FILTER (WHERE r.status = 'finalized')::int AS finalized,
              ${REVIEW_STAGES.map((s) => `count(*) FILTER (WHERE r.stage = '${s}')::int AS "${s}"`).join(', ')}
         FROM employees e LEFT JOIN reviews r ON r.employee_id = e.id AND r.cycle_id = $1
        WHERE e.active OR r.id IS NOT NULL
        GROUP BY e.department ORDER BY e.department`,
      [cycleId],
    );
    const progress = rows.map((r) => ({
      department: r.department,
      notStarted: r.notStarted,
      draft: r.draft,
      submitted: r.submitted,
      finalized: r.finalized,
      total: Number(r.notStarted) + Number(r.draft) + Number(r.submitted) + Number(r.finalized),
      stages: Object.fromEntries(REVIEW_STAGES.map((s) => [s, r[s]])),
    }));
    const [reviews] = await t.db.query<{ draft: number; submitted: number; finalized: number; total: number }[]>(
      `SELECT count(*) FILTER (WHERE status = 'draft')::int AS draft, count(*) FILTER (WHERE status = 'submitted')::int AS submitted,
              count(*) FILTER (WHERE status = 'finalized')::int AS finalized, count(*)::int AS total FROM reviews WHERE cycle_id = $1`,
      [cycleId],
    );
    const [{ waiting }] = await t.db.query<{ waiting: number }[]>(
      "SELECT count(*)::int AS waiting FROM reviews r JOIN cycles c ON c.id = r.cycle_id WHERE r.cycle_id = $1 AND r.stage = 'hr' AND c.status = 'open'",
      [cycleId],
    );
    return { progress, reviews, waiting };
  }

  const expectCountsMatch = async () => {
    for (const c of [cycle, staged]) expect(await maintained(c.id)).toEqual(await fresh(c.id));
  };

  const complete = async (review: ReviewDto) => putScores(t, review, fullAccountManagerEntries());
  const act = async (review: { id: string; version: number }, action: 'submit' | 'finalize' | 'reopen') =>
    (
      await t.http
        .post(`/api/reviews/${review.id}/${action}`)
        .set(t.as('hr'))
        .send({ version: review.version, ...(action === 'reopen' ? { reason: 'counts test' } : {}) })
        .expect(200)
    ).body as ReviewDto;
  const move = async (person: EmployeeDto, change: { department?: string; active?: boolean }) => {
    const now = (await t.http.get(`/api/employees/${person.id}`).set(t.as('hr')).expect(200)).body as EmployeeDto;
    return (
      await t.http
        .patch(`/api/employees/${person.id}`)
        .set(t.as('hr'))
        .send({ ...change, version: now.version })
        .expect(200)
    ).body as EmployeeDto;
  };

  beforeAll(async () => {
    t = await createTestApp({ RUN_WORKERS: 'false' });
    cycle = await seedOpenCycle(t);
    staged = await seedStagedCycle(t);
    for (let i = 0; i < 12; i++) people.push(await createEmployee(t, 'account_manager', { department: ['Sales East', '销售二部', 'Service'][i % 3] }));
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('match from the start and after creates, submit, finalize, reopen and start-all', async () => {
    await expectCountsMatch();
    const a = await createReview(t, people[0].id, cycle.id);
    const b = await createReview(t, people[1].id, cycle.id);
    await expectCountsMatch();
    const submitted = await act(await complete(a), 'submit');
    await expectCountsMatch();
    const finalized = await act(submitted, 'finalize');
    await act(await complete(b), 'submit');
    await expectCountsMatch();
    await act(finalized, 'reopen');
    await expectCountsMatch();
    await t.http.post(`/api/cycles/${staged.id}/reviews`).set(t.as('hr')).expect(200);
    await t.http.post(`/api/cycles/${cycle.id}/reviews`).set(t.as('hr')).expect(200);
    await expectCountsMatch();
    // Not vacuous: every count that is compared holds something by now.
    const now = await maintained(cycle.id);
    expect([now.waiting, now.reviews?.draft, now.reviews?.submitted, now.progress.length]).toEqual([expect.any(Number), 11, 1, 3]);
    expect(now.waiting).toBeGreaterThan(0);
  });

  it('match after stage skips and bulk actions', async () => {
    const list = (await t.http.get(`/api/reviews?cycleId=${staged.id}&pageSize=100`).set(t.as('hr')).expect(200)).body as { items: ReviewDto[] };
    for (const r of list.items.slice(0, 3)) {
      await t.http.post(`/api/reviews/${r.id}/skip-stage`).set(t.as('hr')).send({ version: r.version, reason: 'counts test' }).expect(200);
    }
    await expectCountsMatch();
    const drafts = ((await t.http.get(`/api/reviews?cycleId=${cycle.id}&status=draft&pageSize=100`).set(t.as('hr')).expect(200)).body as { items: ReviewDto[] })
      .items;
    for (const r of drafts.slice(0, 4)) await complete(r);
    const bulk = await t.http
      .post('/api/reviews/bulk')
      .set(t.as('hr'))
      .send({ action: 'submit', reviewIds: drafts.slice(0, 4).map((r) => r.id) });
    expect(bulk.status).toBe(200);
    await expectCountsMatch();
  });

  it('follow an employee who moves department or leaves, and a deleted review', async () => {
    await move(people[0], { department: 'Service' });
    await move(people[3], { department: '新部门' });
    await expectCountsMatch();
    await move(people[4], { active: false });
    await expectCountsMatch();
    await move(people[4], { active: true, department: 'Sales East' });
    await expectCountsMatch();
    const newcomer = await createEmployee(t, 'account_manager', { department: 'Service' });
    await expectCountsMatch();
    const r = await createReview(t, newcomer.id, cycle.id);
    await t.db.query('DELETE FROM reviews WHERE id = $1', [r.id]);
    await expectCountsMatch();
  });

  it('match after 30 writes at once: status changes, department moves and new reviews interleaved', async () => {
    const drafts = ((await t.http.get(`/api/reviews?cycleId=${staged.id}&pageSize=100`).set(t.as('hr')).expect(200)).body as { items: ReviewDto[] }).items;
    const fresh10 = await Promise.all(
      Array.from({ length: 6 }, (_x, i) => createEmployee(t, 'account_manager', { department: i % 2 ? 'Service' : 'Sales East' })),
    );
    await Promise.all([
      ...drafts.slice(0, 12).map((r) => t.http.post(`/api/reviews/${r.id}/skip-stage`).set(t.as('hr')).send({ version: r.version, reason: 'at once' })),
      ...people.slice(5, 11).map((p, i) => move(p, { department: i % 2 ? '销售二部' : 'Moved' }).catch(() => null)),
      ...fresh10.map((p) => createReview(t, p.id, cycle.id)),
      ...people.slice(0, 6).map((p) => move(p, { department: 'Sales East' }).catch(() => null)),
    ]);
    await expectCountsMatch();
  }, 60_000);

  it('fold a cycle into one row per group without changing a sum, and say when folding pays', async () => {
    const [before] = await t.db.query<{ pieces: number; groups: number }[]>(
      'SELECT count(*)::int AS pieces, count(DISTINCT (department, employee_active, status, stage))::int AS groups FROM review_counts WHERE cycle_id = $1',
      [cycle.id],
    );
    expect(before.pieces).toBeGreaterThan(before.groups);
    const expected = await fresh(cycle.id);
    await foldReviewCounts(t.db, cycle.id);
    const [after] = await t.db.query<{ pieces: number; zero: number }[]>(
      'SELECT count(*)::int AS pieces, count(*) FILTER (WHERE n = 0)::int AS zero FROM review_counts WHERE cycle_id = $1',
      [cycle.id],
    );
    expect(after.zero).toBe(0);
    expect(after.pieces).toBeLessThanOrEqual(before.groups);
    expect(await maintained(cycle.id)).toEqual(expected);
    expect(worthFolding(100, 10)).toBe(true);
    expect(worthFolding(60, 10)).toBe(false);
  });

  it('fold by themselves when the dashboard reads a cycle whose rows piled up', async () => {
    const [r] = await t.db.query<{ id: string }[]>("SELECT id FROM reviews WHERE cycle_id = $1 AND status = 'draft' LIMIT 1", [cycle.id]);
    // 80 flips of one review's stage in SQL: 160 delta rows that sum to nothing.
    for (let i = 0; i < 80; i++) {
      await t.db.query("UPDATE reviews SET stage = CASE WHEN stage = 'hr' THEN 'done' ELSE 'hr' END WHERE id = $1", [r.id]);
    }
    const pieces = async () => (await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM review_counts WHERE cycle_id = $1', [cycle.id]))[0].n;
    expect(await pieces()).toBeGreaterThan(150);
    await t.app.get(ReviewReadModels).progressByDepartment(systemActor(), cycle.id);
    expect(await pieces()).toBeLessThan(40);
    await expectCountsMatch();
  });
});
