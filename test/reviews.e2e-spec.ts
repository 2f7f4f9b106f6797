import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ReviewDto, ReviewKpiDto, ReviewPageDto } from '../src/reviews/dto/review.dto.js';
import type { TemplateVersionDto } from '../src/kpi-templates/dto/template.dto.js';
import {
  ACCOUNT_MANAGER_KEYS,
  auditOf,
  createEmployee,
  createReview,
  errorFields,
  expectError,
  fullAccountManagerEntries,
  getRole,
  getReview,
  MANAGER_KEYS,
  putScores,
  recordStatuses,
  seedOpenCycle,
  seedReview,
  type KpiEntry,
  uniq,
} from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

function kpi(review: ReviewDto, key: string): ReviewKpiDto {
  const found = review.kpis.find((k) => k.key === key);
  if (!found) throw new Error(`review has no KPI ${key}`);
  return found;
}

describe('reviews API', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];

  beforeAll(async () => {
    t = await createTestApp();
    statuses = recordStatuses(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('creating a review', () => {
    it('pins the role’s current template version with its KPIs, weights and bands', async () => {
      const { employee, cycle, review } = await seedReview(t, 'account_manager');
      expect(review.employee.id).toBe(employee.id);
      expect(review.cycle.id).toBe(cycle.id);
      expect(review.status).toBe('draft');
      expect(review.version).toBe(1);
      expect(review.template.versionNumber).toBe(1);
      expect(review.template.roleCode).toBe('account_manager');
      expect(review.template.templateId).toBe((await getRole(t, 'account_manager')).templateId);
      expect(review.kpis.map((k) => k.key)).toEqual([...ACCOUNT_MANAGER_KEYS]);
      // 35 + 15 + 15 + 10 + 4 × 6.25 = 100
      expect(review.kpis.map((k) => k.weight)).toEqual([35, 15, 15, 10, 6.25, 6.25, 6.25, 6.25]);
      expect(kpi(review, 'sales_attainment').rule).toEqual({ type: 'target', target: 2000000, unit: 'CNY', direction: 'higher', cap: 150, threshold: 50 });
      expect(kpi(review, 'selling').rule).toMatchObject({ type: 'rating', min: 1, max: 5 });
      expect(review.bands.map((b) => [b.key, b.min])).toEqual([
        ['outstanding', 90],
        ['exceeds', 80],
        ['meets', 65],
        ['needs_improvement', 50],
        ['unsatisfactory', 0],
      ]);
      // Nothing entered yet: nothing scored, everything missing, no band.
      expect(review.total).toBe(0);
      expect(review.complete).toBe(false);
      expect(review.missing).toEqual([...ACCOUNT_MANAGER_KEYS]);
      expect(review.band).toBeNull();
      for (const k of review.kpis) {
        expect(k.score).toBeNull();
        expect(k.points).toBeNull();
        expect(k.explanation).toBe('no input yet');
      }
    });

    it('pins a manager’s template for a manager', async () => {
      const { review } = await seedReview(t, 'manager');
      expect(review.template.roleCode).toBe('manager');
      expect(review.kpis.map((k) => k.key)).toEqual([...MANAGER_KEYS]);
      // 25 + 25 + 20 + 4 × 7.5 = 100
      expect(review.kpis.map((k) => k.weight)).toEqual([25, 25, 20, 7.5, 7.5, 7.5, 7.5]);
    });

    it('allows one review per employee per cycle (409 naming employeeId, with the existing review)', async () => {
      const { employee, cycle, review } = await seedReview(t);
      const res = await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: employee.id, cycleId: cycle.id });
      const body = expectError(res, 409);
      expect(body.message).toContain('already has a review');
      expect(errorFields(body)).toEqual(['employeeId']);
      expect(body.details).toEqual({ reviewId: review.id });
      const list = await t.http.get('/api/reviews').query({ cycleId: cycle.id }).set(t.as('hr')).expect(200);
      expect((list.body as ReviewPageDto).meta.total).toBe(1);

      // The same employee may have a review in another cycle.
      const other = await seedOpenCycle(t);
      const second = await createReview(t, employee.id, other.id);
      expect(second.id).not.toBe(review.id);
    });

    it('lists a cycle in employee-number order, following a changed number, with paging and total', async () => {
      const cycle = await seedOpenCycle(t);
      const u = uniq();
      const [a, b, c] = [
        await createEmployee(t, 'account_manager', { employeeNo: `S${u}-2` }),
        await createEmployee(t, 'account_manager', { employeeNo: `S${u}-3` }),
        await createEmployee(t, 'account_manager', { employeeNo: `S${u}-1` }),
      ];
      for (const e of [a, b, c]) await createReview(t, e.id, cycle.id);
      const order = async (query: Record<string, string | number> = {}) => {
        const res = await t.http
          .get('/api/reviews')
          .query({ cycleId: cycle.id, ...query })
          .set(t.as('hr'))
          .expect(200);
        const page = res.body as ReviewPageDto;
        return { nos: page.items.map((r) => r.employee.employeeNo), total: page.meta.total };
      };
      expect(await order()).toEqual({ nos: [`S${u}-1`, `S${u}-2`, `S${u}-3`], total: 3 });
      expect(await order({ page: 2, pageSize: 2 })).toEqual({ nos: [`S${u}-3`], total: 3 });
      // Past the last page: no rows, and still the total.
      expect(await order({ page: 5, pageSize: 2 })).toEqual({ nos: [], total: 3 });
      // Renumbering the first employee moves their review to the end of the list.
      await t.http
        .patch(`/api/employees/${c.id}`)
        .set(t.as('hr'))
        .send({ version: c.version, employeeNo: `S${u}-9` })
        .expect(200);
      expect(await order()).toEqual({ nos: [`S${u}-2`, `S${u}-3`, `S${u}-9`], total: 3 });
      expect(await order({ q: `s${u}-9` })).toEqual({ nos: [`S${u}-9`], total: 1 });
    });

    it('refuses a review in a cycle that is not open (409) and writes nothing', async () => {
      const employee = await createEmployee(t);
      const planned = await t.http
        .post('/api/cycles')
        .set(t.as('hr'))
        .send({ name: `Planned ${employee.employeeNo}`, periodStart: '2027-01-01', periodEnd: '2027-06-30' })
        .expect(201);
      const cycleId = (planned.body as { id: string }).id;
      const res = await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: employee.id, cycleId });
      const body = expectError(res, 409);
      expect(body.message).toContain('planned');
      const list = await t.http.get('/api/reviews').query({ employeeId: employee.id }).set(t.as('hr')).expect(200);
      expect((list.body as ReviewPageDto).meta.total).toBe(0);
    });

    it('keeps the pinned version when the template changes later; new reviews pin the new version', async () => {
      const cycle = await seedOpenCycle(t);
      const before = await seedReview(t, 'manager', cycle);
      const role = await getRole(t, 'manager');

      // Publish version 2 of the manager template with a strategic-goal target of 5 instead of 4.
      const current = await t.http.get(`/api/kpi-templates/${role.templateId}`).set(t.as('hr')).expect(200);
      const v1 = (current.body as { current: TemplateVersionDto }).current;
      const kpis = v1.kpis.map((k) => (k.key === 'strategic_goals' ? { ...k, rule: { ...k.rule, target: 5 } } : k));
      const draft = await t.http
        .post(`/api/kpi-templates/${role.templateId}/versions`)
        .set(t.as('admin'))
        .send({ content: { kpis, bands: v1.bands, notes: 'five milestones' } });
      expect(draft.status).toBe(201);
      const d = draft.body as TemplateVersionDto;
      expect(d.number).toBe(2);
      await t.http
        .post(`/api/kpi-templates/${role.templateId}/versions/${d.id}/publish`)
        .set(t.as('admin'))
        .set('If-Match', String(d.version))
        .send({})
        .expect(200);

      const old = await getReview(t, before.review.id);
      expect(old.template.versionNumber).toBe(1);
      expect(old.template.templateVersionId).toBe(v1.id);
      expect(kpi(old, 'strategic_goals').rule).toMatchObject({ target: 4 });

      const after = await seedReview(t, 'manager', cycle);
      expect(after.review.template.versionNumber).toBe(2);
      expect(after.review.template.templateVersionId).toBe(d.id);
      expect(kpi(after.review, 'strategic_goals').rule).toMatchObject({ target: 5 });

      // Scoring follows each review's own pin: 3 milestones is 3/4 = 75 % on v1, 3/5 = 60 % on v2;
      // weight 20 → 15 and 12 points.
      const scoredOld = await putScores(t, old, [{ kpiKey: 'strategic_goals', actual: 3 }]);
      const scoredNew = await putScores(t, after.review, [{ kpiKey: 'strategic_goals', actual: 3 }]);
      expect(kpi(scoredOld, 'strategic_goals')).toMatchObject({ targetUsed: 4, attainment: 75, score: 75, points: 15 });
      expect(kpi(scoredNew, 'strategic_goals')).toMatchObject({ targetUsed: 5, attainment: 60, score: 60, points: 12 });
    });
  });

  describe('PUT /api/reviews/:id/scores', () => {
    it('scores a full account-manager entry exactly as computed by hand', async () => {
      const { review } = await seedReview(t);
      const res = await t.http.put(`/api/reviews/${review.id}/scores`).set(t.as('hr')).set('If-Match', '1').send({ entries: fullAccountManagerEntries() });
      expect(res.status).toBe(200);
      const r = res.body as ReviewDto;
      expect(r.version).toBe(2);

      // sales_attainment: 2,300,000 / 2,000,000 = 115 % (≥ 50 % threshold), cap 150 → score 115;
      //   weight 35 → 115 × 35 / 100 = 40.25 points
      expect(kpi(r, 'sales_attainment')).toMatchObject({ targetUsed: 2000000, attainment: 115, score: 115, points: 40.25 });
      expect(kpi(r, 'sales_attainment').input).toEqual({ actual: 2300000, target: null, rating: null, comment: 'Q3 and Q4 bookings' });
      expect(kpi(r, 'sales_attainment').explanation).toBe(
        'actual 2300000 vs target 2000000 (higher is better): attainment 115%, meets the 50% threshold, capped at 150% → score 115; weight 35% → 40.25 points',
      );
      // customer_satisfaction: 81 / 90 = 90 % (≥ 60 %), cap 110 → score 90; weight 15 → 90 × 15 / 100 = 13.5
      expect(kpi(r, 'customer_satisfaction')).toMatchObject({ targetUsed: 90, attainment: 90, score: 90, points: 13.5 });
      expect(kpi(r, 'customer_satisfaction').explanation).toBe(
        'actual 81 vs target 90 (higher is better): attainment 90%, meets the 60% threshold, capped at 110% → score 90; weight 15% → 13.5 points',
      );
      // customer_retention: 50 / 90 = 55.555… → 55.56 %, below the 60 % threshold → score 0; weight 15 → 0
      expect(kpi(r, 'customer_retention')).toMatchObject({ targetUsed: 90, attainment: 55.56, score: 0, points: 0 });
      expect(kpi(r, 'customer_retention').explanation).toBe(
        'actual 50 vs target 90 (higher is better): attainment 55.56% is below the 60% threshold → score 0; weight 15% → 0 points',
      );
      // relationship_upkeep with this review's own target 40 (template 48): 42 / 40 = 105 %, no
      //   threshold, cap 120 → score 105; weight 10 → 10.5. (Against 48 it would be 87.5 → 8.75.)
      expect(kpi(r, 'relationship_upkeep')).toMatchObject({ targetUsed: 40, attainment: 105, score: 105, points: 10.5 });
      expect(kpi(r, 'relationship_upkeep').input).toEqual({ actual: 42, target: 40, rating: null, comment: null });
      expect(kpi(r, 'relationship_upkeep').explanation).toBe(
        'actual 42 vs target 40 (set for this review; template 48) (higher is better): attainment 105%, capped at 120% → score 105; weight 10% → 10.5 points',
      );
      // Ratings on a 1–5 scale: score = rating / 5 × 100; points = score × 6.25 / 100
      //   communication 4 → 80 → 5; selling 5 → 100 → 6.25; customer_service 3 → 60 → 3.75; problem_solving 4 → 80 → 5
      expect(kpi(r, 'communication')).toMatchObject({
        score: 80,
        points: 5,
        attainment: null,
        targetUsed: null,
        ratingLabelEn: 'Exceeds expectations',
        ratingLabelZh: '超出期望',
      });
      expect(kpi(r, 'communication').explanation).toBe('rating 4 of 5 → score 80; weight 6.25% → 5 points');
      expect(kpi(r, 'selling')).toMatchObject({ score: 100, points: 6.25, ratingLabelEn: 'Outstanding' });
      expect(kpi(r, 'selling').input).toEqual({ actual: null, target: null, rating: 5, comment: '签约三家大客户' });
      expect(kpi(r, 'selling').explanation).toBe('rating 5 of 5 → score 100; weight 6.25% → 6.25 points');
      expect(kpi(r, 'customer_service')).toMatchObject({ score: 60, points: 3.75, ratingLabelEn: 'Meets expectations' });
      expect(kpi(r, 'customer_service').explanation).toBe('rating 3 of 5 → score 60; weight 6.25% → 3.75 points');
      expect(kpi(r, 'problem_solving')).toMatchObject({ score: 80, points: 5 });

      // Total: 40.25 + 13.5 + 0 + 10.5 + 5 + 6.25 + 3.75 + 5 = 84.25 → band "exceeds" (80 ≤ 84.25 < 90)
      expect(r.total).toBe(84.25);
      expect(r.complete).toBe(true);
      expect(r.missing).toEqual([]);
      expect(r.band).toEqual({ key: 'exceeds', min: 80, labelZh: '优秀', labelEn: 'Exceeds expectations' });
      for (const k of r.kpis) expect(k.explanation.length).toBeGreaterThan(10);

      // A fresh read gives the same numbers, and the list shows the stored score columns.
      const again = await getReview(t, review.id);
      expect(again.total).toBe(84.25);
      expect(again.kpis.map((k) => k.points)).toEqual([40.25, 13.5, 0, 10.5, 5, 6.25, 3.75, 5]);
      const list = await t.http.get('/api/reviews').query({ cycleId: review.cycle.id }).set(t.as('hr')).expect(200);
      const summary = (list.body as ReviewPageDto).items.find((i) => i.id === review.id);
      expect(summary).toMatchObject({ total: 84.25, complete: true, bandKey: 'exceeds', version: 2, status: 'draft' });
    });

    it('caps attainment: 175 % of the sales target counts as 150 %', async () => {
      const { review } = await seedReview(t);
      const entries: KpiEntry[] = fullAccountManagerEntries().map((e) => {
        if (e.kpiKey === 'sales_attainment') return { kpiKey: e.kpiKey, actual: 3_500_000 };
        if (e.kpiKey === 'customer_retention') return { kpiKey: e.kpiKey, actual: 100 };
        if (e.kpiKey === 'relationship_upkeep') return { kpiKey: e.kpiKey, actual: 42 };
        return e;
      });
      const r = await putScores(t, review, entries);
      // sales: 3,500,000 / 2,000,000 = 175 %, capped at 150 → score 150; × 35 / 100 = 52.5
      expect(kpi(r, 'sales_attainment')).toMatchObject({ attainment: 175, score: 150, points: 52.5 });
      // retention: 100 / 90 = 111.11 %, capped at 110 → 110; × 15 / 100 = 16.5
      expect(kpi(r, 'customer_retention')).toMatchObject({ attainment: 111.11, score: 110, points: 16.5 });
      // upkeep against the template's 48 visits: 42 / 48 = 87.5 % → 87.5; × 10 / 100 = 8.75
      expect(kpi(r, 'relationship_upkeep')).toMatchObject({ targetUsed: 48, attainment: 87.5, score: 87.5, points: 8.75 });
      expect(kpi(r, 'relationship_upkeep').explanation).toBe(
        'actual 42 vs target 48 (higher is better): attainment 87.5%, capped at 120% → score 87.5; weight 10% → 8.75 points',
      );
      // 52.5 + 13.5 + 16.5 + 8.75 + (5 + 6.25 + 3.75 + 5) = 111.25 → "outstanding" (≥ 90)
      expect(r.total).toBe(111.25);
      expect(r.band?.key).toBe('outstanding');
    });

    it('partial entries: complete false, missing in template order, no band', async () => {
      const { review } = await seedReview(t);
      // Sent out of template order, with one entry present but empty (actual null = no input).
      const r = await putScores(t, review, [
        { kpiKey: 'communication', rating: 4 },
        { kpiKey: 'customer_satisfaction', actual: null },
        { kpiKey: 'sales_attainment', actual: 2_300_000 },
      ]);
      expect(r.complete).toBe(false);
      expect(r.missing).toEqual(['customer_satisfaction', 'customer_retention', 'relationship_upkeep', 'selling', 'customer_service', 'problem_solving']);
      expect(r.band).toBeNull();
      // 40.25 (sales) + 5 (communication) = 45.25
      expect(r.total).toBe(45.25);
      expect(kpi(r, 'customer_satisfaction')).toMatchObject({ score: null, points: null, explanation: 'no input yet' });

      // PUT replaces the whole set: a later full set is complete; a later smaller set drops the rest.
      const full = await putScores(t, r, fullAccountManagerEntries());
      expect(full.complete).toBe(true);
      expect(full.total).toBe(84.25);
      const smaller = await putScores(t, full, [{ kpiKey: 'selling', rating: 2 }]);
      // selling 2 → 40 → 40 × 6.25 / 100 = 2.5
      expect(smaller.total).toBe(2.5);
      expect(smaller.missing).toEqual(ACCOUNT_MANAGER_KEYS.filter((k) => k !== 'selling'));
      expect(kpi(smaller, 'sales_attainment').input.actual).toBeNull();
      expect(smaller.version).toBe(4);
    });

    describe('invalid entries are refused with 400 naming the entry, and change nothing', () => {
      let review: ReviewDto;
      beforeAll(async () => {
        const seeded = await seedReview(t);
        review = await putScores(t, seeded.review, fullAccountManagerEntries());
      });

      const send = (entries: KpiEntry[]) =>
        t.http.put(`/api/reviews/${review.id}/scores`).set(t.as('hr')).set('If-Match', String(review.version)).send({ entries });

      async function expectUnchanged(): Promise<void> {
        const now = await getReview(t, review.id);
        expect(now.version).toBe(review.version);
        expect(now.total).toBe(84.25);
        expect(now.kpis.map((k) => k.input)).toEqual(review.kpis.map((k) => k.input));
        const scores = (await auditOf(t, 'review', review.id)).filter((a) => a.action === 'scores');
        expect(scores).toHaveLength(1);
      }

      it('rating outside the 1–5 scale', async () => {
        const entries = fullAccountManagerEntries();
        entries[5] = { kpiKey: 'selling', rating: 6 };
        const body = expectError(await send(entries), 400);
        expect(errorFields(body)).toEqual(['entries[5].rating']);
        expect(body.message).toContain('rating must be from 1 to 5');

        entries[5] = { kpiKey: 'selling', rating: 0 };
        expect(errorFields(expectError(await send(entries), 400))).toEqual(['entries[5].rating']);
        await expectUnchanged();
      });

      it('rating beyond any scale (validation) and a fractional rating', async () => {
        const body = expectError(await send([{ kpiKey: 'selling', rating: 11 }]), 400);
        expect(errorFields(body)).toEqual(['entries[0].rating']);
        const frac = expectError(
          await send([
            { kpiKey: 'communication', rating: 3 },
            { kpiKey: 'selling', rating: 3.5 },
          ]),
          400,
        );
        expect(errorFields(frac)).toEqual(['entries[1].rating']);
        await expectUnchanged();
      });

      it('an actual (or a target) on a rating KPI, a rating on a target KPI', async () => {
        const a = expectError(
          await send([
            { kpiKey: 'sales_attainment', actual: 1 },
            { kpiKey: 'communication', actual: 4 },
          ]),
          400,
        );
        expect(errorFields(a)).toEqual(['entries[1].actual']);
        expect(a.message).toContain('send rating, not actual');
        const tg = expectError(await send([{ kpiKey: 'communication', rating: 4, target: 5 }]), 400);
        expect(errorFields(tg)).toEqual(['entries[0].target']);
        const r = expectError(await send([{ kpiKey: 'sales_attainment', rating: 4 }]), 400);
        expect(errorFields(r)).toEqual(['entries[0].rating']);
        expect(r.message).toContain('send actual, not rating');
        await expectUnchanged();
      });

      it('an unknown kpiKey', async () => {
        const entries = fullAccountManagerEntries();
        entries[2] = { kpiKey: 'company_performance', actual: 100 };
        const body = expectError(await send(entries), 400);
        expect(errorFields(body)).toEqual(['entries[2].kpiKey']);
        expect(body.message).toContain('"company_performance" is not a KPI of this review');
        await expectUnchanged();
      });

      it('a kpiKey sent twice', async () => {
        const body = expectError(
          await send([
            { kpiKey: 'selling', rating: 3 },
            { kpiKey: 'communication', rating: 3 },
            { kpiKey: 'selling', rating: 4 },
          ]),
          400,
        );
        expect(errorFields(body)).toEqual(['entries[2].kpiKey']);
        expect(body.message).toContain('"selling" appears more than once');
        await expectUnchanged();
      });

      it('every problem of one request at once', async () => {
        const body = expectError(
          await send([
            { kpiKey: 'nope', actual: 1 },
            { kpiKey: 'selling', rating: 9 },
            { kpiKey: 'customer_retention', rating: 2 },
          ]),
          400,
        );
        expect(errorFields(body)).toEqual(['entries[0].kpiKey', 'entries[1].rating', 'entries[2].rating']);
        await expectUnchanged();
      });
    });
  });

  describe('workflow: draft → submitted → finalized → reopened, with its audit trail', () => {
    let review: ReviewDto;
    const texts = {
      strengths: '客户沟通清晰，季度销售额超额完成 15%。\nClear with customers.',
      challenges: '新客户开发速度偏慢；需要加强跨部门协作 🚀',
      developmentPlan: '参加“高级谈判技巧”培训；下季度拜访 50 家客户。',
    };

    beforeAll(async () => {
      review = (await seedReview(t)).review;
    });

    it('refuses to submit an incomplete review (409 listing every missing KPI)', async () => {
      const res = await t.http.post(`/api/reviews/${review.id}/submit`).set(t.as('hr')).send({ version: 1 });
      const body = expectError(res, 409);
      expect(body.details).toEqual({ missing: [...ACCOUNT_MANAGER_KEYS] });
      expect(body.message).toContain('8 KPI(s) have no input');
      expect(body.message).toContain(ACCOUNT_MANAGER_KEYS.join(', '));
      expect(errorFields(body)).toEqual(ACCOUNT_MANAGER_KEYS.map((k) => `entries.${k}`));

      review = await putScores(
        t,
        review,
        fullAccountManagerEntries().filter((e) => e.kpiKey !== 'customer_service'),
      );
      const again = expectError(await t.http.post(`/api/reviews/${review.id}/submit`).set(t.as('hr')).set('If-Match', String(review.version)).send({}), 409);
      expect(again.details).toEqual({ missing: ['customer_service'] });
      expect((await getReview(t, review.id)).status).toBe('draft');
    });

    it('stores scores and free text (Chinese and emoji round-trip)', async () => {
      review = await putScores(t, review, fullAccountManagerEntries());
      expect(review.version).toBe(3);
      const res = await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', '3').send(texts);
      expect(res.status).toBe(200);
      review = res.body as ReviewDto;
      expect(review).toMatchObject({ ...texts, version: 4, status: 'draft', total: 84.25 });
      const read = await getReview(t, review.id);
      expect(read.strengths).toBe(texts.strengths);
      expect(read.challenges).toBe(texts.challenges);
      expect(read.developmentPlan).toBe(texts.developmentPlan);
      expect(read.hrNotes).toBe('');

      // A PATCH changes only what it names.
      const only = await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).send({ version: 4, hrNotes: '仅限人力资源' }).expect(200);
      review = only.body as ReviewDto;
      expect(review).toMatchObject({ ...texts, hrNotes: '仅限人力资源', version: 5 });
    });

    it('submits a complete review', async () => {
      const res = await t.http.post(`/api/reviews/${review.id}/submit`).set(t.as('hr')).set('If-Match', '"5"').send({});
      expect(res.status).toBe(200);
      review = res.body as ReviewDto;
      expect(review.status).toBe('submitted');
      expect(review.version).toBe(6);
      expect(review.submittedAt).not.toBeNull();
      expect(Date.parse(review.submittedAt ?? '')).not.toBeNaN();
    });

    it('refuses edits and a second submit while submitted (409), changing nothing', async () => {
      const put = expectError(await t.http.put(`/api/reviews/${review.id}/scores`).set(t.as('hr')).set('If-Match', '6').send({ entries: [] }), 409);
      expect(put.message).toContain('submitted');
      expect(put.details).toEqual({ status: 'submitted' });
      const patch = expectError(await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', '6').send({ strengths: 'x' }), 409);
      expect(patch.details).toEqual({ status: 'submitted' });
      const resubmit = expectError(await t.http.post(`/api/reviews/${review.id}/submit`).set(t.as('hr')).set('If-Match', '6').send({}), 409);
      expect(resubmit.message).toContain('A submitted review cannot be submitted');
      const now = await getReview(t, review.id);
      expect(now).toMatchObject({ version: 6, status: 'submitted', strengths: texts.strengths, total: 84.25, complete: true });
    });

    it('finalizes a submitted review', async () => {
      const res = await t.http.post(`/api/reviews/${review.id}/finalize`).set(t.as('hr')).send({ version: 6 });
      expect(res.status).toBe(200);
      review = res.body as ReviewDto;
      expect(review).toMatchObject({ status: 'finalized', version: 7, finalizedBy: 'hr@test.example' });
      expect(review.finalizedAt).not.toBeNull();
    });

    it('refuses PUT scores and PATCH on a finalized review (409) and nothing changes', async () => {
      const put = expectError(
        await t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .set('If-Match', '7')
          .send({ entries: [{ kpiKey: 'selling', rating: 1 }] }),
        409,
      );
      expect(put.message).toContain('finalized');
      expect(put.details).toEqual({ status: 'finalized' });
      const patch = expectError(await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', '7').send({ strengths: 'changed' }), 409);
      expect(patch.details).toEqual({ status: 'finalized' });
      const refinalize = expectError(await t.http.post(`/api/reviews/${review.id}/finalize`).set(t.as('hr')).set('If-Match', '7').send({}), 409);
      expect(refinalize.message).toContain('A finalized review cannot be finalized');

      const now = await getReview(t, review.id);
      expect(now.version).toBe(7);
      expect(now.status).toBe('finalized');
      expect(now.strengths).toBe(texts.strengths);
      expect(kpi(now, 'selling').input.rating).toBe(5);
      expect(now.total).toBe(84.25);
      expect(now.band?.key).toBe('exceeds');
    });

    it('refuses to reopen without a reason (400 naming reason)', async () => {
      const none = expectError(await t.http.post(`/api/reviews/${review.id}/reopen`).set(t.as('hr')).set('If-Match', '7').send({}), 400);
      expect(errorFields(none)).toContain('reason');
      expect(none.message).toContain('reason');
      const short = expectError(await t.http.post(`/api/reviews/${review.id}/reopen`).set(t.as('hr')).set('If-Match', '7').send({ reason: 'no' }), 400);
      expect(errorFields(short)).toEqual(['reason']);
      const blank = expectError(await t.http.post(`/api/reviews/${review.id}/reopen`).set(t.as('hr')).set('If-Match', '7').send({ reason: 42 }), 400);
      expect(errorFields(blank)).toContain('reason');
      expect((await getReview(t, review.id)).status).toBe('finalized');
    });

    it('reopens with a reason: back to draft, counted, reason kept', async () => {
      const reason = '员工申诉：第四季度的一笔订单漏记 (missed Q4 order)';
      const res = await t.http.post(`/api/reviews/${review.id}/reopen`).set(t.as('hr')).set('If-Match', '7').send({ reason });
      expect(res.status).toBe(200);
      review = res.body as ReviewDto;
      expect(review).toMatchObject({
        status: 'draft',
        reopenCount: 1,
        lastReopenReason: reason,
        version: 8,
        submittedAt: null,
        finalizedAt: null,
        finalizedBy: null,
      });
      // The inputs survive a reopen, and the review can be edited again.
      expect(review.total).toBe(84.25);
      const edited = await putScores(t, review, fullAccountManagerEntries());
      expect(edited.version).toBe(9);
    });

    it('has the whole history in the audit log, by hr@test, with before/after and the reopen reason', async () => {
      const entries = await auditOf(t, 'review', review.id);
      // Newest first; refused requests left no trace.
      expect(entries.map((e) => e.action)).toEqual(['scores', 'reopen', 'finalize', 'submit', 'update', 'update', 'scores', 'scores', 'create']);
      for (const e of entries) {
        expect(e.actor).toBe('hr@test.example');
        expect(e.entity).toBe('review');
        expect(e.entityId).toBe(review.id);
      }
      const chronological = [...entries].reverse();
      const [create, partial, full, update] = chronological;
      expect(create.before).toBeNull();
      expect(create.after).toMatchObject({
        employeeId: review.employee.id,
        cycleId: review.cycle.id,
        templateVersion: 1,
        templateVersionId: review.template.templateVersionId,
      });

      expect(partial.before).toMatchObject({ inputs: {}, total: 0, complete: false, bandKey: null, version: 1, status: 'draft' });
      expect(full.before).toMatchObject({ complete: false, version: 2 });
      expect(full.after).toMatchObject({
        total: 84.25,
        complete: true,
        bandKey: 'exceeds',
        version: 3,
        inputs: {
          sales_attainment: { actual: 2300000, target: null, comment: 'Q3 and Q4 bookings' },
          relationship_upkeep: { actual: 42, target: 40, comment: null },
          selling: { rating: 5, comment: '签约三家大客户' },
          communication: { rating: 4, comment: null },
        },
      });

      expect(update.before).toMatchObject({ strengths: '', challenges: '', developmentPlan: '', version: 3 });
      expect(update.after).toMatchObject({ ...texts, version: 4 });

      const submit = entries.find((e) => e.action === 'submit');
      expect(submit?.before).toMatchObject({ status: 'draft', version: 5 });
      expect(submit?.after).toMatchObject({ status: 'submitted', version: 6 });
      const finalize = entries.find((e) => e.action === 'finalize');
      expect(finalize?.before).toMatchObject({ status: 'submitted', version: 6 });
      expect(finalize?.after).toMatchObject({ status: 'finalized', version: 7 });
      const reopen = entries.find((e) => e.action === 'reopen');
      expect(reopen?.before).toMatchObject({ status: 'finalized', version: 7 });
      expect(reopen?.after).toMatchObject({ status: 'draft', version: 8, reason: '员工申诉：第四季度的一笔订单漏记 (missed Q4 order)' });
    });
  });

  describe('GET /api/reviews', () => {
    it('filters by cycle and status, and pages with meta.total', async () => {
      const cycle = await seedOpenCycle(t);
      const a = await seedReview(t, 'account_manager', cycle);
      const b = await seedReview(t, 'account_manager', cycle);
      const c = await seedReview(t, 'manager', cycle);
      await seedReview(t); // another cycle: never listed below
      const scored = await putScores(t, b.review, fullAccountManagerEntries());
      await t.http.post(`/api/reviews/${b.review.id}/submit`).set(t.as('hr')).set('If-Match', String(scored.version)).send({}).expect(200);

      const all = await t.http.get('/api/reviews').query({ cycleId: cycle.id }).set(t.as('hr')).expect(200);
      const page = all.body as ReviewPageDto;
      expect(page.meta).toEqual({ page: 1, pageSize: 50, total: 3 });
      // Ordered by employee number within the cycle.
      const byNo = [a, b, c].sort((x, y) => x.employee.employeeNo.localeCompare(y.employee.employeeNo)).map((x) => x.review.id);
      expect(page.items.map((i) => i.id)).toEqual(byNo);

      const drafts = await t.http.get('/api/reviews').query({ cycleId: cycle.id, status: 'draft', pageSize: 1, page: 2 }).set(t.as('hr')).expect(200);
      const d = drafts.body as ReviewPageDto;
      expect(d.meta).toEqual({ page: 2, pageSize: 1, total: 2 });
      expect(d.items).toHaveLength(1);
      expect(byNo.filter((id) => id !== b.review.id)[1]).toBe(d.items[0].id);

      const submitted = await t.http.get('/api/reviews').query({ cycleId: cycle.id, status: 'submitted' }).set(t.as('hr')).expect(200);
      const s = submitted.body as ReviewPageDto;
      expect(s.meta.total).toBe(1);
      expect(s.items.map((i) => i.id)).toEqual([b.review.id]);
      expect(s.items[0]).toMatchObject({
        status: 'submitted',
        total: 84.25,
        complete: true,
        bandKey: 'exceeds',
        cycleId: cycle.id,
        roleCode: 'account_manager',
        templateVersionNumber: 1,
      });
      const got = (await t.http.get(`/api/reviews/${b.review.id}`).set(t.as('hr')).expect(200)).body as ReviewDto;
      expect(s.items[0].updatedAt).toBe(got.updatedAt);

      const finalized = await t.http.get('/api/reviews').query({ cycleId: cycle.id, status: 'finalized' }).set(t.as('hr')).expect(200);
      expect(finalized.body).toEqual({ items: [], meta: { page: 1, pageSize: 50, total: 0 } });

      const beyond = await t.http.get('/api/reviews').query({ cycleId: cycle.id, page: 5, pageSize: 2 }).set(t.as('hr')).expect(200);
      expect(beyond.body).toEqual({ items: [], meta: { page: 5, pageSize: 2, total: 3 } });

      const byName = await t.http.get('/api/reviews').query({ cycleId: cycle.id, q: c.employee.name }).set(t.as('hr')).expect(200);
      expect((byName.body as ReviewPageDto).items.map((i) => i.id)).toEqual([c.review.id]);
    });

    it('keeps status totals exact through submit, finalize and plain SQL; score edits leave them be', async () => {
      const cycle = await seedOpenCycle(t);
      const a = await seedReview(t, 'account_manager', cycle);
      await seedReview(t, 'account_manager', cycle);
      const total = async (status?: string) =>
        (
          (
            await t.http
              .get('/api/reviews')
              .query({ cycleId: cycle.id, pageSize: 1, ...(status ? { status } : {}) })
              .set(t.as('hr'))
              .expect(200)
          ).body as ReviewPageDto
        ).meta.total;
      const counter = async () => (await t.db.query<{ c: string }[]>('SELECT changes::text AS c FROM list_changes'))[0].c;
      expect([await total(), await total('draft'), await total('submitted')]).toEqual([2, 2, 0]);

      // Scoring changes no column a list filters or sorts on.
      const before = await counter();
      const scored = await putScores(t, a.review, fullAccountManagerEntries());
      expect(await counter()).toBe(before);

      await t.http.post(`/api/reviews/${a.review.id}/submit`).set(t.as('hr')).set('If-Match', String(scored.version)).send({}).expect(200);
      expect([await total('draft'), await total('submitted')]).toEqual([1, 1]);
      await t.db.query(`UPDATE reviews SET status = 'draft' WHERE id = $1`, [a.review.id]);
      expect([await total('draft'), await total('submitted')]).toEqual([2, 0]);
      await t.db.query('DELETE FROM reviews WHERE id = $1', [a.review.id]);
      expect([await total(), await total('draft')]).toEqual([1, 1]);
    });
  });

  it('answered no request of this file with a 5xx', () => {
    expect(statuses.length).toBeGreaterThan(50);
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });
});
