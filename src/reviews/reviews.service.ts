import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessScopes, covers } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { notFound } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { ListTotals } from '../common/list-totals.js';
import { PageSeek, type SeekPoint } from '../common/page-seek.js';
import { isoTimestampSql, SqlFilter } from '../common/sql-filter.js';
import { preparedQuery } from '../database/prepared.js';
import { nameOrNumberSql } from '../employees/employee-search.js';
import type { ReviewDto, ReviewQueryDto, ReviewSummaryDto } from './dto/review.dto.js';
import { Review } from './review.entity.js';
import { toReviewDto } from './review.mapper.js';
import { canSeeReview, reviewScopeSql, reviewViewOf } from './review.rules.js';

@Injectable()
export class ReviewsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: AccessScopes,
  ) {}

  private readonly totals = new ListTotals();
  private readonly seek = new PageSeek();
  private readonly versionInfo = new Map<string, { roleCode: string; versionNumber: number }>();

  async list(actor: Actor, q: ReviewQueryDto): Promise<Page<ReviewSummaryDto>> {
    const scope = await this.scopes.of(actor);
    if (q.employeeId && !covers(scope, q.employeeId)) throw notFound('Employee', q.employeeId);
    if (q.managerId && !covers(scope, q.managerId)) throw notFound('Employee', q.managerId);
    const f = new SqlFilter();
    if (q.cycleId) f.and(`r.cycle_id = ${f.param(q.cycleId)}`);
    if (q.employeeId) f.and(`r.employee_id = ${f.param(q.employeeId)}`);
    if (q.status) f.and(`r.status = ${f.param(q.status)}`);
    const inScope = reviewScopeSql(scope, (v) => f.param(v));
    if (inScope) f.and(inScope);
    const byEmployee = Boolean(q.department || q.managerId || q.q);
    if (q.department) f.and(`e.department = ${f.param(q.department)}`);
    if (q.managerId) f.and(`e.manager_id = ${f.param(q.managerId)}`);
    if (q.q) f.and(nameOrNumberSql(f, 'e', q.q));
    // Employees are joined only to filter: the order comes from the review's own copy of the
    // employee number, so a page of a cycle is read from the (cycle_id, employee_no) index.
    const from = `FROM reviews r${byEmployee ? ' JOIN employees e ON e.id = r.employee_id' : ''}`;
    const countQuery = `SELECT count(*)::int AS n ${from} ${f.where()}`;
    const filterParams = [...f.params];
    const totals = this.totals.columns(f, countQuery);
    const offset = (q.page - 1) * q.pageSize;
    // A cycle's reviews are in employee-number order (unique in a cycle): deep pages start from a known row.
    const seekKey = q.cycleId ? `${f.where()}\u0000${JSON.stringify(filterParams)}` : null;
    const read = async (seek: SeekPoint | null) => {
      const params = [...f.params];
      const where = seek ? `${f.where()} AND r.employee_no >= $${params.push(seek.value)}` : f.where();
      const pageIds = q.cycleId
        ? `SELECT r.id ${from} ${where} ORDER BY r.employee_no`
        : `SELECT r.id ${from} JOIN cycles c ON c.id = r.cycle_id ${where} ORDER BY c.period_start DESC, r.employee_no, r.id`;
      const paging = `OFFSET $${params.push(offset - (seek?.offset ?? 0))} LIMIT $${params.push(q.pageSize)}`;
      // One statement for the page, its details and the total: three round trips, parses and plans
      // cost more than the work itself on a page of 50.
      return preparedQuery<SummaryRow & { review_employee_no: string; total_rows: number | null; list_stamp: string | null }>(
        this.dataSource,
        `WITH page AS (${pageIds} ${paging})
       SELECT r.id, r.status, r.total, r.complete, r.band_key, r.version, ${isoTimestampSql('r.updated_at')} AS updated_at, r.cycle_id, c.name AS cycle_name,
              r.template_version_id, e.id AS employee_id, e.employee_no, e.name, e.department, e.manager_id, m.name AS manager_name,
              r.employee_no AS review_employee_no, ${totals.sql}
         FROM page JOIN reviews r ON r.id = page.id JOIN employees e ON e.id = r.employee_id JOIN cycles c ON c.id = r.cycle_id
         LEFT JOIN employees m ON m.id = e.manager_id
        ORDER BY ${q.cycleId ? 'r.employee_no' : 'c.period_start DESC, r.employee_no, r.id'}`,
        params,
      );
    };
    const rows = await this.seek.read(seekKey, offset, (r) => r.review_employee_no, read);
    const countAgain = async () => (await this.dataSource.query<{ n: number }[]>(countQuery, filterParams))[0].n;
    const total = await this.totals.ofPage(totals, rows, q.page === 1, countAgain);
    const versions = await this.versionsOf(rows.map((r) => r.template_version_id));
    // The foreign key keeps every pinned version in place, so each one is found.
    const items = rows.map((r) => summaryFromRow(r, versions.get(r.template_version_id) ?? { roleCode: '', versionNumber: 0 }));
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

  async get(actor: Actor, id: string): Promise<ReviewDto> {
    const r = await this.load(id);
    const scope = await this.scopes.of(actor);
    if (!canSeeReview(scope, r)) throw notFound('Review', id);
    return toReviewDto(r, reviewViewOf(scope));
  }

  /** The review with employee, manager and cycle, or 404. */
  async load(id: string, m: EntityManager = this.dataSource.manager): Promise<Review> {
    // A query builder with getOne() is one round trip; findOne with relations makes two.
    const r = await m
      .createQueryBuilder(Review, 'r')
      .innerJoinAndSelect('r.employee', 'e')
      .leftJoinAndSelect('e.manager', 'm')
      .innerJoinAndSelect('r.cycle', 'c')
      .where('r.id = :id', { id })
      .getOne();
    if (!r) throw notFound('Review', id);
    return r;
  }
}

interface SummaryRow {
  id: string;
  status: string;
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
}

function summaryFromRow(d: SummaryRow, v: { roleCode: string; versionNumber: number }): ReviewSummaryDto {
  return {
    id: d.id,
    employee: { id: d.employee_id, employeeNo: d.employee_no, name: d.name, department: d.department, managerId: d.manager_id, managerName: d.manager_name },
    cycleId: d.cycle_id,
    cycleName: d.cycle_name,
    status: d.status,
    roleCode: v.roleCode,
    templateVersionNumber: v.versionNumber,
    total: Number(d.total),
    complete: d.complete,
    bandKey: d.band_key,
    version: d.version,
    updatedAt: d.updated_at,
  };
}
