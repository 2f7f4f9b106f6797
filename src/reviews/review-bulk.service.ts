import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessScopes, type AccessScope, scopeSql } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { badRequest, notFound } from '../common/errors.js';
import type { FieldErrorDto } from '../common/error-response.dto.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SqlFilter } from '../database/sql-filter.js';
import { nameOrNumberSql } from '../employees/employee-search.js';
import type { PinnedTemplate } from './review.entity.js';
import {
  BULK_LIMIT,
  type BulkAction,
  type BulkDoneDto,
  type BulkResultDto,
  type BulkReviewDto,
  type BulkReviewFilterDto,
  type BulkSkippedDto,
} from './dto/review-bulk.dto.js';
import type { ReviewDto } from './dto/review.dto.js';
import { ReviewBulkRun } from './review-bulk-run.entity.js';
import { skipOf } from './review-bulk.js';
import { ReviewQueries } from './review-queries.js';
import { ReviewTransitions } from './review-transitions.service.js';
import { ReviewWorkflow } from './review-workflow.service.js';
import { ReviewWriteSteps } from './review-write-steps.js';

/** A person a bulk start acts on. */
interface PersonRow {
  id: string;
  employee_no: string;
  name: string;
  active: boolean;
  role_id: string;
  role_code: string;
}

type Moves = Exclude<BulkAction, 'start'>;

/**
 * One action on many reviews (or, for start, many people): each through the single action's own
 * service method, so each runs in its own transaction with its version check and leaves the same
 * audit entry; one refused review is reported with its reason and the others go on.
 */
