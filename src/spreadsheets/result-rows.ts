// Pure shaping of the cycle results export: which columns each role's sheet has, the header texts,
// and one review → one row of cell values. The service only reads rows and writes them out.
import { type KpiDefinition, type KpiInput, type RatingBand, scoreKpi } from '../scoring/index.js';
import { neutralise } from './cells.js';

export type SheetLang = 'zh-CN' | 'en';

/** A template version that reviews of the cycle pin. */
export interface ResultVersion {
  id: string;
  roleCode: string;
  roleNameZh: string;
  roleNameEn: string;
  kpis: KpiDefinition[];
  bands: RatingBand[];
}

export interface KpiColumn {
  key: string;
  nameZh: string;
  nameEn: string;
  kind: 'target' | 'rating';
}

/** One worksheet: a role and the KPIs of every version its reviews pin, in template order. */
export interface ResultSheet {
  roleCode: string;
  roleNameZh: string;
  roleNameEn: string;
  kpis: KpiColumn[];
}

/** One review as the query reads it. */
export interface ResultSource {
  employeeNo: string;
  name: string;
  department: string;
  managerNo: string | null;
  managerName: string | null;
  roleCode: string;
  status: string;
  total: number;
  bandKey: string | null;
  templateVersionId: string;
  inputs: Record<string, KpiInput>;
  /** ISO 8601. */
  finalizedAt: string | null;
}

export type CellValue = string | number | Date | null;

function addKpis(into: KpiColumn[], kpis: KpiDefinition[]): void {
  for (const k of kpis) {
    if (!into.some((c) => c.key === k.key)) into.push({ key: k.key, nameZh: k.nameZh, nameEn: k.nameEn, kind: k.rule.type });
  }
}

/** Sheets by role code; a role whose reviews pin several versions gets the union of their KPIs. */
export function sheetsOf(versions: readonly ResultVersion[]): ResultSheet[] {
  const byRole = new Map<string, ResultSheet>();
  for (const v of versions) {
    let sheet = byRole.get(v.roleCode);
    if (!sheet) {
      sheet = { roleCode: v.roleCode, roleNameZh: v.roleNameZh, roleNameEn: v.roleNameEn, kpis: [] };
      byRole.set(v.roleCode, sheet);
    }
    addKpis(sheet.kpis, v.kpis);
  }
  return [...byRole.values()].sort((a, b) => (a.roleCode < b.roleCode ? -1 : a.roleCode > b.roleCode ? 1 : 0));
}

/** The CSV has one sheet's worth of columns: every role's KPIs, first appearance first. */
export function unionKpis(sheets: readonly ResultSheet[]): KpiColumn[] {
  const all: KpiColumn[] = [];
  for (const s of sheets) for (const k of s.kpis) if (!all.some((c) => c.key === k.key)) all.push(k);
  return all;
}

const FIXED = {
  employeeNo: { en: 'Employee number', zh: '工号' },
  name: { en: 'Name', zh: '姓名' },
  department: { en: 'Department', zh: '部门' },
  manager: { en: 'Manager', zh: '上级' },
  role: { en: 'Role', zh: '角色' },
  status: { en: 'Status', zh: '状态' },
  total: { en: 'Total', zh: '总分' },
  band: { en: 'Band', zh: '等级' },
  finalizedAt: { en: 'Finalized at', zh: '定稿时间' },
  actual: { en: 'actual', zh: '实际' },
  score: { en: 'score', zh: '得分' },
  points: { en: 'points', zh: '加权分' },
} as const;

const word = (lang: SheetLang, w: { en: string; zh: string }) => (lang === 'zh-CN' ? w.zh : w.en);

/** How a value of a column is formatted in the XLSX. */
export type ColumnFormat = 'text' | 'number' | 'decimal' | 'datetime';

export interface ResultColumn {
  header: string;
  format: ColumnFormat;
}

/** Header row: the fixed columns, then actual / score / points per KPI (named `<key> <word>`), then finalized at. */
export function resultColumns(kpis: readonly KpiColumn[], lang: SheetLang): ResultColumn[] {
  const text = (w: { en: string; zh: string }): ResultColumn => ({ header: word(lang, w), format: 'text' });
  return [
    text(FIXED.employeeNo),
    text(FIXED.name),
    text(FIXED.department),
    text(FIXED.manager),
    text(FIXED.role),
    text(FIXED.status),
    { header: word(lang, FIXED.total), format: 'decimal' },
    text(FIXED.band),
    ...kpis.flatMap((k): ResultColumn[] => [
      { header: `${k.key} ${word(lang, FIXED.actual)}`, format: 'number' },
      { header: `${k.key} ${word(lang, FIXED.score)}`, format: 'decimal' },
      { header: `${k.key} ${word(lang, FIXED.points)}`, format: 'decimal' },
    ]),
    { header: word(lang, FIXED.finalizedAt), format: 'datetime' },
  ];
}

const STATUS: Record<string, { en: string; zh: string }> = {
  draft: { en: 'draft', zh: '草稿' },
  submitted: { en: 'submitted', zh: '已提交' },
  finalized: { en: 'finalized', zh: '已定稿' },
};

/**
 * One review's cells, in the order of {@link resultColumns} for the same KPIs. Text is neutralised
 * (a name such as "=HYPERLINK(…)" stays text in Excel); a KPI the review's version lacks is empty.
 * `finalizedAt` is a Date for the XLSX (a real date cell) or ISO text for the CSV.
 */
export function resultRow(r: ResultSource, version: ResultVersion, kpis: readonly KpiColumn[], lang: SheetLang, dates: 'date' | 'iso'): CellValue[] {
  const band = r.bandKey ? version.bands.find((b) => b.key === r.bandKey) : undefined;
  const manager = r.managerNo ? `${r.managerName ?? ''} (${r.managerNo})` : '';
  const status = STATUS[r.status] ? word(lang, STATUS[r.status]) : r.status;
  const cells: CellValue[] = [
    neutralise(r.employeeNo),
    neutralise(r.name),
    neutralise(r.department),
    neutralise(manager),
    neutralise(r.roleCode),
    status,
    r.total,
    band ? neutralise(lang === 'zh-CN' ? band.labelZh : band.labelEn) : (r.bandKey ?? ''),
  ];
  for (const column of kpis) {
    const kpi = version.kpis.find((k) => k.key === column.key);
    if (!kpi) {
      cells.push(null, null, null);
      continue;
    }
    const input = Object.hasOwn(r.inputs, kpi.key) ? r.inputs[kpi.key] : undefined;
    const actual = kpi.rule.type === 'rating' ? input?.rating : input?.actual;
    const s = scoreKpi(kpi, input);
    cells.push(actual ?? null, s.score, s.points);
  }
  cells.push(r.finalizedAt === null ? null : dates === 'date' ? new Date(r.finalizedAt) : r.finalizedAt);
  return cells;
}

/** A cell as CSV text: empty for none, ISO 8601 for a date. */
export function csvValue(v: CellValue): string {
  if (v === null) return '';
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** A worksheet name: at most 31 characters, none of \ / ? * [ ] : (Excel's rules), unique in the book. */
export function sheetName(wanted: string, taken: ReadonlySet<string>): string {
  const base = wanted.replace(/[\\/?*[\]:]/g, '_').slice(0, 31) || 'Sheet';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)}~${i}`;
  return name;
}

/** File name of an export: the cycle's name (what people look for), made safe for every file system. */
export function exportFilename(prefix: string, cycleName: string, ext: 'xlsx' | 'csv'): string {
  const safe = cycleName.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim();
  return `${prefix}-${safe}.${ext}`;
}
