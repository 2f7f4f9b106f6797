// Shared set-up for e2e tests: everything goes through the HTTP API, as a client would, signed in
// as a user of the role it names (`t.as(role)`).
import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import type { AuditEntryDto } from '../src/audit/dto/audit.dto.js';
import type { ErrorResponseDto } from '../src/common/error-response.dto.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { RoleDto } from '../src/kpi-templates/dto/template.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import type { TestApp, TestRole } from './support/app.js';

export type RoleCode = 'account_manager' | 'manager';

/** What a client sends for one KPI in PUT /api/reviews/:id/scores. */
export interface KpiEntry {
  kpiKey: string;
  actual?: number | null;
  target?: number | null;
  rating?: number | null;
  comment?: string | null;
}

/** The default account-manager template's KPI keys, in template order. */
export const ACCOUNT_MANAGER_KEYS = [
  'sales_attainment',
  'customer_satisfaction',
  'customer_retention',
  'relationship_upkeep',
  'communication',
  'selling',
  'customer_service',
  'problem_solving',
] as const;

/** The default manager template's KPI keys, in template order. */
export const MANAGER_KEYS = [
  'company_performance',
  'team_performance',
  'strategic_goals',
  'strategic_vision',
  'decision_making',
  'leadership',
  'communication',
] as const;

/** A complete, valid set of account-manager inputs (see reviews.e2e-spec.ts for the arithmetic). */
export function fullAccountManagerEntries(): KpiEntry[] {
  return [
    { kpiKey: 'sales_attainment', actual: 2_300_000, comment: 'Q3 and Q4 bookings' },
    { kpiKey: 'customer_satisfaction', actual: 81 },
    { kpiKey: 'customer_retention', actual: 50 },
    { kpiKey: 'relationship_upkeep', actual: 42, target: 40 },
    { kpiKey: 'communication', rating: 4 },
    { kpiKey: 'selling', rating: 5, comment: '签约三家大客户' },
    { kpiKey: 'customer_service', rating: 3 },
    { kpiKey: 'problem_solving', rating: 4 },
  ];
}

/** A short unique suffix, so fixtures never collide inside one database. */
export function uniq(): string {
  return randomBytes(4).toString('hex');
}

const roleCache = new WeakMap<TestApp, Map<string, RoleDto>>();

/** The role with this code (the default roles exist in every test database). */
export async function getRole(t: TestApp, code: RoleCode, as: TestRole = 'hr'): Promise<RoleDto> {
  let byCode = roleCache.get(t);
  if (!byCode) {
    const res = await t.http.get('/api/roles').set(t.as(as)).expect(200);
    const roles = res.body as RoleDto[];
    byCode = new Map(roles.map((r) => [r.code, r]));
    roleCache.set(t, byCode);
  }
  const role = byCode.get(code);
  if (!role) throw new Error(`No role ${code}`);
  return role;
}

export interface EmployeeInput {
  employeeNo: string;
  name: string;
  email: string;
  roleId: string;
  department: string;
  hireDate: string;
  managerId?: string;
}

