import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AccessScopes } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { lockVersioned, saveVersioned } from '../common/versioning.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { EmployeesService } from '../employees/employees.service.js';
import { standing, type ReviewStage } from '../review-stages/review-stages.js';
import type { ReviewDto } from '../reviews/dto/review.dto.js';
import { Review, type ReviewStatus } from '../reviews/review.entity.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import type { KpiDefinition, RatingBand } from '../scoring/types.js';
import { CalibrationLock } from './calibration-lock.entity.js';
import { bandOrder, byTotal, distribution, effectiveBand, effectiveTotal, maxTotal } from './calibration.rules.js';
import type { CalibrateReviewDto, CalibrationDto, CalibrationQueryDto, CalibrationReviewDto, DepartmentLockDto } from './dto/calibration.dto.js';

interface Row {
  id: string;
  employee_id: string;
  status: ReviewStatus;
  stage: ReviewStage;
  total: string;
  complete: boolean;
  band_key: string | null;
  calibrated_band_key: string | null;
  calibrated_total: string | null;
  calibration_reason: string | null;
  version: number;
  template_version_id: string;
  bands: RatingBand[];
  role_code: string;
  role_name_zh: string;
  role_name_en: string;
  employee_no: string;
  name: string;
  department: string;
  manager_id: string | null;
  manager_name: string | null;
  manager_no: string | null;
}

/** The audit's view of a review's calibration. */
const calibrationOf = (r: Pick<Review, 'calibratedBandKey' | 'calibratedTotal' | 'calibrationReason' | 'bandKey' | 'total' | 'version'>) => ({
  calibratedBandKey: r.calibratedBandKey,
  calibratedTotal: r.calibratedTotal,
  calibrationReason: r.calibrationReason,
  bandKey: r.bandKey,
  total: r.total,
  version: r.version,
});

/**
 * HR's calibration of a cycle: the band distribution against the cycle's target, adjustments of a
 * review's band (and total) beside the computed result, and locks per department. Every write
 * runs in one transaction with its audit entry.
 */
