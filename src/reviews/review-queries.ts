import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AccessScope } from '../auth/access-scope.js';
import type { Page } from '../common/pagination.js';
import { PagedListQuery } from '../database/paged-list-query.js';
import { isoTimestampSql, SqlFilter } from '../database/sql-filter.js';
import { nameOrNumberSql } from '../employees/employee-search.js';
import { type ReviewStage, standing } from '../review-stages/review-stages.js';
import { type ReviewQueryDto, type ReviewSummaryDto, stagesOf } from './dto/review.dto.js';
import { Review } from './review.entity.js';
import { reviewScopeSql } from './review.rules.js';

/** An employee without a review in a cycle, as starting a whole cycle reads them. */
export interface UnstartedEmployee {
  id: string;
  employee_no: string;
  name: string;
  role_id: string;
  role_code: string;
  active: boolean;
}

/** The reviews' SQL: the list page, the review with its employee and cycle, and what starting a cycle reads. */
@Injectable()
export class ReviewQueries {
  private readonly pages: PagedListQuery;
  private readonly versionInfo = new Map<string, { roleCode: string; versionNumber: number }>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.pages = new PagedListQuery(dataSource);
  }

  /** A page of review summaries within `scope`, filtered as asked; `today` (YYYY-MM-DD in the company's zone) decides what is overdue. */
  async list(scope: AccessScope, q: ReviewQueryDto, today: string): Promise<Page<ReviewSummaryDto>> {
    const { f, byEmployee, byDue } = listFilter(scope, q, today);
    // Employees are joined only to filter: the order comes from the review's own copy of the
    // employee number, so a page of a cycle is read from the (cycle_id, employee_no) index.
    const from = `FROM reviews r${byEmployee ? ' JOIN employees e ON e.id = r.employee_id' : ''}${byDue ? ' JOIN cycles c ON c.id = r.cycle_id' : ''}`;
    const { rows, total } = await this.pages.read<SummaryRow>({
      filter: f,
      countSql: `SELECT count(*)::int AS n ${from} ${f.where()}`,
      page: q.page,
      pageSize: q.pageSize,
      // A cycle's reviews are in employee-number order (unique in a cycle): deep pages start from a known row.
      seek: q.cycleId ? { column: 'r.employee_no', descending: false, valueOf: (r) => r.review_employee_no } : null,
      statement: ({ where, paging, totals }) => {
        const pageIds = q.cycleId
          ? `SELECT r.id ${from} ${where} ORDER BY r.employee_no`
          : `SELECT r.id ${from}${byDue ? '' : ' JOIN cycles c ON c.id = r.cycle_id'} ${where} ORDER BY c.period_start DESC, r.employee_no, r.id`;
        return `WITH page AS (${pageIds} ${paging})
       SELECT r.id, r.status, r.stage, ${DUES_SQL}, r.total, r.complete, coalesce(r.calibrated_band_key, r.band_key) AS band_key, r.version, ${isoTimestampSql('r.updated_at')} AS updated_at, r.cycle_id, c.name AS cycle_name,
              r.template_version_id, e.id AS employee_id, e.employee_no, e.name, e.department, e.manager_id, m.name AS manager_name,
              r.employee_no AS review_employee_no, ${totals}
         FROM page JOIN reviews r ON r.id = page.id JOIN employees e ON e.id = r.employee_id JOIN cycles c ON c.id = r.cycle_id
         LEFT JOIN employees m ON m.id = e.manager_id
        ORDER BY ${q.cycleId ? 'r.employee_no' : 'c.period_start DESC, r.employee_no, r.id'}`;
      },
    });
    const versions = await this.versionsOf(rows.map((r) => r.template_version_id));
    // The foreign key keeps every pinned version in place, so each one is found.
    const items = rows.map((r) => summaryFromRow(r, versions.get(r.template_version_id) ?? { roleCode: '', versionNumber: 0 }, today));
    return { items, meta: { page: q.page, pageSize: q.pageSize, total } };
  }

  /**
   * Role code and number of template versions. Neither ever changes once a version exists, so they
   * are kept for the life of the process: the review list then joins three tables fewer, whose
   * planning cost more than their reading (2.2 against 0.9 ms to plan a page of reviews).
   */
  private async versionsOf(ids: string[]): Promise<ReadonlyMap<string, { roleCode: string; versionNumber: number }>> {
    const missing = [...new Set(ids)].filter((id) => !this.versionInfo.has(id));
    if (missing.length > 0) {
      const rows = await this.dataSource.query<{ id: string; number: number; code: string }[]>(
        `SELECT tv.id, tv.number, ro.code FROM kpi_template_versions tv JOIN kpi_templates t ON t.id = tv.template_id JOIN roles ro ON ro.id = t.role_id
          WHERE tv.id = ANY($1::uuid[])`,
        [missing],
      );
      for (const r of rows) this.versionInfo.set(r.id, { roleCode: r.code, versionNumber: r.number });
    }
    return this.versionInfo;
  }

  /**
   * Up to `limit` reviews the list shows with these filters, in its order (employee number within
   * the cycle): what a bulk action "on the filter" acts on. The caller asks one more than it allows to tell "too many".
   */
  async matching(scope: AccessScope, q: ListFilter & { cycleId: string }, today: string, limit: number): Promise<ReviewHead[]> {
    const { f } = listFilter(scope, q, today);
    return this.dataSource.query<ReviewHead[]>(`SELECT ${HEAD_COLUMNS} ${HEAD_FROM} ${f.where()} ORDER BY r.employee_no LIMIT ${f.param(limit)}`, f.params);
  }

  /** The first review after employee number `after` that the list shows with these filters: the review page's "next" link. */
  async nextAfter(scope: AccessScope, q: ListFilter & { cycleId: string }, today: string, after: string): Promise<ReviewHead | null> {
    const { f } = listFilter(scope, q, today);
    f.and(`r.employee_no > ${f.param(after)}`);
    const [row] = await this.dataSource.query<ReviewHead[]>(`SELECT ${HEAD_COLUMNS} ${HEAD_FROM} ${f.where()} ORDER BY r.employee_no LIMIT 1`, f.params);
    return row ?? null;
  }

  /** The reviews of these ids within `scope`; ids of others are left out. */
  async heads(scope: AccessScope, ids: readonly string[]): Promise<ReviewHead[]> {
    const f = new SqlFilter();
    f.and(`r.id = ANY(${f.param(ids)}::uuid[])`);
    const inScope = reviewScopeSql(scope, (v) => f.param(v));
    if (inScope) f.and(inScope);
    return this.dataSource.query<ReviewHead[]>(`SELECT ${HEAD_COLUMNS} ${HEAD_FROM} ${f.where()}`, f.params);
  }

  /** The review with employee, manager and cycle, or null. */
  async load(id: string, m: EntityManager = this.dataSource.manager): Promise<Review | null> {
    // A query builder with getOne() is one round trip; findOne with relations makes two.
    return m
      .createQueryBuilder(Review, 'r')
      .innerJoinAndSelect('r.employee', 'e')
      .leftJoinAndSelect('e.manager', 'm')
      .innerJoinAndSelect('r.cycle', 'c')
      .where('r.id = :id', { id })
      .getOne();
  }

  /** Everyone without a review in the cycle (deactivated people too), by employee number. */
  async withoutReview(m: EntityManager, cycleId: string): Promise<UnstartedEmployee[]> {
    return m.query<UnstartedEmployee[]>(
      `SELECT e.id, e.employee_no, e.name, e.role_id, ro.code AS role_code, e.active
         FROM employees e JOIN roles ro ON ro.id = e.role_id
        WHERE NOT EXISTS (SELECT 1 FROM reviews r WHERE r.employee_id = e.id AND r.cycle_id = $1)
        ORDER BY e.employee_no`,
      [cycleId],
    );
  }

  /** How many reviews the cycle has. */
  async countInCycle(m: EntityManager, cycleId: string): Promise<number> {
    const [{ n }] = await m.query<{ n: number }[]>('SELECT count(*)::int AS n FROM reviews WHERE cycle_id = $1', [cycleId]);
    return n;
  }
}

