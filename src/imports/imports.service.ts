// Step 4 of an import: apply. The service reads what is on record, hands it with the file's rows to
// the pure planners, and writes what they return in one transaction, or reports it (dry run).
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { ApiError, conflict } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { REPORTING_TREE_LOCK } from '../employees/employees.service.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import type { PinnedTemplate } from '../reviews/review.entity.js';
import type { KpiInput } from '../scoring/types.js';
import { type ActualsPlan, type ActualsTarget, planActuals, type ReviewChange } from './actuals-plan.js';
import type { ActualsImportReportDto, EmployeeImportReportDto, ImportFieldChangeDto } from './dto/import.dto.js';
import { type EmployeeChange, type EmployeePlan, type EmployeeRecord, planEmployees } from './employee-plan.js';
import type { ImportKind, ImportMode } from './import-run.entity.js';
import { ImportFileError, readTables, type Table } from './read-table.js';

export interface UploadedImport {
  buffer: Buffer;
  originalname: string;
}

interface RecordRow {
  id: string;
  employee_no: string;
  name: string;
  email: string;
  department: string;
  role_id: string;
  role_code: string;
  manager_id: string | null;
  manager_no: string | null;
  hire_date: string;
  active: boolean;
  version: number;
}

const CHUNK = 1000;

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
  total: number | null;
  template: PinnedTemplate | null;
  complete: boolean | null;
  band_key: string | null;
  strengths: string | null;
  challenges: string | null;
  development_plan: string | null;
  hr_notes: string | null;
}

function actualsCounts(p: ActualsPlan): { changes: { action: 'create' | 'update' }[]; unchanged: number; refusedRows: number } {
  return { changes: p.changes.map((c) => ({ action: c.action === 'start' ? 'create' : 'update' })), unchanged: p.unchanged, refusedRows: p.refusedRows };
}

/** The file as a 4xx in the one error shape; a file that cannot be read never becomes a 500. */
export function fileError(e: ImportFileError): ApiError {
  return new ApiError(e.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED', e.message, {
    details: {
      messageZh: e.messageZh,
      ...(e.limit ? { limit: e.limit } : {}),
    },
  });
}

const shown = (v: string | boolean | null): string | null => (v === null ? null : String(v));

