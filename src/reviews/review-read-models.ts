import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type AccessScope, AccessScopes, scopeSql, teamOf } from '../auth/access-scope.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { Actor } from '../common/actor.js';
import { isoTimestampSql, SqlFilter } from '../database/sql-filter.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { foldEmployeeCounts, foldReviewCounts, worthFolding } from '../cycles/review-counts.js';
import { nameOrNumberSql } from '../employees/employee-search.js';
import { isOverdue, REVIEW_STAGES, type ReviewStage } from '../review-stages/review-stages.js';
import type { RatingBand } from '../scoring/types.js';
import {
  DepartmentProgressDto,
  type ManagerTodo,
  type NotStartedQuery,
  NotStartedPageDto,
  OwnReviewDto,
  type SelfAssessmentTodo,
  TeamOverviewDto,
  type TeamOverviewQuery,
} from './dto/review-read-models.dto.js';

type ProgressRow = { department: string; not_started: number; draft: number; submitted: number; finalized: number } & Record<`in_${ReviewStage}`, number>;

/** What the HR and team pages show of a cycle's reviews, read in a statement or two and answered as DTOs. */
@Injectable()
export class ReviewReadModels {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: AccessScopes,
    private readonly cycles: CyclesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Review progress of a cycle per department, within what the actor may see. HR and admins (the
   * dashboard) read the maintained counts; a limited scope counts its own people, a few at most.
   */
  async progressByDepartment(actor: Actor, cycleId: string): Promise<DepartmentProgressDto[]> {
    await this.cycles.findById(cycleId);
    const scope = await this.scopes.of(actor);
    const rows = scope.kind === 'everyone' ? await this.progressFromCounts(cycleId) : await this.progressOfPeople(scope, cycleId);
    return rows.map((r) => ({
      department: r.department,
      notStarted: r.not_started,
      draft: r.draft,
      submitted: r.submitted,
      finalized: r.finalized,
      total: r.not_started + r.draft + r.submitted + r.finalized,
      stages: { self: r.in_self, manager: r.in_manager, hr: r.in_hr, done: r.in_done },
    }));
  }

  private async progressOfPeople(scope: AccessScope, cycleId: string): Promise<ProgressRow[]> {
    const params: unknown[] = [cycleId];
    const inScope = scopeSql(scope, 'e.id', (v) => `$${params.push(v)}`);
    return this.dataSource.query<ProgressRow[]>(
      `SELECT e.department,
              count(*) FILTER (WHERE r.id IS NULL)::int AS not_started,
              ${REVIEW_STAGES.map((s) => `count(*) FILTER (WHERE r.stage = '${s}')::int AS in_${s}`).join(', ')},
              count(*) FILTER (WHERE r.status = 'draft')::int AS draft,
              count(*) FILTER (WHERE r.status = 'submitted')::int AS submitted,
              count(*) FILTER (WHERE r.status = 'finalized')::int AS finalized
         FROM employees e LEFT JOIN reviews r ON r.employee_id = e.id AND r.cycle_id = $1
        WHERE (e.active OR r.id IS NOT NULL)${inScope ? ` AND ${inScope}` : ''}
        GROUP BY e.department ORDER BY e.department`,
      params,
    );
  }

