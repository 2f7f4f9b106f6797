import { describe, expect, it } from '@jest/globals';
import { ACCOUNT_MANAGER, MANAGER } from '../kpi-templates/default-templates.js';
import { columnLetter, kpiHeader, kpiNote, templateColumns } from './actuals-template.js';
import { csvValue, exportFilename, type ResultSource, type ResultVersion, resultColumns, resultRow, sheetName, sheetsOf, unionKpis } from './result-rows.js';

const am: ResultVersion = {
  id: 'v-am',
  roleCode: 'account_manager',
  roleNameZh: '客户经理',
  roleNameEn: 'Account manager',
  kpis: ACCOUNT_MANAGER.kpis,
  bands: ACCOUNT_MANAGER.bands,
};
const mgr: ResultVersion = { id: 'v-m', roleCode: 'manager', roleNameZh: '经理', roleNameEn: 'Manager', kpis: MANAGER.kpis, bands: MANAGER.bands };

function source(over: Partial<ResultSource> = {}): ResultSource {
  return {
    employeeNo: 'E001',
    name: '王小明',
    department: 'Sales East',
    managerNo: 'M01',
    managerName: '李经理',
    roleCode: 'account_manager',
    status: 'finalized',
    total: 85.5,
    bandKey: 'exceeds',
    templateVersionId: 'v-am',
    inputs: { sales_attainment: { actual: 2_300_000 }, communication: { rating: 4 } },
    finalizedAt: '2026-07-01T08:30:00.000Z',
    ...over,
  };
}

describe('result sheets', () => {
  it('gives each role one sheet, sorted by code, with the union of the KPIs its versions pin', () => {
    const older: ResultVersion = { ...am, id: 'v-am-1', kpis: [...am.kpis.slice(0, 2), { ...am.kpis[0], key: 'legacy_kpi' }] };
    const sheets = sheetsOf([mgr, am, older]);
    expect(sheets.map((s) => s.roleCode)).toEqual(['account_manager', 'manager']);
    expect(sheets[0].kpis.map((k) => k.key)).toEqual([...am.kpis.map((k) => k.key), 'legacy_kpi']);
    expect(sheets[1].kpis.map((k) => k.key)).toEqual(MANAGER.kpis.map((k) => k.key));
  });

  it('gives the CSV every KPI once, shared keys (communication) included once', () => {
    const keys = unionKpis(sheetsOf([am, mgr])).map((k) => k.key);
    expect(keys.filter((k) => k === 'communication')).toHaveLength(1);
    expect(keys).toHaveLength(new Set([...am.kpis, ...mgr.kpis].map((k) => k.key)).size);
  });

  it('names the columns in the chosen language, three per KPI', () => {
    const [sheet] = sheetsOf([am]);
    const en = resultColumns(sheet.kpis, 'en').map((c) => c.header);
    expect(en.slice(0, 8)).toEqual(['Employee number', 'Name', 'Department', 'Manager', 'Role', 'Status', 'Total', 'Band']);
    expect(en.slice(8, 11)).toEqual(['sales_attainment actual', 'sales_attainment score', 'sales_attainment points']);
    expect(en.at(-1)).toBe('Finalized at');
    expect(en).toHaveLength(8 + 3 * 8 + 1);
    expect(resultColumns(sheet.kpis, 'zh-CN')[0].header).toBe('工号');
  });
});

describe('result rows', () => {
  const [sheet] = sheetsOf([am]);

  it('puts actual (or rating), score and points per KPI, empty where the input is missing', () => {
    const row = resultRow(source(), am, sheet.kpis, 'en', 'iso');
    expect(row.slice(0, 8)).toEqual(['E001', '王小明', 'Sales East', '李经理 (M01)', 'account_manager', 'finalized', 85.5, 'Exceeds expectations']);
    // 2.3M of 2M: attainment 115 %, weight 35 → 40.25 points
    expect(row.slice(8, 11)).toEqual([2_300_000, 115, 40.25]);
    expect(row.slice(11, 14)).toEqual([null, null, null]);
    const communication = 8 + 3 * sheet.kpis.findIndex((k) => k.key === 'communication');
    expect(row[communication]).toBe(4);
    expect(row.at(-1)).toBe('2026-07-01T08:30:00.000Z');
    expect(resultRow(source(), am, sheet.kpis, 'en', 'date').at(-1)).toEqual(new Date('2026-07-01T08:30:00.000Z'));
  });

  it('neutralises text that Excel would run as a formula', () => {
    const row = resultRow(source({ name: '=HYPERLINK("http://x","y")', department: '+1', employeeNo: '-5', managerNo: null }), am, sheet.kpis, 'zh-CN', 'iso');
    expect(row.slice(0, 4)).toEqual(["'-5", `'=HYPERLINK("http://x","y")`, "'+1", '']);
    expect(row[5]).toBe('已定稿');
    expect(row[7]).toBe('优秀');
  });

  it('leaves the columns of KPIs the review version lacks empty (CSV union)', () => {
    const kpis = unionKpis(sheetsOf([am, mgr]));
    const row = resultRow(source(), am, kpis, 'en', 'iso');
    const team = 8 + 3 * kpis.findIndex((k) => k.key === 'team_performance');
    expect(row.slice(team, team + 3)).toEqual([null, null, null]);
    expect(row.map(csvValue)[team]).toBe('');
  });
});

describe('names', () => {
  it('keeps sheet names within Excel rules and unique', () => {
    expect(sheetName('a/b:c*?[x]', new Set())).toBe('a_b_c___x_');
    const long = 'x'.repeat(40);
    expect(sheetName(long, new Set())).toHaveLength(31);
    expect(sheetName('Role', new Set(['role']))).toBe('Role~2');
  });
  it('makes file names safe', () => {
    expect(exportFilename('results', '2026 H1/上半年: "all"', 'csv')).toBe('results-2026 H1_上半年_ _all_.csv');
  });
});

describe('actuals template layout', () => {
  it('heads each KPI with both names and the key, notes the target or the scale, validates ratings', () => {
    const cols = templateColumns(ACCOUNT_MANAGER.kpis);
    expect(cols[0].header).toBe('工号 / Employee number');
    expect(cols[1].header).toBe('姓名 / Name');
    expect(cols[2].header).toBe('销售业绩完成情况 / Sales attainment [sales_attainment]');
    expect(cols[2].note).toContain('2000000 CNY');
    expect(cols[2].whole).toBeNull();
    const rating = cols.find((c) => c.header.endsWith('[communication]'));
    expect(rating?.whole).toEqual({ min: 1, max: 5 });
    expect(rating?.note).toContain('5 = 卓越 / Outstanding');
    expect(kpiHeader({ key: 'k', nameZh: '中', nameEn: 'En' })).toBe('中 / En [k]');
    expect(kpiNote(ACCOUNT_MANAGER.kpis[0])).toContain('higher is better');
  });
  it('letters columns as spreadsheets do', () => {
    expect([1, 26, 27, 52, 703].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'AAA']);
  });
});
