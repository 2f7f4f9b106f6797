// Step 2 of an import: raw cells → typed values, as people and Excel write them. Pure.
import type { Cell } from './read-table.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; messageZh: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string, messageZh: string): Parsed<T> => ({ ok: false, message, messageZh });

/** Text of a cell, trimmed; '' for empty. Numbers as written (1001 → "1001"); dates as yyyy-mm-dd. */
export function textOf(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return isoDate(cell);
  return String(cell).trim();
}

/**
 * A number: 2,000,000 · ¥2,000,000 · 92% (→ 92, the unit KPIs use) · 1.2e6 · full-width digits ·
 * an Excel formula's result (the reader hands over the result). Null for an empty cell.
 */
export function numberOf(cell: Cell): Parsed<number | null> {
  if (cell === null) return ok(null);
  if (typeof cell === 'number') return Number.isFinite(cell) ? ok(cell) : fail('is not a finite number', '不是有效数字');
  if (typeof cell !== 'string') return fail(`"${textOf(cell)}" is not a number`, `"${textOf(cell)}" 不是数字`);
  const raw = cell.trim();
  // NFKC turns full-width digits, signs, ￥ and ％ into their ASCII forms.
  let s = raw.normalize('NFKC').trim();
  if (s === '') return ok(null);
  s = s.replace(/^(?:[¥$€£]|RMB|CNY|USD)\s*/i, '').replace(/\s*(?:元|RMB|CNY)$/i, '');
  // "92%" means 92 percent points, the unit KPIs are kept in (XLSX percent cells are scaled by the reader).
  if (s.endsWith('%')) s = s.slice(0, -1);
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return fail(`"${raw}" is not a number`, `"${raw}" 不是数字`);
  const n = Number(s);
  if (!Number.isFinite(n)) return fail(`"${raw}" is not a finite number`, `"${raw}" 不是有效数字`);
  return ok(n);
}

function isoDate(d: Date): string {
  // exceljs gives a date cell as midnight UTC of the day shown.
  return d.toISOString().slice(0, 10);
}

function validDate(y: number, m: number, d: number): string | null {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  if (y < 1900 || y > 2999) return null;
  return dt.toISOString().slice(0, 10);
}

/** Excel's day numbers: day 1 is 1900-01-01, with Lotus' phantom 1900-02-29 (so 25569 is 1970-01-01). */
export function excelSerialDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 61 || serial > 400_000) return null;
  return isoDate(new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000));
}

/** A date: an XLSX date cell, an Excel serial (46027), 2026-01-05, 2026/1/5, 2026.1.5 or 2026年1月5日. Null for empty. */
export function dateOf(cell: Cell): Parsed<string | null> {
  if (cell === null) return ok(null);
  if (cell instanceof Date) return ok(isoDate(cell));
  const bad = fail<string | null>(
    `"${textOf(cell)}" is not a date (write 2026-01-05 or 2026/1/5)`,
    `"${textOf(cell)}" 不是日期（请写作 2026-01-05 或 2026/1/5）`,
  );
  if (typeof cell === 'number') return excelSerialDate(cell) ? ok(excelSerialDate(cell)) : bad;
  if (typeof cell !== 'string') return bad;
  const s = cell.normalize('NFKC').trim();
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  if (m) {
    const d = validDate(Number(m[1]), Number(m[2]), Number(m[3]));
    return d ? ok(d) : bad;
  }
  if (/^\d{2,6}(\.\d+)?$/.test(s)) {
    const d = excelSerialDate(Number(s));
    return d ? ok(d) : bad;
  }
  return bad;
}

const TRUE = new Set(['true', 'yes', 'y', '1', '是', '在职', 'active', '有效', 'x', '✓']);
const FALSE = new Set(['false', 'no', 'n', '0', '否', '离职', 'inactive', '无效']);

/** Yes or no in either language; null for empty. */
export function booleanOf(cell: Cell): Parsed<boolean | null> {
  if (cell === null) return ok(null);
  if (typeof cell === 'boolean') return ok(cell);
  const s = textOf(cell).normalize('NFKC').toLowerCase();
  if (TRUE.has(s)) return ok(true);
  if (FALSE.has(s)) return ok(false);
  return fail(`"${textOf(cell)}" is not yes or no (write true/false, yes/no, 是/否)`, `"${textOf(cell)}" 不是是/否（请写 true/false、yes/no、是/否）`);
}