/** The list's filters, without its paging. */
export type ListFilter = Pick<ReviewQueryDto, 'cycleId' | 'employeeId' | 'status' | 'stage' | 'overdue' | 'department' | 'managerId' | 'q'>;

/** A review as a bulk action and the "next" links name it. */
export interface ReviewHead {
  id: string;
  version: number;
  status: string;
  employee_id: string;
  employee_no: string;
  name: string;
}

const HEAD_COLUMNS = 'r.id, r.version, r.status, r.employee_id, r.employee_no, e.name';
const HEAD_FROM = 'FROM reviews r JOIN employees e ON e.id = r.employee_id JOIN cycles c ON c.id = r.cycle_id';

/**
 * The list's WHERE over reviews r, employees e (joined when byEmployee) and cycles c (when byDue):
 * one place for the page, the bulk actions on a filter and the next review, so the three agree.
 */
function listFilter(scope: AccessScope, q: ListFilter, today: string): { f: SqlFilter; byEmployee: boolean; byDue: boolean } {
  const f = new SqlFilter();
  if (q.cycleId) f.and(`r.cycle_id = ${f.param(q.cycleId)}`);
  if (q.employeeId) f.and(`r.employee_id = ${f.param(q.employeeId)}`);
  if (q.status) f.and(`r.status = ${f.param(q.status)}`);
  const stages = stagesOf(q.stage);
  if (stages.length === 1) f.and(`r.stage = ${f.param(stages[0])}`);
  else if (stages.length > 1) f.and(`r.stage = ANY(${f.param(stages)}::text[])`);
  const byDue = q.overdue !== undefined;
  // Compared in SQL so the page and its total agree; the day itself is the service's (its clock and zone).
  if (q.overdue === 'true') f.and(`${STAGE_DUE_SQL} < ${f.param(today)}::date`);
  if (q.overdue === 'false') f.and(`coalesce(${STAGE_DUE_SQL} >= ${f.param(today)}::date, true)`);
  const inScope = reviewScopeSql(scope, (v) => f.param(v));
  if (inScope) f.and(inScope);
  const byEmployee = Boolean(q.department || q.managerId || q.q);
  if (q.department) f.and(`e.department = ${f.param(q.department)}`);
  if (q.managerId) f.and(`e.manager_id = ${f.param(q.managerId)}`);
  if (q.q) f.and(nameOrNumberSql(f, 'e', q.q));
  return { f, byEmployee, byDue };
}