@Injectable()
export class ReviewBulkActions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queries: ReviewQueries,
    private readonly scopes: AccessScopes,
    private readonly workflow: ReviewWorkflow,
    private readonly transitions: ReviewTransitions,
    private readonly steps: ReviewWriteSteps,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(actor: Actor, dto: BulkReviewDto): Promise<BulkResultDto> {
    refuseMixedChoice(dto);
    const scope = await this.scopes.of(actor);
    const { done, skipped } = dto.action === 'start' ? await this.start(actor, scope, dto) : await this.move(actor, scope, dto.action, dto);
    const run = await this.dataSource.getRepository(ReviewBulkRun).save({
      action: dto.action,
      actorUserId: actor.userId,
      cycleId: dto.filter?.cycleId ?? null,
      done,
      skipped,
    });
    return { runId: run.id, action: dto.action, done, skipped };
  }

  /** A stored result, for the one who ran it only; anyone else gets 404, as for a review out of scope. */
  async result(actor: Actor, runId: string): Promise<BulkResultDto & { cycleId: string | null; createdAt: Date }> {
    const run = await this.dataSource.getRepository(ReviewBulkRun).findOneBy({ id: runId });
    if (!run || run.actorUserId === null || run.actorUserId !== actor.userId) throw notFound('Bulk result', runId);
    return { runId: run.id, action: run.action, done: run.done, skipped: run.skipped, cycleId: run.cycleId, createdAt: run.createdAt };
  }

  private async move(actor: Actor, scope: AccessScope, action: Moves, dto: BulkReviewDto): Promise<{ done: BulkDoneDto[]; skipped: BulkSkippedDto[] }> {
    const done: BulkDoneDto[] = [];
    const skipped: BulkSkippedDto[] = [];
    let heads;
    if (dto.reviewIds) {
      const ids = [...new Set(dto.reviewIds.map((id) => id.toLowerCase()))];
      const found = new Map((await this.queries.heads(scope, ids)).map((h) => [h.id, h]));
      // In the order they were chosen; ids out of scope look like ids of nothing, as on a single review.
      heads = ids.flatMap((id) => {
        const h = found.get(id);
        if (!h) skipped.push({ reviewId: id, employeeId: null, employeeNo: null, name: null, ...skipOf(notFound('Review', id)) });
        return h ? [h] : [];
      });
    } else {
      const filter = dto.filter as BulkReviewFilterDto;
      heads = await this.queries.matching(scope, filter, this.clock.today(this.config.scorecards.timeZone), BULK_LIMIT + 1);
      if (heads.length > BULK_LIMIT) throw tooMany('filter', `reviews`);
    }
    for (const h of heads) {
      const who = { reviewId: h.id, employeeId: h.employee_id, employeeNo: h.employee_no, name: h.name };
      try {
        // The version read a moment ago: a change in between is refused by the single action's own check.
        const saved = await this.moveOne(actor, action, h.id, h.version, dto.reason ?? '');
        done.push({ ...who, version: saved.version });
      } catch (err) {
        skipped.push({ ...who, ...skipOf(err) });
      }
    }
    return { done, skipped };
  }

  private moveOne(actor: Actor, action: Moves, id: string, version: number, reason: string): Promise<ReviewDto> {
    if (action === 'submit') return this.transitions.submit(actor, id, version);
    if (action === 'finalize') return this.transitions.finalize(actor, id, version);
    return this.transitions.reopen(actor, id, version, reason);
  }

  private async start(actor: Actor, scope: AccessScope, dto: BulkReviewDto): Promise<{ done: BulkDoneDto[]; skipped: BulkSkippedDto[] }> {
    const filter = dto.filter as BulkReviewFilterDto;
    const done: BulkDoneDto[] = [];
    const skipped: BulkSkippedDto[] = [];
    let people: PersonRow[];
    if (dto.employeeIds) {
      const ids = [...new Set(dto.employeeIds.map((id) => id.toLowerCase()))];
      const found = new Map((await this.people(scope, { ids })).map((p) => [p.id, p]));
      people = ids.flatMap((id) => {
        const p = found.get(id);
        if (!p) skipped.push({ reviewId: null, employeeId: id, employeeNo: null, name: null, ...skipOf(notFound('Employee', id)) });
        return p ? [p] : [];
      });
    } else {
      // As the "not started" list shows them: active people without a review in the cycle.
      people = await this.people(scope, { cycleId: filter.cycleId, department: filter.department, q: filter.q, limit: BULK_LIMIT + 1 });
      if (people.length > BULK_LIMIT) throw tooMany('filter', 'people');
    }
    const pinned = new Map<string, PinnedTemplate | null>();
    for (const p of people) {
      const who = { employeeId: p.id, employeeNo: p.employee_no, name: p.name };
      // The reasons start-all gives, said with their own codes; create() refuses both too, in words only.
      if (!p.active) {
        skipped.push({ reviewId: null, ...who, code: 'inactive', params: {}, message: `${p.name} is deactivated` });
        continue;
      }
      if (!pinned.has(p.role_id)) pinned.set(p.role_id, await this.steps.pinTemplate(this.dataSource.manager, p.role_id));
      if (!pinned.get(p.role_id)) {
        const message = `Role ${p.role_code} has no published KPI template yet`;
        skipped.push({ reviewId: null, ...who, code: 'no_published_template', params: { role: p.role_code }, message });
        continue;
      }
      try {
        const review = await this.workflow.create(actor, { employeeId: p.id, cycleId: filter.cycleId });
        done.push({ reviewId: review.id, ...who, version: review.version });
      } catch (err) {
        const skip = skipOf(err);
        const existing = skip.code === 'already_started' ? await this.existingReview(p.id, filter.cycleId) : null;
        skipped.push({ reviewId: existing, ...who, ...skip });
      }
    }
    return { done, skipped };
  }

  /** People by id, or those without a review in a cycle matching the list's filters, within `scope`, by employee number. */
  private people(scope: AccessScope, q: { ids?: string[]; cycleId?: string; department?: string; q?: string; limit?: number }): Promise<PersonRow[]> {
    const f = new SqlFilter();
    if (q.ids) f.and(`e.id = ANY(${f.param(q.ids)}::uuid[])`);
    if (q.cycleId) f.and(`e.active AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.employee_id = e.id AND r.cycle_id = ${f.param(q.cycleId)})`);
    const inScope = scopeSql(scope, 'e.id', (v) => f.param(v));
    if (inScope) f.and(inScope);
    if (q.department) f.and(`e.department = ${f.param(q.department)}`);
    if (q.q?.trim()) f.and(nameOrNumberSql(f, 'e', q.q));
    const limit = q.limit ? ` LIMIT ${f.param(q.limit)}` : '';
    return this.dataSource.query<PersonRow[]>(
      `SELECT e.id, e.employee_no, e.name, e.active, e.role_id, ro.code AS role_code
         FROM employees e JOIN roles ro ON ro.id = e.role_id ${f.where()} ORDER BY e.employee_no${limit}`,
      f.params,
    );
  }

  private async existingReview(employeeId: string, cycleId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ id: string }[]>('SELECT id FROM reviews WHERE employee_id = $1 AND cycle_id = $2', [employeeId, cycleId]);
    return row?.id ?? null;
  }
}

/** Reviews and people are chosen one way at a time; start needs the cycle from the filter. */
function refuseMixedChoice(dto: BulkReviewDto): void {
  const errors: FieldErrorDto[] = [];
  if (dto.action === 'start') {
    if (dto.reviewIds) errors.push({ field: 'reviewIds', code: 'unknownField', params: {}, message: 'start acts on people: send employeeIds or a filter' });
    if (!dto.filter) errors.push({ field: 'filter.cycleId', code: 'required', params: {}, message: 'start needs the cycle: filter.cycleId' });
  } else {
    if (dto.employeeIds)
      errors.push({ field: 'employeeIds', code: 'unknownField', params: {}, message: `${dto.action} acts on reviews: send reviewIds or a filter` });
    if (dto.reviewIds && dto.filter) errors.push({ field: 'filter', code: 'unknownField', params: {}, message: 'send reviewIds or a filter, not both' });
    if (!dto.reviewIds && !dto.filter) errors.push({ field: 'reviewIds', code: 'required', params: {}, message: 'choose reviews: reviewIds or a filter' });
  }
  if (errors.length) throw badRequest(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

function tooMany(field: string, what: string) {
  const message = `The filter matches more than ${BULK_LIMIT} ${what}; narrow it (a department, a stage, a search) or choose them one by one`;
  return badRequest(message, [{ field, code: 'arrayMaxSize', params: { max: BULK_LIMIT }, message }]);
}
