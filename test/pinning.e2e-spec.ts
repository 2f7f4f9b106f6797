// A review pins the template version that was current when it was created: publishing a new
// version (other weights, other KPIs) changes neither its KPIs nor its total, while new reviews
// pin the new version. Unpublished drafts are never pinned.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { AuditEntryDto } from '../src/audit/dto/audit.dto.js';
import type { ErrorResponseDto } from '../src/common/error-response.dto.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { KpiDto } from '../src/kpi-templates/dto/kpi.dto.js';
import type { RoleDto, TemplateDto, TemplateVersionDto } from '../src/kpi-templates/dto/template.dto.js';
import type { ReviewDto, ReviewPageDto } from '../src/reviews/dto/review.dto.js';
import { ACCOUNT_MANAGER_KEYS } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

const body = <T>(res: Response): T => res.body as T;

interface Entry {
  kpiKey: string;
  actual?: number;
  rating?: number;
}

const V1_KEYS = [...ACCOUNT_MANAGER_KEYS];
const V1_WEIGHTS = [35, 15, 15, 10, 6.25, 6.25, 6.25, 6.25];

const V2_KEYS = [
  'sales_attainment',
  'customer_satisfaction',
  'customer_retention',
  'new_logos',
  'communication',
  'selling',
  'customer_service',
  'problem_solving',
];
const V2_WEIGHTS = [50, 10, 10, 10, 5, 5, 5, 5];

const SKILLS = ['communication', 'selling', 'customer_service', 'problem_solving'];

/**
 * Inputs for a version-1 review. By hand, on version 1:
 *   sales 2,000,000 / 2,000,000 = 100 % → score 100 × 35 % = 35
 *   satisfaction 90 / 90 = 100 % → 15; retention 81 / 90 = 90 % → 90 × 15 % = 13.5
 *   visits 48 / 48 = 100 % → 10; four skills rated 4 of 5 = 80 → 80 × 6.25 % = 5 each → 20
 *   total 35 + 15 + 13.5 + 10 + 20 = 93.5 → band "outstanding" (≥ 90)
 */
const V1_ENTRIES: Entry[] = [
  { kpiKey: 'sales_attainment', actual: 2_000_000 },
  { kpiKey: 'customer_satisfaction', actual: 90 },
  { kpiKey: 'customer_retention', actual: 81 },
  { kpiKey: 'relationship_upkeep', actual: 48 },
  ...SKILLS.map((k) => ({ kpiKey: k, rating: 4 })),
];

/**
 * The same results on version 2 (sales target 1,000,000, cap 120; new_logos instead of visits):
 *   sales 200 % capped at 120 → 120 × 50 % = 60; satisfaction 100 × 10 % = 10; retention 90 × 10 % = 9
 *   new logos 5 / 5 → 100 × 10 % = 10; skills 80 × 5 % = 4 each → 16
 *   total 60 + 10 + 9 + 10 + 16 = 105
 */
const V2_ENTRIES: Entry[] = [
  { kpiKey: 'sales_attainment', actual: 2_000_000 },
  { kpiKey: 'customer_satisfaction', actual: 90 },
  { kpiKey: 'customer_retention', actual: 81 },
  { kpiKey: 'new_logos', actual: 5 },
  ...SKILLS.map((k) => ({ kpiKey: k, rating: 4 })),
];

/** Version 2 of the account-manager template: other weights, one KPI dropped, one added. */
function version2(v1: TemplateVersionDto): { kpis: KpiDto[]; bands: TemplateVersionDto['bands']; notes: string } {
  const byKey = new Map(v1.kpis.map((k) => [k.key, k]));
  const take = (key: string, weight: number, rule?: Partial<KpiDto['rule']>): KpiDto => {
    const k = byKey.get(key);
    if (!k) throw new Error(`version 1 has no ${key}`);
    return { ...k, weight, rule: { ...k.rule, ...rule } };
  };
  return {
    kpis: [
      take('sales_attainment', 50, { target: 1_000_000, cap: 120 }),
      take('customer_satisfaction', 10),
      take('customer_retention', 10),
      {
        key: 'new_logos',
        nameZh: '新客户开拓',
        nameEn: 'New customers won',
        descriptionZh: '本期新签约客户数。',
        descriptionEn: 'Customers signed for the first time in the period.',
        category: 'sales_results',
        weight: 10,
        rule: { type: 'target', target: 5, unit: 'customers', direction: 'higher', cap: 150, threshold: null },
      },
      ...SKILLS.map((k) => take(k, 5)),
    ],
    bands: v1.bands,
    notes: 'More weight on sales; visits replaced by new customers won',
  };
}

