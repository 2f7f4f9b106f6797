// Step 4 of the KPI-actuals import: apply. The service reads the cycle's reviews, hands them with the
// file's rows to the pure planner, and writes what it returns in one transaction, or reports it (dry run).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { conflict } from '../common/errors.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { type ImportedReview, ReviewBatchWrites } from '../reviews/review-batch-writes.service.js';
import type { PinnedTemplate } from '../reviews/review.entity.js';
import type { KpiInput } from '../scoring/types.js';
import { type ActualsPlan, type ActualsTarget, planActuals, type ReviewChange } from './actuals-plan.js';
import type { ActualsImportReportDto, ImportFieldChangeDto } from './dto/import.dto.js';
import { count, fileError, ImportRuns, type UploadedImport, reportBase, type ReportWording } from './import-runs.js';
import type { ImportMode } from './import-run.entity.js';
import { ImportFileError } from './read-table.js';
import { pinnedFrom } from '../reviews/review.rules.js';
import { type ReadParts, readStamps, sameReads } from './actuals-reads.js';

interface ReviewRow {
  employee_id: string;
  employee_no: string;
  name: string;
  active: boolean;
  role_id: string;
  review_id: string | null;
  status: string | null;
  version: number | null;
  inputs: Record<string, KpiInput> | null;
  final_reasons: Record<string, string> | null;
  /** The manager's submitted proposal: their assessment's entries. */
  proposal: Record<string, { rating?: number | null }> | null;
  proposal_md5: string | null;
  total: number | null;
  template_version_id: string | null;
}

function actualsCounts(p: ActualsPlan): { changes: { action: 'create' | 'update' }[]; unchanged: number; refusedRows: number } {
  return { changes: p.changes.map((c) => ({ action: c.action === 'start' ? 'create' : 'update' })), unchanged: p.unchanged, refusedRows: p.refusedRows };
}

// The planner's reads: each employee named in the file, their review in the cycle and the manager's submitted proposal.
const READS_FROM = `FROM employees e LEFT JOIN reviews r ON r.employee_id = e.id AND r.cycle_id = $1
              LEFT JOIN review_assessments a ON a.review_id = r.id AND a.kind = 'manager' AND a.submitted_at IS NOT NULL
        WHERE e.employee_no = ANY($2::text[])`;
const PROPOSAL_MD5 = 'md5(a.entries::text) AS proposal_md5';

