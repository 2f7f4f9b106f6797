// Spreadsheet downloads against the real app and PostgreSQL: cycle results (XLSX, one sheet per
// role; CSV with a BOM), the employee sheet in the import's layout, and the KPI actuals template.
// Every file is parsed back with exceljs / csv-parse, as a spreadsheet program would read it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { EMPLOYEE_COLUMNS } from '../src/spreadsheets/employee-columns.js';
import {
  ACCOUNT_MANAGER_KEYS,
  auditOf,
  createEmployee,
  createReview,
  errorFields,
  expectError,
  fullAccountManagerEntries,
  MANAGER_KEYS,
  putScores,
  seedOpenCycle,
  uniq,
} from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function get(t: TestApp, path: string, headers: Record<string, string>): Promise<Response> {
  return t.http
    .get(path)
    .set(headers)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
}

async function download(t: TestApp, path: string, headers: Record<string, string>, type: string): Promise<Buffer> {
  const res = await get(t, path, headers);
  const body = res.body as Buffer;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.toString('utf8').slice(0, 300)}`);
  expect(res.headers['content-type']).toBe(type);
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[^"]+"; filename\*=UTF-8''/);
  expect(res.headers['cache-control']).toBe('no-store');
  return body;
}

async function workbook(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  return wb;
}

function rowsOf(ws: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  ws.eachRow((row) => {
    // exceljs rows are 1-based: values[0] is always empty.
    rows.push((row.values as unknown[]).slice(1));
  });
  return rows;
}

function csvRows(body: Buffer): string[][] {
  return parse(body, { bom: true, relax_column_count: false });
}

describe('spreadsheets (e2e)', () => {
  let t: TestApp;
  let cycle: CycleDto;
  let boss: EmployeeDto; // manager-role, reviewed, leads `teamA` and `tricky`
  let teamA: EmployeeDto;
  let tricky: EmployeeDto; // a name and department that Excel would run as formulas
  let outsider: EmployeeDto;
  let otherManager: EmployeeDto;
  let reviewA: ReviewDto;
  let managerHeaders: Record<string, string>;
  const tag = uniq();

  beforeAll(async () => {
    t = await createTestApp();
    cycle = await seedOpenCycle(t, `2026 H1 ${tag} 上半年`);
    boss = await createEmployee(t, 'manager', { employeeNo: `B-${tag}`, name: `老板 ${tag}`, department: 'Sales East' });
    teamA = await createEmployee(t, 'account_manager', { employeeNo: `A-${tag}`, name: `王小明 ${tag}`, managerId: boss.id, hireDate: '2021-03-15' });
    tricky = await createEmployee(t, 'account_manager', {
      employeeNo: `C-${tag}`,
      name: '=HYPERLINK("http://evil.example","x")',
      department: '@SUM(A1)',
      managerId: boss.id,
    });
    outsider = await createEmployee(t, 'account_manager', { employeeNo: `D-${tag}`, name: `外人 ${tag}`, department: 'Sales West' });
    otherManager = await createEmployee(t, 'manager', { employeeNo: `M-${tag}`, name: `经理 ${tag}` });
    reviewA = await createReview(t, teamA.id, cycle.id);
    reviewA = await putScores(t, reviewA, fullAccountManagerEntries());
    for (const e of [boss, tricky, outsider, otherManager]) await createReview(t, e.id, cycle.id);
    managerHeaders = await t.userFor('manager', boss.id, `boss-${tag}@test.example`);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('GET /api/cycles/:id/results.xlsx', () => {
    let wb: ExcelJS.Workbook;

    beforeAll(async () => {
      wb = await workbook(await download(t, `/api/cycles/${cycle.id}/results.xlsx?lang=en`, t.as('hr'), XLSX));
    });

    it('has one sheet per role, each with its own KPI columns and a frozen header', () => {
      expect(wb.worksheets.map((w) => w.name)).toEqual(['account_manager Account manager', 'manager Manager']);
      const [am, mgr] = wb.worksheets;
      const amHeader = rowsOf(am)[0];
      expect(amHeader.slice(0, 8)).toEqual(['Employee number', 'Name', 'Department', 'Manager', 'Role', 'Status', 'Total', 'Band']);
      expect(amHeader.slice(8)).toEqual([...ACCOUNT_MANAGER_KEYS.flatMap((k) => [`${k} actual`, `${k} score`, `${k} points`]), 'Finalized at']);
      expect(rowsOf(mgr)[0].slice(8)).toEqual([...MANAGER_KEYS.flatMap((k) => [`${k} actual`, `${k} score`, `${k} points`]), 'Finalized at']);
      for (const ws of wb.worksheets) expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    });

    it("holds every review's values as numbers with number formats", () => {
      const am = wb.worksheets[0];
      const rows = rowsOf(am);
      expect(rows.slice(1).map((r) => r[0])).toEqual([`A-${tag}`, `C-${tag}`, `D-${tag}`]);
      const a = rows[1];
      expect(a.slice(0, 6)).toEqual([`A-${tag}`, `王小明 ${tag}`, 'Sales East', `老板 ${tag} (B-${tag})`, 'account_manager', 'draft']);
      expect(a[6]).toBe(reviewA.total);
      // sales_attainment: 2,300,000 of 2,000,000 → 115 % → 35 × 1.15 = 40.25 points
      expect(a.slice(8, 11)).toEqual([2_300_000, 115, 40.25]);
      const totalCell = am.getRow(2).getCell(7);
      expect(totalCell.type).toBe(ExcelJS.ValueType.Number);
      expect(totalCell.numFmt).toBe('0.00');
      expect(am.getRow(2).getCell(9).numFmt).toBe('#,##0.##');
      const mgrRows = rowsOf(wb.worksheets[1]);
      expect(mgrRows.slice(1).map((r) => r[0])).toEqual([`B-${tag}`, `M-${tag}`]);
    });

    it('neutralises text Excel would run as a formula, and writes no formula cell', () => {
      const am = wb.worksheets[0];
      const row = am.getRow(3);
      expect(row.getCell(2).value).toBe(`'=HYPERLINK("http://evil.example","x")`);
      expect(row.getCell(3).value).toBe("'@SUM(A1)");
      for (const ws of wb.worksheets) ws.eachRow((r) => r.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
    });

    it('is audited', async () => {
      const audit = await auditOf(t, 'cycle', cycle.id);
      expect(audit.find((e) => e.action === 'export_results' && (e.after as { format?: string } | null)?.format === 'xlsx')).toMatchObject({
        after: { format: 'xlsx', scope: 'all' },
      });
    });
  });

  describe('GET /api/cycles/:id/results.csv', () => {
    it("is UTF-8 with a BOM, one row per review, every role's KPI columns and the role column", async () => {
      const body = await download(t, `/api/cycles/${cycle.id}/results.csv`, t.as('hr'), 'text/csv; charset=utf-8');
      expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const [header, ...rows] = csvRows(body);
      expect(header.slice(0, 8)).toEqual(['Employee number', 'Name', 'Department', 'Manager', 'Role', 'Status', 'Total', 'Band']);
      for (const k of [...ACCOUNT_MANAGER_KEYS, ...MANAGER_KEYS]) expect(header).toContain(`${k} points`);
      expect(new Set(header).size).toBe(header.length);
      expect(rows.map((r) => [r[0], r[4]])).toEqual([
        [`A-${tag}`, 'account_manager'],
        [`C-${tag}`, 'account_manager'],
        [`D-${tag}`, 'account_manager'],
        [`B-${tag}`, 'manager'],
        [`M-${tag}`, 'manager'],
      ]);
      const a = rows[0];
      expect(Number(a[6])).toBe(reviewA.total);
      expect(a[header.indexOf('sales_attainment actual')]).toBe('2300000');
      expect(a[header.indexOf('team_performance actual')]).toBe('');
      expect(rows[1][1]).toBe(`'=HYPERLINK("http://evil.example","x")`);
      expect(rows[1][2]).toBe("'@SUM(A1)");
      for (const r of rows) expect(r).toHaveLength(header.length);
      const audit = await auditOf(t, 'cycle', cycle.id);
      expect(audit.some((e) => e.action === 'export_results' && (e.after as { format?: string } | null)?.format === 'csv')).toBe(true);
    });

    it('names the file after the cycle', async () => {
      const res = await get(t, `/api/cycles/${cycle.id}/results.csv`, t.as('hr'));
      expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`results-2026 H1 ${tag} 上半年.csv`)}`);
    });

    it('gives headers in Chinese to a caller who reads Chinese', async () => {
      const body = await download(t, `/api/cycles/${cycle.id}/results.csv`, { ...t.as('hr'), 'Accept-Language': 'zh-CN,zh;q=0.9' }, 'text/csv; charset=utf-8');
      expect(csvRows(body)[0].slice(0, 3)).toEqual(['工号', '姓名', '部门']);
    });
  });

  describe('scope', () => {
    it('gives a manager only their reporting subtree, in both formats, and audits the scope', async () => {
      const csv = csvRows(await download(t, `/api/cycles/${cycle.id}/results.csv`, managerHeaders, 'text/csv; charset=utf-8'));
      expect(csv.slice(1).map((r) => r[0])).toEqual([`A-${tag}`, `C-${tag}`]);
      const wb = await workbook(await download(t, `/api/cycles/${cycle.id}/results.xlsx`, managerHeaders, XLSX));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['account_manager Account manager']);
      expect(
        rowsOf(wb.worksheets[0])
          .slice(1)
          .map((r) => r[0]),
      ).toEqual([`A-${tag}`, `C-${tag}`]);
      const audit = await auditOf(t, 'cycle', cycle.id);
      expect(audit.find((e) => e.action === 'export_results')).toMatchObject({ actor: `boss-${tag}@test.example`, after: { scope: 'subtree', people: 2 } });
    });

    it('gives a manager the employee sheet of themselves and their subtree', async () => {
      const rows = csvRows(await download(t, '/api/employees.csv', managerHeaders, 'text/csv; charset=utf-8'));
      expect(rows.slice(1).map((r) => r[0])).toEqual([`A-${tag}`, `B-${tag}`, `C-${tag}`]);
    });
  });

  describe('GET /api/employees.xlsx|.csv', () => {
    it('writes the import layout: its headers, numbers, role code, manager number, ISO date, true/false', async () => {
      const body = await download(t, '/api/employees.csv?lang=en', t.as('hr'), 'text/csv; charset=utf-8');
      expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const [header, ...rows] = csvRows(body);
      expect(header).toEqual(EMPLOYEE_COLUMNS.map((c) => c.en));
      const a = rows.find((r) => r[0] === `A-${tag}`);
      expect(a).toEqual([`A-${tag}`, `王小明 ${tag}`, teamA.email, 'Sales East', 'account_manager', `B-${tag}`, '2021-03-15', 'true']);
      const c = rows.find((r) => r[0] === `C-${tag}`);
      expect(c?.[1]).toBe(`'=HYPERLINK("http://evil.example","x")`);
      expect(rows.find((r) => r[0] === `D-${tag}`)?.[5]).toBe('');
      expect(rows.map((r) => r[0])).toEqual([...rows.map((r) => r[0])].sort());
    });

    it('has Chinese headers for a Chinese reader, and the same rows as text cells in the XLSX', async () => {
      const wb = await workbook(await download(t, '/api/employees.xlsx?lang=zh-CN', t.as('hr'), XLSX));
      const ws = wb.worksheets[0];
      const rows = rowsOf(ws);
      expect(rows[0]).toEqual(EMPLOYEE_COLUMNS.map((c) => c.zh));
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(rows.find((r) => r[0] === `A-${tag}`)).toEqual([
        `A-${tag}`,
        `王小明 ${tag}`,
        teamA.email,
        'Sales East',
        'account_manager',
        `B-${tag}`,
        '2021-03-15',
        'true',
      ]);
      const [{ n }] = await t.db.query<{ n: number }[]>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'export_employees'");
      expect(n).toBeGreaterThanOrEqual(1);
    });
  });

  describe('GET /api/cycles/:id/actuals-template.xlsx', () => {
    it('has an instructions sheet and one sheet per role, people filled in, bilingual KPI headers with notes, rating validation', async () => {
      const wb = await workbook(await download(t, `/api/cycles/${cycle.id}/actuals-template.xlsx`, t.as('hr'), XLSX));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['说明 Instructions', 'account_manager', 'manager']);
      const info = rowsOf(wb.worksheets[0]).map((r) => r.join(' '));
      expect(info.join('\n')).toContain('One sheet per role');
      expect(info.join('\n')).toContain('每个角色一个工作表');
      const am = wb.getWorksheet('account_manager');
      if (!am) throw new Error('no account_manager sheet');
      const rows = rowsOf(am);
      expect(rows[0].slice(0, 3)).toEqual(['工号 / Employee number', '姓名 / Name', '销售业绩完成情况 / Sales attainment [sales_attainment]']);
      expect(rows[0]).toHaveLength(2 + ACCOUNT_MANAGER_KEYS.length);
      const numbers = rows.slice(1).map((r) => r[0]);
      expect(numbers).toEqual(expect.arrayContaining([`A-${tag}`, `D-${tag}`, `C-${tag}`]));
      expect(numbers).not.toContain(`B-${tag}`);
      expect(rows.find((r) => r[0] === `C-${tag}`)?.[1]).toBe(`'=HYPERLINK("http://evil.example","x")`);
      const note = am.getCell('C1').note;
      expect(typeof note === 'string' ? note : JSON.stringify(note)).toContain('2000000 CNY');
      const communication = 3 + ACCOUNT_MANAGER_KEYS.indexOf('communication');
      const ratingHeader = am.getRow(1).getCell(communication);
      expect(ratingHeader.text).toMatch(/\[communication\]$/);
      expect(JSON.stringify(ratingHeader.note)).toContain('5 = 卓越 / Outstanding');
      expect(am.getRow(2).getCell(communication).dataValidation).toMatchObject({ type: 'whole', operator: 'between', formulae: [1, 5] });
      expect(am.getRow(2).getCell(3).dataValidation).toBeUndefined();
      expect(am.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const mgr = wb.getWorksheet('manager');
      expect(
        rowsOf(mgr as ExcelJS.Worksheet)
          .slice(1)
          .map((r) => r[0]),
      ).toEqual(expect.arrayContaining([`B-${tag}`, `M-${tag}`]));
    });

    it('gives one role with ?roleCode=, and is audited', async () => {
      const wb = await workbook(await download(t, `/api/cycles/${cycle.id}/actuals-template.xlsx?roleCode=manager`, t.as('admin'), XLSX));
      expect(wb.worksheets.map((w) => w.name)).toEqual(['说明 Instructions', 'manager']);
      const audit = await auditOf(t, 'cycle', cycle.id);
      expect(audit.find((e) => e.action === 'export_actuals_template')).toMatchObject({ after: { roles: [{ code: 'manager' }] } });
    });
  });

  describe('bad input', () => {
    const NOWHERE = '00000000-0000-4000-8000-000000000000';
    it.each(['results.xlsx', 'results.csv', 'actuals-template.xlsx'])('404 for an unknown cycle (%s), 400 for a malformed id', async (file) => {
      expectError(await t.http.get(`/api/cycles/${NOWHERE}/${file}`).set(t.as('hr')), 404);
      expectError(await t.http.get(`/api/cycles/not-a-uuid/${file}`).set(t.as('hr')), 400);
    });

    it('400 naming roleCode for an unknown or malformed role code', async () => {
      const unknown = expectError(await t.http.get(`/api/cycles/${cycle.id}/actuals-template.xlsx?roleCode=nobody`).set(t.as('hr')), 400);
      expect(errorFields(unknown)).toEqual(['roleCode']);
      const malformed = expectError(
        await t.http.get(`/api/cycles/${cycle.id}/actuals-template.xlsx?roleCode=${encodeURIComponent('no such!')}`).set(t.as('hr')),
        400,
      );
      expect(errorFields(malformed)).toEqual(['roleCode']);
    });

    it('400 naming lang for an unknown language', async () => {
      expect(errorFields(expectError(await t.http.get(`/api/cycles/${cycle.id}/results.csv?lang=fr`).set(t.as('hr')), 400))).toEqual(['lang']);
      expect(errorFields(expectError(await t.http.get('/api/employees.xlsx?lang=fr').set(t.as('hr')), 400))).toEqual(['lang']);
    });

    it('403 for callers whose role may not download', async () => {
      const employeeHeaders = await t.userFor('employee', outsider.id, `emp-${tag}@test.example`);
      expectError(await t.http.get(`/api/cycles/${cycle.id}/results.csv`).set(employeeHeaders), 403);
      expectError(await t.http.get('/api/employees.csv').set(employeeHeaders), 403);
      expectError(await t.http.get(`/api/cycles/${cycle.id}/actuals-template.xlsx`).set(managerHeaders), 403);
    });
  });
});