describe('reviews pin their template version', () => {
  let t: TestApp;
  let role: RoleDto;
  let v1: TemplateVersionDto;
  let v2: TemplateVersionDto;
  let cycle: CycleDto;
  let employeeSeq = 0;
  let oldReview: ReviewDto;

  beforeAll(async () => {
    t = await createTestApp();
    const roles = body<RoleDto[]>(await t.http.get('/api/roles').set(t.as('hr')).expect(200));
    const am = roles.find((r) => r.code === 'account_manager');
    if (!am) throw new Error('no account_manager role');
    role = am;
    const tpl = body<TemplateDto>(await t.http.get(`/api/kpi-templates/${role.templateId}`).set(t.as('hr')).expect(200));
    if (!tpl.current) throw new Error('account_manager has no current version');
    v1 = tpl.current;

    const created = await t.http
      .post('/api/cycles')
      .set(t.as('hr'))
      .send({ name: '2026 H1 / 2026 上半年', periodStart: '2026-01-01', periodEnd: '2026-06-30' })
      .expect(201);
    const planned = body<CycleDto>(created);
    cycle = body<CycleDto>(await t.http.post(`/api/cycles/${planned.id}/open`).set(t.as('hr')).send({ version: planned.version }).expect(200));
    expect(cycle.status).toBe('open');
  });
  afterAll(async () => {
    await t.close();
  });

  async function createEmployee(roleId: string): Promise<EmployeeDto> {
    employeeSeq += 1;
    const res = await t.http
      .post('/api/employees')
      .set(t.as('hr'))
      .send({
        employeeNo: `P${String(employeeSeq).padStart(4, '0')}`,
        name: `客户经理 ${employeeSeq}`,
        email: `am${employeeSeq}@example.com`,
        roleId,
        department: 'Sales East',
        hireDate: '2022-04-01',
      })
      .expect(201);
    return body<EmployeeDto>(res);
  }

  async function createReview(employeeId: string): Promise<ReviewDto> {
    const res = await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId, cycleId: cycle.id }).expect(201);
    return body<ReviewDto>(res);
  }

  async function getReview(id: string): Promise<ReviewDto> {
    return body<ReviewDto>(await t.http.get(`/api/reviews/${id}`).set(t.as('hr')).expect(200));
  }

  async function putScores(review: ReviewDto, entries: Entry[]): Promise<ReviewDto> {
    const res = await t.http.put(`/api/reviews/${review.id}/scores`).set(t.as('hr')).send({ entries, version: review.version }).expect(200);
    return body<ReviewDto>(res);
  }

  it('a review created now pins version 1 of the account-manager template', async () => {
    const employee = await createEmployee(role.id);
    expect(employee.role.code).toBe('account_manager');
    const review = await createReview(employee.id);
    expect(review.template).toEqual({
      templateId: role.templateId,
      templateVersionId: v1.id,
      versionNumber: 1,
      roleCode: 'account_manager',
      roleNameZh: '客户经理',
      roleNameEn: 'Account manager',
    });
    expect(review.kpis.map((k) => k.key)).toEqual(V1_KEYS);
    expect(review.kpis.map((k) => k.weight)).toEqual(V1_WEIGHTS);
    expect(review.kpis[0].rule).toEqual({ type: 'target', target: 2_000_000, unit: 'CNY', direction: 'higher', cap: 150, threshold: 50 });
    expect(review.bands).toEqual(v1.bands);
    expect(review).toMatchObject({ total: 0, complete: false, band: null, missing: V1_KEYS });

    oldReview = await putScores(review, V1_ENTRIES);
    expect(oldReview.kpis.map((k) => k.points)).toEqual([35, 15, 13.5, 10, 5, 5, 5, 5]);
    expect(oldReview).toMatchObject({ total: 93.5, complete: true, missing: [] });
    expect(oldReview.band?.key).toBe('outstanding');

    // The audit of the creation names the pinned version.
    const audit = body<AuditEntryDto[]>(await t.http.get('/api/audit').query({ entity: 'review', id: review.id }).set(t.as('hr')).expect(200));
    expect(audit.find((e) => e.action === 'create')?.after).toMatchObject({ templateVersionId: v1.id, templateVersion: 1 });
  });

  it('publishing version 2 with other weights and KPIs makes it current', async () => {
    const draftRes = await t.http
      .post(`/api/kpi-templates/${role.templateId}/versions`)
      .set(t.as('admin'))
      .send({ content: version2(v1) })
      .expect(201);
    const draft = body<TemplateVersionDto>(draftRes);
    expect(draft).toMatchObject({ number: 2, status: 'draft', weightSum: 100 });
    const pubRes = await t.http
      .post(`/api/kpi-templates/${role.templateId}/versions/${draft.id}/publish`)
      .set(t.as('admin'))
      .set('If-Match', String(draft.version))
      .send({})
      .expect(200);
    v2 = body<TemplateVersionDto>(pubRes);
    expect(v2).toMatchObject({ number: 2, status: 'published' });
    expect(v2.kpis.map((k) => k.key)).toEqual(V2_KEYS);
    expect(v2.kpis.map((k) => k.weight)).toEqual(V2_WEIGHTS);
    const r = body<RoleDto>(await t.http.get(`/api/roles/${role.id}`).set(t.as('hr')).expect(200));
    expect(r.currentVersionNumber).toBe(2);
  });

  it('the existing review still shows version 1: same KPIs, weights, rules and total', async () => {
    const again = await getReview(oldReview.id);
    expect(again.template).toEqual(oldReview.template);
    expect(again.template.versionNumber).toBe(1);
    expect(again.kpis.map((k) => k.key)).toEqual(V1_KEYS);
    expect(again.kpis.map((k) => k.weight)).toEqual(V1_WEIGHTS);
    expect(again.kpis[0].rule).toMatchObject({ target: 2_000_000, cap: 150 });
    expect(again.kpis).toEqual(oldReview.kpis);
    expect(again.bands).toEqual(oldReview.bands);
    expect(again.total).toBe(93.5);
    expect(again.band?.key).toBe('outstanding');
    expect(again.version).toBe(oldReview.version);

    // The list shows the same pin and total.
    const list = body<ReviewPageDto>(await t.http.get('/api/reviews').query({ employeeId: oldReview.employee.id }).set(t.as('hr')).expect(200));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ id: oldReview.id, templateVersionNumber: 1, roleCode: 'account_manager', total: 93.5, bandKey: 'outstanding' });

    // Version 1 itself is still readable, exactly as the review copied it.
    const old = body<TemplateVersionDto>(await t.http.get(`/api/kpi-templates/${role.templateId}/versions/${v1.id}`).set(t.as('hr')).expect(200));
    expect(old).toEqual(v1);
  });

  it('new scores on the old review are checked and scored against its own version 1', async () => {
    const refused = await t.http
      .put(`/api/reviews/${oldReview.id}/scores`)
      .set(t.as('hr'))
      .send({ entries: [{ kpiKey: 'new_logos', actual: 5 }], version: oldReview.version });
    expect(refused.status).toBe(400);
    const err = body<ErrorResponseDto>(refused);
    expect(err.errors?.[0]?.field).toBe('entries[0].kpiKey');
    expect(err.message).toContain('new_logos');

    const rescored = await putScores(await getReview(oldReview.id), V1_ENTRIES);
    expect(rescored.template.versionNumber).toBe(1);
    expect(rescored.total).toBe(93.5);
    expect(rescored.kpis.map((k) => k.points)).toEqual([35, 15, 13.5, 10, 5, 5, 5, 5]);
    oldReview = rescored;
  });

  it('a new review of another employee pins version 2 and scores by it', async () => {
    const employee = await createEmployee(role.id);
    const review = await createReview(employee.id);
    expect(review.template).toMatchObject({ templateVersionId: v2.id, versionNumber: 2, roleCode: 'account_manager' });
    expect(review.kpis.map((k) => k.key)).toEqual(V2_KEYS);
    expect(review.kpis.map((k) => k.weight)).toEqual(V2_WEIGHTS);
    expect(review.kpis[0].rule).toMatchObject({ target: 1_000_000, cap: 120 });

    const scored = await putScores(review, V2_ENTRIES);
    expect(scored.kpis.map((k) => k.points)).toEqual([60, 10, 9, 10, 4, 4, 4, 4]);
    expect(scored.total).toBe(105);
    // Visits are not part of version 2.
    const refused = await t.http
      .put(`/api/reviews/${review.id}/scores`)
      .set(t.as('hr'))
      .send({ entries: [{ kpiKey: 'relationship_upkeep', actual: 48 }], version: scored.version });
    expect(refused.status).toBe(400);

    // The first review is still where it was.
    expect((await getReview(oldReview.id)).total).toBe(93.5);
  });

  it('a draft is never pinned: while version 3 is a draft, new reviews still pin version 2', async () => {
    const draftRes = await t.http.post(`/api/kpi-templates/${role.templateId}/versions`).set(t.as('admin')).send({}).expect(201);
    const draft = body<TemplateVersionDto>(draftRes);
    expect(draft.number).toBe(3);
    const content = version2(v1);
    content.kpis = content.kpis.map((k) => (k.key === 'sales_attainment' ? { ...k, weight: 40 } : k.key === 'new_logos' ? { ...k, weight: 20 } : k));
    await t.http
      .put(`/api/kpi-templates/${role.templateId}/versions/${draft.id}`)
      .set(t.as('admin'))
      .send({ ...content, version: draft.version })
      .expect(200);

    const employee = await createEmployee(role.id);
    const review = await createReview(employee.id);
    expect(review.template).toMatchObject({ templateVersionId: v2.id, versionNumber: 2 });
    expect(review.kpis.map((k) => k.weight)).toEqual(V2_WEIGHTS);

    await t.http.delete(`/api/kpi-templates/${role.templateId}/versions/${draft.id}`).set(t.as('admin')).set('If-Match', '2').expect(204);
  });

  it('a role without a published version cannot have reviews until one is published', async () => {
    const newRole = body<RoleDto>(
      await t.http.post('/api/roles').set(t.as('admin')).send({ code: 'key_account_manager', nameZh: '大客户经理', nameEn: 'Key-account manager' }).expect(201),
    );
    const employee = await createEmployee(newRole.id);
    const refused = await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: employee.id, cycleId: cycle.id });
    expect(refused.status).toBe(409);
    expect(body<ErrorResponseDto>(refused).message).toContain('key_account_manager');

    // A draft alone is not enough.
    const draftRes = await t.http
      .post(`/api/kpi-templates/${newRole.templateId}/versions`)
      .set(t.as('admin'))
      .send({ content: version2(v1) })
      .expect(201);
    const draft = body<TemplateVersionDto>(draftRes);
    expect((await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: employee.id, cycleId: cycle.id })).status).toBe(409);

    await t.http.post(`/api/kpi-templates/${newRole.templateId}/versions/${draft.id}/publish`).set(t.as('admin')).send({ version: draft.version }).expect(200);
    const review = await createReview(employee.id);
    expect(review.template).toEqual({
      templateId: newRole.templateId,
      templateVersionId: draft.id,
      versionNumber: 1,
      roleCode: 'key_account_manager',
      roleNameZh: '大客户经理',
      roleNameEn: 'Key-account manager',
    });
    expect(review.kpis.map((k) => k.key)).toEqual(V2_KEYS);
  });
});
