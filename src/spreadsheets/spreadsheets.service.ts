import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { badRequest, conflict } from '../common/errors.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { AccessScopes, peopleOf, teamOf } from '../auth/access-scope.js';
import { columnLetter, instructionLines, templateColumns } from './actuals-template.js';
import { neutralise } from './cells.js';
import { EMPLOYEE_COLUMNS } from './employee-columns.js';
import {
  type ColumnFormat,
  csvValue,
  exportFilename,
  type ResultVersion,
  resultColumns,
  resultRow,
  type SheetLang,
  sheetName,
  sheetsOf,
  unionKpis,
} from './result-rows.js';
import type { EmployeeRecord } from './employee-columns.js';
import { type SheetPeople, SpreadsheetsQuery } from './spreadsheets.query.js';

export type SheetFormat = 'xlsx' | 'csv';

export const CONTENT_TYPES: Record<SheetFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** A download whose checks have passed: its name, and a writer that streams the body. */
export interface SheetDownload {
  filename: string;
  contentType: string;
  write(out: Writable): Promise<void>;
}

// Text cells carry no style: exceljs serialises each styled cell's style to find its id, and text
// needs none (the values are strings already), which saves about a quarter of the XLSX's CPU.
const NUM_FMT: Record<ColumnFormat, string | undefined> = {
  text: undefined,
  number: '#,##0.##',
  decimal: '0.00',
  datetime: 'yyyy-mm-dd hh:mm',
};

const HEADER_FONT = { bold: true } as const;

