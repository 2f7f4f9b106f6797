import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { badRequest, type CodedFieldError, conflict, duplicate, notFound } from '../common/errors.js';
import { rejectNulls } from '../common/validation.js';
import { lockVersioned, saveVersioned } from '../common/versioning.js';
import { dueDateProblems, distributionProblems, REVIEW_STAGES, stageUnderSettings } from '../review-stages/review-stages.js';
import { Cycle, type CycleStatus } from './cycle.entity.js';
import { type CycleReviewCounts, reviewCountsOf } from './review-counts.js';
import type { CreateCycleDto, CycleDto, CycleQueryDto, CycleStagesDto, UpdateCycleDto } from './dto/cycle.dto.js';

const snapshot = (c: Cycle) => ({
  name: c.name,
  periodStart: c.periodStart,
  periodEnd: c.periodEnd,
  status: c.status,
  ...stagesOf(c),
  version: c.version,
});

const STAGE_FIELDS = [
  'selfAssessment',
  'managerAssessment',
  'selfAssessmentDue',
  'managerAssessmentDue',
  'hrReviewDue',
  'finalizationDue',
  'targetDistribution',
  'printAssessments',
] as const;

function stagesOf(c: Cycle): Required<CycleStagesDto> {
  return {
    selfAssessment: c.selfAssessment,
    managerAssessment: c.managerAssessment,
    selfAssessmentDue: c.selfAssessmentDue,
    managerAssessmentDue: c.managerAssessmentDue,
    hrReviewDue: c.hrReviewDue,
    finalizationDue: c.finalizationDue,
    targetDistribution: c.targetDistribution,
    printAssessments: c.printAssessments,
  };
}

/** The stage fields the DTO sets (left-out ones keep their value). */
function stagePatch(dto: CycleStagesDto): Partial<Cycle> {
  const patch: Partial<Cycle> = {};
  for (const f of STAGE_FIELDS) if (dto[f] !== undefined) Object.assign(patch, { [f]: dto[f] });
  return patch;
}

