import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AccessScopes, teamOf } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { badRequest, conflict, duplicate, notFound, staleVersion } from '../common/errors.js';
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

/** One review an import writes: the draft the caller read (id and version), or null to start one, and its full set of KPI entries. */
export interface ImportedReview {
  employeeId: string;
  review: { id: string; version: number } | null;
  entries: KpiEntryDto[];
}

/** A review as an import left it. */
export interface SavedImportedReview {
  employeeId: string;
  reviewId: string;
  version: number;
  total: number;
  complete: boolean;
  bandKey: string | null;
}

/** Rows per statement of a batch write. */
const BATCH = 1000;

type DraftRow = Pick<
  Review,
  | 'id'
  | 'employeeId'
  | 'status'
  | 'version'
  | 'templateVersionId'
  | 'inputs'
  | 'finalReasons'
  | 'total'
  | 'complete'
  | 'bandKey'
  | 'strengths'
  | 'challenges'
  | 'developmentPlan'
  | 'hrNotes'
>;

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

  /**
   * The writes of an import, inside the caller's transaction (all or nothing with the rest of the
   * import): each review is started as create() would (the role's current published template pinned,
   * active employees only, one review per cycle) and its entries saved as putScores() would (the
   * review's own KPIs checked by entriesToInputs, score columns, draft only, version checked and
   * bumped, a `scores` audit entry with the snapshots before and after). The rules are the ones of
   * the single writes; only the SQL is batched, as one statement per review would make a
   * 10,000-review import take minutes. `audit` is added to every audit entry (the import's id).
   */
  async saveImported(
    m: EntityManager,
    actor: Actor,
    cycleId: string,
    items: readonly ImportedReview[],
    audit: Record<string, unknown> = {},
  ): Promise<SavedImportedReview[]> {
    const cycle = await this.cycles.lockOpen(m, cycleId);
    const stage = firstStage(cycle);
    const updates = items.filter((i) => i.review !== null);
    const starts = items.filter((i) => i.review === null);
    const drafts = await this.lockDrafts(m, cycleId, updates);
    const templates = await this.templatesOf(
      m,
      drafts.map((d) => d.id),
    );
    const pinned = await this.pinForStarts(
      m,
      cycleId,
      starts.map((s) => s.employeeId),
    );

    const saved: SavedImportedReview[] = [];
    // Written chunk by chunk: 20,000 entries with two snapshots each, held until the end, were the
    // largest thing an import of 10,000 reviews kept in memory.
    let records: { action: string; entity: string; entityId: string; before?: Record<string, unknown>; after: Record<string, unknown> }[] = [];
    const flush = async () => {
      await this.audit.recordMany(m, actor, records);
      records = [];
    };
    // Starts, grouped by pinned version: the template (several KB of JSON) is sent once per statement.
    const byVersion = new Map<string, { item: ImportedReview; template: PinnedTemplate }[]>();
    for (const item of starts) {
      const template = pinned.get(item.employeeId);
      if (!template) throw new Error(`no template pinned for ${item.employeeId}`);
      byVersion.set(template.templateVersionId, [...(byVersion.get(template.templateVersionId) ?? []), { item, template }]);
    }
    for (const group of byVersion.values()) {
      const template = group[0].template;
      for (let i = 0; i < group.length; i += BATCH) {
        const chunk = group.slice(i, i + BATCH).map(({ item }) => {
          const inputs = entriesToInputs(template, item.entries);
          return { item, inputs, ...scoreColumns(template, inputs) };
        });
        const inserted = await m.query<{ id: string; employee_id: string; version: number }[]>(
          `INSERT INTO reviews (employee_id, cycle_id, template_version_id, template, inputs, total, complete, band_key, status, stage)
           SELECT v.employee_id, $1, $2::uuid, $3::jsonb, v.inputs, v.total, v.complete, v.band_key, 'draft', $9
             FROM unnest($4::uuid[], $5::jsonb[], $6::numeric[], $7::boolean[], $8::text[]) AS v(employee_id, inputs, total, complete, band_key)
           RETURNING id, employee_id, version`,
          [
            cycleId,
            template.templateVersionId,
            JSON.stringify(template),
            chunk.map((c) => c.item.employeeId),
            chunk.map((c) => JSON.stringify(c.inputs)),
            chunk.map((c) => c.total),
            chunk.map((c) => c.complete),
            chunk.map((c) => c.bandKey),
            stage,
          ],
        );
        const byEmployee = new Map(inserted.map((r) => [r.employee_id, r]));
        for (const c of chunk) {
          const row = byEmployee.get(c.item.employeeId);
          if (!row) throw new Error(`the review of ${c.item.employeeId} was not inserted`);
          saved.push({ employeeId: c.item.employeeId, reviewId: row.id, version: row.version, total: c.total, complete: c.complete, bandKey: c.bandKey });
          // The entries of create() and of the first save, as one write: the new draft holds the values at once.
          records.push({
            action: 'create',
            entity: 'review',
            entityId: row.id,
            after: {
              employeeId: c.item.employeeId,
              cycleId,
              stage,
              templateVersionId: template.templateVersionId,
              templateVersion: template.versionNumber,
              ...audit,
            },
          });
          records.push({
            action: 'scores',
            entity: 'review',
            entityId: row.id,
            after: {
              ...snapshot({
                status: 'draft',
                inputs: c.inputs,
                finalReasons: {},
                total: c.total,
                complete: c.complete,
                bandKey: c.bandKey,
                strengths: '',
                challenges: '',
                developmentPlan: '',
                hrNotes: '',
                version: row.version,
              }),
              ...audit,
            },
          });
        }
        await flush();
      }
    }

    const draftOf = new Map(drafts.map((d) => [d.id, d]));
    for (let i = 0; i < updates.length; i += BATCH) {
      const chunk = updates.slice(i, i + BATCH).map((item) => {
        const r = draftOf.get(item.review?.id ?? '');
        const template = r && templates.get(r.templateVersionId);
        if (!r || !template) throw new Error(`review ${item.review?.id} was not locked`);
        const inputs: Record<string, KpiInput> = entriesToInputs(template, item.entries);
        return { item, r, next: { ...r, inputs, ...scoreColumns(template, inputs), version: r.version + 1 } };
      });
      // TypeORM answers an UPDATE with [rows, affected].
      const [, affected] = await m.query<[unknown[], number]>(
        `UPDATE reviews r SET inputs = v.inputs, total = v.total, complete = v.complete, band_key = v.band_key, version = r.version + 1, updated_at = now()
           FROM unnest($1::uuid[], $2::int[], $3::jsonb[], $4::numeric[], $5::boolean[], $6::text[]) AS v(id, version, inputs, total, complete, band_key)
          WHERE r.id = v.id AND r.version = v.version AND r.status = 'draft'`,
        [
          chunk.map((c) => c.r.id),
          chunk.map((c) => c.r.version),
          chunk.map((c) => JSON.stringify(c.next.inputs)),
          chunk.map((c) => c.next.total),
          chunk.map((c) => c.next.complete),
          chunk.map((c) => c.next.bandKey),
        ],
      );
      // Every row is locked, so this only fires when someone wrote without the lock.
      if (affected !== chunk.length) throw staleVersion('Reviews of this import were changed by someone else; run the import again.');
      for (const c of chunk) {
        saved.push({
          employeeId: c.r.employeeId,
          reviewId: c.r.id,
          version: c.next.version,
          total: c.next.total,
          complete: c.next.complete,
          bandKey: c.next.bandKey,
        });
        records.push({ action: 'scores', entity: 'review', entityId: c.r.id, before: snapshot(c.r), after: { ...snapshot(c.next), ...audit } });
      }
      await flush();
    }
    return saved;
  }

  /** The drafts an import updates, row-locked, each at the version the caller read. */
  private async lockDrafts(m: EntityManager, cycleId: string, items: readonly ImportedReview[]): Promise<DraftRow[]> {
    if (items.length === 0) return [];
    const rows = await m.query<
      {
        id: string;
        employee_id: string;
        status: ReviewStatus;
        version: number;
        template_version_id: string;
        inputs: Record<string, KpiInput>;
        final_reasons: Record<string, string>;
        total: number;
        complete: boolean;
        band_key: string | null;
        strengths: string;
        challenges: string;
        development_plan: string;
        hr_notes: string;
      }[]
    >(
      `SELECT id, employee_id, status, version, template_version_id, inputs, final_reasons, total::float8 AS total, complete, band_key, strengths, challenges, development_plan, hr_notes
         FROM reviews WHERE cycle_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [cycleId, items.map((i) => i.review?.id)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return items.map((item) => {
      const id = item.review?.id ?? '';
      const r = byId.get(id);
      if (!r) throw notFound('Review', id);
      if (r.version !== item.review?.version) {
        throw staleVersion(
          `Review ${id} was changed by someone else: you read version ${item.review?.version}, it is now at version ${r.version}. Reload and apply your change again.`,
          { currentVersion: r.version, yourVersion: item.review?.version ?? 0 },
        );
      }
      if (r.status !== 'draft') throw conflict(editRefusal(r.status), { status: r.status });
      return {
        id: r.id,
        employeeId: r.employee_id,
        status: r.status,
        version: r.version,
        templateVersionId: r.template_version_id,
        inputs: r.inputs,
        finalReasons: r.final_reasons,
        total: r.total,
        complete: r.complete,
        bandKey: r.band_key,
        strengths: r.strengths,
        challenges: r.challenges,
        developmentPlan: r.development_plan,
        hrNotes: r.hr_notes,
      };
    });
  }

  /** The pinned template of each version the reviews hold, read once per version rather than once per review. */
  private async templatesOf(m: EntityManager, reviewIds: string[]): Promise<Map<string, PinnedTemplate>> {
    if (reviewIds.length === 0) return new Map();
    const rows = await m.query<{ template_version_id: string; template: PinnedTemplate }[]>(
      `SELECT DISTINCT ON (template_version_id) template_version_id, template FROM reviews WHERE id = ANY($1::uuid[]) ORDER BY template_version_id`,
      [reviewIds],
    );
    return new Map(rows.map((r) => [r.template_version_id, r.template]));
  }

  /** What create() checks before starting a draft, for each employee: on record, active, no review in the cycle yet, a published template. */
  private async pinForStarts(m: EntityManager, cycleId: string, employeeIds: string[]): Promise<Map<string, PinnedTemplate>> {
    const out = new Map<string, PinnedTemplate>();
    if (employeeIds.length === 0) return out;
    const rows = await m.query<{ id: string; name: string; active: boolean; role_id: string; role_code: string; review_id: string | null }[]>(
      `SELECT e.id, e.name, e.active, e.role_id, ro.code AS role_code, r.id AS review_id
         FROM employees e JOIN roles ro ON ro.id = e.role_id LEFT JOIN reviews r ON r.employee_id = e.id AND r.cycle_id = $1
        WHERE e.id = ANY($2::uuid[])`,
      [cycleId, employeeIds],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const byRole = new Map<string, PinnedTemplate | null>();
    for (const id of employeeIds) {
      const e = byId.get(id);
      if (!e) throw notFound('Employee', id);
      if (!e.active) throw conflict(`${e.name} is deactivated and cannot get a new review`);
      if (e.review_id)
        throw duplicate(`${e.name} already has a review in this cycle`, [{ field: 'employeeId', message: 'already has a review in this cycle' }], {
          reviewId: e.review_id,
        });
      if (!byRole.has(e.role_id)) byRole.set(e.role_id, await this.pinTemplate(m, e.role_id));
      const template = byRole.get(e.role_id);
      if (!template) throw conflict(`Role ${e.role_code} has no published KPI template yet; publish one first`);
      out.set(id, template);
    }
    return out;
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
      action: action === 'submitSelf' ? 'submit_self_assessment' : 'submit_manager_assessment',
      entity: 'review',
      entityId: r.id,
      before: { stage: r.stage, version: r.version },
      after: { stage: saved.stage, version: saved.version, ...extra },
    });
    return stage;
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
