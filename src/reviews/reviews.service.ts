import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { badRequest, conflict, duplicate, notFound } from '../common/errors.js';
import type { FieldErrorDto } from '../common/error-response.dto.js';
import type { Page } from '../common/pagination.js';
import { rejectNulls } from '../common/validation.js';
import { lockVersioned, saveVersioned } from '../common/versioning.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { ListTotals } from '../common/list-totals.js';
import { PageSeek, type SeekPoint } from '../common/page-seek.js';
import { isoTimestampSql, SqlFilter } from '../common/sql-filter.js';
import { preparedQuery } from '../database/prepared.js';
import { nameOrNumberSql } from '../employees/employee-search.js';
import { EmployeesService } from '../employees/employees.service.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { scoreReview } from '../scoring/index.js';
import type { KpiInput } from '../scoring/types.js';
import type {
  CreateReviewDto,
  KpiEntryDto,
  ReviewQueryDto,
  ReviewSummaryDto,
  SaveReviewDto,
  SkippedEmployeeDto,
  StartAllResultDto,
  StartedReviewDto,
  UpdateReviewDto,
} from './dto/review.dto.js';
import { type PinnedTemplate, Review, type ReviewStatus } from './review.entity.js';
import type { HistoryPoint } from './review-history.js';
import { type ReviewView, toReviewDto } from './review.mapper.js';


/** The audit's view of a review: what HR entered and what it scored. */
function snapshot(r: Review): Record<string, unknown> {
  return {
    status: r.status,
    inputs: r.inputs,
    total: r.total,
    complete: r.complete,
    bandKey: r.bandKey,
    strengths: r.strengths,
    challenges: r.challenges,
    developmentPlan: r.developmentPlan,
    hrNotes: r.hrNotes,
    version: r.version,
  };
}