/** Refuses due dates out of stage order and target distributions that do not add up. */
function checkStages(c: Pick<Cycle, (typeof STAGE_FIELDS)[number] | 'periodStart'>): void {
  const errors: CodedFieldError[] = dueDateProblems(c, c, c.periodStart);
  if (c.targetDistribution) errors.push(...distributionProblems(c.targetDistribution).map((p) => ({ field: 'targetDistribution', ...p })));
  if (errors.length > 0) throw badRequest(`Validation failed: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
}

function checkPeriod(start: string, end: string): void {
  if (end < start)
    throw badRequest(`periodEnd (${end}) is before periodStart (${start})`, [
      { field: 'periodEnd', code: 'notBeforeStart', params: { date: start }, message: 'must not be before periodStart' },
    ]);
}

@Injectable()
export class CyclesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Cycle) private readonly cycles: Repository<Cycle>,
    private readonly audit: AuditService,
  ) {}

  async list(q: CycleQueryDto): Promise<CycleDto[]> {
    const rows = await this.cycles.find({ where: q.status ? { status: q.status } : {}, order: { periodStart: 'DESC', name: 'ASC' } });
    const counts = await this.counts(rows.map((r) => r.id));
    return rows.map((c) => this.toDto(c, counts.get(c.id)));
  }

  async get(id: string): Promise<CycleDto> {
    const c = await this.findById(id);
    return this.toDto(c, (await this.counts([id])).get(id));
  }

  async findById(id: string, m: EntityManager = this.dataSource.manager): Promise<Cycle> {
    const c = await m.findOneBy(Cycle, { id });
    if (!c) throw notFound('Cycle', id);
    return c;
  }

  /**
   * Reviews may only be created or changed while their cycle is open. The row lock keeps the
   * cycle from closing until the caller's transaction ends.
   */
  async lockOpen(m: EntityManager, id: string, mode: 'shared' | 'exclusive' = 'shared'): Promise<Cycle> {
    // Exclusive: for a batch over the whole cycle (starting every missing review), which must not
    // interleave with single creates or with another batch.
    const c = await m.findOne(Cycle, { where: { id }, lock: { mode: mode === 'shared' ? 'pessimistic_read' : 'pessimistic_write' } });
    if (!c) throw notFound('Cycle', id);
    if (c.status !== 'open') throw conflict(`Cycle "${c.name}" is ${c.status}; reviews can only change while it is open`, { cycleStatus: c.status });
    return c;
  }

  async create(actor: Actor, dto: CreateCycleDto): Promise<CycleDto> {
    checkPeriod(dto.periodStart, dto.periodEnd);
    rejectNulls(dto, ['selfAssessment', 'managerAssessment', 'printAssessments']);
    const saved = await this.dataSource.transaction(async (m) => {
      if (await m.existsBy(Cycle, { name: dto.name }))
        throw duplicate(`A cycle named "${dto.name}" already exists`, [{ field: 'name', code: 'unique', params: {}, message: 'must be unique' }]);
      const fresh = m.create(Cycle, {
        name: dto.name,
        periodStart: dto.periodStart,
        periodEnd: dto.periodEnd,
        status: 'planned',
        selfAssessment: false,
        managerAssessment: false,
        selfAssessmentDue: null,
        managerAssessmentDue: null,
        hrReviewDue: null,
        finalizationDue: null,
        targetDistribution: null,
        printAssessments: false,
        ...stagePatch(dto),
      });
      checkStages(fresh);
      const c = await m.save(fresh);
      await this.audit.record(m, actor, { action: 'create', entity: 'cycle', entityId: c.id, after: snapshot(c) });
      return c;
    });
    return this.get(saved.id);
  }

  async update(actor: Actor, id: string, expected: number, dto: UpdateCycleDto): Promise<CycleDto> {
    rejectNulls(dto, ['name', 'periodStart', 'periodEnd', 'selfAssessment', 'managerAssessment', 'printAssessments']);
    await this.dataSource.transaction(async (m) => {
      const c = await lockVersioned(m, Cycle, 'Cycle', id, expected);
      if (c.status === 'closed') throw conflict(`Cycle "${c.name}" is closed and can no longer change`);
      const patch: Partial<Cycle> = {};
      if (dto.name !== undefined && dto.name !== c.name) {
        if (await m.existsBy(Cycle, { name: dto.name }))
          throw duplicate(`A cycle named "${dto.name}" already exists`, [{ field: 'name', code: 'unique', params: {}, message: 'must be unique' }]);
        patch.name = dto.name;
      }
      if (dto.periodStart !== undefined) patch.periodStart = dto.periodStart;
      if (dto.periodEnd !== undefined) patch.periodEnd = dto.periodEnd;
      checkPeriod(patch.periodStart ?? c.periodStart, patch.periodEnd ?? c.periodEnd);
      Object.assign(patch, stagePatch(dto));
      checkStages({ ...c, ...patch });
      const saved = await saveVersioned(m, Cycle, 'Cycle', c, patch);
      await moveReviewsOutOfSwitchedOffStages(m, saved);
      await this.audit.record(m, actor, { action: 'update', entity: 'cycle', entityId: id, before: snapshot(c), after: snapshot(saved) });
    });
    return this.get(id);
  }

  async open(actor: Actor, id: string, expected: number): Promise<CycleDto> {
    return this.transition(actor, id, expected, 'planned', 'open');
  }

  /** A cycle closes only when every review in it is finalized; otherwise the error lists the rest. */
  async close(actor: Actor, id: string, expected: number): Promise<CycleDto> {
    return this.transition(actor, id, expected, 'open', 'closed', async (m) => {
      // Read through SQL rather than the reviews module: reviews depend on cycles, not the reverse.
      const pending = await m.query<{ id: string; employee_no: string; name: string; status: string }[]>(
        `SELECT r.id, e.employee_no, e.name, r.status FROM reviews r JOIN employees e ON e.id = r.employee_id
         WHERE r.cycle_id = $1 AND r.status <> 'finalized' ORDER BY e.employee_no`,
        [id],
      );
      if (pending.length > 0) {
        throw conflict(
          `The cycle cannot close: ${pending.length} review(s) are not finalized: ${pending
            .slice(0, 10)
            .map((p) => `${p.employee_no} ${p.name} (${p.status})`)
            .join(', ')}${pending.length > 10 ? ', …' : ''}`,
          { notFinalized: pending.map((p) => ({ reviewId: p.id, employeeNo: p.employee_no, name: p.name, status: p.status })) },
        );
      }
    });
  }

  async remove(actor: Actor, id: string, expected: number): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const c = await lockVersioned(m, Cycle, 'Cycle', id, expected);
      if (c.status !== 'planned') throw conflict(`Only a planned cycle can be deleted; "${c.name}" is ${c.status}`);
      await m.delete(Cycle, { id });
      await this.audit.record(m, actor, { action: 'delete', entity: 'cycle', entityId: id, before: snapshot(c) });
    });
  }

  private async transition(
    actor: Actor,
    id: string,
    expected: number,
    from: CycleStatus,
    to: CycleStatus,
    guard?: (m: EntityManager) => Promise<void>,
  ): Promise<CycleDto> {
    await this.dataSource.transaction(async (m) => {
      const c = await lockVersioned(m, Cycle, 'Cycle', id, expected);
      if (c.status !== from) throw conflict(`Cycle "${c.name}" is ${c.status}; only a ${from} cycle can become ${to}`, { status: c.status });
      await guard?.(m);
      const saved = await saveVersioned(m, Cycle, 'Cycle', c, { status: to });
      await this.audit.record(m, actor, {
        action: to === 'open' ? 'open' : 'close',
        entity: 'cycle',
        entityId: id,
        before: snapshot(c),
        after: snapshot(saved),
      });
    });
    return this.get(id);
  }

  /** From the maintained counts (review-counts.ts): the list of every cycle no longer aggregates every review. */
  private counts(ids: string[]): Promise<Map<string, CycleReviewCounts>> {
    return reviewCountsOf(this.dataSource, ids);
  }

  private toDto(c: Cycle, counts: CycleReviewCounts | undefined): CycleDto {
    return {
      id: c.id,
      name: c.name,
      periodStart: c.periodStart,
      periodEnd: c.periodEnd,
      status: c.status,
      reviews: counts ?? { draft: 0, submitted: 0, finalized: 0, total: 0 },
      ...stagesOf(c),
      version: c.version,
      createdAt: c.createdAt.toISOString(),
      updatedAt: new Date(c.updatedAt).toISOString(),
    };
  }
}

/**
 * A stage switched off while reviews wait in it moves them on, so nobody waits in a stage that no
 * longer runs. Their assessments stay as they are (a submitted one is still shown).
 */
async function moveReviewsOutOfSwitchedOffStages(m: EntityManager, c: Cycle): Promise<void> {
  for (const from of REVIEW_STAGES) {
    const to = stageUnderSettings(c, from);
    if (to !== from)
      await m.query('UPDATE reviews SET stage = $3, version = version + 1, updated_at = now() WHERE cycle_id = $1 AND stage = $2', [c.id, from, to]);
  }
}
