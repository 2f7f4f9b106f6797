import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AccessScopes, teamOf } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { conflict, notFound } from '../common/errors.js';
import { lockVersioned, saveVersioned } from '../common/versioning.js';
import type { Cycle } from '../cycles/cycle.entity.js';
import type { StageAction } from '../review-stages/review-stages.js';
import { stageRefusal } from '../review-stages/review-stages.js';
import { scoreReview } from '../scoring/index.js';
import type { ReviewDto } from './dto/review.dto.js';
import { Review, type ReviewStatus } from './review.entity.js';
import { snapshot, transitionRefusal } from './review.rules.js';
import { ReviewWriteSteps, stageMove } from './review-write-steps.js';
import { ReviewsService } from './reviews.service.js';

/**
 * A review's moves after it is written: submit, finalize, reopen, skipping a stage, and what the
 * manager and the employee add to a submitted or finalized review. Each is one transaction that
 * checks the version and records the audit entry.
 */
@Injectable()
export class ReviewTransitions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reviews: ReviewsService,
    private readonly scopes: AccessScopes,
    private readonly steps: ReviewWriteSteps,
    private readonly audit: AuditService,
  ) {}

  /** draft → submitted, once every KPI has its input. */
  async submit(actor: Actor, id: string, expected: number): Promise<ReviewDto> {
    return this.transition(actor, id, expected, 'submit', ['draft'], 'submitted', (r) => {
      // HR submits its own decision: while the employee or manager still has the review, there is none yet.
      if (r.stage !== 'hr') throw conflict(stageRefusal(r.stage, 'hr', 'submitted'), { stage: r.stage, expectedStage: 'hr' });
      const s = scoreReview(r.template.kpis, r.inputs, r.template.bands);
      if (!s.complete) {
        throw conflict(
          `The review cannot be submitted: ${s.missing.length} KPI(s) have no input: ${s.missing.join(', ')}`,
          { missing: s.missing },
          s.missing.map((k) => ({ field: `entries.${k}`, code: 'noInput', message: 'has no input' })),
        );
      }
      return { submittedAt: new Date() };
    });
  }

  /** submitted → finalized: from now on the review is immutable until reopened. */
  async finalize(actor: Actor, id: string, expected: number): Promise<ReviewDto> {
    return this.transition(actor, id, expected, 'finalize', ['submitted'], 'finalized', (r, cycle) => ({
      finalizedAt: new Date(),
      finalizedBy: actor.name,
      stage: stageMove(cycle, r, 'finalize', 'hr', 'finalized'),
    }));
  }

  /** submitted or finalized → draft, with a reason that the audit keeps. */
  async reopen(actor: Actor, id: string, expected: number, reason: string): Promise<ReviewDto> {
    return this.transition(
      actor,
      id,
      expected,
      'reopen',
      ['submitted', 'finalized'],
      'draft',
      (r, cycle) => ({
        stage: r.stage === 'done' ? stageMove(cycle, r, 'reopen', 'hr', 'reopened') : r.stage,
        submittedAt: null,
        finalizedAt: null,
        finalizedBy: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        reopenCount: r.reopenCount + 1,
        lastReopenReason: reason,
      }),
      { reason },
    );
  }

  /**
   * HR moves a review past the self or manager stage without that part (the employee is on leave,
   * the manager left): the reason goes to the audit log. What was written so far is kept.
   */
  async skipStage(actor: Actor, id: string, expected: number, reason: string): Promise<ReviewDto> {
    await this.dataSource.transaction(async (m) => {
      const { review: r, cycle } = await this.steps.lockForWrite(m, id, expected);
      const action: StageAction = r.stage === 'manager' ? 'skipManager' : 'skipSelf';
      const stage = stageMove(cycle, r, action, 'hr', 'moved on');
      const saved = await saveVersioned(m, Review, 'Review', r, { stage });
      await this.audit.record(m, actor, {
        action: 'skip_stage',
        entity: 'review',
        entityId: id,
        before: { stage: r.stage, version: r.version },
        after: { stage: saved.stage, version: saved.version, reason },
      });
    });
    return this.reviews.get(actor, id);
  }

  /**
   * A manager's comment on a review of someone in their team, editable until the review is finalized:
   * the manager may write it while the employee's draft is still open and revise it after submission.
   * A finalized review is the record, so its comment changes only after a reopen.
   */
  async managerComment(actor: Actor, id: string, expected: number, comment: string): Promise<ReviewDto> {
    await this.dataSource.transaction(async (m) => {
      const head = await m.findOne(Review, { where: { id }, select: { id: true, employeeId: true, status: true } });
      const scope = await this.scopes.of(actor, m);
      if (!head || (scope.kind !== 'everyone' && !teamOf(scope).includes(head.employeeId))) throw notFound('Review', id);
      const { review: r } = await this.steps.lockForWrite(m, id, expected);
      if (r.status === 'finalized') throw conflict('The review is finalized; reopen it to change the manager comment', { status: r.status });
      const saved = await saveVersioned(m, Review, 'Review', r, { managerComment: comment });
      await this.audit.record(m, actor, {
        action: 'manager_comment',
        entity: 'review',
        entityId: id,
        before: { managerComment: r.managerComment, version: r.version },
        after: { managerComment: saved.managerComment, version: saved.version },
      });
    });
    return this.reviews.get(actor, id);
  }

  /** The employee confirms they have seen their finalized review (also after the cycle closed). */
  async acknowledge(actor: Actor, id: string, expected: number): Promise<ReviewDto> {
    await this.dataSource.transaction(async (m) => {
      // Someone else's review, or one not finalized yet, looks like nothing is there.
      const head = await m.findOne(Review, { where: { id }, select: { id: true, employeeId: true, status: true } });
      if (!head || head.employeeId !== actor.employeeId || head.status !== 'finalized') throw notFound('Review', id);
      const r = await lockVersioned(m, Review, 'Review', id, expected);
      if (r.status !== 'finalized') throw conflict(`This review is ${r.status} again; it can be acknowledged once finalized`);
      if (r.acknowledgedAt) throw conflict(`You acknowledged this review on ${r.acknowledgedAt.toISOString()}`);
      const saved = await saveVersioned(m, Review, 'Review', r, { acknowledgedAt: new Date(), acknowledgedBy: actor.name });
      await this.audit.record(m, actor, {
        action: 'acknowledge',
        entity: 'review',
        entityId: id,
        after: { acknowledgedAt: saved.acknowledgedAt, version: saved.version },
      });
    });
    return this.reviews.get(actor, id);
  }

  private async transition(
    actor: Actor,
    id: string,
    expected: number,
    action: string,
    from: ReviewStatus[],
    to: ReviewStatus,
    change: (r: Review, cycle: Cycle) => Partial<Review>,
    extra: Record<string, unknown> = {},
  ): Promise<ReviewDto> {
    await this.dataSource.transaction(async (m) => {
      const { review: r, cycle } = await this.steps.lockForWrite(m, id, expected);
      if (!from.includes(r.status)) throw conflict(transitionRefusal(r.status, action, from), { status: r.status });
      const saved = await saveVersioned(m, Review, 'Review', r, { ...change(r, cycle), status: to });
      await this.audit.record(m, actor, { action, entity: 'review', entityId: id, before: snapshot(r), after: { ...snapshot(saved), ...extra } });
    });
    return this.reviews.get(actor, id);
  }
}
