import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AccessScopes, teamOf } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { badRequest, conflict, duplicate, notFound } from '../common/errors.js';
import { rejectNulls } from '../common/validation.js';
import { lockVersioned, saveVersioned } from '../common/versioning.js';
import type { Cycle } from '../cycles/cycle.entity.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { EmployeesService } from '../employees/employees.service.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { firstStage, moveStage, type ReviewStage, type StageAction, type StageRole, stageRefusal } from '../review-stages/review-stages.js';
import { scoreReview } from '../scoring/index.js';
import type { KpiInput } from '../scoring/types.js';
import { ReviewAssessment } from '../assessments/review-assessment.entity.js';
import type {
  CreateReviewDto,
  KpiEntryDto,
  ReviewDto,
  SaveReviewDto,
  SkippedEmployeeDto,
  StartAllResultDto,
  StartedReviewDto,
  UpdateReviewDto,
} from './dto/review.dto.js';
import { type PinnedTemplate, Review, type ReviewStatus } from './review.entity.js';
import { finalReasons, type Proposal } from './final-reasons.js';
import { editRefusal, entriesToInputs, pinnedFrom, scoreColumns, snapshot, textPatch, transitionRefusal } from './review.rules.js';
import { ReviewQueries } from './review-queries.js';
import { ReviewsService } from './reviews.service.js';

/**
 * Every write to a review: creating (alone or a whole cycle), editing a draft, and the status
 * transitions. Each write runs in one transaction that holds the cycle open, checks the version and
 * records the audit entry; it answers with the review as the actor may see it.
 */
