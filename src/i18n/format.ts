// Numbers, days and moments worded for a language, and {placeholder} patterns filled in.
import type { Lang } from './langs.js';
import type { ScorecardDictionary } from './scorecard-dictionary.js';

/** Fills {name} placeholders in one pass, so a value that itself contains "{x}" stays as it is. */
export function interpolate(pattern: string, vars: Record<string, string | number>): string {
  return pattern.replace(/\{([A-Za-z0-9_]+)\}/g, (m, k: string) => (Object.hasOwn(vars, k) ? String(vars[k]) : m));
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: Lang, min: number, max: number): Intl.NumberFormat {
  const key = `${lang}|${min}|${max}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang, { minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: true });
    numberFormats.set(key, f);
  }
  return f;
}

/** A number with thousands separators and up to `maxDecimals` decimals; never "-0". */
export function formatNumber(n: number, lang: Lang, maxDecimals = 4): string {
  return numberFormat(lang, 0, maxDecimals).format(n === 0 ? 0 : n);
}

/** Exactly two decimals, e.g. points and totals: "32.67", "1,234.50". */
export function formatFixed2(n: number, lang: Lang): string {
  return numberFormat(lang, 2, 2).format(n === 0 ? 0 : n);
}

// Cached: building a format costs far more than using one (docs/decisions/0003-cached-intl-formats.md).
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = dateFormats.get(key);
  if (!f) {
    f = make();
    dateFormats.set(key, f);
  }
  return f;
}

/** A YYYY-MM-DD date (a calendar day, no zone) in the language; anything else prints as given. */
export function formatDay(ymd: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(d.getTime())) return ymd;
  return dateFormat(`day|${lang}`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' })).format(d);
}

/** A moment in the language and zone, with the zone's offset: "2025年7月3日 14:05（UTC+8）". */
export function formatMoment(d: Date, lang: Lang, timeZone: string, dict: ScorecardDictionary): string {
  if (Number.isNaN(d.getTime())) return '';
  const datetime = dateFormat(
    `moment|${lang}|${timeZone}`,
    () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone }),
  ).format(d);
  const zonePart = dateFormat(`zone|${timeZone}`, () => new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'shortOffset' }))
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName')?.value;
  // ICU prints "GMT+8", and for UTC itself "GMT" or "GMT+0" depending on its version.
  const offset = (zonePart ?? timeZone).replace(/^GMT/, 'UTC').replace(/^UTC[+-]0(?::00)?$/, 'UTC');
  // The zone's name, as the pages show it, and its offset then, so a reader elsewhere need not look it up.
  const zone = timeZone === 'UTC' || timeZone === 'Etc/UTC' ? offset : `${timeZone}, ${offset}`;
  return interpolate(dict.format.dateTimeWithZone, { datetime, zone });
}

/**
 * A moment as pages show it: "2026-12-04 14:05 (Asia/Shanghai)", in the company's zone and naming it,
 * so readers in other places never guess which clock a time is on. The same in both languages.
 */
export function formatZonedMoment(d: Date, timeZone: string): string {
  if (Number.isNaN(d.getTime())) return '';
  const parts = dateFormat(
    `zoned|${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }),
  ).formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} (${timeZone})`;
}
