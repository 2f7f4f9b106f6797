import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { ReviewDto } from '../reviews/dto/review.dto.js';
import { preparedQuery } from '../database/prepared.js';
import { Review } from '../reviews/review.entity.js';
import type { HistoryPoint } from '../reviews/review-history.js';
import type { PrintedAssessments } from './scorecard-view.js';
import { toReviewDto } from '../reviews/review.mapper.js';
import { withPeopleNames } from '../reviews/people-names.js';

/**
 * What scorecards read of reviews, for many at once: the reviews themselves, each employee's
 * history and the peers' totals. The system reads them (no scope): the caller has checked access.
 * The fixed-text reads run as prepared statements: every download runs them, and planning them
 * anew each time was half of PostgreSQL's work on a download (the peers' plan took 0.4-1.1 ms, as
 * long as reading them); PostgreSQL CPU per download went from 6.3 to 4.1 ms (bench:pdf).
 */
@Injectable()
export class ScorecardSource {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Every review of these employees, oldest first, for the scorecards' trends: one statement for a
   * whole export chunk (the caller keeps, per scorecard, the ones up to its cycle's end with
   * {@link historyUpTo}) instead of one per scorecard.
   */
  async historiesOf(employeeIds: string[]): Promise<Map<string, HistoryPoint[]>> {
    const rows = await preparedQuery<{ employee_id: string; cycle_name: string; period_end: string; total: string; version_number: number; complete: boolean }>(
      this.dataSource,
      `SELECT r.employee_id, c.name AS cycle_name, to_char(c.period_end, 'YYYY-MM-DD') AS period_end, r.total, (r.template->>'versionNumber')::int AS version_number, r.complete
         FROM reviews r JOIN cycles c ON c.id = r.cycle_id
        WHERE r.employee_id = ANY($1::uuid[])
        ORDER BY c.period_end`,
      [employeeIds],
    );
    const byEmployee = new Map<string, HistoryPoint[]>(employeeIds.map((id) => [id, []]));
    for (const r of rows) {
      byEmployee
        .get(r.employee_id)
        ?.push({ cycleName: r.cycle_name, periodEnd: r.period_end, total: Number(r.total), templateVersionNumber: r.version_number, complete: r.complete });
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
    const rows = await preparedQuery<{ id: string; total: string }>(
      this.dataSource,
      `SELECT r.id, r.total FROM reviews r
        WHERE r.cycle_id = $1 AND r.complete
          AND r.template_version_id IN (SELECT v.id FROM kpi_template_versions v JOIN kpi_templates t ON t.id = v.template_id
                                          JOIN roles ro ON ro.id = t.role_id WHERE ro.code = $2)`,
      [cycleId, roleCode],
    );
    return rows.map((r) => ({ reviewId: r.id, total: Number(r.total) }));
  }

  /**
   * The submitted self-assessments and manager proposals (ratings per KPI key) of the reviews whose
   * cycle prints them (printAssessments), in one statement; reviews without any are left out.
   */
  async assessmentsOf(reviewIds: string[]): Promise<Map<string, PrintedAssessments>> {
    if (reviewIds.length === 0) return new Map();
    const rows = await preparedQuery<{ review_id: string; kind: 'self' | 'manager'; entries: Record<string, { rating?: number | null }> }>(
      this.dataSource,
      `SELECT a.review_id, a.kind, a.entries FROM review_assessments a
         JOIN reviews r ON r.id = a.review_id JOIN cycles c ON c.id = r.cycle_id
        WHERE a.review_id = ANY($1::uuid[]) AND a.submitted_at IS NOT NULL AND c.print_assessments`,
      [reviewIds],
    );
    const out = new Map<string, PrintedAssessments>();
    for (const row of rows) {
      const ratings = Object.fromEntries(Object.entries(row.entries).map(([key, e]) => [key, e.rating ?? null]));
      const current = out.get(row.review_id) ?? { self: null, manager: null };
      out.set(row.review_id, row.kind === 'self' ? { ...current, self: ratings } : { ...current, manager: ratings });
    }
    return out;
  }

  /** Reviews with employee, manager and cycle, as the system sees them (no scope), in one statement; missing ids are left out. */
  async getManyForSystem(ids: string[]): Promise<Map<string, ReviewDto>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.manager
      .createQueryBuilder(Review, 'r')
      .innerJoinAndSelect('r.employee', 'e')
      .leftJoinAndSelect('e.manager', 'm')
      .innerJoinAndSelect('r.cycle', 'c')
      .where('r.id = ANY(:ids)', { ids })
      .getMany();
    const dtos = await withPeopleNames(
      this.dataSource,
      rows.map((r) => toReviewDto(r, 'hr', this.clock.today(this.config.scorecards.timeZone))),
    );
    return new Map(dtos.map((d) => [d.id, d]));
  }
}
