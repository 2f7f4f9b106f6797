import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, duplicate, notFound, staleVersion } from '../common/errors.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { firstStage } from '../review-stages/review-stages.js';
import type { KpiInput } from '../scoring/types.js';
import type { KpiEntryDto, SkippedEmployeeDto, StartAllResultDto, StartedReviewDto } from './dto/review.dto.js';
import type { PinnedTemplate, Review, ReviewStatus } from './review.entity.js';
import { editRefusal, entriesToInputs, scoreColumns, snapshot } from './review.rules.js';
import { ReviewQueries, type UnstartedEmployee } from './review-queries.js';
import { ReviewWriteSteps } from './review-write-steps.js';

/** One review an import writes: the draft the caller read (id and version), or null to start one, and its full set of KPI entries. */
export interface ImportedReview {
  employeeId: string;
  review: { id: string; version: number } | null;
  entries: KpiEntryDto[];
  /** The reasons beside final ratings that differ from the manager's proposal (checked by the caller, as finalReasons() does); none by default. */
  finalReasons?: Record<string, string>;
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
 * Writes of many reviews at once: starting a whole cycle, and the writes of an actuals import. The
 * rules are the single writes' (ReviewWorkflow); only the SQL is batched.
 */
@Injectable()
export class ReviewBatchWrites {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queries: ReviewQueries,
    private readonly steps: ReviewWriteSteps,
    private readonly cycles: CyclesService,
    private readonly audit: AuditService,
  ) {}

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
        const template = await this.startable(m, e, pinned);
        if ('reason' in template) {
          skipped.push({ ...who, ...template });
          continue;
        }
        const review = await this.steps.startDraft(m, actor, e.id, cycle, template, { batch: 'start_all' });
        created.push({ reviewId: review.id, ...who });
      }
      return { created, skipped, alreadyStarted };
    });
  }

  /**
   * Who in the cycle has no review and why start-all would skip them, read without writing: what
   * the dashboard shows after start-all redirected (POST-redirect-GET), so a reload starts nothing.
   */
  async unstarted(cycleId: string): Promise<SkippedEmployeeDto[]> {
    const m = this.dataSource.manager;
    const pinned = new Map<string, PinnedTemplate | null>();
    const skipped: SkippedEmployeeDto[] = [];
    for (const e of await this.queries.withoutReview(m, cycleId)) {
      const why = await this.startable(m, e, pinned);
      if ('reason' in why) skipped.push({ employeeId: e.id, employeeNo: e.employee_no, name: e.name, ...why });
    }
    return skipped;
  }

  /** The template a start pins for `e`, or why `e` gets no review; `pinned` caches per role. */
  private async startable(
    m: EntityManager,
    e: UnstartedEmployee,
    pinned: Map<string, PinnedTemplate | null>,
  ): Promise<PinnedTemplate | Pick<SkippedEmployeeDto, 'reason' | 'message'>> {
    if (!e.active) return { reason: 'inactive', message: `${e.name} is deactivated` };
    if (!pinned.has(e.role_id)) pinned.set(e.role_id, await this.steps.pinTemplate(m, e.role_id));
    return pinned.get(e.role_id) ?? { reason: 'no_published_template', message: `Role ${e.role_code} has no published KPI template yet` };
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
        return { item, r, next: { ...r, inputs, finalReasons: item.finalReasons ?? {}, ...scoreColumns(template, inputs), version: r.version + 1 } };
      });
      // TypeORM answers an UPDATE with [rows, affected].
      const [, affected] = await m.query<[unknown[], number]>(
        `UPDATE reviews r SET inputs = v.inputs, final_reasons = v.final_reasons, total = v.total, complete = v.complete, band_key = v.band_key,
                version = r.version + 1, updated_at = now()
           FROM unnest($1::uuid[], $2::int[], $3::jsonb[], $4::numeric[], $5::boolean[], $6::text[], $7::jsonb[])
                AS v(id, version, inputs, total, complete, band_key, final_reasons)
          WHERE r.id = v.id AND r.version = v.version AND r.status = 'draft'`,
        [
          chunk.map((c) => c.r.id),
          chunk.map((c) => c.r.version),
          chunk.map((c) => JSON.stringify(c.next.inputs)),
          chunk.map((c) => c.next.total),
          chunk.map((c) => c.next.complete),
          chunk.map((c) => c.next.bandKey),
          chunk.map((c) => JSON.stringify(c.next.finalReasons)),
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
        throw duplicate(
          `${e.name} already has a review in this cycle`,
          [{ field: 'employeeId', code: 'alreadyReviewed', message: 'already has a review in this cycle' }],
          {
            reviewId: e.review_id,
          },
        );
      if (!byRole.has(e.role_id)) byRole.set(e.role_id, await this.steps.pinTemplate(m, e.role_id));
      const template = byRole.get(e.role_id);
      if (!template) throw conflict(`Role ${e.role_code} has no published KPI template yet; publish one first`);
      out.set(id, template);
    }
    return out;
  }
}
