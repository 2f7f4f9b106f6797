import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, notFound } from '../common/errors.js';
import { lockVersioned, saveVersioned } from '../common/versioning.js';
import type { Cycle } from '../cycles/cycle.entity.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { firstStage, moveStage, type ReviewStage, type StageAction, type StageRole, stageRefusal } from '../review-stages/review-stages.js';
import { type PinnedTemplate, Review } from './review.entity.js';
import { pinnedFrom, scoreColumns } from './review.rules.js';

/**
 * The steps every review write is made of, inside the caller's transaction: pinning a template,
 * starting a draft, locking a review for a write, moving its stage. The single writes
 * (ReviewWorkflow, ReviewTransitions), the batch writes and the assessments all take them from here,
 * so a review is started, locked and moved on the same way whoever writes it.
 */
@Injectable()
export class ReviewWriteSteps {
  constructor(
    private readonly cycles: CyclesService,
    private readonly templates: KpiTemplatesService,
    private readonly audit: AuditService,
  ) {}

  /** The role's current published template as a new review pins it, or null when the role has none yet. */
  async pinTemplate(m: EntityManager, roleId: string): Promise<PinnedTemplate | null> {
    const published = await this.templates.currentPublished(roleId, m);
    return published && pinnedFrom(published);
  }

  /** A new draft pinning `template`, with its audit entry. */
  async startDraft(
    m: EntityManager,
    actor: Actor,
    employeeId: string,
    cycle: Cycle,
    template: PinnedTemplate,
    extra: Record<string, unknown> = {},
  ): Promise<Review> {
    const cycleId = cycle.id;
    const review = await m.save(
      m.create(Review, {
        employeeId,
        cycleId,
        stage: firstStage(cycle),
        templateVersionId: template.templateVersionId,
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
      after: { employeeId, cycleId, stage: review.stage, templateVersionId: template.templateVersionId, templateVersion: template.versionNumber, ...extra },
    });
    return review;
  }

  /** Holds the cycle open (shared lock) and the review (row lock) for the rest of the transaction. */
  async lockForWrite(m: EntityManager, id: string, expected: number): Promise<{ review: Review; cycle: Cycle }> {
    const head = await m.findOne(Review, { where: { id }, select: { id: true, cycleId: true } });
    if (!head) throw notFound('Review', id);
    const cycle = await this.cycles.lockOpen(m, head.cycleId);
    return { review: await lockVersioned(m, Review, 'Review', id, expected), cycle };
  }

  /**
   * For an assessment's write, in the caller's transaction: the cycle held open and the review row
   * locked, so the assessment and the review's stage change together. No version check: the
   * assessment has its own version, which the caller checks.
   */
  async lockForAssessment(m: EntityManager, id: string): Promise<{ review: Review; cycle: Cycle }> {
    const head = await m.findOne(Review, { where: { id }, select: { id: true, cycleId: true } });
    if (!head) throw notFound('Review', id);
    const cycle = await this.cycles.lockOpen(m, head.cycleId);
    const review = await m.findOne(Review, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!review) throw notFound('Review', id);
    return { review, cycle };
  }

  /**
   * An assessment was submitted: the review moves on from its stage as the stage table says (409
   * naming both stages otherwise), with a new version and its audit entry, in the caller's transaction.
   */
  async completeStage(
    m: EntityManager,
    actor: Actor,
    locked: { review: Review; cycle: Cycle },
    action: 'submitSelf' | 'submitManager',
    who: StageRole,
    extra: Record<string, unknown> = {},
  ): Promise<ReviewStage> {
    const { review: r, cycle } = locked;
    const stage = stageMove(cycle, r, action, who, 'moved on');
    const saved = await saveVersioned(m, Review, 'Review', r, { stage });
    await this.audit.record(m, actor, {
      // The names the audit trail has always used for these two moves.
      action: action === 'submitSelf' ? 'submit_self_assessment' : 'manager_assessment_submit',
      entity: 'review',
      entityId: r.id,
      before: { stage: r.stage, version: r.version },
      after: { stage: saved.stage, version: saved.version, ...extra },
    });
    return stage;
  }
}

/** The stage `action` takes the review to, or a 409 saying which stage the review is in and which it needs. */
export function stageMove(cycle: Cycle, r: Review, action: StageAction, who: StageRole, what: string): ReviewStage {
  const move = moveStage(cycle, r.stage, action, who);
  if (!move.ok) throw conflict(stageRefusal(r.stage, move.expected, what), { stage: r.stage, expectedStage: move.expected });
  return move.to;
}