@Injectable()
export class ActualsImports {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cycles: CyclesService,
    private readonly templates: KpiTemplatesService,
    private readonly runs: ImportRuns,
    private readonly batch: ReviewBatchWrites,
  ) {}

  async importActuals(actor: Actor, cycleId: string, file: UploadedImport, mode: ImportMode, skipRefused: boolean): Promise<ActualsImportReportDto> {
    const { tables, hash } = await this.runs.read(file);
    const numbers = this.runs.numbersIn(tables);
    const plan = async (m: EntityManager) => {
      const { targets, reviews, stamps } = await this.actualsTargets(m, cycleId, numbers);
      try {
        return { plan: planActuals(tables, targets), reviews, stamps };
      } catch (e) {
        if (e instanceof ImportFileError) throw fileError(e);
        throw e;
      }
    };
    // A closed or unknown cycle, or a commit without its clean dry run, is refused before any planning.
    await this.dataSource.transaction(async (m) => {
      await this.cycles.lockOpen(m, cycleId);
      if (mode === 'commit') await this.runs.requireCleanDryRun(m, 'actuals', cycleId, hash, skipRefused);
    });
    // Planned outside any transaction: under load the planning of a large file held one idle past
    // PostgreSQL's idle-in-transaction limit (503). The commit below re-checks what it read.
    const first = await plan(this.dataSource.manager);
    if (mode === 'dry-run') {
      return this.dataSource.transaction(async (m) => {
        await this.cycles.lockOpen(m, cycleId);
        const runId = await this.runs.saveRun(m, actor, 'actuals', 'dry-run', cycleId, hash, file.originalname, actualsCounts(first.plan));
        return this.actualsReport(runId, 'dry-run', hash, file.originalname, first.plan, false);
      });
    }
    return this.dataSource.transaction(async (m) => {
      // Holds the cycle open, as every review write does; the reviews named are then row-locked
      // and their reads stamped again, so a manual save since the planning is either seen here
      // (and the file planned again, inside) or waits and then finds a newer version.
      await this.cycles.lockOpen(m, cycleId);
      await this.runs.requireCleanDryRun(m, 'actuals', cycleId, hash, skipRefused);
      await m.query(
        'SELECT r.id FROM reviews r JOIN employees e ON e.id = r.employee_id WHERE r.cycle_id = $1 AND e.employee_no = ANY($2::text[]) ORDER BY r.id FOR UPDATE OF r',
        [cycleId, numbers],
      );
      const { plan: p, reviews } = sameReads(first.stamps, await this.stampsNow(m, cycleId, numbers)) ? first : await plan(m);
      if (p.refused.length > 0 && !skipRefused) {
        throw conflict('The reviews changed since the dry run and now some rows are refused; run the dry run again', {
          messageZh: '自试运行以来评估已有变化，现在有行被拒绝；请重新试运行',
          rows: p.refused,
        });
      }
      const runId = await this.runs.saveRun(m, actor, 'actuals', 'commit', cycleId, hash, file.originalname, actualsCounts(p));
      if (p.changes.length > 0) await this.applyActuals(m, actor, runId, cycleId, p.changes, reviews);
      const c = actualsCounts(p);
      await this.audit.record(m, actor, {
        action: 'commit',
        entity: 'import',
        entityId: runId,
        after: {
          kind: 'actuals',
          cycleId,
          fileName: file.originalname,
          fileHash: hash,
          started: count(c, 'create'),
          updated: count(c, 'update'),
          unchanged: p.unchanged,
          refused: p.refusedRows,
        },
      });
      return this.actualsReport(runId, 'commit', hash, file.originalname, p, p.changes.length > 0);
    });
  }

  private async actualsTargets(
    m: EntityManager,
    cycleId: string,
    numbers: string[],
  ): Promise<{ targets: Map<string, ActualsTarget>; reviews: Map<string, ReviewRow>; stamps: Map<string, string> }> {
    const rows = await m.query<ReviewRow[]>(
      `SELECT e.id AS employee_id, e.employee_no, e.name, e.active, e.role_id, r.id AS review_id, r.status, r.version, r.inputs, r.final_reasons,
              a.entries AS proposal, ${PROPOSAL_MD5}, r.total::float8 AS total, r.template_version_id ${READS_FROM}`,
      [cycleId, numbers],
    );
    // One parsed copy per pinned version, not one per review: 10,000 copies of several KB of JSON
    // were most of what a re-import of a started cycle held.
    const versions = await m.query<{ template_version_id: string; template: PinnedTemplate }[]>(
      `SELECT DISTINCT ON (template_version_id) template_version_id, template FROM reviews
        WHERE cycle_id = $1 AND template_version_id = ANY($2::uuid[]) ORDER BY template_version_id`,
      [cycleId, [...new Set(rows.map((r) => r.template_version_id).filter((v) => v !== null))]],
    );
    const templateOf = new Map(versions.map((v) => [v.template_version_id, v.template]));
    const pinned = new Map<string, PinnedTemplate | null>();
    for (const r of rows) {
      if (r.review_id || pinned.has(r.role_id)) continue;
      const published = await this.templates.currentPublished(r.role_id, m);
      pinned.set(r.role_id, published && pinnedFrom(published));
    }
    const targets = new Map<string, ActualsTarget>();
    const reviews = new Map<string, ReviewRow>();
    for (const r of rows) {
      reviews.set(r.employee_no, r);
      targets.set(r.employee_no, {
        employeeNo: r.employee_no,
        name: r.name,
        active: r.active,
        review:
          r.review_id && r.template_version_id && templateOf.has(r.template_version_id) && r.status && r.version !== null
            ? {
                id: r.review_id,
                status: r.status,
                version: r.version,
                inputs: r.inputs ?? {},
                total: r.total ?? 0,
                template: templateOf.get(r.template_version_id)!,
                finalReasons: r.final_reasons ?? {},
                proposal: r.proposal && Object.fromEntries(Object.entries(r.proposal).map(([key, e]) => [key, e.rating ?? null])),
              }
            : null,
        newTemplate: r.review_id ? null : (pinned.get(r.role_id) ?? null),
      });
    }
    return { targets, reviews, stamps: readStamps(rows, (role) => pinned.get(role)?.templateVersionId ?? null) };
  }

  /** The planner's reads again, without the heavy columns (inputs, templates), for sameReads. */
  private async stampsNow(m: EntityManager, cycleId: string, numbers: string[]): Promise<Map<string, string>> {
    const rows = await m.query<ReadParts[]>(
      `SELECT e.employee_no, e.active, e.role_id, r.id AS review_id, r.status, r.version, ${PROPOSAL_MD5} ${READS_FROM}`,
      [cycleId, numbers],
    );
    const pinned = new Map<string, string | null>();
    for (const r of rows) {
      if (r.review_id || pinned.has(r.role_id)) continue;
      pinned.set(r.role_id, (await this.templates.currentPublished(r.role_id, m))?.version.id ?? null);
    }
    return readStamps(rows, (role) => pinned.get(role) ?? null);
  }

  /** Every review write through ReviewBatchWrites, as a manual create and save are (rules, version, score columns, audit), in this transaction. */
  private async applyActuals(
    m: EntityManager,
    actor: Actor,
    importId: string,
    cycleId: string,
    changes: ReviewChange[],
    reviews: Map<string, ReviewRow>,
  ): Promise<void> {
    const items: ImportedReview[] = changes.map((c) => {
      const r = reviews.get(c.employeeNo);
      if (!r) throw new Error(`${c.employeeNo} was planned but not read`);
      return {
        employeeId: r.employee_id,
        review: c.reviewId && r.version !== null ? { id: c.reviewId, version: r.version } : null,
        entries: Object.entries(c.inputs).map(([kpiKey, i]) => ({
          kpiKey,
          actual: i.actual ?? null,
          target: i.target ?? null,
          rating: i.rating ?? null,
          comment: i.comment ?? null,
        })),
        finalReasons: c.finalReasons,
      };
    });
    await this.batch.saveImported(m, actor, cycleId, items, { importId });
  }

  private actualsReport(importId: string, mode: ImportMode, hash: string, fileName: string, p: ActualsPlan, committed: boolean): ActualsImportReportDto {
    const c = actualsCounts(p);
    const text = (i: KpiInput | null) => (i === null ? null : JSON.stringify(i));
    return {
      ...reportBase({ importId, mode, hash, fileName, committed }, p, { create: count(c, 'create'), update: count(c, 'update') }, ACTUALS_WORDING),
      layout: p.layout,
      reviews: p.changes.map((ch) => ({
        employeeNo: ch.employeeNo,
        name: ch.name,
        action: ch.action,
        reviewId: ch.reviewId,
        rows: ch.rows,
        totalBefore: ch.totalBefore,
        totalAfter: ch.totalAfter,
        fields: ch.kpis.map((k): ImportFieldChangeDto => ({ field: k.kpiKey, before: text(k.before), after: text(k.after) })),
      })),
    };
  }
}

const ACTUALS_WORDING: ReportWording = {
  nothingToChange: (c) => [
    `Nothing to change: ${c.unchanged} review(s) already hold these values${c.refused ? `, ${c.refused} row(s) refused` : ''}`,
    `无需更改：${c.unchanged} 份评估已是这些数值${c.refused ? `，${c.refused} 行被拒绝` : ''}`,
  ],
  wouldChange: (c) => [
    `Would start ${c.create} draft(s), update ${c.update}, leave ${c.unchanged} unchanged and refuse ${c.refused} row(s)`,
    `将新建 ${c.create} 份草稿、更新 ${c.update} 份，${c.unchanged} 份不变，拒绝 ${c.refused} 行`,
  ],
  nothingChanged: ['Nothing changed: every review already holds these values', '未做任何更改：每份评估都已是这些数值'],
  changed: (c) => [
    `Started ${c.create} draft(s), updated ${c.update}, left ${c.unchanged} unchanged, skipped ${c.refused} refused row(s)`,
    `已新建 ${c.create} 份草稿、更新 ${c.update} 份，${c.unchanged} 份不变，跳过 ${c.refused} 行`,
  ],
};