export async function createEmployee(t: TestApp, role: RoleCode = 'account_manager', overrides: Partial<EmployeeInput> = {}): Promise<EmployeeDto> {
  const u = uniq();
  const body: EmployeeInput = {
    employeeNo: `E-${u}`,
    name: `测试员工 ${u}`,
    email: `emp-${u}@example.com`,
    roleId: (await getRole(t, role)).id,
    department: 'Sales East',
    hireDate: '2021-03-15',
    ...overrides,
  };
  const res = await t.http.post('/api/employees').set(t.as('hr')).send(body);
  if (res.status !== 201) throw new Error(`createEmployee: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as EmployeeDto;
}

/** A planned cycle, opened, so reviews can be created in it; `stages` sets its stages and due dates (CycleStagesDto). */
export async function seedOpenCycle(t: TestApp, name = `2026 H1 ${uniq()}`, stages: Record<string, unknown> = {}): Promise<CycleDto> {
  const created = await t.http
    .post('/api/cycles')
    .set(t.as('hr'))
    .send({ name, periodStart: '2026-01-01', periodEnd: '2026-06-30', ...stages });
  if (created.status !== 201) throw new Error(`seedOpenCycle: ${created.status} ${JSON.stringify(created.body)}`);
  const cycle = created.body as CycleDto;
  const opened = await t.http.post(`/api/cycles/${cycle.id}/open`).set(t.as('hr')).send({ version: cycle.version });
  if (opened.status !== 200) throw new Error(`seedOpenCycle open: ${opened.status} ${JSON.stringify(opened.body)}`);
  return opened.body as CycleDto;
}

/** An open cycle running every stage: self-assessment, manager assessment, HR review, finalization. */
export function seedStagedCycle(t: TestApp, dues: Record<string, string | null> = {}): Promise<CycleDto> {
  return seedOpenCycle(t, `2026 H1 staged ${uniq()}`, {
    selfAssessment: true,
    managerAssessment: true,
    selfAssessmentDue: '2026-07-10',
    managerAssessmentDue: '2026-07-17',
    hrReviewDue: '2026-07-24',
    finalizationDue: '2026-07-31',
    ...dues,
  });
}

export async function createReview(t: TestApp, employeeId: string, cycleId: string): Promise<ReviewDto> {
  const res = await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId, cycleId });
  if (res.status !== 201) throw new Error(`createReview: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ReviewDto;
}

/** A fresh employee of the role with a draft review in the given (or a new open) cycle. */
export async function seedReview(
  t: TestApp,
  role: RoleCode = 'account_manager',
  cycle?: CycleDto,
): Promise<{ employee: EmployeeDto; cycle: CycleDto; review: ReviewDto }> {
  const c = cycle ?? (await seedOpenCycle(t));
  const employee = await createEmployee(t, role);
  const review = await createReview(t, employee.id, c.id);
  return { employee, cycle: c, review };
}

export async function getReview(t: TestApp, id: string): Promise<ReviewDto> {
  const res = await t.http.get(`/api/reviews/${id}`).set(t.as('hr')).expect(200);
  return res.body as ReviewDto;
}

export async function getEmployee(t: TestApp, id: string): Promise<EmployeeDto> {
  const res = await t.http.get(`/api/employees/${id}`).set(t.as('hr')).expect(200);
  return res.body as EmployeeDto;
}

export async function putScores(t: TestApp, review: { id: string; version: number }, entries: KpiEntry[]): Promise<ReviewDto> {
  const res = await t.http.put(`/api/reviews/${review.id}/scores`).set(t.as('hr')).set('If-Match', String(review.version)).send({ entries });
  if (res.status !== 200) throw new Error(`putScores: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ReviewDto;
}

/** The audit trail of one entity, newest first (as the API returns it). */
export async function auditOf(t: TestApp, entity: string, id: string): Promise<AuditEntryDto[]> {
  const res = await t.http.get('/api/audit').query({ entity, id }).set(t.as('hr')).expect(200);
  return res.body as AuditEntryDto[];
}

/** Asserts the one error shape: {statusCode, code, error, message, errors?: [{field, message}], details?}. */
export function expectError(res: Response, status: number): ErrorResponseDto {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.body as ErrorResponseDto;
  expect(body.statusCode).toBe(status);
  expect(typeof body.error).toBe('string');
  expect(body.error.length).toBeGreaterThan(0);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  expect(body.code).toMatch(/^[A-Z][A-Z_]+$/);
  for (const key of Object.keys(body)) expect(['statusCode', 'code', 'error', 'message', 'errors', 'details']).toContain(key);
  if (body.errors !== undefined) {
    expect(Array.isArray(body.errors)).toBe(true);
    for (const e of body.errors) {
      expect(typeof e.field).toBe('string');
      expect(typeof e.message).toBe('string');
      expect(e.message.length).toBeGreaterThan(0);
    }
  }
  return body;
}

/** The fields named in an error response's `errors`, each once (a field may break several rules). */
export function errorFields(body: ErrorResponseDto): string[] {
  return [...new Set((body.errors ?? []).map((e) => e.field))];
}

/**
 * Records the status of every response the app's HTTP server sends, whatever the client, so a test
 * file can finally assert that none of its requests ended in a 5xx.
 */
export function recordStatuses(t: TestApp): { method: string; url: string; status: number }[] {
  const seen: { method: string; url: string; status: number }[] = [];
  const server = t.app.getHttpServer();
  server.on('request', (req, res) => {
    res.on('finish', () => seen.push({ method: req.method ?? '', url: req.url ?? '', status: res.statusCode }));
  });
  return seen;
}
