// Step 3 of the actuals import: rows of one or more sheets + the cycle's reviews → new inputs per
// draft review, with totals before and after, and per-row refusals. Pure. Entries are checked by the
// reviews' own rules (KpiEntryDto's validators and entriesToInputs), and scored by scoreReview, as a
// manual save is.
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { KpiEntryDto } from '../reviews/dto/review.dto.js';
import type { PinnedTemplate } from '../reviews/review.entity.js';
import { finalReasons, type Proposal } from '../reviews/final-reasons.js';
import { checkEntries } from '../reviews/review.rules.js';
import { scoreReview } from '../scoring/index.js';
import type { KpiInput } from '../scoring/types.js';
import { normaliseHeader } from '../spreadsheets/employee-columns.js';
import { restoreNeutralised } from '../spreadsheets/cells.js';
import { columnOfHeader, type RowError } from './employee-plan.js';
import { ImportFileError, type Cell, type Table } from './read-table.js';
import { constraintZh } from './constraint-zh.js';
import { numberOf, textOf } from './values.js';

/** An employee as the import sees them in the cycle: their review (if any) or the template a new one would pin. */
export interface ActualsTarget {
  employeeNo: string;
  name: string;
  active: boolean;
  review: {
    id: string;
    status: string;
    version: number;
    inputs: Record<string, KpiInput>;
    total: number;
    template: PinnedTemplate;
    /** The reasons the review keeps beside final ratings that differ from the manager's proposal. */
    finalReasons: Record<string, string>;
    /** The manager's submitted proposal, null when there is none. */
    proposal: Proposal | null;
  } | null;
  /** What a new review would pin (the role's current published version); null when there is none. */
  newTemplate: PinnedTemplate | null;
}

export interface KpiChange {
  kpiKey: string;
  before: KpiInput | null;
  after: KpiInput;
}

export interface ReviewChange {
  employeeNo: string;
  name: string;
  /** start: a new draft is started for the values; update: an existing draft changes. */
  action: 'start' | 'update';
  reviewId: string | null;
  rows: number[];
  template: PinnedTemplate;
  inputs: Record<string, KpiInput>;
  /** The reasons kept beside final ratings that differ from the manager's proposal, as a manual save keeps them. */
  finalReasons: Record<string, string>;
  totalBefore: number | null;
  totalAfter: number;
  complete: boolean;
  bandKey: string | null;
  kpis: KpiChange[];
}

export interface ActualsPlan {
  layout: 'long' | 'wide';
  changes: ReviewChange[];
  unchanged: number;
  refused: (RowError & { sheet: string | null })[];
  refusedRows: number;
  ignoredColumns: string[];
}

type LongField = 'employeeNo' | 'name' | 'kpiKey' | 'actual' | 'target' | 'rating' | 'comment';
const LONG_HEADERS: Record<LongField, string[]> = {
  employeeNo: ['Employee number', '工号', 'employeeNo', 'Employee no'],
  name: ['Name', '姓名'],
  kpiKey: ['KPI key', 'kpiKey', 'KPI', '指标代码', '指标'],
  actual: ['Actual', '实际', '实际值', '实际完成'],
  target: ['Personal target', '个人目标', 'target', '目标'],
  rating: ['Rating', '评分', '评级'],
  comment: ['Comment', '备注', '评语', '说明'],
};
const LABEL: Record<LongField, string> = {
  employeeNo: '工号 / Employee number',
  name: '姓名 / Name',
  kpiKey: '指标代码 / KPI key',
  actual: '实际值 / Actual',
  target: '个人目标 / Personal target',
  rating: '评分 / Rating',
  comment: '备注 / Comment',
};
const longByHeader = new Map<string, LongField>();
for (const [field, names] of Object.entries(LONG_HEADERS) as [LongField, string[]][]) for (const n of names) longByHeader.set(normaliseHeader(n), field);
const longColumnOf = (text: string) => longByHeader.get(normaliseHeader(text));

/** A wide layout's KPI column: its key, its Chinese or English name, or `… [key]`. */
export function kpiColumnOf(header: string, kpis: ReadonlyMap<string, { nameZh: string; nameEn: string }>): string | undefined {
  const text = restoreNeutralised(header.trim());
  const bracket = /\[([a-z][a-z0-9_]{0,63})\]\s*$/.exec(text);
  if (bracket && kpis.has(bracket[1])) return bracket[1];
  const byName = new Map<string, string>();
  for (const [key, k] of kpis) {
    for (const n of [key, k.nameZh, k.nameEn]) if (!byName.has(normaliseHeader(n))) byName.set(normaliseHeader(n), key);
  }
  return columnOfHeader(text, (t) => byName.get(normaliseHeader(t)));
}