@Injectable()
export class CalibrationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(CalibrationLock) private readonly locks: Repository<CalibrationLock>,
    private readonly cycles: CyclesService,
    private readonly employees: EmployeesService,
    private readonly reviews: ReviewsService,
    private readonly scopes: AccessScopes,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async overview(cycleId: string, q: CalibrationQueryDto): Promise<CalibrationDto> {
    const cycle = await this.cycles.findById(cycleId);
    const subtree = q.managerId ? new Set(await this.scopes.subtreeIds((await this.employees.findById(q.managerId)).id)) : null;
    const rows = await this.dataSource.query<Row[]>(
      `SELECT r.id, r.employee_id, r.status, r.stage, r.total, r.complete, r.band_key, r.calibrated_band_key, r.calibrated_total, r.calibration_reason,
              r.version, r.template_version_id, r.template->'bands' AS bands, r.template->>'roleCode' AS role_code,
              r.template->>'roleNameZh' AS role_name_zh, r.template->>'roleNameEn' AS role_name_en,
              e.employee_no, e.name, e.department, e.manager_id, m.name AS manager_name, m.employee_no AS manager_no
         FROM reviews r JOIN employees e ON e.id = r.employee_id LEFT JOIN employees m ON m.id = e.manager_id
        WHERE r.cycle_id = $1`,
      [cycleId],
    );
    const locks = new Map((await this.locks.find({ where: { cycleId } })).map((l) => [l.department, l] as const));
    const maxima = await this.maxTotals(rows.map((r) => r.template_version_id));
    const today = this.clock.today(this.config.scorecards.timeZone);

    const shown = rows.filter(
      (r) => (!q.department || r.department === q.department) && (!q.roleCode || r.role_code === q.roleCode) && (!subtree || subtree.has(r.employee_id)),
    );
    const bandsByKey = new Map<string, RatingBand>();
    for (const r of rows) for (const b of r.bands) if ((bandsByKey.get(b.key)?.min ?? -Infinity) < b.min) bandsByKey.set(b.key, b);
    const target = cycle.targetDistribution;
    const keys = bandOrder([...bandsByKey.values()], target);
    const subjects = shown.map((r) => ({
      row: r,
      bandKey: r.complete ? r.band_key : null,
      total: Number(r.total),
      calibratedBandKey: r.calibrated_band_key,
      calibratedTotal: r.calibrated_total === null ? null : Number(r.calibrated_total),
      employeeNo: r.employee_no,
    }));
    const dist = distribution(subjects, keys, target);
    const label = (key: string) => bandsByKey.get(key) ?? { key, min: 0, labelZh: key, labelEn: key };

    const reviews = byTotal(subjects).map((s): CalibrationReviewDto => ({
      id: s.row.id,
      employee: {
        id: s.row.employee_id,
        employeeNo: s.row.employee_no,
        name: s.row.name,
        department: s.row.department,
        managerId: s.row.manager_id,
        managerName: s.row.manager_name,
      },
      roleCode: s.row.role_code,
      roleNameZh: s.row.role_name_zh,
      roleNameEn: s.row.role_name_en,
      total: s.total,
      complete: s.row.complete,
      bandKey: s.bandKey,
      calibratedBandKey: s.calibratedBandKey,
      calibratedTotal: s.calibratedTotal,
      calibrationReason: s.row.calibration_reason,
      effectiveBandKey: effectiveBand(s),
      effectiveTotal: effectiveTotal(s),
      maxTotal: maxima.get(s.row.template_version_id) ?? 100,
      bandKeys: [...s.row.bands].sort((a, b) => b.min - a.min).map((b) => b.key),
      stage: standing(cycle, s.row.stage, today),
      status: s.row.status,
      locked: locks.has(s.row.department),
      version: s.row.version,
    }));

    const perDepartment = new Map<string, number>();
    for (const r of rows) perDepartment.set(r.department, (perDepartment.get(r.department) ?? 0) + 1);
    const departments = [...perDepartment.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([department, n]) => lockDto(department, n, locks.get(department)));
    const roles = new Map(rows.map((r) => [r.role_code, { code: r.role_code, nameZh: r.role_name_zh, nameEn: r.role_name_en }] as const));
    const managers = new Map<string, { id: string; employeeNo: string; name: string }>();
    for (const r of rows) if (r.manager_id) managers.set(r.manager_id, { id: r.manager_id, employeeNo: r.manager_no ?? '', name: r.manager_name ?? '' });

    return {
      cycle: { id: cycle.id, name: cycle.name, status: cycle.status, targetDistribution: target },
      bands: keys.map(label),
      distribution: { ...dist, rows: dist.rows.map((d) => ({ ...d, labelZh: label(d.bandKey).labelZh, labelEn: label(d.bandKey).labelEn })) },
      reviews,
      departments,
      options: {
        departments: departments.map((d) => d.department),
        roles: [...roles.values()].sort((a, b) => a.code.localeCompare(b.code)),
        managers: [...managers.values()].sort((a, b) => a.name.localeCompare(b.name) || a.employeeNo.localeCompare(b.employeeNo)),
      },
    };
  }

  /** Sets (bandKey) or clears (bandKey null) a review's calibration adjustment. */
  async calibrate(actor: Actor, id: string, expected: number, dto: Pick<CalibrateReviewDto, 'bandKey' | 'total' | 'reason'>): Promise<ReviewDto> {
    await this.dataSource.transaction(async (m) => {
      const r = await this.lockForCalibration(m, id, expected);
      if (dto.bandKey === null) {
        if (r.calibratedBandKey === null) throw conflict('This review has no calibration adjustment to withdraw', { status: r.status });
        if (dto.total != null)
          throw badRequest('A total is calibrated together with a band', [
            { field: 'total', code: 'calibratedTogether', message: 'must be left out when bandKey is null' },
          ]);
      } else {
        const keys = r.template.bands.map((b) => b.key);
        if (!keys.includes(dto.bandKey)) {
          throw badRequest(`bandKey: "${dto.bandKey}" is not a band of this review (${keys.join(', ')})`, [
            { field: 'bandKey', code: 'isIn', params: { values: keys }, message: `must be one of ${keys.join(', ')}` },
          ]);
        }
        const max = maxTotal(r.template.kpis);
        if (dto.total != null && dto.total > max) {
          throw badRequest(`total: must be from 0 to ${max}, the highest total this review's template can give`, [
            { field: 'total', code: 'between', params: { min: 0, max }, message: `must be from 0 to ${max}` },
          ]);
        }
      }
      const clear = dto.bandKey === null;
      const saved = await saveVersioned(m, Review, 'Review', r, {
        calibratedBandKey: dto.bandKey,
        calibratedTotal: clear ? null : (dto.total ?? null),
        calibrationReason: clear ? null : dto.reason,
        calibratedAt: clear ? null : new Date(),
        calibratedBy: clear ? null : actor.name,
      });
      await this.audit.record(m, actor, {
        action: clear ? 'calibration_clear' : 'calibrate',
        entity: 'review',
        entityId: id,
        before: calibrationOf(r),
        after: { ...calibrationOf(saved), reason: dto.reason },
      });
    });
    return this.reviews.get(actor, id);
  }

  /** Locks a department's calibration in an open cycle: afterwards only a reopen changes it. */
  async lock(actor: Actor, cycleId: string, department: string): Promise<DepartmentLockDto> {
    return this.dataSource.transaction(async (m) => {
      const cycle = await this.cycles.lockOpen(m, cycleId);
      await this.holdDepartment(m, cycleId, department, 'exclusive');
      const n = await this.reviewsOf(m, cycleId, department);
      if (n === 0)
        throw badRequest(`No review of department "${department}" in cycle "${cycle.name}"`, [
          { field: 'department', code: 'noReviews', message: 'has no reviews in this cycle' },
        ]);
      const existing = await m.findOneBy(CalibrationLock, { cycleId, department });
      if (existing) throw lockedConflict(existing, `The calibration of ${department} is already locked`);
      const saved = await m.save(m.create(CalibrationLock, { cycleId, department, lockedAt: new Date(), lockedBy: actor.name }));
      await this.audit.record(m, actor, { action: 'calibration_lock', entity: 'cycle', entityId: cycleId, after: { department, reviews: n } });
      return lockDto(department, n, saved);
    });
  }

  /** Reopens a locked department's calibration, with a reason the audit keeps. */
  async reopen(actor: Actor, cycleId: string, department: string, reason: string): Promise<DepartmentLockDto> {
    return this.dataSource.transaction(async (m) => {
      await this.cycles.lockOpen(m, cycleId);
      await this.holdDepartment(m, cycleId, department, 'exclusive');
      const existing = await m.findOneBy(CalibrationLock, { cycleId, department });
      if (!existing) throw conflict(`The calibration of ${department} is not locked`);
      await m.delete(CalibrationLock, { id: existing.id });
      await this.audit.record(m, actor, {
        action: 'calibration_reopen',
        entity: 'cycle',
        entityId: cycleId,
        before: { department, lockedAt: existing.lockedAt, lockedBy: existing.lockedBy },
        after: { department, reason },
      });
      return lockDto(department, await this.reviewsOf(m, cycleId, department), undefined);
    });
  }

  /**
   * The review, row-locked at the expected version, after checking that calibration may change it:
   * cycle open, review with HR (not finalized), department not locked.
   */
  private async lockForCalibration(m: EntityManager, id: string, expected: number): Promise<Review> {
    const head = await m.findOne(Review, { where: { id }, select: { id: true, cycleId: true, employeeId: true } });
    if (!head) throw notFound('Review', id);
    await this.cycles.lockOpen(m, head.cycleId);
    const r = await lockVersioned(m, Review, 'Review', id, expected);
    if (r.status === 'finalized') {
      throw conflict('This review is finalized; reopen it (with a reason) before calibrating it', { status: r.status });
    }
    if (r.stage !== 'hr') {
      throw conflict(`Calibration happens while HR has the review; this one is in stage ${r.stage}`, { stage: r.stage, expectedStage: 'hr' });
    }
    const { department } = await this.employees.findById(head.employeeId, m);
    await this.holdDepartment(m, r.cycleId, department, 'shared');
    const lock = await m.findOneBy(CalibrationLock, { cycleId: r.cycleId, department });
    if (lock) throw lockedConflict(lock, `The calibration of ${department} is locked; reopen it (with a reason) to change it`);
    return r;
  }

  /**
   * A transaction lock on (cycle, department): adjustments share it, locking and reopening take it
   * alone, so an adjustment never slips in beside a lock being taken.
   */
  private async holdDepartment(m: EntityManager, cycleId: string, department: string, mode: 'shared' | 'exclusive'): Promise<void> {
    const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    await m.query(`SELECT ${fn}(hashtextextended('calibration:' || $1 || ':' || $2, 0))`, [cycleId, department]);
  }

  private async reviewsOf(m: EntityManager, cycleId: string, department: string): Promise<number> {
    const [{ n }] = await m.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM reviews r JOIN employees e ON e.id = r.employee_id WHERE r.cycle_id = $1 AND e.department = $2',
      [cycleId, department],
    );
    return n;
  }

  /** The highest total of each pinned template version, read once per version. */
  private async maxTotals(versionIds: string[]): Promise<Map<string, number>> {
    const ids = [...new Set(versionIds)];
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.query<{ id: string; kpis: KpiDefinition[] }[]>(
      `SELECT DISTINCT ON (template_version_id) template_version_id AS id, template->'kpis' AS kpis FROM reviews WHERE template_version_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, maxTotal(r.kpis)] as const));
  }
}

function lockDto(department: string, reviews: number, lock: CalibrationLock | undefined): DepartmentLockDto {
  return { department, reviews, locked: Boolean(lock), lockedAt: lock ? new Date(lock.lockedAt).toISOString() : null, lockedBy: lock?.lockedBy ?? null };
}

function lockedConflict(lock: CalibrationLock, message: string) {
  return conflict(message, { calibrationLocked: { department: lock.department, lockedAt: new Date(lock.lockedAt).toISOString(), lockedBy: lock.lockedBy } });
}