@Injectable()
export class ImportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly cycles: CyclesService,
    private readonly templates: KpiTemplatesService,
  ) {}

  async importActuals(actor: Actor, cycleId: string, file: UploadedImport, mode: ImportMode, skipRefused: boolean): Promise<ActualsImportReportDto> {
    const { tables, hash } = await this.read(file);
    const numbers = this.numbersIn(tables);
    const plan = async (m: EntityManager) => {
      const { targets, reviews } = await this.actualsTargets(m, cycleId, numbers);
      try {
        return { plan: planActuals(tables, targets), reviews };
      } catch (e) {
        if (e instanceof ImportFileError) throw fileError(e);
        throw e;
      }
    };
    if (mode === 'dry-run') {
      return this.dataSource.transaction(async (m) => {
        await this.cycles.lockOpen(m, cycleId);
        const { plan: p } = await plan(m);
        const runId = await this.saveRun(m, actor, 'actuals', 'dry-run', cycleId, hash, file.originalname, actualsCounts(p));
        return this.actualsReport(runId, 'dry-run', hash, file.originalname, p, false);
      });
    }
    return this.dataSource.transaction(async (m) => {
      // Holds the cycle open, as every review write does; the reviews named are then row-locked
      // before they are read, so a manual save in between is either read or finds a newer version.
      await this.cycles.lockOpen(m, cycleId);
      await this.requireCleanDryRun(m, 'actuals', cycleId, hash, skipRefused);
      await m.query(
        'SELECT r.id FROM reviews r JOIN employees e ON e.id = r.employee_id WHERE r.cycle_id = $1 AND e.employee_no = ANY($2::text[]) ORDER BY r.id FOR UPDATE OF r',
        [cycleId, numbers],
      );
      const { plan: p, reviews } = await plan(m);
      if (p.refused.length > 0 && !skipRefused) {
        throw conflict('The reviews changed since the dry run and now some rows are refused; run the dry run again', {
          messageZh: '自试运行以来评估已有变化，现在有行被拒绝；请重新试运行',
          rows: p.refused,
        });
      }
      const runId = await this.saveRun(m, actor, 'actuals', 'commit', cycleId, hash, file.originalname, actualsCounts(p));
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
  ): Promise<{ targets: Map<string, ActualsTarget>; reviews: Map<string, ReviewRow> }> {
    const rows = await m.query<ReviewRow[]>(
      `SELECT e.id AS employee_id, e.employee_no, e.name, e.active, e.role_id, r.id AS review_id, r.status, r.version, r.inputs, r.total::float8 AS total,
              r.template, r.complete, r.band_key, r.strengths, r.challenges, r.development_plan, r.hr_notes
         FROM employees e LEFT JOIN reviews r ON r.employee_id = e.id AND r.cycle_id = $1
        WHERE e.employee_no = ANY($2::text[])`,
      [cycleId, numbers],
    );
    const pinned = new Map<string, PinnedTemplate | null>();
    for (const r of rows) {
      if (r.review_id || pinned.has(r.role_id)) continue;
      const published = await this.templates.currentPublished(r.role_id, m);
      pinned.set(
        r.role_id,
        published && {
          templateId: published.template.id,
          templateVersionId: published.version.id,
          versionNumber: published.version.number,
          roleCode: published.role.code,
          roleNameZh: published.role.nameZh,
          roleNameEn: published.role.nameEn,
          kpis: published.version.kpis,
          bands: published.version.bands,
        },
      );
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
          r.review_id && r.template && r.status && r.version !== null
            ? { id: r.review_id, status: r.status, version: r.version, inputs: r.inputs ?? {}, total: r.total ?? 0, template: r.template }
            : null,
        newTemplate: r.review_id ? null : (pinned.get(r.role_id) ?? null),
      });
    }
    return { targets, reviews };
  }

  /** Starts the missing drafts and saves the inputs, as a manual create and save would (version, score columns, audit). */
  private async applyActuals(
    m: EntityManager,
    actor: Actor,
    importId: string,
    cycleId: string,
    changes: ReviewChange[],
    reviews: Map<string, ReviewRow>,
  ): Promise<void> {
    const starts = changes.filter((c) => c.action === 'start');
    const updates = changes.filter((c) => c.action === 'update');
    const started = new Map<string, string>();
    // Grouped by template version: the pinned template (several KB of JSON) is sent once per
    // statement, not once per review (10,000 copies took about 400 MB of the app's memory).
    const byVersion = new Map<string, ReviewChange[]>();
    for (const c of starts) byVersion.set(c.template.templateVersionId, [...(byVersion.get(c.template.templateVersionId) ?? []), c]);
    for (const group of byVersion.values()) {
      const template = JSON.stringify(group[0].template);
      for (let i = 0; i < group.length; i += CHUNK) {
        const chunk = group.slice(i, i + CHUNK);
        const inserted = await m.query<{ id: string; employee_id: string }[]>(
          `INSERT INTO reviews (employee_id, cycle_id, template_version_id, template, inputs, total, complete, band_key, status)
           SELECT v.employee_id, $1, $2::uuid, $3::jsonb, v.inputs, v.total, v.complete, v.band_key, 'draft'
             FROM unnest($4::uuid[], $5::jsonb[], $6::numeric[], $7::boolean[], $8::text[]) AS v(employee_id, inputs, total, complete, band_key)
           RETURNING id, employee_id`,
          [
            cycleId,
            group[0].template.templateVersionId,
            template,
            chunk.map((c) => reviews.get(c.employeeNo)?.employee_id),
            chunk.map((c) => JSON.stringify(c.inputs)),
            chunk.map((c) => c.totalAfter),
            chunk.map((c) => c.complete),
            chunk.map((c) => c.bandKey),
          ],
        );
        const noOf = new Map(chunk.map((c) => [reviews.get(c.employeeNo)?.employee_id, c.employeeNo]));
        for (const r of inserted) started.set(noOf.get(r.employee_id) ?? '', r.id);
      }
    }
    for (let i = 0; i < updates.length; i += CHUNK) {
      const chunk = updates.slice(i, i + CHUNK);
      await m.query(
        `UPDATE reviews r SET inputs = v.inputs, total = v.total, complete = v.complete, band_key = v.band_key, version = r.version + 1, updated_at = now()
           FROM unnest($1::uuid[], $2::jsonb[], $3::numeric[], $4::boolean[], $5::text[]) AS v(id, inputs, total, complete, band_key)
          WHERE r.id = v.id AND r.status = 'draft'`,
        [
          chunk.map((c) => c.reviewId),
          chunk.map((c) => JSON.stringify(c.inputs)),
          chunk.map((c) => c.totalAfter),
          chunk.map((c) => c.complete),
          chunk.map((c) => c.bandKey),
        ],
      );
    }
    // The audit of a manual create and a manual score save (the same snapshot), plus the import's id.
    const snap = (r: ReviewRow, inputs: Record<string, KpiInput>, total: number, complete: boolean, bandKey: string | null, version: number) => ({
      status: 'draft',
      inputs,
      total,
      complete,
      bandKey,
      strengths: r.strengths ?? '',
      challenges: r.challenges ?? '',
      developmentPlan: r.development_plan ?? '',
      hrNotes: r.hr_notes ?? '',
      version,
    });
    await this.audit.recordMany(
      m,
      actor,
      changes.flatMap((c) => {
        const r = reviews.get(c.employeeNo);
        if (!r) return [];
        const after = { ...snap(r, c.inputs, c.totalAfter, c.complete, c.bandKey, c.action === 'start' ? 1 : (r.version ?? 0) + 1), importId };
        if (c.action === 'start') {
          const id = started.get(c.employeeNo) ?? '';
          return [
            {
              action: 'create',
              entity: 'review',
              entityId: id,
              after: {
                employeeId: r.employee_id,
                cycleId,
                templateVersionId: c.template.templateVersionId,
                templateVersion: c.template.versionNumber,
                importId,
              },
            },
            { action: 'scores', entity: 'review', entityId: id, after },
          ];
        }
        return [
          {
            action: 'scores',
            entity: 'review',
            entityId: c.reviewId ?? '',
            before: snap(r, r.inputs ?? {}, r.total ?? 0, r.complete ?? false, r.band_key, r.version ?? 0),
            after,
          },
        ];
      }),
    );
  }

  private actualsReport(importId: string, mode: ImportMode, hash: string, fileName: string, p: ActualsPlan, committed: boolean): ActualsImportReportDto {
    const c = actualsCounts(p);
    const create = count(c, 'create');
    const update = count(c, 'update');
    const nothing = create + update === 0;
    const [message, messageZh] =
      mode === 'dry-run'
        ? nothing
          ? [
              `Nothing to change: ${p.unchanged} review(s) already hold these values${p.refusedRows ? `, ${p.refusedRows} row(s) refused` : ''}`,
              `无需更改：${p.unchanged} 份评估已是这些数值${p.refusedRows ? `，${p.refusedRows} 行被拒绝` : ''}`,
            ]
          : [
              `Would start ${create} draft(s), update ${update}, leave ${p.unchanged} unchanged and refuse ${p.refusedRows} row(s)`,
              `将新建 ${create} 份草稿、更新 ${update} 份，${p.unchanged} 份不变，拒绝 ${p.refusedRows} 行`,
            ]
        : nothing
          ? ['Nothing changed: every review already holds these values', '未做任何更改：每份评估都已是这些数值']
          : [
              `Started ${create} draft(s), updated ${update}, left ${p.unchanged} unchanged, skipped ${p.refusedRows} refused row(s)`,
              `已新建 ${create} 份草稿、更新 ${update} 份，${p.unchanged} 份不变，跳过 ${p.refusedRows} 行`,
            ];
    const text = (i: KpiInput | null) => (i === null ? null : JSON.stringify(i));
    return {
      importId,
      mode,
      fileHash: hash,
      fileName,
      committed,
      layout: p.layout,
      counts: { create, update, unchanged: p.unchanged, refused: p.refusedRows },
      refused: p.refused,
      ignoredColumns: p.ignoredColumns,
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
      message,
      messageZh,
      auditUrl: committed ? `/api/audit?entity=import&id=${importId}` : null,
    };
  }

  /** Steps 1 and 2: bytes → tables (refusals as 4xx). */
  async read(file: UploadedImport): Promise<{ tables: Table[]; hash: string }> {
    const hash = createHash('sha256').update(file.buffer).digest('hex');
    try {
      const tables = await readTables(file.buffer, { maxRows: this.config.imports.maxRows, maxUnzippedBytes: this.config.imports.maxUnzippedBytes });
      return { tables, hash };
    } catch (e) {
      if (e instanceof ImportFileError) throw fileError(e);
      throw e;
    }
  }

  async importEmployees(actor: Actor, file: UploadedImport, mode: ImportMode, skipRefused: boolean): Promise<EmployeeImportReportDto> {
    const { tables, hash } = await this.read(file);
    const table = tables[0];
    const plan = async (m: EntityManager) => {
      const { records, roles } = await this.employeeRecords(m);
      try {
        return { plan: planEmployees(table, new Map([...records].map(([no, r]) => [no, r.record])), new Set(roles.keys())), records, roles };
      } catch (e) {
        if (e instanceof ImportFileError) throw fileError(e);
        throw e;
      }
    };
    if (mode === 'dry-run') {
      const { plan: p } = await plan(this.dataSource.manager);
      const runId = await this.saveRun(this.dataSource.manager, actor, 'employees', 'dry-run', null, hash, file.originalname, p);
      return this.employeeReport(runId, 'dry-run', hash, file.originalname, p, false);
    }
    return this.dataSource.transaction(async (m) => {
      await this.requireCleanDryRun(m, 'employees', null, hash, skipRefused);
      // Manual edits of reporting lines take the same lock, and the rows named in the file are locked
      // before they are read: an edit in between either lands first (and is read) or waits and then
      // finds a newer version (409), never overwritten unseen.
      await m.query('SELECT pg_advisory_xact_lock($1)', [REPORTING_TREE_LOCK]);
      const numbers = this.numbersIn(table);
      await m.query('SELECT id FROM employees WHERE employee_no = ANY($1::text[]) ORDER BY id FOR UPDATE', [numbers]);
      const { plan: p, records, roles } = await plan(m);
      if (p.refused.length > 0 && !skipRefused) {
        throw conflict('The records changed since the dry run and now some rows are refused; run the dry run again', {
          messageZh: '自试运行以来记录已有变化，现在有行被拒绝；请重新试运行',
          rows: p.refused,
        });
      }
      const runId = await this.saveRun(m, actor, 'employees', 'commit', null, hash, file.originalname, p);
      if (p.changes.length > 0) await this.applyEmployees(m, actor, runId, p.changes, records, roles);
      await this.audit.record(m, actor, {
        action: 'commit',
        entity: 'import',
        entityId: runId,
        after: {
          kind: 'employees',
          fileName: file.originalname,
          fileHash: hash,
          created: count(p, 'create'),
          updated: count(p, 'update'),
          unchanged: p.unchanged,
          refused: p.refusedRows,
        },
      });
      return this.employeeReport(runId, 'commit', hash, file.originalname, p, p.changes.length > 0);
    });
  }

  private numbersIn(tables: Table | Table[]): string[] {
    const out = new Set<string>();
    for (const r of (Array.isArray(tables) ? tables : [tables]).flatMap((t) => t.rows))
      for (const c of r.cells) if (typeof c === 'string' || typeof c === 'number') out.add(String(c).trim());
    return [...out];
  }

  /** A commit follows a dry run of the very same bytes that refused nothing (or the caller skips the refused rows). */
  private async requireCleanDryRun(m: EntityManager, kind: ImportKind, cycleId: string | null, hash: string, skipRefused: boolean): Promise<void> {
    const [run] = await m.query<{ refused: number }[]>(
      `SELECT refused FROM import_runs WHERE kind = $1 AND file_hash = $2 AND mode = 'dry-run' AND cycle_id IS NOT DISTINCT FROM $3::uuid
        ORDER BY created_at DESC LIMIT 1`,
      [kind, hash, cycleId],
    );
    if (!run) {
      throw conflict('Run a dry run of this file first (mode=dry-run): a commit applies only a file whose dry run was seen', {
        messageZh: '请先试运行此文件（mode=dry-run）：只有试运行过的文件才能提交',
        fileHash: hash,
      });
    }
    if (run.refused > 0 && !skipRefused) {
      throw conflict(`The dry run of this file refused ${run.refused} row(s): fix them, or commit with skipRefused=true to apply the other rows`, {
        messageZh: `此文件的试运行拒绝了 ${run.refused} 行：请修正，或以 skipRefused=true 提交其余行`,
        fileHash: hash,
        refusedRows: run.refused,
      });
    }
  }

  private async saveRun(
    m: EntityManager,
    actor: Actor,
    kind: ImportKind,
    mode: ImportMode,
    cycleId: string | null,
    hash: string,
    fileName: string,
    p: { changes: { action: 'create' | 'update' }[]; unchanged: number; refusedRows: number },
  ): Promise<string> {
    const [row] = await m.query<{ id: string }[]>(
      `INSERT INTO import_runs (kind, mode, cycle_id, file_hash, file_name, actor, actor_user_id, created, updated, unchanged, refused)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        kind,
        mode,
        cycleId,
        hash,
        fileName.slice(0, 255),
        actor.name.slice(0, 200),
        actor.userId,
        count(p, 'create'),
        count(p, 'update'),
        p.unchanged,
        p.refusedRows,
      ],
    );
    return row.id;
  }

  private async employeeRecords(m: EntityManager): Promise<{ records: Map<string, { row: RecordRow; record: EmployeeRecord }>; roles: Map<string, string> }> {
    const rows = await m.query<RecordRow[]>(
      `SELECT e.id, e.employee_no, e.name, e.email, e.department, e.role_id, r.code AS role_code, e.manager_id, mgr.employee_no AS manager_no,
              to_char(e.hire_date, 'YYYY-MM-DD') AS hire_date, e.active, e.version
         FROM employees e JOIN roles r ON r.id = e.role_id LEFT JOIN employees mgr ON mgr.id = e.manager_id`,
    );
    const records = new Map<string, { row: RecordRow; record: EmployeeRecord }>();
    for (const r of rows) {
      records.set(r.employee_no, {
        row: r,
        record: {
          employeeNo: r.employee_no,
          name: r.name,
          email: r.email,
          department: r.department,
          roleCode: r.role_code,
          managerNo: r.manager_no,
          hireDate: r.hire_date,
          active: r.active,
        },
      });
    }
    const roles = new Map((await m.query<{ id: string; code: string }[]>('SELECT id, code FROM roles')).map((r) => [r.code, r.id]));
    return { records, roles };
  }

  private async applyEmployees(
    m: EntityManager,
    actor: Actor,
    importId: string,
    changes: EmployeeChange[],
    records: Map<string, { row: RecordRow; record: EmployeeRecord }>,
    roles: Map<string, string>,
  ): Promise<void> {
    const idOf = new Map([...records].map(([no, r]) => [no, r.row.id]));
    const creates = changes.filter((c) => c.action === 'create');
    const updates = changes.filter((c) => c.action === 'update');
    // New people first, without managers: a manager may be a later row, created in the same batch.
    for (let i = 0; i < creates.length; i += CHUNK) {
      const chunk = creates.slice(i, i + CHUNK).map((c) => c.after);
      const inserted = await m.query<{ id: string; employee_no: string }[]>(
        `INSERT INTO employees (employee_no, name, email, department, role_id, hire_date, active)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::date[], $7::boolean[])
         RETURNING id, employee_no`,
        [
          chunk.map((e) => e.employeeNo),
          chunk.map((e) => e.name),
          chunk.map((e) => e.email),
          chunk.map((e) => e.department),
          chunk.map((e) => roles.get(e.roleCode)),
          chunk.map((e) => e.hireDate),
          chunk.map((e) => e.active),
        ],
      );
      for (const r of inserted) idOf.set(r.employee_no, r.id);
    }
    const managerId = (e: EmployeeRecord) => (e.managerNo === null ? null : (idOf.get(e.managerNo) ?? null));
    const withManager = creates.filter((c) => c.after.managerNo !== null);
    for (let i = 0; i < withManager.length; i += CHUNK) {
      const chunk = withManager.slice(i, i + CHUNK);
      await m.query(`UPDATE employees e SET manager_id = v.manager_id FROM unnest($1::uuid[], $2::uuid[]) AS v(id, manager_id) WHERE e.id = v.id`, [
        chunk.map((c) => idOf.get(c.employeeNo)),
        chunk.map((c) => managerId(c.after)),
      ]);
    }
    for (let i = 0; i < updates.length; i += CHUNK) {
      const chunk = updates.slice(i, i + CHUNK);
      await m.query(
        `UPDATE employees e
            SET name = v.name, email = v.email, department = v.department, role_id = v.role_id, manager_id = v.manager_id,
                hire_date = v.hire_date, active = v.active, version = e.version + 1, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::date[], $8::boolean[])
                AS v(id, name, email, department, role_id, manager_id, hire_date, active)
          WHERE e.id = v.id`,
        [
          chunk.map((c) => idOf.get(c.employeeNo)),
          chunk.map((c) => c.after.name),
          chunk.map((c) => c.after.email),
          chunk.map((c) => c.after.department),
          chunk.map((c) => roles.get(c.after.roleCode)),
          chunk.map((c) => managerId(c.after)),
          chunk.map((c) => c.after.hireDate),
          chunk.map((c) => c.after.active),
        ],
      );
    }
    // Audited as the manual writes are (same snapshot fields), plus the import that made the change.
    const snapshot = (id: string, e: EmployeeRecord, version: number) => ({
      employeeNo: e.employeeNo,
      name: e.name,
      email: e.email,
      roleId: roles.get(e.roleCode) ?? null,
      department: e.department,
      managerId: managerId(e),
      hireDate: e.hireDate,
      active: e.active,
      version,
      importId,
      id,
    });
    await this.audit.recordMany(
      m,
      actor,
      changes.map((c) => {
        const id = idOf.get(c.employeeNo) ?? '';
        const before = records.get(c.employeeNo)?.row;
        const { id: _id, ...after } = snapshot(id, c.after, before ? before.version + 1 : 1);
        return {
          action: c.action,
          entity: 'employee',
          entityId: id,
          before: before
            ? {
                employeeNo: before.employee_no,
                name: before.name,
                email: before.email,
                roleId: before.role_id,
                department: before.department,
                managerId: before.manager_id,
                hireDate: before.hire_date,
                active: before.active,
                version: before.version,
              }
            : undefined,
          after,
        };
      }),
    );
  }

  private employeeReport(importId: string, mode: ImportMode, hash: string, fileName: string, p: EmployeePlan, committed: boolean): EmployeeImportReportDto {
    const create = count(p, 'create');
    const update = count(p, 'update');
    const nothing = create + update === 0;
    const [message, messageZh] =
      mode === 'dry-run'
        ? nothing
          ? [
              `Nothing to change: ${p.unchanged} row(s) match the records${p.refusedRows ? `, ${p.refusedRows} refused` : ''}`,
              `无需更改：${p.unchanged} 行与现有记录一致${p.refusedRows ? `，${p.refusedRows} 行被拒绝` : ''}`,
            ]
          : [
              `Would create ${create}, update ${update}, leave ${p.unchanged} unchanged and refuse ${p.refusedRows}`,
              `将新建 ${create} 人、更新 ${update} 人，${p.unchanged} 人不变，拒绝 ${p.refusedRows} 行`,
            ]
        : nothing
          ? [`Nothing changed: every row already matches the records`, `未做任何更改：每一行都与现有记录一致`]
          : [
              `Created ${create}, updated ${update}, left ${p.unchanged} unchanged, skipped ${p.refusedRows} refused`,
              `已新建 ${create} 人、更新 ${update} 人，${p.unchanged} 人不变，跳过 ${p.refusedRows} 行被拒绝的行`,
            ];
    return {
      importId,
      mode,
      fileHash: hash,
      fileName,
      committed,
      counts: { create, update, unchanged: p.unchanged, refused: p.refusedRows },
      refused: p.refused,
      ignoredColumns: p.ignoredColumns,
      changes: p.changes.map((c) => ({
        row: c.row,
        action: c.action,
        employeeNo: c.employeeNo,
        fields: c.fields.map((f): ImportFieldChangeDto => ({ field: f.field, before: shown(f.before), after: shown(f.after) })),
      })),
      message,
      messageZh,
      auditUrl: committed ? `/api/audit?entity=import&id=${importId}` : null,
    };
  }
}

function count(p: { changes: { action: 'create' | 'update' }[] }, action: 'create' | 'update'): number {
  return p.changes.filter((c) => c.action === action).length;
}