interface Entry {
  row: number;
  sheet: string | null;
  kpiKey: string;
  /** Column label per field, for errors. */
  columns: Partial<Record<'kpiKey' | 'actual' | 'target' | 'rating' | 'comment', string>>;
  actual?: number;
  target?: number;
  rating?: number;
  comment?: string;
}

export function planActuals(tables: Table[], targets: ReadonlyMap<string, ActualsTarget>): ActualsPlan {
  // Every KPI any review of the cycle has or would pin, for wide headers.
  const kpis = new Map<string, { nameZh: string; nameEn: string }>();
  for (const t of targets.values())
    for (const k of [...(t.review?.template.kpis ?? []), ...(t.newTemplate?.kpis ?? [])]) if (!kpis.has(k.key)) kpis.set(k.key, k);

  const refused: (RowError & { sheet: string | null })[] = [];
  const badRows = new Set<string>();
  const refuse = (sheet: string | null, row: number, column: string, message: string, messageZh: string) => {
    refused.push({ sheet, row, column, message, messageZh });
    badRows.add(`${sheet}\u0000${row}`);
  };
  const ignored: string[] = [];
  let layout: 'long' | 'wide' | null = null;
  const entriesOf = new Map<string, Entry[]>();
  const rowsOf = new Map<string, { sheet: string | null; row: number }[]>();

  for (const table of tables) {
    const longCols = new Map<LongField, number>();
    const wideCols = new Map<number, string>();
    const ignoredHere: string[] = [];
    table.headers.forEach((h, i) => {
      if (!h.trim()) return;
      const f = columnOfHeader(h, longColumnOf);
      if (f && !longCols.has(f)) longCols.set(f, i);
      else {
        const k = kpiColumnOf(h, kpis);
        if (k) wideCols.set(i, k);
        else ignoredHere.push(h);
      }
    });
    // A sheet without an employee-number column (the template's instructions) is not data.
    if (!longCols.has('employeeNo')) continue;
    ignored.push(...ignoredHere);
    const sheetLayout = longCols.has('kpiKey') ? 'long' : 'wide';
    if (sheetLayout === 'wide' && wideCols.size === 0) {
      throw new ImportFileError(
        `No column names a KPI: use a KPI key column (long layout) or one column per KPI, headed by its key or name (wide layout)${table.sheet ? ` (sheet ${table.sheet})` : ''}`,
        `没有指标列：请使用"指标代码"列（长表），或每个指标一列、以指标代码或名称为表头（宽表）${table.sheet ? `（工作表 ${table.sheet}）` : ''}`,
      );
    }
    layout ??= sheetLayout;
    const label = (i: number) => table.headers[i] || `#${i + 1}`;
    for (const r of table.rows) {
      const cell = (i: number | undefined): Cell => {
        const c = i === undefined ? null : (r.cells[i] ?? null);
        return typeof c === 'string' ? restoreNeutralised(c) : c;
      };
      const no = textOf(cell(longCols.get('employeeNo')));
      const errorsBefore = refused.length;
      const target = targets.get(no);
      if (!target) {
        refuse(
          table.sheet,
          r.row,
          label(longCols.get('employeeNo') ?? 0),
          no ? `employee number ${no} is not on record` : 'is empty',
          no ? `工号 ${no} 不存在` : '为空',
        );
        continue;
      }
      rowsOf.set(no, [...(rowsOf.get(no) ?? []), { sheet: table.sheet, row: r.row }]);
      const num = (i: number | undefined): number | undefined => {
        const p = numberOf(cell(i));
        if (!p.ok) {
          refuse(table.sheet, r.row, label(i ?? 0), p.message, p.messageZh);
          return undefined;
        }
        return p.value ?? undefined;
      };
      const list: Entry[] = [];
      if (sheetLayout === 'long') {
        const kpiKey = textOf(cell(longCols.get('kpiKey')));
        const template = target.review?.template ?? target.newTemplate;
        if (template && !template.kpis.some((k) => k.key === kpiKey)) {
          const keys = template.kpis.map((k) => k.key);
          refuse(
            table.sheet,
            r.row,
            label(longCols.get('kpiKey') ?? 0),
            `"${kpiKey}" is not a KPI of this review (${keys.join(', ')})`,
            `"${kpiKey}" 不是该评估的指标（${keys.join('、')}）`,
          );
        }
        const e: Entry = { row: r.row, sheet: table.sheet, kpiKey, columns: {} };
        for (const f of ['actual', 'target', 'rating'] as const) {
          const i = longCols.get(f);
          if (i === undefined) continue;
          e.columns[f] = label(i);
          const v = num(i);
          if (v !== undefined) e[f] = v;
        }
        const ci = longCols.get('comment');
        if (ci !== undefined) {
          e.columns.comment = label(ci);
          const c = textOf(cell(ci));
          if (c) e.comment = c;
        }
        e.columns.kpiKey = label(longCols.get('kpiKey') ?? 0);
        list.push(e);
      } else {
        for (const [i, kpiKey] of wideCols) {
          const v = num(i);
          if (v === undefined) continue;
          const template = target.review?.template ?? target.newTemplate;
          const rule = template?.kpis.find((k) => k.key === kpiKey)?.rule;
          const e: Entry = { row: r.row, sheet: table.sheet, kpiKey, columns: { kpiKey: label(i), actual: label(i), rating: label(i) } };
          if (rule?.type === 'rating') e.rating = v;
          else e.actual = v;
          list.push(e);
        }
      }
      if (refused.length > errorsBefore) continue;
      entriesOf.set(no, [...(entriesOf.get(no) ?? []), ...list]);
    }
  }
  if (layout === null) {
    throw new ImportFileError('No sheet has an employee number column (工号 / Employee number)', '没有任何工作表包含"工号 / Employee number"列');
  }

  const changes: ReviewChange[] = [];
  let unchanged = 0;
  for (const [no, rows] of rowsOf) {
    const t = targets.get(no);
    if (!t) continue;
    const first = rows[0];
    const entries = entriesOf.get(no) ?? [];
    const refuseAll = (column: string, message: string, messageZh: string) => {
      for (const r of rows) if (!badRows.has(`${r.sheet}\u0000${r.row}`)) refuse(r.sheet, r.row, column, message, messageZh);
    };
    if (rows.some((r) => badRows.has(`${r.sheet}\u0000${r.row}`))) {
      const bad = rows.filter((r) => badRows.has(`${r.sheet}\u0000${r.row}`)).map((r) => r.row);
      refuseAll(
        LABEL.employeeNo,
        `skipped: row(s) ${bad.join(', ')} of ${no} are refused, and a review is imported whole or not at all`,
        `已跳过：${no} 的第 ${bad.join('、')} 行被拒绝，一份评估要么整体导入，要么不导入`,
      );
      continue;
    }
    if (t.review && t.review.status !== 'draft') {
      refuseAll(
        'status',
        `the review of ${no} is ${t.review.status}; only draft reviews take imported values (reopen it first)`,
        `${no} 的评估状态为 ${t.review.status === 'submitted' ? '已提交' : '已定稿'}（${t.review.status}）；只有草稿可以导入数值（请先重新打开）`,
      );
      continue;
    }
    if (!t.review && !t.active) {
      refuseAll(LABEL.employeeNo, `${no} is deactivated and cannot get a new review`, `${no} 已停用，不能创建新的评估`);
      continue;
    }
    const template = t.review?.template ?? t.newTemplate;
    if (!template) {
      refuseAll(LABEL.employeeNo, `the role of ${no} has no published KPI template yet`, `${no} 的角色尚无已发布的 KPI 模板`);
      continue;
    }
    // The imported fields over what the review holds; fields left empty keep their value.
    const before = t.review?.inputs ?? {};
    const merged = new Map<string, KpiInput>(Object.entries(before).map(([k, v]) => [k, { ...v }]));
    const setBy = new Map<string, Entry>();
    let unknown = false;
    for (const e of entries) {
      const kpi = template.kpis.find((k) => k.key === e.kpiKey);
      if (!kpi) {
        refuse(
          e.sheet,
          e.row,
          e.columns.kpiKey ?? LABEL.kpiKey,
          `"${e.kpiKey}" is not a KPI of this review (${template.kpis.map((k) => k.key).join(', ')})`,
          `"${e.kpiKey}" 不是该评估的指标（${template.kpis.map((k) => k.key).join('、')}）`,
        );
        unknown = true;
        continue;
      }
      const input = { ...(merged.get(e.kpiKey) ?? {}) };
      if (e.actual !== undefined) input.actual = e.actual;
      if (e.target !== undefined) input.target = e.target;
      if (e.rating !== undefined) input.rating = e.rating;
      if (e.comment !== undefined) input.comment = e.comment;
      merged.set(e.kpiKey, input);
      setBy.set(e.kpiKey, e);
    }
    if (unknown) continue;
    const list = [...merged].map(([kpiKey, i]) => ({
      kpiKey,
      actual: i.actual ?? null,
      target: i.target ?? null,
      rating: i.rating ?? null,
      comment: i.comment ?? null,
    }));
    // The same rules as PUT /api/reviews/:id/scores: the DTO's validators, then the review's own KPIs.
    const problems: { index: number; field: string; message: string; messageZh: string }[] = [];
    list.forEach((entry, index) => {
      for (const v of validateSync(plainToInstance(KpiEntryDto, entry))) {
        for (const [name, m] of Object.entries(v.constraints ?? {}))
          problems.push({ index, field: v.property, message: m, messageZh: constraintZh(name, v.property, m) });
      }
    });
    let inputs: Record<string, KpiInput> | null = null;
    if (problems.length === 0) {
      const checked = checkEntries(template, list);
      for (const p of checked.problems) {
        const m = /^entries\[(\d+)\]\.(\w+)$/.exec(p.field);
        problems.push({ index: m ? Number(m[1]) : 0, field: m ? m[2] : 'kpiKey', message: p.message, messageZh: p.messageZh });
      }
      if (checked.problems.length === 0) inputs = checked.inputs;
    }
    // A final rating that differs from the manager's submitted proposal needs a reason, as on the
    // review page; a file has no reason column, so such a row is refused, unless the review already
    // keeps a reason for that very rating.
    let reasons: Record<string, string> = {};
    if (problems.length === 0 && t.review) {
      const judged = finalReasons(template, list, t.review.proposal, { inputs: before, finalReasons: t.review.finalReasons });
      reasons = judged.reasons;
      for (const e of judged.errors) {
        const index = Number(/^entries\[(\d+)\]/.exec(e.field)?.[1] ?? 0);
        const proposed = t.review.proposal?.[list[index]?.kpiKey ?? ''];
        problems.push({
          index,
          field: 'rating',
          message: `the rating differs from the manager's proposal (${proposed}) and needs a reason: give it on the review page, or import the proposed rating`,
          messageZh: `评分与上级建议（${proposed}）不同，需要说明理由：请在评估页面填写，或导入上级建议的评分`,
        });
      }
      if (judged.errors.length > 0) inputs = null;
    }
    if (problems.length > 0 || inputs === null) {
      for (const p of problems) {
        const key = list[p.index]?.kpiKey ?? '';
        const e = setBy.get(key);
        const column = e?.columns[p.field as keyof Entry['columns']] ?? key;
        refuse(e?.sheet ?? first.sheet, e?.row ?? first.row, column, `${key}: ${p.message}`, `${key}：${p.messageZh}`);
      }
      continue;
    }
    const kpiChanges: KpiChange[] = [];
    for (const k of template.kpis) {
      const a = inputs[k.key];
      if (a === undefined) continue;
      const b = before[k.key] ?? null;
      if (JSON.stringify(normal(b)) !== JSON.stringify(normal(a))) kpiChanges.push({ kpiKey: k.key, before: b, after: a });
    }
    if (t.review && kpiChanges.length === 0) {
      unchanged++;
      continue;
    }
    const s = scoreReview(template.kpis, inputs, template.bands);
    changes.push({
      employeeNo: no,
      name: t.name,
      action: t.review ? 'update' : 'start',
      reviewId: t.review?.id ?? null,
      rows: rows.map((r) => r.row),
      template,
      inputs,
      finalReasons: reasons,
      totalBefore: t.review ? t.review.total : null,
      totalAfter: s.total,
      complete: s.complete,
      bandKey: s.band?.key ?? null,
      kpis: kpiChanges,
    });
  }
  refused.sort((a, b) => (a.sheet ?? '').localeCompare(b.sheet ?? '') || a.row - b.row);
  return { layout, changes, unchanged, refused, refusedRows: badRows.size, ignoredColumns: ignored };
}

function normal(i: KpiInput | null): KpiInput {
  return { actual: i?.actual ?? null, target: i?.target ?? null, rating: i?.rating ?? null, comment: i?.comment ?? null };
}
