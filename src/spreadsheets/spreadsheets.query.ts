import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isoTimestampSql } from '../database/sql-filter.js';
import type { KpiDefinition, KpiInput, RatingBand } from '../scoring/index.js';
import { EMPLOYEE_RECORD_COLUMNS, type EmployeeRecord, employeeRecordOf, type EmployeeRecordRow } from './employee-columns.js';
import type { ResultSource, ResultVersion } from './result-rows.js';

/** Rows read per statement: a whole 10,000-review cycle is never held at once. */
const BATCH = 2000;

interface ReviewRow {
  employee_no: string;
  name: string;
  department: string;
  manager_no: string | null;
  manager_name: string | null;
  role_code: string;
  status: string;
  total: string;
  band_key: string | null;
  template_version_id: string;
  inputs: Record<string, KpiInput>;
  finalized_at: string | null;
}

/** Whose rows an export holds: everyone's, or these employees' only. */
export type SheetPeople = 'everyone' | readonly string[];

/** The SQL parameter: null keeps no one out (the queries test `$n IS NULL`). */
function idsOf(people: SheetPeople): readonly string[] | null {
  return people === 'everyone' ? null : people;
}

/**
 * The SQL of the spreadsheet exports. Lists are read in key order a batch at a time (keyset, not
 * OFFSET), so memory stays flat however large the cycle. `visible` says whose rows the caller may see.
 */
@Injectable()
export class SpreadsheetsQuery {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The template versions the cycle's reviews pin (within scope), with their role. */
  async pinnedVersions(cycleId: string, visible: SheetPeople, m: EntityManager = this.dataSource.manager): Promise<ResultVersion[]> {
    const rows = await m.query<{ id: string; code: string; name_zh: string; name_en: string; kpis: KpiDefinition[]; bands: RatingBand[] }[]>(
      `SELECT v.id, ro.code, ro.name_zh, ro.name_en, v.kpis, v.bands
         FROM kpi_template_versions v JOIN kpi_templates t ON t.id = v.template_id JOIN roles ro ON ro.id = t.role_id
        WHERE v.id IN (SELECT DISTINCT r.template_version_id FROM reviews r
                        WHERE r.cycle_id = $1 AND ($2::uuid[] IS NULL OR r.employee_id = ANY($2::uuid[])))
        ORDER BY ro.code, v.number`,
      [cycleId, idsOf(visible)],
    );
    return rows.map((r) => ({ id: r.id, roleCode: r.code, roleNameZh: r.name_zh, roleNameEn: r.name_en, kpis: r.kpis, bands: r.bands }));
  }

  /** The cycle's reviews within scope, ordered by role code (of the pinned version) and employee number. */
  async *reviews(cycleId: string, visible: SheetPeople, m: EntityManager = this.dataSource.manager): AsyncGenerator<ResultSource[]> {
    let after: [string, string] | null = null;
    for (;;) {
      const rows: ReviewRow[] = await m.query<ReviewRow[]>(
        `SELECT r.employee_no, e.name, e.department, m.employee_no AS manager_no, m.name AS manager_name, ro.code AS role_code,
                r.status, r.total, r.band_key, r.template_version_id, r.inputs, ${isoTimestampSql('r.finalized_at')} AS finalized_at
           FROM reviews r
           JOIN employees e ON e.id = r.employee_id
           LEFT JOIN employees m ON m.id = e.manager_id
           JOIN kpi_template_versions v ON v.id = r.template_version_id
           JOIN kpi_templates t ON t.id = v.template_id
           JOIN roles ro ON ro.id = t.role_id
          WHERE r.cycle_id = $1 AND ($2::uuid[] IS NULL OR r.employee_id = ANY($2::uuid[]))
            AND ($3::text IS NULL OR (ro.code, r.employee_no) > ($3::text, $4::text))
          ORDER BY ro.code, r.employee_no
          LIMIT ${BATCH}`,
        [cycleId, idsOf(visible), after?.[0] ?? null, after?.[1] ?? null],
      );
      if (rows.length === 0) return;
      yield rows.map((r) => ({
        employeeNo: r.employee_no,
        name: r.name,
        department: r.department,
        managerNo: r.manager_no,
        managerName: r.manager_name,
        roleCode: r.role_code,
        status: r.status,
        total: Number(r.total),
        bandKey: r.band_key,
        templateVersionId: r.template_version_id,
        inputs: r.inputs,
        finalizedAt: r.finalized_at,
      }));
      if (rows.length < BATCH) return;
      const last = rows[rows.length - 1];
      after = [last.role_code, last.employee_no];
    }
  }