  /**
   * The same figures from the maintained counts: not started = the department's active employees
   * less the reviews of its active employees; reviews of people who have left still count by
   * status and stage, as above.
   */
  private async progressFromCounts(cycleId: string): Promise<ProgressRow[]> {
    const rows = await this.dataSource.query<(ProgressRow & { pieces: number; groups: number; employee_pieces: number; employee_groups: number })[]>(
      `WITH r AS (SELECT department, employee_active, status, stage, sum(n)::int AS n, count(*)::int AS pieces
                    FROM review_counts WHERE cycle_id = $1 GROUP BY 1, 2, 3, 4),
            d AS (SELECT department,
                         coalesce(sum(n) FILTER (WHERE employee_active), 0)::int AS active_reviews,
                         ${REVIEW_STAGES.map((s) => `coalesce(sum(n) FILTER (WHERE stage = '${s}'), 0)::int AS in_${s}`).join(', ')},
                         coalesce(sum(n) FILTER (WHERE status = 'draft'), 0)::int AS draft,
                         coalesce(sum(n) FILTER (WHERE status = 'submitted'), 0)::int AS submitted,
                         coalesce(sum(n) FILTER (WHERE status = 'finalized'), 0)::int AS finalized,
                         sum(pieces)::int AS pieces, count(*)::int AS groups
                    FROM r GROUP BY 1),
            e AS (SELECT department, sum(n)::int AS n, count(*)::int AS pieces FROM employee_counts GROUP BY 1)
       SELECT coalesce(d.department, e.department) AS department,
              greatest(0, coalesce(e.n, 0) - coalesce(d.active_reviews, 0))::int AS not_started,
              ${REVIEW_STAGES.map((s) => `coalesce(d.in_${s}, 0) AS in_${s}`).join(', ')},
              coalesce(d.draft, 0) AS draft, coalesce(d.submitted, 0) AS submitted, coalesce(d.finalized, 0) AS finalized,
              (sum(coalesce(d.pieces, 0)) OVER ())::int AS pieces, (sum(coalesce(d.groups, 0)) OVER ())::int AS groups,
              (sum(coalesce(e.pieces, 0)) OVER ())::int AS employee_pieces, (count(e.department) OVER ())::int AS employee_groups
         FROM d FULL JOIN e ON e.department = d.department
        ORDER BY 1`,
      [cycleId],
    );
    const first = rows[0];
    if (first && worthFolding(first.pieces, first.groups)) await foldReviewCounts(this.dataSource, cycleId);
    if (first && worthFolding(first.employee_pieces, first.employee_groups)) await foldEmployeeCounts(this.dataSource);
    return rows.filter((r) => r.not_started + r.draft + r.submitted + r.finalized > 0);
  }

  /** Per open cycle, how many reviews within the actor's scope wait in the HR stage: HR's to-do (from the counts for HR and admins). */
  async waitingForHr(actor: Actor): Promise<HrQueueRow[]> {
    const scope = await this.scopes.of(actor);
    const dues = `c.id AS cycle_id, c.name AS cycle_name, to_char(c.hr_review_due, 'YYYY-MM-DD') AS hr_review_due,
              to_char(c.finalization_due, 'YYYY-MM-DD') AS finalization_due`;
    if (scope.kind === 'everyone') {
      return this.dataSource.query<HrQueueRow[]>(
        `SELECT ${dues}, sum(rc.n)::int AS waiting
           FROM cycles c JOIN review_counts rc ON rc.cycle_id = c.id AND rc.stage = 'hr'
          WHERE c.status = 'open'
          GROUP BY c.id HAVING sum(rc.n) > 0 ORDER BY c.period_start DESC, c.name`,
      );
    }
    const params: unknown[] = [];
    const inScope = scopeSql(scope, 'r.employee_id', (v) => `$${params.push(v)}`);
    return this.dataSource.query<HrQueueRow[]>(
      `SELECT ${dues}, count(*)::int AS waiting
         FROM cycles c JOIN reviews r ON r.cycle_id = c.id AND r.stage = 'hr'
        WHERE c.status = 'open'${inScope ? ` AND ${inScope}` : ''}
        GROUP BY c.id ORDER BY c.period_start DESC, c.name`,
      params,
    );
  }

  /** Reviews of the manager's subtree that wait for their assessment in open cycles, soonest due first. */
  async managerTodo(actor: Actor): Promise<ManagerTodo[]> {
    const scope = await this.scopes.of(actor);
    const team = teamOf(scope);
    if (team.length === 0) return [];
    const rows = await this.dataSource.query<{ id: string; name: string; employee_no: string; cycle_name: string; due: string | null }[]>(
      `SELECT r.id, e.name, e.employee_no, c.name AS cycle_name, to_char(c.manager_assessment_due, 'YYYY-MM-DD') AS due
         FROM reviews r JOIN employees e ON e.id = r.employee_id JOIN cycles c ON c.id = r.cycle_id
        WHERE r.stage = 'manager' AND c.status = 'open' AND r.employee_id = ANY($1::uuid[])
        ORDER BY c.manager_assessment_due NULLS LAST, e.employee_no LIMIT 200`,
      [team],
    );
    const today = this.clock.today(this.config.scorecards.timeZone);
    return rows.map((r) => ({
      reviewId: r.id,
      employeeName: r.name,
      employeeNo: r.employee_no,
      cycleName: r.cycle_name,
      due: r.due,
      overdue: isOverdue({ selfAssessmentDue: null, managerAssessmentDue: r.due, hrReviewDue: null, finalizationDue: null }, 'manager', today),
    }));
  }

