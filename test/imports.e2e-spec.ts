// End-to-end tests of the imports (issue 14, sections 1-3) against the real PostgreSQL, through the
// HTTP API as HR uploads files: dry run, commit by hash, refusals per row, encodings, number and
// date forms, limits, a zip bomb, a renamed .xls, reporting loops, idempotent re-import.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ActualsImportReportDto, EmployeeImportReportDto } from '../src/imports/dto/import.dto.js';
import type { ReviewSummaryDto } from '../src/reviews/dto/review.dto.js';
import {
  auditOf,
  createEmployee,
  createReview,
  expectError,
  fullAccountManagerEntries,
  getReview,
  putScores,
  recordStatuses,
  seedOpenCycle,
  uniq,
} from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';
import { fullProposals, seedManagerStage } from './support/assessments.js';

const HEADER = "Employee number,Name,Email,Department,Role code,Manager's employee number,Hire date,Active";

describe('imports API', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_MAX_BYTES: String(2 * 1024 * 1024), IMPORT_MAX_ROWS: '500', IMPORT_MAX_UNZIPPED_BYTES: String(5 * 1024 * 1024) });
    statuses = recordStatuses(t);
  });
  afterAll(async () => {
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
    await t.close();
  });

  const upload = (path: string, bytes: Buffer, name: string, as: 'hr' | 'admin' = 'hr') => t.http.post(path).set(t.as(as)).attach('file', bytes, name);
  const employees = (mode: string, bytes: Buffer, name = 'people.csv', extra = '') => upload(`/api/imports/employees?mode=${mode}${extra}`, bytes, name);
  const report = (res: { status: number; body: unknown }, status = 200) => {
    expect([res.status, res.status === status ? '' : JSON.stringify(res.body).slice(0, 400)]).toEqual([status, '']);
    return res.body as EmployeeImportReportDto;
  };
  const byNo = async (no: string): Promise<EmployeeDto | undefined> => {
    const res = await t.http.get('/api/employees').query({ q: no, active: 'all' }).set(t.as('hr')).expect(200);
    return (res.body as { items: EmployeeDto[] }).items.find((e) => e.employeeNo === no);
  };
  const csv = (lines: string[]) => Buffer.from(`${[HEADER, ...lines].join('\r\n')}\r\n`);

  describe('employees', () => {
    it('dry run reports creates with a manager further down, then commit applies it all and audits each with the import id', async () => {
      const u = uniq();
      const file = csv([
        `A${u},王小明,a${u}@example.com,华东销售,account_manager,M${u},2026/1/5,true`,
        `M${u},Manager ${u},m${u}@example.com,华东销售,manager,,46027,是`,
      ]);
      const dry = report(await employees('dry-run', file));
      expect(dry.counts).toEqual({ create: 2, update: 0, unchanged: 0, refused: 0 });
      expect(dry.changes.map((c) => [c.row, c.action, c.employeeNo])).toEqual([
        [2, 'create', `A${u}`],
        [3, 'create', `M${u}`],
      ]);
      expect(await byNo(`A${u}`)).toBeUndefined();
      const done = report(await employees('commit', file));
      expect(done.committed).toBe(true);
      expect(done.auditUrl).toBe(`/api/audit?entity=import&id=${done.importId}`);
      const a = await byNo(`A${u}`);
      expect(a).toMatchObject({ name: '王小明', department: '华东销售', hireDate: '2026-01-05', active: true, manager: { employeeNo: `M${u}` }, version: 1 });
      expect((await byNo(`M${u}`))?.hireDate).toBe('2026-01-05');
      const audit = await auditOf(t, 'employee', a?.id ?? '');
      expect(audit[0]).toMatchObject({ action: 'create', after: expect.objectContaining({ importId: done.importId, employeeNo: `A${u}` }) });
      const importAudit = await auditOf(t, 'import', done.importId);
      expect(importAudit[0]).toMatchObject({ action: 'commit', after: expect.objectContaining({ created: 2, updated: 0 }) });
    });

    it('re-importing the same file changes nothing and says so; an update shows before → after and bumps the version', async () => {
      const u = uniq();
      const first = csv([`B${u},Before ${u},b${u}@example.com,Sales,account_manager,,2021-03-15,true`]);
      report(await employees('dry-run', first));
      report(await employees('commit', first));
      const again = report(await employees('dry-run', first));
      expect(again.counts).toEqual({ create: 0, update: 0, unchanged: 1, refused: 0 });
      expect(again.message).toMatch(/^Nothing to change/);
      const again2 = report(await employees('commit', first));
      expect([again2.committed, again2.message]).toEqual([false, 'Nothing changed: every row already matches the records']);
      expect((await byNo(`B${u}`))?.version).toBe(1);

      const changed = csv([`B${u},After ${u},b${u}@example.com,Sales,manager,,2021-03-15,false`]);
      const dry = report(await employees('dry-run', changed));
      expect(dry.changes).toEqual([
        {
          row: 2,
          action: 'update',
          employeeNo: `B${u}`,
          fields: [
            { field: 'name', before: `Before ${u}`, after: `After ${u}` },
            { field: 'roleCode', before: 'account_manager', after: 'manager' },
            { field: 'active', before: 'true', after: 'false' },
          ],
        },
      ]);
      report(await employees('commit', changed));
      expect(await byNo(`B${u}`)).toMatchObject({ name: `After ${u}`, active: false, version: 2, role: { code: 'manager' } });
    });

    it('commits only a file whose dry run was seen without refusals, or with skipRefused=true, all-or-nothing', async () => {
      const u = uniq();
      const file = csv([
        `C${u},Good ${u},c${u}@example.com,Sales,account_manager,,2021-03-15,true`,
        `D${u},Bad ${u},d${u}@example.com,Sales,ceo,,2021-03-15,true`,
      ]);
      const never = expectError(await employees('commit', file), 409);
      expect(never.message).toMatch(/Run a dry run of this file first/);
      const dry = report(await employees('dry-run', file));
      expect(dry.counts).toEqual({ create: 1, update: 0, unchanged: 0, refused: 1 });
      expect(dry.refused).toEqual([
        {
          row: 3,
          column: '角色代码 / Role code',
          message: 'role code "ceo" does not exist (known: account_manager, manager)',
          messageZh: expect.stringContaining('角色代码 "ceo" 不存在'),
        },
      ]);
      const refused = expectError(await employees('commit', file), 409);
      expect(refused.message).toMatch(/refused 1 row\(s\).*skipRefused=true/);
      expect(await byNo(`C${u}`)).toBeUndefined();
      // A different file (one byte more) has no dry run of its own.
      expectError(await employees('commit', Buffer.concat([file, Buffer.from('\r\n')])), 409);
      const skipped = report(await employees('commit', file, 'people.csv', '&skipRefused=true'));
      expect(skipped.counts).toEqual({ create: 1, update: 0, unchanged: 0, refused: 1 });
      expect(await byNo(`C${u}`)).toBeDefined();
      expect(await byNo(`D${u}`)).toBeUndefined();
    });

    it('refuses reporting loops naming the rows, duplicates, bad dates and unknown managers, each beside its row', async () => {
      const u = uniq();
      const x = await createEmployee(t, 'manager', { employeeNo: `X${u}` });
      const file = csv([
        `L1${u},Loop 1,l1${u}@example.com,Sales,manager,L2${u},2021-03-15,true`,
        `L2${u},Loop 2,l2${u}@example.com,Sales,manager,L1${u},2021-03-15,true`,
        `DUP${u},Dup a,dupa${u}@example.com,Sales,manager,,2021-03-15,true`,
        `DUP${u},Dup b,dupb${u}@example.com,Sales,manager,,2021-03-15,true`,
        `W${u},Date,w${u}@example.com,Sales,manager,,2026/2/30,true`,
        `N${u},Nobody,n${u}@example.com,Sales,manager,GHOST${u},2021-03-15,true`,
        `${x.employeeNo},${x.name},${x.email},${x.department},manager,,${x.hireDate},true`,
      ]);
      const dry = report(await employees('dry-run', file));
      expect(dry.refused.map((e) => [e.row, e.column])).toEqual([
        [2, "上级工号 / Manager's employee number"],
        [3, "上级工号 / Manager's employee number"],
        [4, '工号 / Employee number'],
        [5, '工号 / Employee number'],
        [6, '入职日期 / Hire date'],
        [7, "上级工号 / Manager's employee number"],
      ]);
      expect(dry.refused[0].message).toBe(`reporting loop: L1${u} (row 2) → L2${u} (row 3) → L1${u}`);
      expect(dry.refused[0].messageZh).toContain('汇报关系成环');
      expect(dry.counts).toEqual({ create: 0, update: 0, unchanged: 1, refused: 6 });
    });

    it('refuses a loop closed through the records (file row + a manual reporting line)', async () => {
      const u = uniq();
      const top = await createEmployee(t, 'manager', { employeeNo: `T${u}` });
      const below = await createEmployee(t, 'manager', { employeeNo: `U${u}`, managerId: top.id });
      const dry = report(await employees('dry-run', csv([`T${u},${top.name},${top.email},${top.department},manager,U${u},${top.hireDate},true`])));
      expect(dry.refused.map((e) => e.message)).toEqual([`reporting loop: T${u} (row 2) → ${below.employeeNo} → T${u}`]);
    });

    it('reads GB18030 CSV with Chinese headers, semicolons, a BOM, quoted newlines, and XLSX with formulas and date cells', async () => {
      const u = uniq();
      const gbk = iconv.encode(
        `工号,姓名,邮箱,部门,角色代码,上级工号,入职日期,在职\r\nG${u},张伟,g${u}@example.com,研发部,manager,,2026年1月5日,是\r\n\r\n`,
        'gb18030',
      );
      const g = report(await employees('dry-run', gbk, 'gbk.csv'));
      expect(g.refused).toEqual([]);
      expect(g.changes[0].fields).toEqual(
        expect.arrayContaining([
          { field: 'name', before: null, after: '张伟' },
          { field: 'department', before: null, after: '研发部' },
        ]),
      );
      const semi = Buffer.from(`\ufeff${HEADER.replaceAll(',', ';')}\r\nS${u};"Two\nLines";s${u}@example.com;Sales  ;manager;;2026-01-05;\r\n`);
      const s = report(await employees('dry-run', semi, 'semi.csv'));
      expect(s.refused).toEqual([]);
      expect(s.changes[0].fields).toEqual(
        expect.arrayContaining([
          { field: 'name', before: null, after: 'Two\nLines' },
          { field: 'department', before: null, after: 'Sales' },
        ]),
      );
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('People');
      ws.addRow([
        '工号 / Employee number',
        '姓名 / Name',
        '邮箱 / Email',
        '部门 / Department',
        '角色代码 / Role code',
        "上级工号 / Manager's employee number",
        '入职日期 / Hire date',
        '在职 / Active',
      ]);
      ws.addRow([`X${u}`, { formula: 'CONCAT("A","B")', result: 'AB' }, `x${u}@example.com`, 'Sales', 'manager', null, new Date(Date.UTC(2026, 0, 5)), true]);
      ws.addRow([]);
      const x = report(await employees('dry-run', Buffer.from(await wb.xlsx.writeBuffer()), 'people.xlsx'));
      expect(x.refused).toEqual([]);
      expect(x.changes[0].fields).toEqual(
        expect.arrayContaining([
          { field: 'name', before: null, after: 'AB' },
          { field: 'hireDate', before: null, after: '2026-01-05' },
        ]),
      );
    });

    it('answers every bad file with a clear 4xx: no file, empty, .xls renamed .csv, missing columns, too large, too many rows, a zip bomb', async () => {
      expect(expectError(await t.http.post('/api/imports/employees?mode=dry-run').set(t.as('hr')).send({}), 400).message).toMatch(/field "file"/);
      expectError(await t.http.post('/api/imports/employees?mode=later').set(t.as('hr')).attach('file', csv([]), 'a.csv'), 400);
      expect(expectError(await employees('dry-run', Buffer.alloc(0), 'empty.csv'), 400).message).toMatch(/empty/);
      const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096, 1)]);
      const renamed = expectError(await employees('dry-run', xls, 'people.csv'), 400);
      expect(renamed.message).toMatch(/old Excel \.xls workbook/);
      expect((renamed.details as { messageZh: string }).messageZh).toMatch(/旧版 Excel/);
      expect(expectError(await employees('dry-run', Buffer.from('工号,姓名\r\nE1,x\r\n')), 400).message).toMatch(
        /lacks the column\(s\) Email, Department, Role code, Hire date/,
      );
      const big = expectError(await employees('dry-run', Buffer.alloc(2 * 1024 * 1024 + 10, 0x41), 'big.csv'), 413);
      expect(big.message).toMatch(/IMPORT_MAX_BYTES \(2097152 bytes, 2\.0 MB\)/);
      const rows = Array.from({ length: 501 }, (_, i) => `R${i},n,r${i}@example.com,d,manager,,2021-01-01,true`);
      const many = expectError(await employees('dry-run', csv(rows)), 413);
      expect([many.message, (many.details as { limit: string }).limit]).toEqual([
        'The file has more than IMPORT_MAX_ROWS (500) rows; split it into smaller files',
        'IMPORT_MAX_ROWS',
      ]);
      // A zip bomb: small on the wire (under the upload limit), 400 rows (under the row limit) that unpack to 24 MB.
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('bomb');
      for (let i = 0; i < 400; i++) ws.addRow([`${i}${'A'.repeat(60_000)}`]);
      const bomb = Buffer.from(await wb.xlsx.writeBuffer({ zip: { compression: 'DEFLATE', compressionOptions: { level: 9 } } } as never));
      expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
      const refused = expectError(await employees('dry-run', bomb, 'bomb.xlsx'), 413);
      expect(refused.message).toMatch(/IMPORT_MAX_UNZIPPED_BYTES \(5242880 bytes\)/);
      const junk = expectError(await employees('dry-run', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]), 'x.xlsx'), 400);
      expect(junk.message).toMatch(/\.xlsx file is damaged/);
    });

    it('lets HR and admins import, nobody else', async () => {
      const mgr = await createEmployee(t, 'manager');
      const headers = await t.userFor('manager', mgr.id);
      expectError(await t.http.post('/api/imports/employees?mode=dry-run').set(headers).attach('file', csv([]), 'a.csv'), 403);
      report(await upload('/api/imports/employees?mode=dry-run', csv([]), 'a.csv', 'admin'));
    });

    it('round trip: the employee export (XLSX and CSV, English and Chinese headers, a formula-like name) imports back unchanged', async () => {
      const manager = await createEmployee(t, 'manager');
      await createEmployee(t, 'account_manager', { name: `=HYPERLINK("x") ${uniq()}`, managerId: manager.id });
      const exported = async (path: string): Promise<Buffer> => {
        const res = await t.http
          .get(path)
          .set(t.as('hr'))
          .buffer(true)
          .parse((r, cb) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => cb(null, Buffer.concat(chunks)));
          });
        expect(res.status).toBe(200);
        return res.body as Buffer;
      };
      for (const [path, name] of [
        ['/api/employees.xlsx?lang=en', 'people.xlsx'],
        ['/api/employees.xlsx?lang=zh-CN', 'people.xlsx'],
        ['/api/employees.csv?lang=en', 'people.csv'],
        ['/api/employees.csv?lang=zh-CN', 'people.csv'],
      ]) {
        const total = (
          (await t.http.get('/api/employees').query({ active: 'all', pageSize: 1 }).set(t.as('hr')).expect(200)).body as { meta: { total: number } }
        ).meta.total;
        const dry = report(await employees('dry-run', await exported(path), name));
        expect([path, dry.counts]).toEqual([path, { create: 0, update: 0, unchanged: total, refused: 0 }]);
      }
    });
  });

  describe('KPI actuals', () => {
    const LONG = 'Employee number,KPI key,Actual,Personal target,Rating,Comment';
    const actuals = (cycleId: string, mode: string, bytes: Buffer, name = 'actuals.csv', extra = '') =>
      upload(`/api/imports/cycles/${cycleId}/actuals?mode=${mode}${extra}`, bytes, name);
    const totals = async (cycleId: string): Promise<Map<string, { total: number; status: string; version: number }>> => {
      const res = await t.http.get('/api/reviews').query({ cycleId, pageSize: 100 }).set(t.as('hr')).expect(200);
      return new Map(
        (res.body as { items: ReviewSummaryDto[] }).items.map((r) => [r.employee.employeeNo, { total: r.total, status: r.status, version: r.version }]),
      );
    };

    it('long layout: refuses an unknown KPI, a rating out of scale, a text in a number column and a submitted review; fixed, it commits and the totals change', async () => {
      const cycle = await seedOpenCycle(t);
      const a = await createEmployee(t, 'account_manager');
      const b = await createEmployee(t, 'account_manager');
      const c = await createEmployee(t, 'account_manager');
      const bReview = await createReview(t, b.id, cycle.id);
      const cReview = await putScores(t, await createReview(t, c.id, cycle.id), fullAccountManagerEntries());
      await t.http.post(`/api/reviews/${cReview.id}/submit`).set(t.as('hr')).send({ version: cReview.version }).expect(200);
      const lines = (selling: string, unknown: string, actual: string) => [
        LONG,
        `${a.employeeNo},sales_attainment,"¥2,000,000",,,签约三家`,
        `${a.employeeNo},customer_satisfaction,92%,,,`,
        `${a.employeeNo},selling,,,${selling},`,
        `${b.employeeNo},${unknown},1,,,`,
        `${b.employeeNo},relationship_upkeep,${actual},４０,,`,
        `${c.employeeNo},communication,,,3,`,
      ];
      const bad = Buffer.from(lines('7', 'sales_revenue', 'forty-two').join('\n'));
      const dry = report(await actuals(cycle.id, 'dry-run', bad)) as unknown as ActualsImportReportDto;
      expect(dry.layout).toBe('long');
      expect(dry.refused.map((e) => [e.row, e.column])).toEqual([
        [4, 'Rating'],
        [5, 'KPI key'],
        [6, 'Actual'],
        [7, 'status'],
      ]);
      expect(dry.refused[0].message).toBe('selling: rating must be from 1 to 5');
      expect(dry.refused[1].message).toMatch(/^"sales_revenue" is not a KPI of this review/);
      expect(dry.refused[2].message).toBe('"forty-two" is not a number');
      expect(dry.refused[3].message).toMatch(/is submitted; only draft reviews take imported values/);
      expectError(await actuals(cycle.id, 'commit', bad), 409);
      expect((await totals(cycle.id)).has(a.employeeNo)).toBe(false);

      const good = Buffer.from(lines('4', 'customer_retention', '42').join('\n').split('\n').slice(0, 6).join('\n'));
      const fixed = report(await actuals(cycle.id, 'dry-run', good)) as unknown as ActualsImportReportDto;
      expect(fixed.refused).toEqual([]);
      expect(fixed.counts).toEqual({ create: 1, update: 1, unchanged: 0, refused: 0 });
      const byNo = new Map(fixed.reviews.map((r) => [r.employeeNo, r]));
      expect(byNo.get(a.employeeNo)).toMatchObject({ action: 'start', totalBefore: null, reviewId: null });
      expect(byNo.get(b.employeeNo)).toMatchObject({ action: 'update', totalBefore: 0, reviewId: bReview.id });
      const done = report(await actuals(cycle.id, 'commit', good)) as unknown as ActualsImportReportDto;
      expect(done.committed).toBe(true);
      const after = await totals(cycle.id);
      expect(after.get(a.employeeNo)).toMatchObject({ status: 'draft', version: 1, total: byNo.get(a.employeeNo)?.totalAfter });
      expect(after.get(b.employeeNo)).toMatchObject({ status: 'draft', version: 2, total: byNo.get(b.employeeNo)?.totalAfter });
      expect(byNo.get(a.employeeNo)?.totalAfter).toBeGreaterThan(0);
      // Same scoring as a manual save: the review read back scores what the import said.
      const bRead = await getReview(t, bReview.id);
      expect(bRead.kpis.find((k) => k.key === 'relationship_upkeep')?.input).toMatchObject({ actual: 42, target: 40 });
      expect(bRead.total).toBe(byNo.get(b.employeeNo)?.totalAfter);
      const trail = await auditOf(t, 'review', bReview.id);
      expect(trail[0]).toMatchObject({ action: 'scores', after: expect.objectContaining({ importId: done.importId, version: 2 }) });
      // Re-importing the same file changes nothing.
      const again = report(await actuals(cycle.id, 'dry-run', good)) as unknown as ActualsImportReportDto;
      expect(again.counts).toEqual({ create: 0, update: 0, unchanged: 2, refused: 0 });
      expect((report(await actuals(cycle.id, 'commit', good)) as unknown as ActualsImportReportDto).committed).toBe(false);
      expect((await totals(cycle.id)).get(b.employeeNo)?.version).toBe(2);
    });

    it("a rating that differs from the manager's submitted proposal is refused (no reason column); the proposed rating commits and clears the old reason", async () => {
      const s = await seedManagerStage(t);
      const proposal = `/api/reviews/${s.review.id}/manager-assessment`;
      const saved = (await t.http.put(proposal).set(s.asManager).send({ version: 0, entries: fullProposals() }).expect(200)).body as { version: number };
      await t.http.post(`${proposal}/submit`).set(s.asManager).send({ version: saved.version }).expect(200);
      // On the review page HR set selling to 3 (proposal 5) and communication to 2 (proposal 4), each with a reason.
      const review = await getReview(t, s.review.id);
      await t.http
        .put(`/api/reviews/${review.id}/scores`)
        .set(t.as('hr'))
        .send({
          version: review.version,
          entries: [
            { kpiKey: 'selling', rating: 3, reason: 'renewals were signed by the previous owner' },
            { kpiKey: 'communication', rating: 2, reason: 'two escalations in Q3' },
          ],
        })
        .expect(200);
      const file = (rating: number) => Buffer.from([LONG, `${s.report.employeeNo},communication,,,${rating},`].join('\n'));
      // The rating the review explains already passes; another one has no reason.
      expect((report(await actuals(s.cycle.id, 'dry-run', file(2))) as unknown as ActualsImportReportDto).refused).toEqual([]);
      const dry = report(await actuals(s.cycle.id, 'dry-run', file(1))) as unknown as ActualsImportReportDto;
      expect(dry.refused.map((e) => [e.row, e.column, e.message])).toEqual([
        [
          2,
          'Rating',
          "communication: the rating differs from the manager's proposal (4) and needs a reason: give it on the review page, or import the proposed rating",
        ],
      ]);
      expect(dry.refused[0].messageZh).toBe('communication：评分与上级建议（4）不同，需要说明理由：请在评估页面填写，或导入上级建议的评分');
      expectError(await actuals(s.cycle.id, 'commit', file(1)), 409);

      // The proposed rating needs no reason, so communication's goes; selling's (unchanged) stays.
      expect((report(await actuals(s.cycle.id, 'dry-run', file(4))) as unknown as ActualsImportReportDto).refused).toEqual([]);
      const done = report(await actuals(s.cycle.id, 'commit', file(4))) as unknown as ActualsImportReportDto;
      expect(done.committed).toBe(true);
      const [row] = await t.db.query<{ final_reasons: Record<string, string> }[]>(`SELECT final_reasons FROM reviews WHERE id = $1`, [s.review.id]);
      expect(row?.final_reasons).toEqual({ selling: 'renewals were signed by the previous owner' });
      const read = await getReview(t, s.review.id);
      expect(read.kpis.find((k) => k.key === 'communication')?.input.rating).toBe(4);
    });

    it('wide layout in XLSX: headers by key, Chinese or English name, or "… [key]", formula results and number forms', async () => {
      const cycle = await seedOpenCycle(t);
      const a = await createEmployee(t, 'account_manager');
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('说明 Instructions').addRow(['Fill in the other sheet']);
      const ws = wb.addWorksheet('account_manager');
      ws.addRow([
        '工号 / Employee number',
        '姓名 / Name',
        '销售业绩完成情况 / Sales attainment [sales_attainment]',
        '客户满意度',
        'Customer retention',
        'selling',
        'Not a KPI',
      ]);
      ws.addRow([a.employeeNo, a.name, { formula: '1000000*2', result: 2_000_000 }, '８１', '1.2e1', 4, 'x']);
      const bytes = Buffer.from(await wb.xlsx.writeBuffer());
      const dry = report(await actuals(cycle.id, 'dry-run', bytes, 'wide.xlsx')) as unknown as ActualsImportReportDto;
      expect(dry.layout).toBe('wide');
      expect(dry.refused).toEqual([]);
      expect(dry.ignoredColumns).toEqual(['Not a KPI']);
      expect(dry.reviews[0].fields.map((f) => [f.field, JSON.parse(f.after ?? 'null') as unknown])).toEqual([
        ['sales_attainment', { actual: 2_000_000, target: null, comment: null }],
        ['customer_satisfaction', { actual: 81, target: null, comment: null }],
        ['customer_retention', { actual: 12, target: null, comment: null }],
        ['selling', { rating: 4, comment: null }],
      ]);
      report(await actuals(cycle.id, 'commit', bytes, 'wide.xlsx'));
      expect((await totals(cycle.id)).get(a.employeeNo)?.total).toBe(dry.reviews[0].totalAfter);
    });

    it('refuses a file with no KPI column, and an unknown cycle (404)', async () => {
      const cycle = await seedOpenCycle(t);
      expect(expectError(await actuals(cycle.id, 'dry-run', Buffer.from('工号,姓名\nE1,x\n')), 400).message).toMatch(/No column names a KPI/);
      expectError(await actuals('9b2f7c1e-4d3a-4e8b-9c6f-0a1b2c3d4e5f', 'dry-run', Buffer.from(`${LONG}\n`)), 404);
    });
  });
});