@Injectable()
export class ReviewWorkflow {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reviews: ReviewsService,
    private readonly queries: ReviewQueries,
    private readonly scopes: AccessScopes,
    private readonly employees: EmployeesService,
    private readonly cycles: CyclesService,
    private readonly templates: KpiTemplatesService,
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
          [{ field: 'employeeId', message: 'already has a review in this cycle' }],
          { reviewId: existing.id },
        );
      }
      const template = await this.pinTemplate(m, employee.roleId);
      if (!template) throw conflict(`Role ${employee.role.code} has no published KPI template yet; publish one first`);
      const review = await this.startDraft(m, actor, employee.id, cycle, template);
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
      const { review: r } = await this.lockForWrite(m, id, expected);
      if (r.status !== 'draft') throw conflict(editRefusal(r.status), { status: r.status });
      if (r.stage !== 'hr') throw conflict(stageRefusal(r.stage, 'hr', "given the manager's proposal"), { stage: r.stage, expectedStage: 'hr' });
      const proposal = await submittedProposal(m, id);
      if (!proposal) throw conflict('The manager has not submitted an assessment of this review, so there is no proposal to take');
      const rated = r.template.kpis.filter((k) => k.rule.type === 'rating' && (proposal[k.key] ?? null) !== null).map((k) => k.key);
      const errors = (kpiKeys ?? []).flatMap((key, i) =>
        rated.includes(key) ? [] : [{ field: `kpiKeys[${i}]`, message: `"${key}" is not a rating KPI of this review with a proposal (${rated.join(', ')})` }],
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

  /**
   * Starts a draft for every active employee who has no review in the cycle yet, each pinning
   * their role's current published template, exactly as one create would. Runs under an exclusive
   * lock on the cycle, so a concurrent batch or single create waits instead of colliding; whoever
   * cannot get a review is reported with the reason rather than failing the batch.
   */
  async startAll(actor: Actor, cycleId: string): Promise<StartAllResultDto> {
    return this.dataSource.transaction(async (m) => {
      const cycle = await this.cycles.lockOpen(m, cycleId, 'exclusive');
      const rows = await this.queries.withoutReview(m, cycle.id);
      const alreadyStarted = await this.queries.countInCycle(m, cycle.id);
      const created: StartedReviewDto[] = [];
      const skipped: SkippedEmployeeDto[] = [];
      const pinned = new Map<string, PinnedTemplate | null>();
      for (const e of rows) {
        const who = { employeeId: e.id, employeeNo: e.employee_no, name: e.name };
        if (!e.active) {
          skipped.push({ ...who, reason: 'inactive', message: `${e.name} is deactivated` });
          continue;
        }
        if (!pinned.has(e.role_id)) pinned.set(e.role_id, await this.pinTemplate(m, e.role_id));
        const template = pinned.get(e.role_id);
        if (!template) {
          skipped.push({ ...who, reason: 'no_published_template', message: `Role ${e.role_code} has no published KPI template yet` });
          continue;
        }
        const review = await this.startDraft(m, actor, e.id, cycle, template, { batch: 'start_all' });
        created.push({ reviewId: review.id, ...who });
      }
      return { created, skipped, alreadyStarted };
    });
  }

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
          s.missing.map((k) => ({ field: `entries.${k}`, message: 'has no input' })),
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
      const { review: r, cycle } = await this.lockForWrite(m, id, expected);
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

  /** A manager's comment on a submitted review of someone in their team. */
  async managerComment(actor: Actor, id: string, expected: number, comment: string): Promise<ReviewDto> {
    await this.dataSource.transaction(async (m) => {
      const head = await m.findOne(Review, { where: { id }, select: { id: true, employeeId: true, status: true } });
      const scope = await this.scopes.of(actor, m);
      if (!head || (scope.kind !== 'everyone' && !teamOf(scope).includes(head.employeeId))) throw notFound('Review', id);
      const { review: r } = await this.lockForWrite(m, id, expected);
      if (r.status !== 'submitted') throw conflict(`Managers comment on submitted reviews; this one is ${r.status}`, { status: r.status });
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

  /** The role's current published template as a new review pins it, or null when the role has none yet. */
  private async pinTemplate(m: EntityManager, roleId: string): Promise<PinnedTemplate | null> {
    const published = await this.templates.currentPublished(roleId, m);
    return published && pinnedFrom(published);
  }

  /** A new draft pinning `template`, with its audit entry. */
  private async startDraft(
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

  private async edit(
    actor: Actor,
    id: string,
    expected: number,
    action: string,
    change: (r: Review, proposal: Proposal | null) => Partial<Review>,
  ): Promise<ReviewDto> {
    await this.dataSource.transaction(async (m) => {
      const { review: r } = await this.lockForWrite(m, id, expected);
      if (r.status !== 'draft') throw conflict(editRefusal(r.status), { status: r.status });
      const saved = await saveVersioned(m, Review, 'Review', r, change(r, await submittedProposal(m, id)));
      await this.audit.record(m, actor, { action, entity: 'review', entityId: id, before: snapshot(r), after: snapshot(saved) });
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
      const { review: r, cycle } = await this.lockForWrite(m, id, expected);
      if (!from.includes(r.status)) throw conflict(transitionRefusal(r.status, action, from), { status: r.status });
      const saved = await saveVersioned(m, Review, 'Review', r, { ...change(r, cycle), status: to });
      await this.audit.record(m, actor, { action, entity: 'review', entityId: id, before: snapshot(r), after: { ...snapshot(saved), ...extra } });
    });
    return this.reviews.get(actor, id);
  }

  /** Holds the cycle open (shared lock) and the review (row lock) for the rest of the transaction. */
  private async lockForWrite(m: EntityManager, id: string, expected: number): Promise<{ review: Review; cycle: Cycle }> {
    const head = await m.findOne(Review, { where: { id }, select: { id: true, cycleId: true } });
    if (!head) throw notFound('Review', id);
    const cycle = await this.cycles.lockOpen(m, head.cycleId);
    return { review: await lockVersioned(m, Review, 'Review', id, expected), cycle };
  }
}

/** The stage `action` takes the review to, or a 409 saying which stage the review is in and which it needs. */
function stageMove(cycle: Cycle, r: Review, action: StageAction, who: StageRole, what: string): ReviewStage {
  const move = moveStage(cycle, r.stage, action, who);
  if (!move.ok) throw conflict(stageRefusal(r.stage, move.expected, what), { stage: r.stage, expectedStage: move.expected });
  return move.to;
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
    return badRequest(`${field}: ${err.message}`, [{ field, message: err.message }]);
  }
  return err;
}
