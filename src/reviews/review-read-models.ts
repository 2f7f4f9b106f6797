import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessScopes, scopeSql } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { SqlFilter } from '../common/sql-filter.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { nameOrNumberSql } from '../employees/employee-search.js';
import type { PinnedTemplate } from './review.entity.js';
import { DepartmentProgressDto, type NotStartedQuery, NotStartedPageDto, TeamMemberDto } from './dto/review-read-models.dto.js';

/** What the HR and team pages show of a cycle's reviews, read in a statement or two and answered as DTOs. */
@Injectable()
export class ReviewReadModels {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: AccessScopes,
    private readonly cycles: CyclesService,
  ) {}

  /** Review progress of a cycle per department, within what the actor may see. */
  async progressByDepartment(actor: Actor, cycleId: string): Promise<DepartmentProgressDto[]> {
    await this.cycles.findById(cycleId);
    const params: unknown[] = [cycleId];
    const inScope = scopeSql(await this.scopes.of(actor), 'e.id', (v) => `$${params.push(v)}`);
    const rows = await this.dataSource.query<{ department: string; not_started: number; draft: number; submitted: number; finalized: number }[]>(
      `SELECT e.department,
              count(*) FILTER (WHERE r.id IS NULL)::int AS not_started,
              count(*) FILTER (WHERE r.status = 'draft')::int AS draft,
              count(*) FILTER (WHERE r.status = 'submitted')::int AS submitted,
              count(*) FILTER (WHERE r.status = 'finalized')::int AS finalized
         FROM employees e LEFT JOIN reviews r ON r.employee_id = e.id AND r.cycle_id = $1
        WHERE (e.active OR r.id IS NOT NULL)${inScope ? ` AND ${inScope}` : ''}
        GROUP BY e.department ORDER BY e.department`,
      params,
    );
    return rows.map((r) => ({
      department: r.department,
      notStarted: r.not_started,
      draft: r.draft,
      submitted: r.submitted,
      finalized: r.finalized,
      total: r.not_started + r.draft + r.submitted + r.finalized,
    }));
  }

  /** Active employees in scope without a review in the cycle: who still needs one. */
  async notStarted(actor: Actor, q: NotStartedQuery): Promise<NotStartedPageDto> {
    await this.cycles.findById(q.cycleId);
    const scope = await this.scopes.of(actor);
    const f = new SqlFilter();
    f.and(`e.active AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.employee_id = e.id AND r.cycle_id = ${f.param(q.cycleId)})`);
    const inScope = scopeSql(scope, 'e.id', (v) => f.param(v));
    if (inScope) f.and(inScope);
    if (q.department) f.and(`e.department = ${f.param(q.department)}`);
    if (q.q?.trim()) f.and(nameOrNumberSql(f, 'e', q.q));
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query<{ id: string; employee_no: string; name: string; department: string; manager_name: string | null; role_code: string }[]>(
        `SELECT e.id, e.employee_no, e.name, e.department, m.name AS manager_name, ro.code AS role_code
           FROM employees e JOIN roles ro ON ro.id = e.role_id LEFT JOIN employees m ON m.id = e.manager_id
           ${f.where()} ORDER BY e.employee_no LIMIT $${f.params.length + 1} OFFSET $${f.params.length + 2}`,
        [...f.params, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM employees e ${f.where()}`, f.params),
    ]);
    return {
      items: rows.map((r) => ({ id: r.id, employeeNo: r.employee_no, name: r.name, department: r.department, managerName: r.manager_name, roleCode: r.role_code })),
      meta: { page: q.page, pageSize: q.pageSize, total: n },
    };
  }

  /**
   * Everyone in the actor's reporting subtree (not the actor) with their review in the cycle, if
   * any: a manager's view of their team. Deactivated people appear only when they have a review.
   */
  async teamOverview(actor: Actor, cycleId: string, search?: string): Promise<TeamMemberDto[]> {
    await this.cycles.findById(cycleId);
    const team = actor.employeeId ? await this.scopes.subtreeIds(actor.employeeId) : [];
    if (team.length === 0) return [];
    const f = new SqlFilter();
    f.param(cycleId); // $1: the cycle of the joined review
    f.and(`e.id = ANY(${f.param(team)}::uuid[])`);
    if (search?.trim()) f.and(nameOrNumberSql(f, 'e', search));
    const rows = await this.dataSource.query<
      {
        id: string;
        employee_no: string;
        name: string;
        department: string;
        active: boolean;
        manager_name: string | null;
        review_id: string | null;
        status: string | null;
        total: string | null;
        complete: boolean | null;
        band_key: string | null;
        bands: PinnedTemplate['bands'] | null;
      }[]
    >(
      `SELECT e.id, e.employee_no, e.name, e.department, e.active, m.name AS manager_name,
              r.id AS review_id, r.status, r.total, r.complete, r.band_key, r.template->'bands' AS bands
         FROM employees e LEFT JOIN employees m ON m.id = e.manager_id
         LEFT JOIN reviews r ON r.employee_id = e.id AND r.cycle_id = $1
        ${f.where()} AND (e.active OR r.id IS NOT NULL)
        ORDER BY e.department, e.employee_no`,
      f.params,
    );
    return rows.map((r) => ({
      employee: { id: r.id, employeeNo: r.employee_no, name: r.name, department: r.department, managerName: r.manager_name, active: r.active },
      review: r.review_id
        ? { id: r.review_id, status: r.status ?? 'draft', total: Number(r.total), complete: Boolean(r.complete), bandKey: r.band_key, bands: r.bands ?? [] }
        : null,
    }));
  }
}