/** The client closed the connection: stop reading rows. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

/** Waits while the response's buffer is full, so rows are read no faster than the client takes them. */
async function flowing(out: Writable): Promise<void> {
  if (out.destroyed) throw new ClientGone();
  if (!out.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new ClientGone());
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/**
 * A CSV of a header and rows read a batch at a time. pipeline() carries the back-pressure, and a
 * client that leaves ends the row source (no further batch is read).
 */
async function streamCsv<T>(out: Writable, header: string[], batches: AsyncGenerator<T[]>, cells: (row: T) => string[] | null): Promise<void> {
  async function* records(): AsyncGenerator<string[]> {
    yield header;
    for await (const batch of batches) {
      for (const row of batch) {
        const r = cells(row);
        if (r) yield r;
      }
    }
  }
  // The BOM lets Excel read the file as UTF-8 (Chinese names) instead of the locale's code page.
  await pipeline(Readable.from(records()), stringify({ bom: true }), out);
}

function employeeCells(e: EmployeeRecord): string[] {
  // The importer reads exactly these forms back: numbers as typed, ISO dates, true/false.
  const values: Record<(typeof EMPLOYEE_COLUMNS)[number]['key'], string> = {
    employeeNo: e.employeeNo,
    name: e.name,
    email: e.email,
    department: e.department,
    roleCode: e.roleCode,
    managerNo: e.managerNo ?? '',
    hireDate: e.hireDate,
    active: e.active ? 'true' : 'false',
  };
  return EMPLOYEE_COLUMNS.map((c) => neutralise(values[c.key]));
}

/** Rejects with ClientGone when the response closes before it finished; never settles otherwise. */
function closed(out: Writable): Promise<never> {
  return new Promise<never>((_, reject) => {
    const onClose = () => {
      if (!out.writableFinished) reject(new ClientGone());
    };
    if (out.destroyed) onClose();
    else out.once('close', onClose);
  });
}

/** Ends a read-only snapshot and gives its connection back to the pool; safe to call twice. */
async function closeSnapshot(runner: QueryRunner): Promise<void> {
  if (runner.isReleased) return;
  try {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
  } catch {
    // A connection that broke (or was ended by idle_in_transaction_session_timeout) is released all the same.
  } finally {
    await runner.release();
  }
}

@Injectable()
export class SpreadsheetsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly query: SpreadsheetsQuery,
    private readonly cycles: CyclesService,
    private readonly scopes: AccessScopes,
    private readonly audit: AuditService,
  ) {}

  /** The one place the exports ask whose records a caller may see: the query's people filter (null: no filter). */
  private async visible(actor: Actor, { withSelf }: { withSelf: boolean }): Promise<SheetPeople> {
    const scope = await this.scopes.of(actor);
    if (scope.kind === 'everyone') return 'everyone';
    return withSelf ? peopleOf(scope) : [...teamOf(scope)];
  }

  /**
   * Cycle results, one row per review. A manager gets their reporting subtree (not their own
   * review). Checks and the audit row come before the first byte, so a refusal is a clean 4xx.
   */
  async results(actor: Actor, cycleId: string, format: SheetFormat, lang: SheetLang): Promise<SheetDownload> {
    const cycle = await this.cycles.findById(cycleId);
    const visible = await this.visible(actor, { withSelf: false });
    // Before the snapshot's connection is taken: holding one while asking the pool for another is
    // the wedge of issue 10.
    await this.audit.record(this.dataSource.manager, actor, {
      action: 'export_results',
      entity: 'cycle',
      entityId: cycle.id,
      after: { format, lang, scope: visible === 'everyone' ? 'all' : 'subtree', people: visible === 'everyone' ? null : visible.length },
    });
    // Versions and every batch of rows are read in one REPEATABLE READ snapshot: reviews saved while
    // the file streams can never make it half old, half new (or drop a row whose version came later).
    const snapshot = await this.openSnapshot();
    try {
      const versions = await this.query.pinnedVersions(cycle.id, visible, snapshot.manager);
      const byId = new Map(versions.map((v) => [v.id, v]));
      let handed = false;
      const download: SheetDownload = {
        filename: exportFilename('results', cycle.name, format),
        contentType: CONTENT_TYPES[format],
        write: async (out) => {
          handed = true;
          const work =
            format === 'xlsx'
              ? this.resultsXlsx(out, cycle.id, visible, versions, lang, snapshot.manager)
              : this.resultsCsv(out, cycle.id, visible, byId, versions, lang, snapshot.manager);
          // exceljs' commit waits for a 'finish' that a closed connection never emits: the client's
          // leaving, not the writer, ends the download, and with it the snapshot.
          work.catch(() => undefined);
          try {
            await Promise.race([work, closed(out)]);
          } finally {
            await closeSnapshot(snapshot);
          }
        },
      };
      // A download that is never written (the request failed in between) gives its connection back too.
      setTimeout(() => void (handed ? undefined : closeSnapshot(snapshot)), 60_000).unref();
      return download;
    } catch (err) {
      await closeSnapshot(snapshot);
      throw err;
    }
  }

  private async openSnapshot(): Promise<QueryRunner> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      return runner;
    } catch (err) {
      await closeSnapshot(runner);
      throw err;
    }
  }

  private async resultsXlsx(out: Writable, cycleId: string, visible: SheetPeople, versions: ResultVersion[], lang: SheetLang, m: EntityManager): Promise<void> {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const sheets = sheetsOf(versions);
    const byId = new Map(versions.map((v) => [v.id, v]));
    const names = new Set<string>();
    const open = new Map<string, { ws: ExcelJS.Worksheet; kpis: (typeof sheets)[number]['kpis'] }>();
    for (const s of sheets) {
      const name = sheetName(`${s.roleCode} ${lang === 'zh-CN' ? s.roleNameZh : s.roleNameEn}`, names);
      names.add(name.toLowerCase());
      const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 2 }] });
      ws.columns = resultColumns(s.kpis, lang).map((c) => ({
        header: c.header,
        width: Math.min(40, Math.max(10, c.header.length + 2)),
        style: NUM_FMT[c.format] ? { numFmt: NUM_FMT[c.format] } : {},
      }));
      ws.getRow(1).font = HEADER_FONT;
      open.set(s.roleCode, { ws, kpis: s.kpis });
    }
    // Rows come ordered by role, so each sheet is finished (and flushed) before the next begins.
    let current: string | null = null;
    for await (const batch of this.query.reviews(cycleId, visible, m)) {
      for (const r of batch) {
        const sheet = open.get(r.roleCode);
        const version = byId.get(r.templateVersionId);
        if (!sheet || !version) continue;
        if (current !== r.roleCode) {
          if (current !== null) open.get(current)?.ws.commit();
          current = r.roleCode;
        }
        sheet.ws.addRow(resultRow(r, version, sheet.kpis, lang, 'date')).commit();
      }
      await flowing(out);
    }
    if (sheets.length === 0) {
      // A cycle without reviews (in scope) still opens as a workbook with its headers.
      const ws = wb.addWorksheet(lang === 'zh-CN' ? '结果' : 'Results', { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = resultColumns([], lang).map((c) => ({ header: c.header, width: 16 }));
      ws.getRow(1).font = HEADER_FONT;
    }
    await wb.commit();
  }

  private async resultsCsv(
    out: Writable,
    cycleId: string,
    visible: SheetPeople,
    byId: Map<string, ResultVersion>,
    versions: ResultVersion[],
    lang: SheetLang,
    m: EntityManager,
  ): Promise<void> {
    const kpis = unionKpis(sheetsOf(versions));
    await streamCsv(
      out,
      resultColumns(kpis, lang).map((c) => c.header),
      this.query.reviews(cycleId, visible, m),
      (r) => {
        const version = byId.get(r.templateVersionId);
        return version ? resultRow(r, version, kpis, lang, 'iso').map(csvValue) : null;
      },
    );
  }

  /** The people on record in the employee import's layout, so the file imports back unchanged. */
  async employeeSheet(actor: Actor, format: SheetFormat, lang: SheetLang): Promise<SheetDownload> {
    const visible = await this.visible(actor, { withSelf: true });
    await this.audit.record(this.dataSource.manager, actor, {
      action: 'export_employees',
      entity: 'employee',
      entityId: '*',
      after: { format, lang, scope: visible === 'everyone' ? 'all' : 'subtree', people: visible === 'everyone' ? null : visible.length },
    });
    const headers = EMPLOYEE_COLUMNS.map((c) => (lang === 'zh-CN' ? c.zh : c.en));
    const stamp = new Date().toISOString().slice(0, 10);
    return {
      filename: `employees-${stamp}.${format}`,
      contentType: CONTENT_TYPES[format],
      write: async (out) => {
        if (format === 'csv') {
          await streamCsv(out, headers, this.query.employees(visible), employeeCells);
          return;
        }
        const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
        const ws = wb.addWorksheet(lang === 'zh-CN' ? '员工' : 'Employees', { views: [{ state: 'frozen', ySplit: 1 }] });
        // Every column is text: employee numbers such as 00042 and dates must come back as written.
        ws.columns = headers.map((header) => ({ header, width: Math.max(12, header.length + 2), style: { numFmt: '@' } }));
        ws.getRow(1).font = HEADER_FONT;
        for await (const batch of this.query.employees(visible)) {
          for (const e of batch) ws.addRow(employeeCells(e)).commit();
          await flowing(out);
        }
        await wb.commit();
      },
    };
  }

  /** The KPI actuals workbook of a cycle: one sheet per role (or the one asked for), employees filled in. */
  async actualsTemplate(actor: Actor, cycleId: string, roleCode: string | undefined): Promise<SheetDownload> {
    const cycle = await this.cycles.findById(cycleId);
    const roles = await this.query.roles(roleCode);
    if (roleCode !== undefined && roles.length === 0) {
      throw badRequest(`There is no role with code "${roleCode}"`, [{ field: 'roleCode', code: 'exists', message: `no role has the code "${roleCode}"` }]);
    }
    const sheets: {
      role: (typeof roles)[number];
      kpis: Awaited<ReturnType<SpreadsheetsQuery['cycleVersion']>> & object;
      people: { employeeNo: string; name: string }[];
    }[] = [];
    for (const role of roles) {
      const version = await this.query.cycleVersion(cycle.id, role.id);
      if (!version) continue;
      sheets.push({ role, kpis: version, people: await this.query.templateEmployees(cycle.id, role.id) });
    }
    if (roleCode !== undefined && sheets.length === 0) throw conflict(`Role ${roleCode} has no published KPI template yet; publish one first`);
    await this.audit.record(this.dataSource.manager, actor, {
      action: 'export_actuals_template',
      entity: 'cycle',
      entityId: cycle.id,
      after: { roles: sheets.map((s) => ({ code: s.role.code, templateVersionId: s.kpis.id, people: s.people.length })) },
    });
    return {
      filename: exportFilename(roleCode ? `actuals-template-${roleCode}` : 'actuals-template', cycle.name, 'xlsx'),
      contentType: CONTENT_TYPES.xlsx,
      write: async (out) => {
        // Small (one row per person of a role) and with notes and validations: built in memory.
        const wb = new ExcelJS.Workbook();
        const names = new Set<string>();
        const info = wb.addWorksheet(sheetName('说明 Instructions', names));
        names.add(info.name.toLowerCase());
        info.columns = [{ width: 18 }, { width: 100 }];
        for (const line of instructionLines(cycle.name)) info.addRow(line.map(neutralise)).alignment = { wrapText: true, vertical: 'top' };
        info.getColumn(1).font = HEADER_FONT;
        for (const s of sheets) {
          const ws = wb.addWorksheet(sheetName(s.role.code, names), { views: [{ state: 'frozen', ySplit: 1, xSplit: 2 }] });
          names.add(ws.name.toLowerCase());
          const columns = templateColumns(s.kpis.kpis);
          ws.columns = columns.map((c, i) => ({
            header: c.header,
            width: i < 2 ? 16 : Math.min(40, Math.max(14, c.header.length)),
            style: i < 2 ? { numFmt: '@' } : {},
          }));
          ws.getRow(1).font = HEADER_FONT;
          for (const p of s.people) ws.addRow([neutralise(p.employeeNo), neutralise(p.name)]);
          // Validation reaches past the listed people, so rows typed in below are checked too.
          const lastRow = Math.max(s.people.length + 1, 1000);
          columns.forEach((c, i) => {
            const letter = columnLetter(i + 1);
            if (c.note) ws.getCell(`${letter}1`).note = c.note;
            const whole = c.whole;
            if (!whole) return;
            const validation: ExcelJS.DataValidation = {
              type: 'whole',
              operator: 'between',
              allowBlank: true,
              formulae: [whole.min, whole.max],
              showErrorMessage: true,
              errorTitle: '评分 / Rating',
              error: `请输入 ${whole.min}–${whole.max} 的整数 / Enter a whole number from ${whole.min} to ${whole.max}`,
            };
            // Per cell is exceljs' typed way; it writes them out merged into one range.
            for (let row = 2; row <= lastRow; row++) ws.getCell(`${letter}${row}`).dataValidation = validation;
          });
        }
        await wb.xlsx.write(out);
      },
    };
  }
}