  /** The actor's own reviews waiting for their self-assessment (open cycles, stage self), soonest due first: their to-dos. */
  async selfTodo(actor: Actor): Promise<SelfAssessmentTodo[]> {
    if (!actor.employeeId) return [];
    const rows = await this.dataSource.query<{ id: string; cycle_name: string; due: string | null; version: number | null }[]>(
      `SELECT r.id, c.name AS cycle_name, to_char(c.self_assessment_due, 'YYYY-MM-DD') AS due, a.version
         FROM reviews r JOIN cycles c ON c.id = r.cycle_id
         LEFT JOIN review_assessments a ON a.review_id = r.id AND a.kind = 'self'
        WHERE r.employee_id = $1 AND r.stage = 'self' AND c.status = 'open'
        ORDER BY c.self_assessment_due NULLS LAST, c.name`,
      [actor.employeeId],
    );
    const today = this.clock.today(this.config.scorecards.timeZone);
    return rows.map((r) => ({ reviewId: r.id, cycleName: r.cycle_name, due: r.due, overdue: r.due !== null && today > r.due, started: (r.version ?? 0) > 0 }));
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
      items: rows.map((r) => ({
        id: r.id,
        employeeNo: r.employee_no,
        name: r.name,
        department: r.department,
        managerName: r.manager_name,
        roleCode: r.role_code,
      })),
      meta: { page: q.page, pageSize: q.pageSize, total: n },
    };
  }

  /**
   * A manager's view of their team in a cycle: everyone in the actor's reporting subtree (not the
   * actor) with their review, if any; deactivated people only when they have one. The counts and
   * bands are over the whole team, the page over the people `search` finds: one statement for the
   * counts and one for the page, both in SQL. A page past the end shows the last one.
   */
  async teamOverview(actor: Actor, cycleId: string, q: TeamOverviewQuery): Promise<TeamOverviewDto> {
    await this.cycles.findById(cycleId);
    const team = actor.employeeId ? await this.scopes.subtreeIds(actor.employeeId) : [];
    const f = new SqlFilter();
    f.param(cycleId); // $1: the cycle of the joined review
    f.param(team); // $2: the team
    const matches = q.search?.trim() ? nameOrNumberSql(f, 'e', q.search) : 'true';
    const from = `FROM employees e LEFT JOIN reviews r ON r.employee_id = e.id AND r.cycle_id = $1
                 WHERE e.id = ANY($2::uuid[]) AND (e.active OR r.id IS NOT NULL)`;
    const [counts] = await this.dataSource.query<TeamCountsRow[]>(
      `WITH members AS MATERIALIZED (
         SELECT e.department, e.employee_no, r.id AS review_id, r.status, r.complete, (r.status = 'submitted' AND btrim(r.manager_comment) = '') AS awaiting_comment, coalesce(r.calibrated_band_key, r.band_key) AS band_key, r.template->'bands' AS bands, ${matches} AS matches ${from})
       SELECT count(*)::int AS members,
              count(*) FILTER (WHERE matches)::int AS matching,
              count(review_id)::int AS with_reviews,
              count(*) FILTER (WHERE review_id IS NOT NULL AND NOT complete)::int AS incomplete,
              count(*) FILTER (WHERE review_id IS NULL)::int AS not_started,
              count(*) FILTER (WHERE awaiting_comment)::int AS awaiting_comment,
              (SELECT coalesce(json_object_agg(band_key, n), '{}') FROM (SELECT band_key, count(*)::int AS n FROM members WHERE complete AND band_key IS NOT NULL GROUP BY band_key) c) AS band_counts,
              -- Final results apart: the same counts over finalized reviews only.
              (SELECT coalesce(json_object_agg(band_key, n), '{}') FROM (SELECT band_key, count(*)::int AS n FROM members WHERE status = 'finalized' AND complete AND band_key IS NOT NULL GROUP BY band_key) c) AS final_band_counts,
              -- Each band key as first met in (department, number) order: the same key means the same band.
              (SELECT coalesce(json_agg(d.band ORDER BY d.department, d.employee_no, d.at), '[]') FROM (
                 SELECT DISTINCT ON (b.band->>'key') b.band, m.department, m.employee_no, b.at
                   FROM members m CROSS JOIN jsonb_array_elements(coalesce(m.bands, '[]')) WITH ORDINALITY AS b(band, at)
                  ORDER BY b.band->>'key', m.department, m.employee_no, b.at) d) AS bands
         FROM members`,
      f.params,
    );
    const pages = Math.max(1, Math.ceil(counts.matching / q.pageSize));
    const page = Math.min(pages, Math.max(1, q.page));
    const rows = await this.dataSource.query<TeamRow[]>(
      `SELECT e.id, e.employee_no, e.name, e.department, e.active, m.name AS manager_name,
              r.id AS review_id, r.status, r.total, r.complete, coalesce(r.calibrated_band_key, r.band_key) AS band_key,
              (r.status = 'submitted' AND btrim(r.manager_comment) = '') AS awaiting_comment
         FROM employees e LEFT JOIN employees m ON m.id = e.manager_id
         LEFT JOIN reviews r ON r.employee_id = e.id AND r.cycle_id = $1
        WHERE e.id = ANY($2::uuid[]) AND (e.active OR r.id IS NOT NULL) AND ${matches}
        ORDER BY e.department, e.employee_no
        OFFSET $${f.params.length + 1} LIMIT $${f.params.length + 2}`,
      [...f.params, (page - 1) * q.pageSize, q.pageSize],
    );
    const bands = new Map(counts.bands.map((b) => [b.key, b]));
    const rated = Object.values(counts.band_counts).reduce((a, b) => a + b, 0);
    const final = Object.values(counts.final_band_counts).reduce((a, b) => a + b, 0);
    return {
      members: counts.members,
      withReviews: counts.with_reviews,
      rated,
      final,
      incomplete: counts.incomplete,
      notStarted: counts.not_started,
      awaitingComment: counts.awaiting_comment,
      bands: [...bands.values()]
        .sort((a, b) => b.min - a.min)
        .map((band) => ({ band, count: counts.band_counts[band.key] ?? 0, final: counts.final_band_counts[band.key] ?? 0 })),
      items: rows.map((r) => ({
        employee: { id: r.id, employeeNo: r.employee_no, name: r.name, department: r.department, managerName: r.manager_name, active: r.active },
        review: r.review_id
          ? {
              id: r.review_id,
              status: r.status ?? 'draft',
              total: Number(r.total),
              complete: Boolean(r.complete),
              awaitingComment: Boolean(r.awaiting_comment),
              bandKey: r.band_key,
              band: r.complete && r.band_key ? (bands.get(r.band_key) ?? null) : null,
            }
          : null,
      })),
      meta: { page, pageSize: q.pageSize, total: counts.matching },
    };
  }

  /** The actor's own finalized reviews, newest cycle first, in one statement. */
  async ownFinalized(actor: Actor, limit = 200): Promise<OwnReviewDto[]> {
    if (!actor.employeeId) return [];
    const rows = await this.dataSource.query<OwnRow[]>(
      `SELECT r.id, c.name AS cycle_name, to_char(c.period_start, 'YYYY-MM-DD') AS period_start, to_char(c.period_end, 'YYYY-MM-DD') AS period_end,
              r.total, r.version, ${isoTimestampSql('r.finalized_at')} AS finalized_at, ${isoTimestampSql('r.acknowledged_at')} AS acknowledged_at,
              (SELECT b FROM jsonb_array_elements(r.template->'bands') b WHERE b->>'key' = coalesce(r.calibrated_band_key, r.band_key) LIMIT 1) AS band
         FROM reviews r JOIN cycles c ON c.id = r.cycle_id
        WHERE r.employee_id = $1 AND r.status = 'finalized'
        ORDER BY c.period_start DESC, r.employee_no, r.id LIMIT $2`,
      [actor.employeeId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      cycleName: r.cycle_name,
      periodStart: r.period_start,
      periodEnd: r.period_end,
      total: Number(r.total),
      band: r.band,
      finalizedAt: r.finalized_at,
      acknowledgedAt: r.acknowledged_at,
      version: r.version,
    }));
  }
}

/** An open cycle with reviews waiting for HR. */
export interface HrQueueRow {
  cycle_id: string;
  cycle_name: string;
  hr_review_due: string | null;
  finalization_due: string | null;
  waiting: number;
}

interface TeamCountsRow {
  members: number;
  matching: number;
  with_reviews: number;
  incomplete: number;
  not_started: number;
  awaiting_comment: number;
  band_counts: Record<string, number>;
  final_band_counts: Record<string, number>;
  bands: RatingBand[];
}

interface TeamRow {
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
  awaiting_comment: boolean | null;
}

interface OwnRow {
  id: string;
  cycle_name: string;
  period_start: string;
  period_end: string;
  total: string;
  version: number;
  finalized_at: string | null;
  acknowledged_at: string | null;
  band: RatingBand | null;
}