/** The due date of the stage a review is in, as stageDue() in review-stages.ts reads it (r: the review, c: its cycle). */
const STAGE_DUE_SQL = `(CASE r.stage WHEN 'self' THEN c.self_assessment_due WHEN 'manager' THEN c.manager_assessment_due
  WHEN 'hr' THEN coalesce(c.hr_review_due, c.finalization_due) END)`;

const DUES_SQL = ['self_assessment_due', 'manager_assessment_due', 'hr_review_due', 'finalization_due']
  .map((col) => `to_char(c.${col}, 'YYYY-MM-DD') AS ${col}`)
  .join(', ');

interface SummaryRow {
  id: string;
  status: string;
  stage: ReviewStage;
  self_assessment_due: string | null;
  manager_assessment_due: string | null;
  hr_review_due: string | null;
  finalization_due: string | null;
  total: string;
  complete: boolean;
  band_key: string | null;
  version: number;
  /** ISO 8601 text, from isoTimestampSql. */
  updated_at: string;
  cycle_id: string;
  cycle_name: string;
  template_version_id: string;
  employee_id: string;
  employee_no: string;
  name: string;
  department: string;
  manager_id: string | null;
  manager_name: string | null;
  review_employee_no: string;
  total_rows: number | null;
  list_stamp: string | null;
}

function summaryFromRow(d: SummaryRow, v: { roleCode: string; versionNumber: number }, today: string): ReviewSummaryDto {
  const dues = {
    selfAssessmentDue: d.self_assessment_due,
    managerAssessmentDue: d.manager_assessment_due,
    hrReviewDue: d.hr_review_due,
    finalizationDue: d.finalization_due,
  };
  return {
    id: d.id,
    employee: { id: d.employee_id, employeeNo: d.employee_no, name: d.name, department: d.department, managerId: d.manager_id, managerName: d.manager_name },
    cycleId: d.cycle_id,
    cycleName: d.cycle_name,
    status: d.status,
    stage: standing(dues, d.stage, today),
    roleCode: v.roleCode,
    templateVersionNumber: v.versionNumber,
    total: Number(d.total),
    complete: d.complete,
    bandKey: d.band_key,
    version: d.version,
    updatedAt: d.updated_at,
  };
}