  /** People on record within scope (active or not), by employee number. */
  async *employees(visible: SheetPeople): AsyncGenerator<EmployeeRecord[]> {
    let after: string | null = null;
    for (;;) {
      const rows: EmployeeRecordRow[] = await this.dataSource.query<EmployeeRecordRow[]>(
        `SELECT ${EMPLOYEE_RECORD_COLUMNS}
           FROM employees e JOIN roles r ON r.id = e.role_id LEFT JOIN employees mgr ON mgr.id = e.manager_id
          WHERE ($1::uuid[] IS NULL OR e.id = ANY($1::uuid[])) AND ($2::text IS NULL OR e.employee_no > $2)
          ORDER BY e.employee_no
          LIMIT ${BATCH}`,
        [idsOf(visible), after],
      );
      if (rows.length === 0) return;
      yield rows.map(employeeRecordOf);
      if (rows.length < BATCH) return;
      after = rows[rows.length - 1].employee_no;
    }
  }

  async roles(code?: string): Promise<{ id: string; code: string; nameZh: string; nameEn: string }[]> {
    const rows = await this.dataSource.query<{ id: string; code: string; name_zh: string; name_en: string }[]>(
      'SELECT id, code, name_zh, name_en FROM roles WHERE ($1::text IS NULL OR code = $1) ORDER BY code',
      [code ?? null],
    );
    return rows.map((r) => ({ id: r.id, code: r.code, nameZh: r.name_zh, nameEn: r.name_en }));
  }

  /**
   * The KPIs a role's actuals are entered against in this cycle: the version most of the cycle's
   * reviews of that role pin, else the role's current published version (what a new draft pins).
   */
  async cycleVersion(cycleId: string, roleId: string): Promise<{ id: string; number: number; kpis: KpiDefinition[] } | null> {
    const [row] = await this.dataSource.query<{ id: string; number: number; kpis: KpiDefinition[] }[]>(
      `WITH pinned AS (
         SELECT r.template_version_id AS id, count(*) AS n FROM reviews r
           JOIN kpi_template_versions v ON v.id = r.template_version_id JOIN kpi_templates t ON t.id = v.template_id
          WHERE r.cycle_id = $1 AND t.role_id = $2 GROUP BY r.template_version_id)
       SELECT v.id, v.number, v.kpis FROM kpi_template_versions v JOIN kpi_templates t ON t.id = v.template_id
         LEFT JOIN pinned p ON p.id = v.id
        WHERE t.role_id = $2 AND (p.id IS NOT NULL OR v.status = 'published')
        ORDER BY p.n DESC NULLS LAST, v.number DESC
        LIMIT 1`,
      [cycleId, roleId],
    );
    return row ?? null;
  }

  /** Who the template lists for a role: its active people and anyone with a review of that role in the cycle. */
  async templateEmployees(cycleId: string, roleId: string): Promise<{ employeeNo: string; name: string }[]> {
    const rows = await this.dataSource.query<{ employee_no: string; name: string }[]>(
      `SELECT e.employee_no, e.name FROM employees e
        WHERE (e.role_id = $2 AND e.active)
           OR EXISTS (SELECT 1 FROM reviews r JOIN kpi_template_versions v ON v.id = r.template_version_id
                        JOIN kpi_templates t ON t.id = v.template_id
                       WHERE r.employee_id = e.id AND r.cycle_id = $1 AND t.role_id = $2)
        ORDER BY e.employee_no`,
      [cycleId, roleId],
    );
    return rows.map((r) => ({ employeeNo: r.employee_no, name: r.name }));
  }
}
