import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { badRequest, conflict, duplicate } from '../common/errors.js';
import { rejectNulls } from '../common/validation.js';
import { saveVersioned } from '../common/versioning.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { EmployeesService } from '../employees/employees.service.js';
import { stageRefusal } from '../review-stages/review-stages.js';
import type { KpiInput } from '../scoring/types.js';
import { ReviewAssessment } from '../assessments/review-assessment.entity.js';
import type { CreateReviewDto, KpiEntryDto, ReviewDto, SaveReviewDto, UpdateReviewDto } from './dto/review.dto.js';
import { Review } from './review.entity.js';
import { finalReasons, type Proposal } from './final-reasons.js';
import { editRefusal, entriesToInputs, scoreColumns, snapshot, textPatch } from './review.rules.js';
import { ReviewWriteSteps } from './review-write-steps.js';
import { ReviewsService } from './reviews.service.js';

/**
 * Creating a review and editing its draft: HR's inputs, texts and final ratings. Each write runs
 * in one transaction that holds the cycle open, checks the version and records the audit entry; it
 * answers with the review as the actor may see it. The moves after that are ReviewTransitions'.
 */
@Injectable()
export class ReviewWorkflow {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reviews: ReviewsService,
    private readonly steps: ReviewWriteSteps,
    private readonly employees: EmployeesService,
    private readonly cycles: CyclesService,
    private readonly audit: AuditService,
  ) {}

  /** Creating a review pins the role's current published template: later edits never change it. */
  async create(actor: Actor, dto: CreateReviewDto): Promise<ReviewDto> {
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
        throw duplicate(
          `${employee.name} already has a review in cycle "${cycle.name}"`,
          [{ field: 'employeeId', code: 'alreadyReviewed', message: 'already has a review in this cycle' }],
          { reviewId: existing.id },
        );
      }
      const template = await this.steps.pinTemplate(m, employee.roleId);
      if (!template) throw conflict(`Role ${employee.role.code} has no published KPI template yet; publish one first`);
      const review = await this.steps.startDraft(m, actor, employee.id, cycle, template);
      return review.id;
    });
    return this.reviews.get(actor, id);
  }

  async putScores(actor: Actor, id: string, expected: number, entries: KpiEntryDto[]): Promise<ReviewDto> {
    return this.edit(actor, id, expected, 'scores', (r, proposal) => {
      const inputs = entriesToInputs(r.template, entries);
      return { inputs, finalReasons: reasonsFor(r, entries, proposal), ...scoreColumns(r.template, inputs) };
    });
  }

  async update(actor: Actor, id: string, expected: number, dto: UpdateReviewDto): Promise<ReviewDto> {
    rejectNulls(dto, ['strengths', 'challenges', 'developmentPlan', 'hrNotes']);
    return this.edit(actor, id, expected, 'update', () => textPatch(dto));
  }

  /**
   * Inputs and texts in one write and one version: what the review page saves. Two separate
   * writes could leave half a save behind when someone else saves in between.
   */
  async saveDraft(actor: Actor, id: string, expected: number, dto: SaveReviewDto): Promise<ReviewDto> {
    rejectNulls(dto, ['strengths', 'challenges', 'developmentPlan', 'hrNotes']);
    return this.edit(actor, id, expected, 'save', (r, proposal) => {
      const inputs = entriesToInputs(r.template, dto.entries);
      return { inputs, finalReasons: reasonsFor(r, dto.entries, proposal), ...scoreColumns(r.template, inputs), ...textPatch(dto) };
    });
  }

  /**
   * HR takes the manager's submitted proposal as the final rating of the listed rating KPIs (all
   * the manager rated when none are listed): the same scoring, version and audit as a save. The
   * final comments stay HR's; reasons for those KPIs go, as the final now equals the proposal.
   */
  async takeProposal(actor: Actor, id: string, expected: number, kpiKeys: string[] | undefined): Promise<ReviewDto> {
    await this.dataSource.transaction(async (m) => {
      const { review: r } = await this.steps.lockForWrite(m, id, expected);
      if (r.status !== 'draft') throw conflict(editRefusal(r.status), { status: r.status });
      if (r.stage !== 'hr') throw conflict(stageRefusal(r.stage, 'hr', "given the manager's proposal"), { stage: r.stage, expectedStage: 'hr' });
      const proposal = await submittedProposal(m, id);
      if (!proposal) throw conflict('The manager has not submitted an assessment of this review, so there is no proposal to take');
      const rated = r.template.kpis.filter((k) => k.rule.type === 'rating' && (proposal[k.key] ?? null) !== null).map((k) => k.key);
      const errors = (kpiKeys ?? []).flatMap((key, i) =>
        rated.includes(key)
          ? []
          : [
              {
                field: `kpiKeys[${i}]`,
                code: 'notProposed',
                params: { value: key },
                message: `"${key}" is not a rating KPI of this review with a proposal (${rated.join(', ')})`,
              },
            ],
      );
      if (errors.length > 0) throw badRequest(`Invalid kpiKeys: ${errors.map((e) => e.message).join('; ')}`, errors);
      const keys = [...new Set(kpiKeys ?? rated)];
      const inputs = new Map<string, KpiInput>(Object.entries(r.inputs));
      const reasons = new Map<string, string>(Object.entries(r.finalReasons));
      for (const key of keys) {
        inputs.set(key, { rating: proposal[key], comment: inputs.get(key)?.comment ?? null });
        reasons.delete(key);
      }
      const taken = Object.fromEntries(inputs);
      const saved = await saveVersioned(m, Review, 'Review', r, {
        inputs: taken,
        finalReasons: Object.fromEntries(reasons),
        ...scoreColumns(r.template, taken),
      });
      await this.audit.record(m, actor, {
        action: 'take_proposal',
        entity: 'review',
        entityId: id,
        before: snapshot(r),
        after: { ...snapshot(saved), kpiKeys: keys },
      });
    });
    return this.reviews.get(actor, id);
  }

  private async edit(
    actor: Actor,
    id: string,
    expected: number,
    action: string,
    change: (r: Review, proposal: Proposal | null) => Partial<Review>,
  ): Promise<ReviewDto> {
    await this.dataSource.transaction(async (m) => {
      const { review: r } = await this.steps.lockForWrite(m, id, expected);
      if (r.status !== 'draft') throw conflict(editRefusal(r.status), { status: r.status });
      const saved = await saveVersioned(m, Review, 'Review', r, change(r, await submittedProposal(m, id)));
      await this.audit.record(m, actor, { action, entity: 'review', entityId: id, before: snapshot(r), after: snapshot(saved) });
    });
    return this.reviews.get(actor, id);
  }
}

