// Step 4 of the employee import: apply. The service reads what is on record, hands it with the
// file's rows to the pure planner, and writes what it returns in one transaction, or reports it (dry run).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { conflict } from '../common/errors.js';
import { REPORTING_TREE_LOCK } from '../employees/employees.service.js';
import type { EmployeeImportReportDto, ImportFieldChangeDto } from './dto/import.dto.js';
import { type EmployeeChange, type EmployeePlan, type EmployeeRecord, planEmployees } from './employee-plan.js';
import { CHUNK, count, fileError, ImportRuns, type UploadedImport, reportBase, type ReportWording } from './import-runs.js';
import type { ImportMode } from './import-run.entity.js';
import { ImportFileError } from './read-table.js';
import { EMPLOYEE_RECORD_COLUMNS, employeeRecordOf, type EmployeeRecordRow } from '../spreadsheets/employee-columns.js';

interface RecordRow extends EmployeeRecordRow {
  id: string;
  role_id: string;
  manager_id: string | null;
  version: number;
}

const shown = (v: string | boolean | null): string | null => (v === null ? null : String(v));

@Injectable()
export class EmployeeImports {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly runs: ImportRuns,
  ) {}

  async importEmployees(actor: Actor, file: UploadedImport, mode: ImportMode, skipRefused: boolean): Promise<EmployeeImportReportDto> {
    const { tables, hash } = await this.runs.read(file);
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
      const runId = await this.runs.saveRun(this.dataSource.manager, actor, 'employees', 'dry-run', null, hash, file.originalname, p);
      return this.employeeReport(runId, 'dry-run', hash, file.originalname, p, false);
    }
    return this.dataSource.transaction(async (m) => {
      await this.runs.requireCleanDryRun(m, 'employees', null, hash, skipRefused);
      // Manual edits of reporting lines take the same lock, and the rows named in the file are locked
      // before they are read: an edit in between either lands first (and is read) or waits and then
      // finds a newer version (409), never overwritten unseen.
      await m.query('SELECT pg_advisory_xact_lock($1)', [REPORTING_TREE_LOCK]);
      const numbers = this.runs.numbersIn(table);
      await m.query('SELECT id FROM employees WHERE employee_no = ANY($1::text[]) ORDER BY id FOR UPDATE', [numbers]);
      const { plan: p, records, roles } = await plan(m);
      if (p.refused.length > 0 && !skipRefused) {
        throw conflict('The records changed since the dry run and now some rows are refused; run the dry run again', {
          messageZh: '自试运行以来记录已有变化，现在有行被拒绝；请重新试运行',
          rows: p.refused,
        });
      }
      const runId = await this.runs.saveRun(m, actor, 'employees', 'commit', null, hash, file.originalname, p);
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

  private async employeeRecords(m: EntityManager): Promise<{ records: Map<string, { row: RecordRow; record: EmployeeRecord }>; roles: Map<string, string> }> {
    const rows = await m.query<RecordRow[]>(
      `SELECT e.id, e.role_id, e.manager_id, e.version, ${EMPLOYEE_RECORD_COLUMNS}
         FROM employees e JOIN roles r ON r.id = e.role_id LEFT JOIN employees mgr ON mgr.id = e.manager_id`,
    );
    const records = new Map<string, { row: RecordRow; record: EmployeeRecord }>();
    for (const r of rows) records.set(r.employee_no, { row: r, record: employeeRecordOf(r) });
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
    return {
      ...reportBase({ importId, mode, hash, fileName, committed }, p, { create: count(p, 'create'), update: count(p, 'update') }, EMPLOYEE_WORDING),
      changes: p.changes.map((c) => ({
        row: c.row,
        action: c.action,
        employeeNo: c.employeeNo,
        fields: c.fields.map((f): ImportFieldChangeDto => ({ field: f.field, before: shown(f.before), after: shown(f.after) })),
      })),
    };
  }
}

const EMPLOYEE_WORDING: ReportWording = {
  nothingToChange: (c) => [
    `Nothing to change: ${c.unchanged} row(s) match the records${c.refused ? `, ${c.refused} refused` : ''}`,
    `无需更改：${c.unchanged} 行与现有记录一致${c.refused ? `，${c.refused} 行被拒绝` : ''}`,
  ],
  wouldChange: (c) => [
    `Would create ${c.create}, update ${c.update}, leave ${c.unchanged} unchanged and refuse ${c.refused}`,
    `将新建 ${c.create} 人、更新 ${c.update} 人，${c.unchanged} 人不变，拒绝 ${c.refused} 行`,
  ],
  nothingChanged: ['Nothing changed: every row already matches the records', '未做任何更改：每一行都与现有记录一致'],
  changed: (c) => [
    `Created ${c.create}, updated ${c.update}, left ${c.unchanged} unchanged, skipped ${c.refused} refused`,
    `已新建 ${c.create} 人、更新 ${c.update} 人，${c.unchanged} 人不变，跳过 ${c.refused} 行被拒绝的行`,
  ],
};
