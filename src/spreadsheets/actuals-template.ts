// Pure layout of the KPI actuals template workbook: one sheet per role with the employees filled in,
// a column per KPI whose header the actuals import recognises (Chinese name, English name and key),
// a note with the target and unit or the rating scale, and whole-number validation for ratings.
import type { KpiDefinition } from '../scoring/index.js';

export interface TemplateColumn {
  header: string;
  /** Shown as the header cell's note. */
  note: string | null;
  /** Rating KPIs: whole numbers in this range. */
  whole: { min: number; max: number } | null;
}

export const EMPLOYEE_NO_HEADER = '工号 / Employee number';
export const NAME_HEADER = '姓名 / Name';

const DIRECTION = { higher: '越高越好 / higher is better', lower: '越低越好 / lower is better' } as const;

export function kpiHeader(kpi: Pick<KpiDefinition, 'key' | 'nameZh' | 'nameEn'>): string {
  return `${kpi.nameZh} / ${kpi.nameEn} [${kpi.key}]`;
}

export function kpiNote(kpi: KpiDefinition): string {
  const rule = kpi.rule;
  if (rule.type === 'target') {
    const unit = rule.unit ? ` ${rule.unit}` : '';
    return [`目标 / Target: ${rule.target}${unit}`, `单位 / Unit: ${rule.unit || '-'}`, DIRECTION[rule.direction], '填写实际值 / Enter the actual value'].join(
      '\n',
    );
  }
  return [
    `评分 / Rating ${rule.min}–${rule.max}:`,
    ...rule.points.map((p) => `${p.value} = ${p.labelZh} / ${p.labelEn}`),
    '填写整数评分 / Enter a whole-number rating',
  ].join('\n');
}

export function templateColumns(kpis: readonly KpiDefinition[]): TemplateColumn[] {
  return [
    { header: EMPLOYEE_NO_HEADER, note: null, whole: null },
    { header: NAME_HEADER, note: null, whole: null },
    ...kpis.map((k): TemplateColumn => ({
      header: kpiHeader(k),
      note: kpiNote(k),
      whole: k.rule.type === 'rating' ? { min: k.rule.min, max: k.rule.max } : null,
    })),
  ];
}

/** Spreadsheet column letters of a 1-based column number (1 → A, 27 → AA). */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

export function instructionLines(cycleName: string): [string, string][] {
  return [
    ['周期 / Cycle', cycleName],
    [
      '说明',
      '每个角色一个工作表。每行一名员工：请勿修改工号列；在各 KPI 列填写实际值（目标类）或评分（评分类）。表头批注给出目标、单位或评分标准。留空的单元格不导入。',
    ],
    [
      'Instructions',
      'One sheet per role. One row per employee: keep the employee number column as it is; enter the actual value (target KPIs) or the rating (rating KPIs) in each KPI column. Each header note gives the target and unit, or the rating scale. Empty cells are not imported.',
    ],
    ['导入', '保存后在“导入”页面上传本文件（KPI 实际值），先查看试运行结果，再确认。'],
    ['Import', 'Upload the saved file on the Imports page (KPI actuals); check the dry run, then confirm.'],
  ];
}