/**
 * The manager's submitted proposal for a review (rating per KPI key), or null when there is none.
 * Read here, inside the review's write transaction, rather than through the assessments module,
 * which builds on this one: a submitted proposal never changes again, so the read cannot race.
 */
async function submittedProposal(m: EntityManager, reviewId: string): Promise<Proposal | null> {
  const a = await m.findOne(ReviewAssessment, { where: { reviewId, kind: 'manager' }, select: { id: true, entries: true, submittedAt: true } });
  if (!a?.submittedAt) return null;
  return Object.fromEntries(Object.entries(a.entries).map(([key, e]) => [key, e.rating ?? null]));
}

/** The reasons a save stores beside HR's final ratings, or 400 naming the entries that lack one. */
function reasonsFor(r: Review, entries: KpiEntryDto[], proposal: Proposal | null): Record<string, string> {
  const { reasons, errors } = finalReasons(r.template, entries, proposal, r);
  if (errors.length > 0) throw badRequest(`Reasons missing: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  return reasons;
}

/** An unknown id in a request body is the body's fault: 400 naming the field, not 404. */
function remapNotFound(err: unknown, field: string): unknown {
  if (err instanceof Error && 'getStatus' in err && (err as { getStatus(): number }).getStatus() === 404) {
    return badRequest(`${field}: ${err.message}`, [{ field, code: 'exists', message: err.message }]);
  }
  return err;
}