/** Checks entries against the review's own pinned KPIs and turns them into stored inputs. */
export function entriesToInputs(template: PinnedTemplate, entries: KpiEntryDto[]): Record<string, KpiInput> {
  const errors: FieldErrorDto[] = [];
  // A Map: KPI keys come from admins, and "constructor" is a valid one that a plain object already "has".
  const inputs = new Map<string, KpiInput>();
  entries.forEach((e, i) => {
    const at = `entries[${i}]`;
    const kpi = template.kpis.find((k) => k.key === e.kpiKey);
    if (!kpi) {
      errors.push({ field: `${at}.kpiKey`, message: `"${e.kpiKey}" is not a KPI of this review (${template.kpis.map((k) => k.key).join(', ')})` });
      return;
    }
    if (inputs.has(e.kpiKey)) {
      errors.push({ field: `${at}.kpiKey`, message: `"${e.kpiKey}" appears more than once` });
      return;
    }
    const comment = e.comment?.trim() ? e.comment : null;
    if (kpi.rule.type === 'rating') {
      const { min, max } = kpi.rule;
      if (e.actual != null) errors.push({ field: `${at}.actual`, message: `${kpi.key} is rated on a ${min}-${max} scale; send rating, not actual` });
      if (e.target != null) errors.push({ field: `${at}.target`, message: `${kpi.key} is rated; it has no target` });
      if (e.rating != null && (e.rating < min || e.rating > max)) errors.push({ field: `${at}.rating`, message: `rating must be from ${min} to ${max}` });
      inputs.set(e.kpiKey, { rating: e.rating ?? null, comment });
    } else {
      if (e.rating != null) errors.push({ field: `${at}.rating`, message: `${kpi.key} is measured against a target; send actual, not rating` });
      inputs.set(e.kpiKey, { actual: e.actual ?? null, target: e.target ?? null, comment });
    }
  });
  if (errors.length > 0) throw badRequest(`Invalid scores: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  return Object.fromEntries(inputs);
}

/** The text fields of a draft that a write sets; the ones left out keep their value. */
function textPatch(dto: UpdateReviewDto): Partial<Review> {
  const patch: Partial<Review> = {};
  if (dto.strengths !== undefined) patch.strengths = dto.strengths;
  if (dto.challenges !== undefined) patch.challenges = dto.challenges;
  if (dto.developmentPlan !== undefined) patch.developmentPlan = dto.developmentPlan;
  if (dto.hrNotes !== undefined) patch.hrNotes = dto.hrNotes;
  return patch;
}

/** Where a cycle stands in one department; "not started" counts active employees without a review. */
export interface DepartmentProgress {
  department: string;
  notStarted: number;
  draft: number;
  submitted: number;
  finalized: number;
  total: number;
}

/** One person in a manager's reporting subtree and their review in a cycle, if any. */
export interface TeamMember {
  employee: { id: string; employeeNo: string; name: string; department: string; managerName: string | null; active: boolean };
  review: { id: string; status: string; total: number; complete: boolean; bandKey: string | null; bands: PinnedTemplate['bands'] } | null;
}

/** Active employees without a review in a cycle, a page at a time. */
export interface NotStartedQuery {
  cycleId: string;
  department?: string;
  q?: string;
  page: number;
  pageSize: number;
}

/** Score columns kept beside the inputs so lists and dashboards need not re-score. */
function scoreColumns(template: PinnedTemplate, inputs: Record<string, KpiInput>): Pick<Review, 'total' | 'complete' | 'bandKey'> {
  const s = scoreReview(template.kpis, inputs, template.bands);
  return { total: s.total, complete: s.complete, bandKey: s.band?.key ?? null };
}

@Injectable()
export class ReviewsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly employees: EmployeesService,
    private readonly cycles: CyclesService,
    private readonly templates: KpiTemplatesService,
    private readonly audit: AuditService,
  ) {}

  private readonly totals = new ListTotals();
  private readonly seek = new PageSeek();
  private readonly versionInfo = new Map<string, { roleCode: string; versionNumber: number }>();

  /**
   * HR and admins see every review; a manager the reviews of their reporting subtree and their own
   * finalized ones; an employee only their own finalized ones. Anything else is "not found".
   */
  private async scopeOf(actor: Actor, m?: EntityManager): Promise<{ team: string[]; self: string | null } | null> {
    if (actor.role === 'admin' || actor.role === 'hr' || actor.role === 'system') return null;
    const self = actor.employeeId;
    const team = actor.role === 'manager' && self ? await this.employees.subtreeIds(self, m) : [];
    return { team, self };
  }

  private canSee(scope: { team: string[]; self: string | null } | null, r: Pick<Review, 'employeeId' | 'status'>): boolean {
    return scope === null || scope.team.includes(r.employeeId) || (r.employeeId === scope.self && r.status === 'finalized');
  }

  async list(actor: Actor, q: ReviewQueryDto): Promise<Page<ReviewSummaryDto>> {
    const scope = await this.scopeOf(actor);
    if (scope) {
      const people = [...scope.team, ...(scope.self ? [scope.self] : [])];
      if (q.employeeId && !people.includes(q.employeeId)) throw notFound('Employee', q.employeeId);
      if (q.managerId && !people.includes(q.managerId)) throw notFound('Employee', q.managerId);
    }
    const f = new SqlFilter();
    if (q.cycleId) f.and(`r.cycle_id = ${f.param(q.cycleId)}`);
    if (q.employeeId) f.and(`r.employee_id = ${f.param(q.employeeId)}`);
    if (q.status) f.and(`r.status = ${f.param(q.status)}`);
    if (scope) f.and(`(r.employee_id = ANY(${f.param(scope.team)}::uuid[]) OR (r.employee_id = ${f.param(scope.self)} AND r.status = 'finalized'))`);
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

  async get(actor: Actor, id: string): Promise<ReturnType<typeof toReviewDto>> {
    const r = await this.load(id);
    if (!this.canSee(await this.scopeOf(actor), r)) throw notFound('Review', id);
    return toReviewDto(r, viewOf(actor));
  }

  /**
   * Every review of these employees, oldest first, for the scorecards' trends: one statement for a
   * whole export chunk (the caller keeps, per scorecard, the ones up to its cycle's end with
   * {@link historyUpTo}) instead of one per scorecard.
   */
  async historiesOf(employeeIds: string[]): Promise<Map<string, HistoryPoint[]>> {
    const rows = await this.dataSource.query<{ employee_id: string; cycle_name: string; period_end: string; total: string; version_number: number; complete: boolean }[]>(
      `SELECT r.employee_id, c.name AS cycle_name, to_char(c.period_end, 'YYYY-MM-DD') AS period_end, r.total, (r.template->>'versionNumber')::int AS version_number, r.complete
         FROM reviews r JOIN cycles c ON c.id = r.cycle_id
        WHERE r.employee_id = ANY($1::uuid[])
        ORDER BY c.period_end`,
      [employeeIds],
    );
    const byEmployee = new Map<string, HistoryPoint[]>(employeeIds.map((id) => [id, []]));
    for (const r of rows) {
      byEmployee.get(r.employee_id)?.push({ cycleName: r.cycle_name, periodEnd: r.period_end, total: Number(r.total), templateVersionNumber: r.version_number, complete: r.complete });
    }
    return byEmployee;
  }

  /**
   * Totals (never names) of the complete reviews of a role in a cycle, with their review ids so
   * that each scorecard can leave its own out ({@link peerTotalsExcept}): one statement per
   * (cycle, role) of an export chunk instead of one per scorecard. In no particular order: only
   * the standing computed from them is printed and hashed.
   */
  async completeTotals(cycleId: string, roleCode: string): Promise<{ reviewId: string; total: number }[]> {
    // The role through the pinned template version, not template->>'roleCode': that would unpack
    // every review's (TOASTed) pinned template of the cycle, about 7 ms per scorecard at 1,000
    // reviews (bench:pdf). A version belongs to one template, a template to one role, and role
    // codes never change, so both name the same reviews.
    const rows = await this.dataSource.query<{ id: string; total: string }[]>(
      `SELECT r.id, r.total FROM reviews r
        WHERE r.cycle_id = $1 AND r.complete
          AND r.template_version_id IN (SELECT v.id FROM kpi_template_versions v JOIN kpi_templates t ON t.id = v.template_id
                                          JOIN roles ro ON ro.id = t.role_id WHERE ro.code = $2)`,
      [cycleId, roleCode],
    );
    return rows.map((r) => ({ reviewId: r.id, total: Number(r.total) }));
  }

  /** Reviews with employee, manager and cycle, as the system sees them (no scope), in one statement; missing ids are left out. */
  async getManyForSystem(ids: string[]): Promise<Map<string, ReturnType<typeof toReviewDto>>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.manager
      .createQueryBuilder(Review, 'r')
      .innerJoinAndSelect('r.employee', 'e')
      .leftJoinAndSelect('e.manager', 'm')
      .innerJoinAndSelect('r.cycle', 'c')
      .where('r.id = ANY(:ids)', { ids })
      .getMany();
    return new Map(rows.map((r) => [r.id, toReviewDto(r, 'hr')]));
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

  /** Creating a review pins the role's current published template: later edits never change it. */
  async create(actor: Actor, dto: CreateReviewDto): Promise<ReturnType<typeof toReviewDto>> {
    const id = await this.dataSource.transaction(async (m) => {
      const cycle = await this.cycles.lockOpen(m, dto.cycleId).catch((err: unknown) => {
        throw remapNotFound(err, 'cycleId');
      });
      const employee = await this.employees.findById(dto.employeeId, m).catch((err: unknown) => {
        throw remapNotFound(err, 'employeeId');
      });
      if (!employee.active) throw conflict(`${employee.name} is deactivated and cannot get a new review`);
      const existing = await m.findOneBy(Review, { employeeId: employee.id, cycleId: cycle.id });
      if (existing) {
        throw duplicate(`${employee.name} already has a review in cycle "${cycle.name}"`, [{ field: 'employeeId', message: 'already has a review in this cycle' }], { reviewId: existing.id });
      }
      const published = await this.templates.currentPublished(employee.roleId, m);
      if (!published) throw conflict(`Role ${employee.role.code} has no published KPI template yet; publish one first`);
      const template: PinnedTemplate = {
        templateId: published.template.id,
        templateVersionId: published.version.id,
        versionNumber: published.version.number,
        roleCode: published.role.code,
        roleNameZh: published.role.nameZh,
        roleNameEn: published.role.nameEn,
        kpis: published.version.kpis,
        bands: published.version.bands,
      };
      const review = await m.save(
        m.create(Review, {
          employeeId: employee.id,
          cycleId: cycle.id,
          templateVersionId: published.version.id,
          template,
          inputs: {},
          status: 'draft',
          ...scoreColumns(template, {}),
        }),
      );
      await this.audit.record(m, actor, {
        action: 'create',
        entity: 'review',
        entityId: review.id,
        after: { employeeId: employee.id, cycleId: cycle.id, templateVersionId: published.version.id, templateVersion: published.version.number },
      });
      return review.id;
    });
    return this.get(actor, id);
  }

  async putScores(actor: Actor, id: string, expected: number, entries: KpiEntryDto[]) {
    return this.edit(actor, id, expected, 'scores', (r) => {
      const inputs = entriesToInputs(r.template, entries);
      return { inputs, ...scoreColumns(r.template, inputs) };
    });
  }

  async update(actor: Actor, id: string, expected: number, dto: UpdateReviewDto) {
    rejectNulls(dto, ['strengths', 'challenges', 'developmentPlan', 'hrNotes']);
    return this.edit(actor, id, expected, 'update', () => textPatch(dto));
  }

  /**
   * Inputs and texts in one write and one version: what the review page saves. Two separate
   * writes could leave half a save behind when someone else saves in between.
   */
  async saveDraft(actor: Actor, id: string, expected: number, dto: SaveReviewDto) {
    rejectNulls(dto, ['strengths', 'challenges', 'developmentPlan', 'hrNotes']);
    return this.edit(actor, id, expected, 'save', (r) => {
      const inputs = entriesToInputs(r.template, dto.entries);
      return { inputs, ...scoreColumns(r.template, inputs), ...textPatch(dto) };
    });
  }

  /**
   * Starts a draft for every active employee who has no review in the cycle yet, each pinning
   * their role's current published template, exactly as one create would. Runs under an exclusive
   * lock on the cycle, so a concurrent batch or single create waits instead of colliding; whoever
   * cannot get a review is reported with the reason rather than failing the batch.
   */
  async startAll(actor: Actor, cycleId: string): Promise<StartAllResultDto> {
    return this.dataSource.transaction(async (m) => {
      const cycle = await this.cycles.lockOpen(m, cycleId, 'exclusive');
      const rows = await m.query<{ id: string; employee_no: string; name: string; role_id: string; role_code: string; active: boolean }[]>(
        `SELECT e.id, e.employee_no, e.name, e.role_id, ro.code AS role_code, e.active
           FROM employees e JOIN roles ro ON ro.id = e.role_id
          WHERE NOT EXISTS (SELECT 1 FROM reviews r WHERE r.employee_id = e.id AND r.cycle_id = $1)
          ORDER BY e.employee_no`,
        [cycle.id],
      );
      const [{ n: alreadyStarted }] = await m.query<{ n: number }[]>('SELECT count(*)::int AS n FROM reviews WHERE cycle_id = $1', [cycle.id]);
      const created: StartedReviewDto[] = [];
      const skipped: SkippedEmployeeDto[] = [];
      const pinned = new Map<string, PinnedTemplate | null>();
      for (const e of rows) {
        const who = { employeeId: e.id, employeeNo: e.employee_no, name: e.name };
        if (!e.active) {
          skipped.push({ ...who, reason: 'inactive', message: `${e.name} is deactivated` });
          continue;
        }
        if (!pinned.has(e.role_id)) {
          const published = await this.templates.currentPublished(e.role_id, m);
          pinned.set(
            e.role_id,
            published && {
              templateId: published.template.id,
              templateVersionId: published.version.id,
              versionNumber: published.version.number,
              roleCode: published.role.code,
              roleNameZh: published.role.nameZh,
              roleNameEn: published.role.nameEn,
              kpis: published.version.kpis,
              bands: published.version.bands,
            },
          );
        }
        const template = pinned.get(e.role_id);
        if (!template) {
          skipped.push({ ...who, reason: 'no_published_template', message: `Role ${e.role_code} has no published KPI template yet` });
          continue;
        }
        const review = await m.save(
          m.create(Review, { employeeId: e.id, cycleId: cycle.id, templateVersionId: template.templateVersionId, template, inputs: {}, status: 'draft', ...scoreColumns(template, {}) }),
        );
        await this.audit.record(m, actor, {
          action: 'create',
          entity: 'review',
          entityId: review.id,
          after: { employeeId: e.id, cycleId: cycle.id, templateVersionId: template.templateVersionId, templateVersion: template.versionNumber, batch: 'start_all' },
        });
        created.push({ reviewId: review.id, ...who });
      }
      return { created, skipped, alreadyStarted };
    });
  }

  /** Review progress of a cycle per department, within what the actor may see. */
  async progressByDepartment(actor: Actor, cycleId: string): Promise<DepartmentProgress[]> {
    await this.cycles.findById(cycleId);
    const visible = await this.employees.visibleIds(actor);
    const rows = await this.dataSource.query<{ department: string; not_started: number; draft: number; submitted: number; finalized: number }[]>(
      `SELECT e.department,
              count(*) FILTER (WHERE r.id IS NULL)::int AS not_started,
              count(*) FILTER (WHERE r.status = 'draft')::int AS draft,
              count(*) FILTER (WHERE r.status = 'submitted')::int AS submitted,
              count(*) FILTER (WHERE r.status = 'finalized')::int AS finalized
         FROM employees e LEFT JOIN reviews r ON r.employee_id = e.id AND r.cycle_id = $1
        WHERE (e.active OR r.id IS NOT NULL) AND ($2::uuid[] IS NULL OR e.id = ANY($2::uuid[]))
        GROUP BY e.department ORDER BY e.department`,
      [cycleId, visible],
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
  async notStarted(actor: Actor, q: NotStartedQuery): Promise<Page<{ id: string; employeeNo: string; name: string; department: string; managerName: string | null; roleCode: string }>> {
    await this.cycles.findById(q.cycleId);
    const visible = await this.employees.visibleIds(actor);
    const f = new SqlFilter();
    f.and(`e.active AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.employee_id = e.id AND r.cycle_id = ${f.param(q.cycleId)})`);
    if (visible) f.and(`e.id = ANY(${f.param(visible)}::uuid[])`);
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
  async teamOverview(actor: Actor, cycleId: string, search?: string): Promise<TeamMember[]> {
    await this.cycles.findById(cycleId);
    const team = actor.employeeId ? await this.employees.subtreeIds(actor.employeeId) : [];
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

  /** draft → submitted, once every KPI has its input. */
  async submit(actor: Actor, id: string, expected: number) {
    return this.transition(actor, id, expected, 'submit', ['draft'], 'submitted', (r) => {
      const s = scoreReview(r.template.kpis, r.inputs, r.template.bands);
      if (!s.complete) {
        throw conflict(
          `The review cannot be submitted: ${s.missing.length} KPI(s) have no input: ${s.missing.join(', ')}`,
          { missing: s.missing },
          s.missing.map((k) => ({ field: `entries.${k}`, message: 'has no input' })),
        );
      }
      return { submittedAt: new Date() };
    });
  }

  /** submitted → finalized: from now on the review is immutable until reopened. */
  async finalize(actor: Actor, id: string, expected: number) {
    return this.transition(actor, id, expected, 'finalize', ['submitted'], 'finalized', () => ({ finalizedAt: new Date(), finalizedBy: actor.name }));
  }

  /** submitted or finalized → draft, with a reason that the audit keeps. */
  async reopen(actor: Actor, id: string, expected: number, reason: string) {
    return this.transition(actor, id, expected, 'reopen', ['submitted', 'finalized'], 'draft', (r) => ({
      submittedAt: null,
      finalizedAt: null,
      finalizedBy: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      reopenCount: r.reopenCount + 1,
      lastReopenReason: reason,
    }), { reason });
  }

  /** A manager's comment on a submitted review of someone in their team. */
  async managerComment(actor: Actor, id: string, expected: number, comment: string) {
    await this.dataSource.transaction(async (m) => {
      const head = await m.findOne(Review, { where: { id }, select: { id: true, employeeId: true, status: true } });
      const scope = await this.scopeOf(actor, m);
      if (!head || (scope && !scope.team.includes(head.employeeId))) throw notFound('Review', id);
      const r = await this.lockForWrite(m, id, expected);
      if (r.status !== 'submitted') throw conflict(`Managers comment on submitted reviews; this one is ${r.status}`, { status: r.status });
      const saved = await saveVersioned(m, Review, 'Review', r, { managerComment: comment });
      await this.audit.record(m, actor, { action: 'manager_comment', entity: 'review', entityId: id, before: { managerComment: r.managerComment, version: r.version }, after: { managerComment: saved.managerComment, version: saved.version } });
    });
    return this.get(actor, id);
  }

  /** The employee confirms they have seen their finalized review (also after the cycle closed). */
  async acknowledge(actor: Actor, id: string, expected: number) {
    await this.dataSource.transaction(async (m) => {
      // Someone else's review, or one not finalized yet, looks like nothing is there.
      const head = await m.findOne(Review, { where: { id }, select: { id: true, employeeId: true, status: true } });
      if (!head || head.employeeId !== actor.employeeId || head.status !== 'finalized') throw notFound('Review', id);
      const r = await lockVersioned(m, Review, 'Review', id, expected);
      if (r.status !== 'finalized') throw conflict(`This review is ${r.status} again; it can be acknowledged once finalized`);
      if (r.acknowledgedAt) throw conflict(`You acknowledged this review on ${r.acknowledgedAt.toISOString()}`);
      const saved = await saveVersioned(m, Review, 'Review', r, { acknowledgedAt: new Date(), acknowledgedBy: actor.name });
      await this.audit.record(m, actor, { action: 'acknowledge', entity: 'review', entityId: id, after: { acknowledgedAt: saved.acknowledgedAt, version: saved.version } });
    });
    return this.get(actor, id);
  }

  private async edit(actor: Actor, id: string, expected: number, action: string, change: (r: Review) => Partial<Review>) {
    await this.dataSource.transaction(async (m) => {
      const r = await this.lockForWrite(m, id, expected);
      if (r.status !== 'draft') {
        throw conflict(
          r.status === 'finalized'
            ? 'This review is finalized and cannot change; reopen it (with a reason) to edit'
            : 'This review is submitted and awaits finalization; reopen it (with a reason) to edit',
          { status: r.status },
        );
      }
      const saved = await saveVersioned(m, Review, 'Review', r, change(r));
      await this.audit.record(m, actor, { action, entity: 'review', entityId: id, before: snapshot(r), after: snapshot(saved) });
    });
    return this.get(actor, id);
  }

  private async transition(
    actor: Actor,
    id: string,
    expected: number,
    action: string,
    from: ReviewStatus[],
    to: ReviewStatus,
    change: (r: Review) => Partial<Review>,
    extra: Record<string, unknown> = {},
  ) {
    await this.dataSource.transaction(async (m) => {
      const r = await this.lockForWrite(m, id, expected);
      if (!from.includes(r.status)) {
        throw conflict(`A ${r.status} review cannot be ${action === 'submit' ? 'submitted' : action === 'finalize' ? 'finalized' : 'reopened'}; it must be ${from.join(' or ')}`, { status: r.status });
      }
      const saved = await saveVersioned(m, Review, 'Review', r, { ...change(r), status: to });
      await this.audit.record(m, actor, { action, entity: 'review', entityId: id, before: snapshot(r), after: { ...snapshot(saved), ...extra } });
    });
    return this.get(actor, id);
  }

  /** Holds the cycle open (shared lock) and the review (row lock) for the rest of the transaction. */
  private async lockForWrite(m: EntityManager, id: string, expected: number): Promise<Review> {
    const head = await m.findOne(Review, { where: { id }, select: { id: true, cycleId: true } });
    if (!head) throw notFound('Review', id);
    await this.cycles.lockOpen(m, head.cycleId);
    return lockVersioned(m, Review, 'Review', id, expected);
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

/** Managers and employees never receive HR-only fields. */
function viewOf(actor: Actor): ReviewView {
  return actor.role === 'admin' || actor.role === 'hr' || actor.role === 'system' ? 'hr' : 'restricted';
}

/** An unknown id in a request body is the body's fault: 400 naming the field, not 404. */
function remapNotFound(err: unknown, field: string): unknown {
  if (err instanceof Error && 'getStatus' in err && (err as { getStatus(): number }).getStatus() === 404) {
    return badRequest(`${field}: ${err.message}`, [{ field, message: err.message }]);
  }
  return err;
}
