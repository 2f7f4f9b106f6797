import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { type AccessScope, AccessScopes, teamOf } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { badRequest, conflict, notFound, staleVersion } from '../common/errors.js';
import type { Cycle } from '../cycles/cycle.entity.js';
import { CyclesService } from '../cycles/cycles.service.js';
import type { KpiDto } from '../kpi-templates/dto/kpi.dto.js';
import { moveStage, type ReviewStage, stageRefusal } from '../review-stages/review-stages.js';
import type { ReviewDto } from '../reviews/dto/review.dto.js';
import { Review } from '../reviews/review.entity.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import { kpiDefinitionOf } from '../scoring/index.js';
import { ReviewWriteSteps } from '../reviews/review-write-steps.js';
import type { ManagerAssessmentDto, SaveManagerAssessmentDto } from './dto/manager-assessment.dto.js';
import { missingProposals, proposalEntries } from './manager-assessment.rules.js';
import { ReviewAssessment } from './review-assessment.entity.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * The manager's assessment of a review of someone in their reporting subtree: proposed ratings and
 * comments, saved as a draft during the manager stage, then submitted (which moves the review on
 * to HR) and read-only. The employee's self-assessment is only read here, never written.
 */
@Injectable()
export class ManagerAssessmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reviews: ReviewsService,
    private readonly scopes: AccessScopes,
    private readonly cycles: CyclesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly steps: ReviewWriteSteps,
  ) {}

  /** The assessment as a manager in scope or HR reads it; anyone else (the employee too) gets 404. */
  async get(actor: Actor, id: string): Promise<ManagerAssessmentDto> {
    const scope = await this.scopes.of(actor);
    const review = await this.reviews.get(actor, id);
    if (!assesses(scope, review.employee.id) && scope.kind !== 'everyone') throw notFound('Review', id);
    const rows = await this.dataSource.getRepository(ReviewAssessment).findBy({ reviewId: id });
    const self = rows.find((a) => a.kind === 'self' && a.submittedAt !== null) ?? null;
    const manager = rows.find((a) => a.kind === 'manager') ?? null;
    const editable = assesses(scope, review.employee.id) && review.stage.stage === 'manager' && !manager?.submittedAt && review.cycle.status === 'open';
    return toDto(review, self, manager, editable);
  }

  async save(actor: Actor, id: string, expected: number, dto: SaveManagerAssessmentDto): Promise<ManagerAssessmentDto> {
    await this.dataSource.transaction(async (m) => {
      const { review, current } = await this.lockForManager(m, actor, id, expected, 'saved');
      const { entries, errors } = proposalEntries(review.template, dto.entries);
      if (errors.length > 0) throw badRequest(`Invalid proposals: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
      const patch = { entries, summary: dto.summary ?? current?.summary ?? '', author: actor.name };
      const saved = current
        ? await saveVersioned(m, current, patch)
        : await m.save(m.create(ReviewAssessment, { reviewId: id, kind: 'manager', ...patch, version: 1 }));
      await this.audit.record(m, actor, {
        action: 'manager_assessment_save',
        entity: 'review',
        entityId: id,
        before: current ? auditView(current) : undefined,
        after: auditView(saved),
      });
    });
    return this.get(actor, id);
  }

  /** Every rating KPI needs a proposed rating; the review then moves on (to HR) in the same transaction. */
  async submit(actor: Actor, id: string, expected: number): Promise<ManagerAssessmentDto> {
    await this.dataSource.transaction(async (m) => {
      const { review, cycle, current } = await this.lockForManager(m, actor, id, expected, 'submitted');
      const missing = missingProposals(review.template, current?.entries ?? {});
      if (missing.length > 0) {
        throw badRequest(
          `The assessment cannot be submitted: ${missing.length} rating KPI(s) have no proposed rating: ${missing.join(', ')}`,
          missing.map((k) => ({ field: `entries.${k}`, code: 'noInput', message: 'has no proposed rating' })),
        );
      }
      const patch = { submittedAt: this.clock.now(), author: actor.name };
      const saved = current
        ? await saveVersioned(m, current, patch)
        : await m.save(m.create(ReviewAssessment, { reviewId: id, kind: 'manager', entries: {}, summary: '', ...patch, version: 1 }));
      await this.steps.completeStage(m, actor, { review, cycle }, 'submitManager', 'manager', { assessment: auditView(saved) });
    });
    return this.get(actor, id);
  }

  /**
   * The review, its open cycle and the manager's assessment so far, locked for the rest of the
   * transaction (cycle, then review, as every review write takes them), after checking that the
   * actor manages the employee, the review waits for the manager and the version is the one read.
   */
  private async lockForManager(
    m: EntityManager,
    actor: Actor,
    id: string,
    expected: number,
    what: string,
  ): Promise<{ review: Review; cycle: Cycle; current: ReviewAssessment | null }> {
    const head = await m.findOne(Review, { where: { id }, select: { id: true, employeeId: true, cycleId: true } });
    if (!head || !assesses(await this.scopes.of(actor, m), head.employeeId)) throw notFound('Review', id);
    const cycle = await this.cycles.lockOpen(m, head.cycleId);
    const review = await m.findOne(Review, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!review) throw notFound('Review', id);
    const move = moveStage(cycle, review.stage, 'submitManager', 'manager');
    if (!move.ok) throw stageConflict(review.stage, move.expected, what);
    const current = await m.findOne(ReviewAssessment, { where: { reviewId: id, kind: 'manager' }, lock: { mode: 'pessimistic_write' } });
    if (current?.submittedAt) throw conflict('This assessment was submitted and is read-only now', { stage: review.stage, expectedStage: 'manager' });
    const version = current?.version ?? 0;
    if (version !== expected) {
      throw staleVersion(
        `The manager assessment of review ${id} was changed by someone else: you read version ${expected}, it is now at version ${version}. Reload and apply your change again.`,
        { currentVersion: version, yourVersion: expected },
      );
    }
    return { review, cycle, current };
  }
}

/** A manager assesses the people below them, never themselves. */
function assesses(scope: AccessScope, employeeId: string): boolean {
  return teamOf(scope).includes(employeeId);
}

function stageConflict(stage: ReviewStage, expected: ReviewStage, what: string) {
  return conflict(stageRefusal(stage, expected, `assessed by the manager (${what})`), { stage, expectedStage: expected });
}

async function saveVersioned(m: EntityManager, row: ReviewAssessment, patch: Partial<ReviewAssessment>): Promise<ReviewAssessment> {
  const set = { ...patch, version: row.version + 1, updatedAt: new Date() };
  const result = await m
    .createQueryBuilder()
    .update(ReviewAssessment)
    .set(set)
    .where('id = :id AND version = :version', { id: row.id, version: row.version })
    .execute();
  if (result.affected !== 1) throw staleVersion(`The manager assessment ${row.id} was changed by someone else; reload and apply your change again.`);
  return { ...row, ...set };
}

function auditView(a: ReviewAssessment): Record<string, unknown> {
  return { entries: a.entries, summary: a.summary, submittedAt: a.submittedAt, version: a.version };
}

function toDto(review: ReviewDto, self: ReviewAssessment | null, manager: ReviewAssessment | null, editable: boolean): ManagerAssessmentDto {
  const entry = (a: ReviewAssessment | null, key: string) => (a && Object.hasOwn(a.entries, key) ? a.entries[key] : null);
  return {
    reviewId: review.id,
    employee: review.employee,
    cycle: review.cycle,
    stage: review.stage,
    kpis: review.kpis.map((k) => {
      const kpi: KpiDto = kpiDefinitionOf(k);
      const own = entry(self, k.key);
      const proposed = entry(manager, k.key);
      return {
        ...kpi,
        self: self ? { rating: own?.rating ?? null, comment: own?.comment ?? '' } : null,
        proposal: { rating: proposed?.rating ?? null, comment: proposed?.comment ?? '' },
      };
    }),
    self: self?.submittedAt ? { summary: self.summary, author: self.author, submittedAt: iso(self.submittedAt) ?? '' } : null,
    summary: manager?.summary ?? '',
    author: manager?.author ?? null,
    submittedAt: iso(manager?.submittedAt ?? null),
    editable,
    version: manager?.version ?? 0,
  };
}
