// End-to-end tests of the manager's assessment: who may read and write it (404 out of scope, the
// employee included), the manager stage and version checks, submitting (every rating KPI needs a
// proposal; the review moves to HR), and HR taking the proposal or overriding it with a reason.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ManagerAssessmentDto } from '../src/assessments/dto/manager-assessment.dto.js';
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
} from './fixtures.js';
import { fullProposals, type ManagerStage, SELF_ENTRIES, seedManagerStage } from './support/assessments.js';
import { createTestApp, type TestApp } from './support/app.js';
import { pdfText } from './support/pdf-reader.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';

describe('manager assessment', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];

  beforeAll(async () => {
    t = await createTestApp();
    statuses = recordStatuses(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const url = (id: string) => `/api/reviews/${id}/manager-assessment`;
  const rating = (r: ReviewDto, key: string) => r.kpis.find((k) => k.key === key)?.input.rating;

  /** A staged review the manager has assessed and submitted, now with HR. */
  async function submitted(): Promise<ManagerStage & { assessment: ManagerAssessmentDto }> {
    const s = await seedManagerStage(t);
    const saved = (await t.http.put(url(s.review.id)).set(s.asManager).send({ version: 0, entries: fullProposals(), summary: 'Ready for more' }).expect(200))
      .body as ManagerAssessmentDto;
    const res = await t.http
      .post(`${url(s.review.id)}/submit`)
      .set(s.asManager)
      .send({ version: saved.version })
      .expect(200);
    return { ...s, assessment: res.body as ManagerAssessmentDto };
  }

  it('a manager saves a draft beside the self-assessment, then submits; the review moves to HR and the assessment is read-only', async () => {
    const s = await seedManagerStage(t);
    let res = await t.http.get(url(s.review.id)).set(s.asManager).expect(200);
    let a = res.body as ManagerAssessmentDto;
    expect(a).toMatchObject({
      reviewId: s.review.id,
      editable: true,
      version: 0,
      submittedAt: null,
      summary: '',
      stage: { stage: 'manager', due: '2026-07-17' },
    });
    expect(a.self?.summary).toBe('A good half year; I want to lead a team next.');
    expect(a.kpis.find((k) => k.key === 'communication')).toMatchObject({ self: SELF_ENTRIES.communication, proposal: { rating: null, comment: '' } });

    res = await t.http
      .put(url(s.review.id))
      .set(s.asManager)
      .set('If-Match', '0')
      .send({ entries: [{ kpiKey: 'selling', rating: 5, comment: 'Big renewals' }] });
    expect(res.status).toBe(200);
    a = res.body as ManagerAssessmentDto;
    expect(a.version).toBe(1);
    expect(a.kpis.find((k) => k.key === 'selling')?.proposal).toEqual({ rating: 5, comment: 'Big renewals' });

    // Someone (another manager above) saved in between: the stale write is refused, nothing lost.
    const stale = expectError(await t.http.put(url(s.review.id)).set(s.asManager).send({ version: 0, entries: [] }), 409);
    expect(stale.code).toBe('STALE_VERSION');
    expect(stale.details).toEqual({ currentVersion: 1, yourVersion: 0 });

    const early = expectError(
      await t.http
        .post(`${url(s.review.id)}/submit`)
        .set(s.asManager)
        .send({ version: 1 }),
      400,
    );
    expect(errorFields(early)).toEqual(['entries.communication', 'entries.customer_service', 'entries.problem_solving']);

    a = (await t.http.put(url(s.review.id)).set(s.asManager).send({ version: 1, entries: fullProposals(), summary: 'Ready for more' }).expect(200))
      .body as ManagerAssessmentDto;
    res = await t.http
      .post(`${url(s.review.id)}/submit`)
      .set(s.asManager)
      .send({ version: a.version });
    expect(res.status).toBe(200);
    a = res.body as ManagerAssessmentDto;
    expect(a.editable).toBe(false);
    expect(a.submittedAt).not.toBeNull();
    expect(a.stage.stage).toBe('hr');
    const review = await getReview(t, s.review.id);
    expect(review.stage.stage).toBe('hr');
    expect(review.version).toBe(s.review.version + 1);
    // HR reads the same assessment; HR's final inputs are untouched by it.
    const hr = (await t.http.get(url(s.review.id)).set(t.as('hr')).expect(200)).body as ManagerAssessmentDto;
    expect(hr.kpis.find((k) => k.key === 'communication')?.proposal).toEqual({ rating: 4, comment: 'Clear with customers, less so in writing' });
    expect(rating(review, 'communication')).toBeNull();

    const after = expectError(await t.http.put(url(s.review.id)).set(s.asManager).send({ version: a.version, entries: [] }), 409);
    expect(after.code).toBe('INVALID_STATE');
    expect(after.details).toEqual({ stage: 'hr', expectedStage: 'manager' });
    expect(
      expectError(
        await t.http
          .post(`${url(s.review.id)}/submit`)
          .set(s.asManager)
          .send({ version: a.version }),
        409,
      ).details,
    ).toEqual({
      stage: 'hr',
      expectedStage: 'manager',
    });

    const audit = await auditOf(t, 'review', s.review.id);
    expect(audit.map((e) => e.action).filter((x) => x.startsWith('manager_assessment'))).toEqual([
      'manager_assessment_submit',
      'manager_assessment_save',
      'manager_assessment_save',
    ]);
    const submit = audit.find((e) => e.action === 'manager_assessment_submit');
    expect(submit?.before).toMatchObject({ stage: 'manager' });
    expect(submit?.after).toMatchObject({ stage: 'hr' });
  });

  it('is 404 to a manager outside the subtree, to the employee, and to a manager on their own review; HR may read but not write', async () => {
    const s = await seedManagerStage(t);
    const outsider = await createEmployee(t, 'manager');
    const asOutsider = await t.userFor('manager', outsider.id);
    const asEmployee = await t.userFor('employee', s.report.id);
    for (const who of [asOutsider, asEmployee]) {
      expect(expectError(await t.http.get(url(s.review.id)).set(who), 404).code).toBe('NOT_FOUND');
      expectError(await t.http.put(url(s.review.id)).set(who).send({ version: 0, entries: [] }), 404);
      expectError(
        await t.http
          .post(`${url(s.review.id)}/submit`)
          .set(who)
          .send({ version: 0 }),
        404,
      );
    }
    expectError(await t.http.put(url(s.review.id)).set(t.as('hr')).send({ version: 0, entries: [] }), 403);
    // A manager two levels up assesses too: the whole subtree is theirs.
    const top = await createEmployee(t, 'manager');
    await t.http.patch(`/api/employees/${s.manager.id}`).set(t.as('hr')).send({ managerId: top.id, version: 1 }).expect(200);
    const asTop = await t.userFor('manager', top.id);
    await t.http.get(url(s.review.id)).set(asTop).expect(200);

    // The manager's own review waits for their manager's assessment (the top one's), not their own.
    const own = await createReview(t, s.manager.id, s.cycle.id);
    await t.db.query(`UPDATE reviews SET stage = 'manager' WHERE id = $1`, [own.id]);
    expectError(await t.http.get(url(own.id)).set(s.asManager), 404);
    expectError(await t.http.put(url(own.id)).set(s.asManager).send({ version: 0, entries: fullProposals() }), 404);
    await t.http
      .put(url(own.id))
      .set(asTop)
      .send({ version: 0, entries: [{ kpiKey: 'leadership', rating: 4 }] })
      .expect(200);
  });

  it('refuses writes outside the manager stage with the stage details, and bad proposals naming the fields', async () => {
    const cycle = await seedStagedCycle(t);
    const manager = await createEmployee(t, 'manager');
    const report = await createEmployee(t, 'account_manager', { managerId: manager.id });
    const asManager = await t.userFor('manager', manager.id);
    const r = await createReview(t, report.id, cycle.id);
    const early = expectError(await t.http.put(url(r.id)).set(asManager).send({ version: 0, entries: fullProposals() }), 409);
    expect(early.code).toBe('INVALID_STATE');
    expect(early.details).toEqual({ stage: 'self', expectedStage: 'manager' });
    expect(early.message).toMatch(/waits for the self-assessment/);

    const s = await seedManagerStage(t, cycle);
    const bad = expectError(
      await t.http
        .put(url(s.review.id))
        .set(s.asManager)
        .send({
          version: 0,
          entries: [
            { kpiKey: 'communication', rating: 9 },
            { kpiKey: 'sales_attainment', rating: 3 },
            { kpiKey: 'no_such_kpi' },
            { kpiKey: 'communication', rating: 4 },
          ],
        }),
      400,
    );
    expect(errorFields(bad)).toEqual(['entries[0].rating', 'entries[1].rating', 'entries[2].kpiKey', 'entries[3].kpiKey']);
    const shape = expectError(
      await t.http
        .put(url(s.review.id))
        .set(s.asManager)
        .send({ version: 0, entries: [{ kpiKey: 'selling', rating: 2.5 }], extra: 1 }),
      400,
    );
    expect(errorFields(shape).sort()).toEqual(['entries[0].rating', 'extra']);
    expect(expectError(await t.http.put(url(s.review.id)).set(s.asManager).send({ entries: [] }), 428).code).toBe('PRECONDITION_REQUIRED');
    expect((await t.http.get(url(s.review.id)).set(s.asManager).expect(200)).body).toMatchObject({ version: 0 });
  });

  it("HR takes the manager's proposal for one KPI or all; a final that differs needs a reason, which is stored and shown to HR", async () => {
    const s = await submitted();
    let r = await getReview(t, s.review.id);
    // Final ratings differing from the proposal (4, 5, 3, 4) without reasons: each such entry is named.
    const entries = fullAccountManagerEntries().map((e) =>
      e.kpiKey === 'communication' ? { ...e, rating: 2 } : e.kpiKey === 'selling' ? { ...e, rating: 3 } : e,
    );
    const noReason = expectError(await t.http.put(`/api/reviews/${r.id}/scores`).set(t.as('hr')).send({ version: r.version, entries }), 400);
    expect(errorFields(noReason)).toEqual(['entries[4].reason', 'entries[5].reason']);
    expect(noReason.errors?.[0].message).toMatch(/manager's proposal \(4\)/);
    const viaSave = expectError(await t.http.put(`/api/reviews/${r.id}`).set(t.as('hr')).send({ version: r.version, entries, strengths: 'x' }), 400);
    expect(errorFields(viaSave)).toEqual(['entries[4].reason', 'entries[5].reason']);

    const reasoned = entries.map((e) => (e.kpiKey === 'selling' ? { ...e, reason: 'Two of the renewals were signed by her predecessor' } : e));
    expect(
      errorFields(expectError(await t.http.put(`/api/reviews/${r.id}/scores`).set(t.as('hr')).send({ version: r.version, entries: reasoned }), 400)),
    ).toEqual(['entries[4].reason']);
    const withBoth = reasoned.map((e) => (e.kpiKey === 'communication' ? { ...e, reason: 'Written reports were late all year' } : e));
    r = (await t.http.put(`/api/reviews/${r.id}/scores`).set(t.as('hr')).send({ version: r.version, entries: withBoth }).expect(200)).body as ReviewDto;
    expect(r.kpis.find((k) => k.key === 'selling')?.finalReason).toBe('Two of the renewals were signed by her predecessor');
    expect(r.kpis.find((k) => k.key === 'customer_service')?.finalReason).toBeNull();
    const asManager = (await t.http.get(`/api/reviews/${r.id}`).set(s.asManager).expect(200)).body as ReviewDto;
    expect(asManager.kpis.find((k) => k.key === 'selling')).not.toHaveProperty('finalReason');

    // Take one: communication becomes 4, its reason goes; selling keeps HR's 3 and its reason.
    const stale = expectError(
      await t.http
        .post(`/api/reviews/${r.id}/take-proposal`)
        .set(t.as('hr'))
        .send({ version: r.version - 1, kpiKeys: ['communication'] }),
      409,
    );
    expect(stale.code).toBe('STALE_VERSION');
    const badKeys = expectError(
      await t.http
        .post(`/api/reviews/${r.id}/take-proposal`)
        .set(t.as('hr'))
        .send({ version: r.version, kpiKeys: ['communication', 'sales_attainment', 'nope'] }),
      400,
    );
    expect(errorFields(badKeys)).toEqual(['kpiKeys[1]', 'kpiKeys[2]']);
    let res = await t.http
      .post(`/api/reviews/${r.id}/take-proposal`)
      .set(t.as('hr'))
      .set('If-Match', String(r.version))
      .send({ kpiKeys: ['communication'] });
    expect(res.status).toBe(200);
    const one = res.body as ReviewDto;
    expect(one.version).toBe(r.version + 1);
    expect(rating(one, 'communication')).toBe(4);
    expect(rating(one, 'selling')).toBe(3);
    expect(one.kpis.find((k) => k.key === 'communication')?.finalReason).toBeNull();
    expect(one.kpis.find((k) => k.key === 'selling')?.finalReason).toBe('Two of the renewals were signed by her predecessor');
    expect(one.total).toBeGreaterThan(r.total);
    // A later save that keeps selling at 3 need not repeat its reason.
    const resend = one.kpis.map((k) => ({ kpiKey: k.key, actual: k.input.actual, target: k.input.target, rating: k.input.rating, comment: k.input.comment }));
    const kept = (await t.http.put(`/api/reviews/${r.id}/scores`).set(t.as('hr')).send({ version: one.version, entries: resend }).expect(200))
      .body as ReviewDto;
    expect(kept.kpis.find((k) => k.key === 'selling')?.finalReason).toBe('Two of the renewals were signed by her predecessor');

    res = await t.http.post(`/api/reviews/${r.id}/take-proposal`).set(t.as('hr')).send({ version: kept.version });
    expect(res.status).toBe(200);
    const all = res.body as ReviewDto;
    expect(['communication', 'selling', 'customer_service', 'problem_solving'].map((k) => rating(all, k))).toEqual([4, 5, 3, 4]);
    expect(all.kpis.every((k) => k.finalReason === null)).toBe(true);
    // HR's comments and actuals stay as they were.
    expect(all.kpis.find((k) => k.key === 'selling')?.input.comment).toBe('签约三家大客户');
    expect(all.kpis.find((k) => k.key === 'sales_attainment')?.input.actual).toBe(2_300_000);

    const takes = (await auditOf(t, 'review', r.id)).filter((e) => e.action === 'take_proposal');
    expect(takes.map((e) => (e.after as { kpiKeys: string[] }).kpiKeys)).toEqual([
      ['communication', 'selling', 'customer_service', 'problem_solving'],
      ['communication'],
    ]);
    await t.http.post(`/api/reviews/${r.id}/take-proposal`).set(s.asManager).send({ version: all.version }).expect(403);
  });

  it('take-proposal waits for the HR stage, a draft and a submitted proposal; reviews without an assessment save as before', async () => {
    const s = await seedManagerStage(t);
    const wrongStage = expectError(await t.http.post(`/api/reviews/${s.review.id}/take-proposal`).set(t.as('hr')).send({ version: s.review.version }), 409);
    expect(wrongStage.details).toEqual({ stage: 'manager', expectedStage: 'hr' });

    const plain = await seedOpenCycle(t);
    const e = await createEmployee(t);
    let r = await createReview(t, e.id, plain.id);
    const none = expectError(await t.http.post(`/api/reviews/${r.id}/take-proposal`).set(t.as('hr')).send({ version: r.version }), 409);
    expect(none.message).toMatch(/has not submitted/);
    r = await putScores(t, r, fullAccountManagerEntries());
    expect(r.complete).toBe(true);
    expect(r.kpis.every((k) => k.finalReason === null)).toBe(true);

    const done = await submitted();
    let review = await getReview(t, done.review.id);
    review = await putScores(
      t,
      review,
      fullAccountManagerEntries().map((x) => (x.kpiKey === 'communication' ? x : { ...x, rating: x.rating === undefined ? undefined : x.rating })),
    );
    review = (await t.http.post(`/api/reviews/${review.id}/take-proposal`).set(t.as('hr')).send({ version: review.version }).expect(200)).body as ReviewDto;
    review = (await t.http.post(`/api/reviews/${review.id}/submit`).set(t.as('hr')).send({ version: review.version }).expect(200)).body as ReviewDto;
    const notDraft = expectError(await t.http.post(`/api/reviews/${review.id}/take-proposal`).set(t.as('hr')).send({ version: review.version }), 409);
    expect(notDraft.details).toEqual({ status: 'submitted' });
  });

  it("prints the self and manager ratings beside the final only when the cycle's printAssessments is on", async () => {
    const s = await submitted();
    let r = await getReview(t, s.review.id);
    const entries = fullAccountManagerEntries().map((e) => (e.kpiKey === 'selling' ? { ...e, rating: 3, reason: 'Renewals signed by her predecessor' } : e));
    r = (await t.http.put(`/api/reviews/${r.id}/scores`).set(t.as('hr')).send({ version: r.version, entries }).expect(200)).body as ReviewDto;
    const download = async (format: 'pdf' | 'html') => {
      const res = await t.http
        .get(`/api/reviews/${r.id}/scorecard.pdf`)
        .query({ lang: 'en', format })
        .set(t.as('hr'))
        .buffer(true)
        .parse((response, cb) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      return res.body as Buffer;
    };
    const squash = (text: string) => text.replace(/\s+/g, ' ');
    const off = squash(await pdfText(await download('pdf')));
    expect(off).toContain('Communication');
    expect(off).not.toContain("Manager's proposal");
    expect((await download('html')).toString('utf8')).not.toContain('section-assessments');

    const cycle = (await t.http.get(`/api/cycles/${s.cycle.id}`).set(t.as('hr')).expect(200)).body as CycleDto;
    await t.http.patch(`/api/cycles/${cycle.id}`).set(t.as('hr')).send({ version: cycle.version, printAssessments: true }).expect(200);
    const on = squash(await pdfText(await download('pdf')));
    expect(on).toContain('Self-assessment, manager proposal and final rating');
    expect(on).toContain("Manager's proposal");
    // The reason is HR's, like HR's notes: on HR's review page, not on the scorecard.
    expect(on).not.toContain('Renewals signed by her predecessor');
    // Selling: the employee said 4, the manager proposed 5, HR decided 3.
    expect(on).toMatch(/Selling[^0-9]*4 5 3/);
    const html = (await download('html')).toString('utf8');
    const row = /<tr data-kpi="selling">([\s\S]*?)<\/tr>/.exec(html.slice(html.indexOf('section-assessments')))?.[1] ?? '';
    expect([...row.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(['4', '5', '3']);
  });

  it('answers every request of this file without a 5xx', () => {
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });
});
