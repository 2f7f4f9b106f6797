import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AccessScopes } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { ApiError, badRequest, conflict, notFound, staleVersion } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { standing, stageRefusal } from '../review-stages/review-stages.js';
import type { Review } from '../reviews/review.entity.js';
import { ReviewWriteSteps } from '../reviews/review-write-steps.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import type { SaveSelfAssessmentDto, SelfAssessmentDto } from './dto/self-assessment.dto.js';
import { ReviewAssessment } from './review-assessment.entity.js';
import { checkSelfEntries, entriesInOrder, missingSelfRatings, selfReader } from './self-assessment.rules.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/**
 * The employee's self-assessment of their review: read by them, by HR, and by their managers once
 * submitted; written only by them while the review is in stage `self`. Submitting moves the review
 * on to the next stage in the same transaction.
 */
@Injectable()
export class SelfAssessments {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(ReviewAssessment) private readonly assessments: Repository<ReviewAssessment>,
    private readonly reviews: ReviewsService,
    private readonly steps: ReviewWriteSteps,
    private readonly scopes: AccessScopes,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The self-assessment as the actor may see it; 404 when the review does not exist or is not theirs to see. */
  async get(actor: Actor, reviewId: string): Promise<SelfAssessmentDto> {
    const review = await this.reviews.forAssessment(reviewId);
    const row = await this.assessments.findOneBy({ reviewId, kind: 'self' });
    const reader = selfReader(await this.scopes.of(actor), actor.employeeId, review.employeeId, Boolean(row?.submittedAt));
    if (reader === null) throw notFound('Review', reviewId);
    return this.toDto(review, row, reader === 'author');
  }

  /** Saves the draft (the first save creates it): `expected` is the version read, 0 before anything was saved. */
  async save(actor: Actor, reviewId: string, expected: number, dto: SaveSelfAssessmentDto): Promise<SelfAssessmentDto> {
    await this.dataSource.transaction(async (m) => {
      const { locked, row } = await this.lockForAuthor(m, actor, reviewId, expected);
      const checked = checkSelfEntries(locked.review.template.kpis, dto.entries);
      if (checked.errors.length > 0) {
        throw badRequest(`Invalid self-assessment: ${checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, checked.errors);
      }
      const summary = dto.summary ?? row?.summary ?? '';
      const saved = await this.write(m, row, reviewId, { entries: checked.entries, summary, author: actor.name });
      await this.audit.record(m, actor, {
        action: 'save_self_assessment',
        entity: 'review',
        entityId: reviewId,
        before: row ? { entries: row.entries, summary: row.summary, version: row.version } : undefined,
        after: { entries: saved.entries, summary: saved.summary, version: saved.version },
      });
    });
    return this.get(actor, reviewId);
  }

  /** Hands the self-assessment in: every rating KPI needs its rating; then it is read-only and the review moves on. */
  async submit(actor: Actor, reviewId: string, expected: number): Promise<SelfAssessmentDto> {
    await this.dataSource.transaction(async (m) => {
      const { locked, row } = await this.lockForAuthor(m, actor, reviewId, expected);
      const missing = missingSelfRatings(locked.review.template.kpis, row?.entries ?? {});
      if (missing.length > 0) {
        throw conflict(
          `The self-assessment cannot be submitted: ${missing.length} KPI(s) have no rating: ${missing.join(', ')}`,
          { missing },
          missing.map((k) => ({ field: `entries.${k}.rating`, code: 'noInput', message: 'needs a rating before you submit' })),
        );
      }
      const saved = await this.write(m, row, reviewId, { submittedAt: this.clock.now(), author: actor.name });
      await this.steps.completeStage(m, actor, locked, 'submitSelf', 'employee', { selfAssessmentVersion: saved.version });
    });
    return this.get(actor, reviewId);
  }

  /**
   * The review (locked, its cycle held open) and the self-assessment row (locked) of a write by the
   * employee themself, in stage `self`, not yet submitted, at the version they read.
   */
  private async lockForAuthor(m: EntityManager, actor: Actor, reviewId: string, expected: number) {
    const head = await this.reviews.forAssessment(reviewId, m);
    if (actor.employeeId === null || head.employeeId !== actor.employeeId) {
      const reader = selfReader(await this.scopes.of(actor, m), actor.employeeId, head.employeeId, await this.isSubmitted(m, reviewId));
      // Someone who can read it is told it is not theirs to write; anyone else finds nothing.
      if (reader === null) throw notFound('Review', reviewId);
      throw new ApiError('FORBIDDEN', 'Only the employee writes their own self-assessment');
    }
    const locked = await this.steps.lockForAssessment(m, reviewId);
    const r = locked.review;
    if (r.stage !== 'self') throw conflict(stageRefusal(r.stage, 'self', 'self-assessed'), { stage: r.stage, expectedStage: 'self' });
    const row = await m.findOne(ReviewAssessment, { where: { reviewId, kind: 'self' }, lock: { mode: 'pessimistic_write' } });
    if (row?.submittedAt) throw conflict('This self-assessment was submitted and is read-only', { status: 'submitted' });
    const current = row?.version ?? 0;
    if (current !== expected) {
      throw staleVersion(
        `The self-assessment of review ${reviewId} was changed meanwhile: you read version ${expected}, it is now at version ${current}. Reload and apply your change again.`,
        { currentVersion: current, yourVersion: expected },
      );
    }
    return { locked, row };
  }

  private async isSubmitted(m: EntityManager, reviewId: string): Promise<boolean> {
    const row = await m.findOne(ReviewAssessment, { where: { reviewId, kind: 'self' }, select: { id: true, submittedAt: true } });
    return Boolean(row?.submittedAt);
  }

  /** Inserts the first version or updates the locked row to the next one (UPDATE … WHERE version, 409 when it moved). */
  private async write(m: EntityManager, row: ReviewAssessment | null, reviewId: string, patch: Partial<ReviewAssessment>): Promise<ReviewAssessment> {
    if (!row) {
      return m.save(m.create(ReviewAssessment, { reviewId, kind: 'self', entries: {}, summary: '', version: 1, ...patch, updatedAt: this.clock.now() }));
    }
    const next = { ...patch, version: row.version + 1, updatedAt: this.clock.now() };
    const result = await m
      .createQueryBuilder()
      .update(ReviewAssessment)
      .set(next)
      .where('id = :id AND version = :version', { id: row.id, version: row.version })
      .execute();
    if (result.affected !== 1) throw staleVersion(`The self-assessment of review ${reviewId} was changed meanwhile; reload and apply your change again.`);
    return { ...row, ...next };
  }

  private toDto(review: Review, row: ReviewAssessment | null, author: boolean): SelfAssessmentDto {
    const today = this.clock.today(this.config.scorecards.timeZone);
    const stage = standing(review.cycle, review.stage, today);
    return {
      reviewId: review.id,
      employee: { id: review.employee.id, employeeNo: review.employee.employeeNo, name: review.employee.name },
      cycle: {
        id: review.cycle.id,
        name: review.cycle.name,
        status: review.cycle.status,
        selfAssessment: review.cycle.selfAssessment,
        selfAssessmentDue: review.cycle.selfAssessmentDue,
      },
      stage,
      kpis: review.template.kpis,
      entries: entriesInOrder(review.template.kpis, row?.entries ?? {}),
      summary: row?.summary ?? '',
      submittedAt: iso(row?.submittedAt),
      updatedAt: iso(row?.updatedAt),
      version: row?.version ?? 0,
      editable: author && review.stage === 'self' && review.cycle.status === 'open' && !row?.submittedAt,
    };
  }
}
