// Turns a review into everything a printed scorecard shows, already worded and formatted for one
// language. Pure apart from reading the i18n dictionaries from templates/i18n once, on first use:
// no Nest, no database, no clock (the caller passes generatedAt), so the same input always gives
// the same scorecard.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReviewDto, ReviewKpiDto } from '../reviews/dto/review.dto.js';
import type { KpiBar, TrendPoint } from './charts.js';

export type ScorecardLang = 'zh-CN' | 'en';
export const SCORECARD_LANGS: readonly ScorecardLang[] = ['zh-CN', 'en'];

/** One earlier review of the same employee, for the trend chart. */
export interface ScorecardHistoryEntry {
  cycleName: string;
  /** YYYY-MM-DD */
  periodEnd: string;
  total: number;
  templateVersionNumber: number;
  complete: boolean;
}

/** Another complete review of the same role in the same cycle: its total only, never a name. */
export interface ScorecardPeer {
  total: number;
}

export interface ScorecardCompany {
  name: string;
  /** A base64 image data: URL; anything else is dropped. */
  logoDataUrl: string | null;
}

export interface ScorecardViewInput {
  review: ReviewDto;
  history: ScorecardHistoryEntry[];
  peers: ScorecardPeer[];
  company: ScorecardCompany;
  lang: ScorecardLang;
  generatedAt: Date;
  /** IANA zone for printed times (generated, acknowledged). Default Asia/Shanghai. */
  timeZone?: string;
}

// ---------------------------------------------------------------------------------------------
// Dictionary

/** Labels the template prints as they are. */
export const UI_KEYS = [
  'title', 'draftMark', 'draftNotice', 'employee', 'employeeNo', 'role', 'department', 'manager',
  'cycle', 'period', 'status', 'none', 'sectionKpis', 'colKpi', 'colCategory', 'colWeight',
  'colTarget', 'colActual', 'colScore', 'colPoints', 'missing', 'personalTarget', 'attainment',
  'total', 'band', 'incomplete', 'bandsLegend', 'sectionCharts', 'chartBarsTitle',
  'chartTrendTitle', 'trendLegend', 'sectionSkills', 'sectionStrengths', 'sectionChallenges',
  'sectionDevelopmentPlan', 'sectionManagerComment', 'empty', 'sectionStanding', 'standingNote',
  'sectionAcknowledgement', 'generatedAt', 'templateVersion', 'contentHash',
] as const;

/** Patterns with {placeholders}, filled in by the view. */
export const FORMAT_KEYS = [
  'period', 'dateTimeWithZone', 'ratingValue', 'ratingScale', 'skillValue', 'incomplete',
  'listSeparator', 'bandMin', 'rank', 'rankTied', 'rankNoPeers', 'rankIncomplete', 'acknowledged',
  'notAcknowledged', 'pageOf', 'templateVersionValue', 'chartScoreAxis', 'chartTotalAxis',
] as const;

export type UiKey = (typeof UI_KEYS)[number];
export type FormatKey = (typeof FORMAT_KEYS)[number];
export type ScorecardLabels = Record<UiKey, string>;

export interface ScorecardDictionary {
  ui: ScorecardLabels;
  format: Record<FormatKey, string>;
  /** Review status → label; an unknown status prints as its key. */
  status: Record<string, string>;
  /** KPI category → label; an unknown category prints as its key. */
  category: Record<string, string>;
  /** Unit of a target KPI → label; an unknown unit prints as it is. */
  unit: Record<string, string>;
}

/**
 * The templates folder at the project root. From src/scorecards/ (Jest, ts sources) it is
 * ../../templates; from dist/src/scorecards/ (the build) it is ../../../templates.
 */
export function findTemplatesDir(from: string | URL = import.meta.url): string {
  const tried: string[] = [];
  for (const rel of ['../../templates/', '../../../templates/']) {
    const dir = fileURLToPath(new URL(rel, from));
    if (existsSync(join(dir, 'scorecard.hbs'))) return dir;
    tried.push(dir);
  }
  throw new Error(`Scorecard templates not found; looked in ${tried.join(' and ')}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown, where: string, required: readonly string[]): Record<string, string> {
  if (!isRecord(v)) throw new Error(`${where} must be an object`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new Error(`${where}.${k} must be a string`);
    out[k] = val;
  }
  const absent = required.filter((k) => !Object.hasOwn(out, k));
  if (absent.length > 0) throw new Error(`${where} lacks ${absent.join(', ')}`);
  return out;
}

/** Checks a parsed dictionary file: every UI and format key present, every value a string. */
export function parseDictionary(json: unknown, name: string): ScorecardDictionary {
  if (!isRecord(json)) throw new Error(`${name} must be a JSON object`);
  return {
    ui: stringMap(json.ui, `${name}: ui`, UI_KEYS) as ScorecardLabels,
    format: stringMap(json.format, `${name}: format`, FORMAT_KEYS),
    status: stringMap(json.status, `${name}: status`, []),
    category: stringMap(json.category, `${name}: category`, []),
    unit: stringMap(json.unit, `${name}: unit`, []),
  };
}

let dictionaries: Record<ScorecardLang, ScorecardDictionary> | null = null;

/** The dictionary of a language, read from templates/i18n/<lang>.json once. */
export function scorecardDictionary(lang: ScorecardLang): ScorecardDictionary {
  if (!dictionaries) {
    const dir = join(findTemplatesDir(), 'i18n');
    const load = (l: ScorecardLang) => {
      const file = join(dir, `${l}.json`);
      return parseDictionary(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
    };
    dictionaries = { 'zh-CN': load('zh-CN'), en: load('en') };
  }
  if (!Object.hasOwn(dictionaries, lang)) throw new RangeError(`Unsupported scorecard language: ${String(lang)}`);
  return dictionaries[lang];
}

/** Fills {name} placeholders in one pass, so a value that itself contains "{x}" stays as it is. */
export function interpolate(pattern: string, vars: Record<string, string | number>): string {
  return pattern.replace(/\{([A-Za-z0-9_]+)\}/g, (m, k: string) => (Object.hasOwn(vars, k) ? String(vars[k]) : m));
}

/** Own-property lookup, so keys such as `constructor` never reach Object.prototype. */
function lookup(map: Record<string, string>, key: string): string {
  return Object.hasOwn(map, key) ? map[key] : key;
}

// ---------------------------------------------------------------------------------------------
// Formatting

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: ScorecardLang, min: number, max: number): Intl.NumberFormat {
  const key = `${lang}|${min}|${max}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang, { minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: true });
    numberFormats.set(key, f);
  }
  return f;
}

/** A number with thousands separators and up to `maxDecimals` decimals; never "-0". */
export function formatNumber(n: number, lang: ScorecardLang, maxDecimals = 4): string {
  return numberFormat(lang, 0, maxDecimals).format(n === 0 ? 0 : n);
}

/** Exactly two decimals, e.g. points and totals: "32.67", "1,234.50". */
export function formatFixed2(n: number, lang: ScorecardLang): string {
  return numberFormat(lang, 2, 2).format(n === 0 ? 0 : n);
}

function withUnit(value: string, unit: string): string {
  if (unit === '') return value;
  return unit === '%' ? `${value}%` : `${value} ${unit}`;
}

// Building an Intl.DateTimeFormat costs far more than formatting with one: a new one for every date
// printed was the app's largest own cost per PDF (about 1.4 ms, bench:pdf profile). Keys are
// bounded: two languages and the configured time zone.
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
export function formatDay(ymd: string, lang: ScorecardLang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(d.getTime())) return ymd;
  return dateFormat(`day|${lang}`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' })).format(d);
}

/** A moment in the language and zone, with the zone's offset: "2025年7月3日 14:05（UTC+8）". */
export function formatMoment(d: Date, lang: ScorecardLang, timeZone: string, dict: ScorecardDictionary): string {
  if (Number.isNaN(d.getTime())) return '';
  const datetime = dateFormat(`moment|${lang}|${timeZone}`, () =>
    new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone }),
  ).format(d);
  const zonePart = dateFormat(`zone|${timeZone}`, () => new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'shortOffset' }))
    .formatToParts(d)
    .find((p) => p.type === 'timeZoneName')?.value;
  // ICU prints "GMT+8", and for UTC itself "GMT" or "GMT+0" depending on its version.
  const zone = (zonePart ?? timeZone).replace(/^GMT/, 'UTC').replace(/^UTC[+-]0(?::00)?$/, 'UTC');
  return interpolate(dict.format.dateTimeWithZone, { datetime, zone });
}

// ---------------------------------------------------------------------------------------------
// Peers

export interface PeerStanding {
  /** 1 = best. Equal totals share a rank (1, 2, 2, 4). */
  rank: number;
  /** Reviews compared, this one included. */
  of: number;
  /** Another review has exactly the same total. */
  tied: boolean;
  /** rank ÷ of, as a whole percent rounded up: "within the top X %". */
  topPercent: number;
}

const hundredths = (n: number) => Math.round(n * 100);

/**
 * Standing of `total` among the totals of the other reviews (competition ranking on totals
 * compared in hundredths, so 80.1 and 80.10000000001 tie). Non-finite totals are ignored.
 */
export function computeStanding(total: number, peerTotals: number[]): PeerStanding {
  const mine = hundredths(total);
  const others = peerTotals.filter((t) => Number.isFinite(t)).map(hundredths);
  const better = others.filter((t) => t > mine).length;
  const of = others.length + 1;
  const rank = better + 1;
  return { rank, of, tied: others.some((t) => t === mine), topPercent: Math.ceil((rank / of) * 100) };
}

// ---------------------------------------------------------------------------------------------
// The view

export interface ScorecardHeader {
  companyName: string;
  /** Validated base64 image data: URL, or null. */
  logoDataUrl: string | null;
  title: string;
  employeeName: string;
  employeeNo: string;
  roleName: string;
  department: string;
  managerName: string;
  cycleName: string;
  period: string;
  statusKey: string;
  statusLabel: string;
  /** Not finalized yet (draft or submitted): the scorecard carries a DRAFT mark. */
  draft: boolean;
  draftMark: string;
}

export interface ScorecardKpiRow {
  key: string;
  kind: 'target' | 'rating';
  name: string;
  description: string;
  categoryKey: string;
  category: string;
  /** "35%" */
  weight: string;
  /** "2,000,000 CNY"; for rating KPIs the scale, "scale 1–5". */
  target: string;
  /** The review sets its own target, different from the template's. */
  personalTarget: boolean;
  /** "2,150,000 CNY"; for rating KPIs the rating text; the "none" dash while missing. */
  actual: string;
  /** Target KPIs: "107.5%"; null otherwise or while missing. */
  attainment: string | null;
  /** Rating KPIs: "4 · Exceeds expectations"; null otherwise or while missing. */
  rating: string | null;
  /** "107.5" or the "none" dash. */
  score: string;
  /** Two decimals, "37.63", or the "none" dash. */
  points: string;
  missing: boolean;
  /** The reviewer's comment on this KPI; '' for none. */
  comment: string;
}

export interface ScorecardSkillRow {
  key: string;
  name: string;
  /** "4 · 超出期望", or null while missing. */
  rating: string | null;
  /** "4 / 5", or the "none" dash. */
  value: string;
  missing: boolean;
  /** One entry per point of the scale above its minimum, filled up to the rating. */
  dots: { filled: boolean }[];
}

export interface ScorecardTotal {
  /** Two decimals; while incomplete the sum of the KPIs scored so far. */
  value: string;
  complete: boolean;
  bandKey: string | null;
  bandLabel: string | null;
  /** "Incomplete: no input yet for A, B"; null when complete. */
  incompleteText: string | null;
  missingNames: string[];
}

export interface ScorecardBand {
  key: string;
  label: string;
  /** "≥ 80" */
  min: string;
  current: boolean;
}

export interface ScorecardTextSection {
  key: 'strengths' | 'challenges' | 'developmentPlan' | 'managerComment';
  title: string;
  /** The text, or the "empty" label. */
  text: string;
  empty: boolean;
}

export interface ScorecardStanding {
  ranked: boolean;
  rank: number | null;
  of: number | null;
  tied: boolean;
  topPercent: number | null;
  /** Other complete reviews compared (never who they are). */
  peerCount: number;
  text: string;
}

export interface ScorecardAcknowledgement {
  acknowledged: boolean;
  by: string | null;
  at: string | null;
  text: string;
}

export interface ScorecardFooter {
  generatedAt: string;
  generatedAtIso: string;
  templateVersion: number;
  /** "v3" */
  templateVersionText: string;
  /** "Page {page} of {pages}" split around the page number and page count. */
  pageOf: { before: string; between: string; after: string };
}

export interface ScorecardCharts {
  bars: KpiBar[];
  barsAxisLabel: string;
  trend: TrendPoint[];
  trendAxisLabel: string;
  /** The template version changes somewhere along the trend. */
  versionChanged: boolean;
}

export interface ScorecardView {
  lang: ScorecardLang;
  labels: ScorecardLabels;
  header: ScorecardHeader;
  kpis: ScorecardKpiRow[];
  total: ScorecardTotal;
  bands: ScorecardBand[];
  skills: ScorecardSkillRow[];
  sections: ScorecardTextSection[];
  standing: ScorecardStanding;
  acknowledgement: ScorecardAcknowledgement;
  charts: ScorecardCharts;
  footer: ScorecardFooter;
}

const IMAGE_DATA_URL = /^data:image\/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;
const MAX_LOGO_CHARS = 2_000_000;

/** The URL when it is a base64 PNG, JPEG, GIF, WebP or SVG data: URL of sane size; else null. */
export function safeImageDataUrl(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url.length > MAX_LOGO_CHARS) return null;
  return IMAGE_DATA_URL.test(url) ? url : null;
}

function kpiName(k: ReviewKpiDto, lang: ScorecardLang): string {
  return lang === 'zh-CN' ? k.nameZh : k.nameEn;
}

function ratingText(k: ReviewKpiDto, lang: ScorecardLang, dict: ScorecardDictionary): string | null {
  const rating = k.input.rating;
  if (rating === null || rating === undefined) return null;
  const label = lang === 'zh-CN' ? k.ratingLabelZh : k.ratingLabelEn;
  const value = formatNumber(rating, lang);
  return label ? interpolate(dict.format.ratingValue, { value, label }) : value;
}

function kpiRow(k: ReviewKpiDto, lang: ScorecardLang, dict: ScorecardDictionary): ScorecardKpiRow {
  const none = dict.ui.none;
  const missing = k.score === null || k.points === null;
  const base = {
    key: k.key,
    name: kpiName(k, lang),
    description: lang === 'zh-CN' ? k.descriptionZh : k.descriptionEn,
    categoryKey: k.category,
    category: lookup(dict.category, k.category),
    weight: `${formatNumber(k.weight, lang, 2)}%`,
    score: k.score === null ? none : formatNumber(k.score, lang, 2),
    points: k.points === null ? none : formatFixed2(k.points, lang),
    missing,
    comment: k.input.comment ?? '',
  };
  const rule = k.rule;
  if (rule.type === 'rating') {
    const rating = missing ? null : ratingText(k, lang, dict);
    return {
      ...base,
      kind: 'rating',
      target: interpolate(dict.format.ratingScale, { min: formatNumber(rule.min ?? 0, lang), max: formatNumber(rule.max ?? 0, lang) }),
      personalTarget: false,
      actual: rating ?? none,
      attainment: null,
      rating,
    };
  }
  const unit = lookup(dict.unit, rule.unit ?? '');
  const templateTarget = rule.target ?? null;
  const target = k.targetUsed ?? k.input.target ?? templateTarget;
  const actual = k.input.actual;
  return {
    ...base,
    kind: 'target',
    target: target === null ? none : withUnit(formatNumber(target, lang), unit),
    personalTarget: k.input.target !== null && k.input.target !== undefined && k.input.target !== templateTarget,
    actual: missing || actual === null || actual === undefined ? none : withUnit(formatNumber(actual, lang), unit),
    attainment: missing || k.attainment === null ? null : `${formatNumber(k.attainment, lang, 2)}%`,
    rating: null,
  };
}

function skillRow(k: ReviewKpiDto, lang: ScorecardLang, dict: ScorecardDictionary): ScorecardSkillRow {
  const min = k.rule.min ?? 0;
  const max = k.rule.max ?? 0;
  const rating = k.score === null ? null : (k.input.rating ?? null);
  const dots: { filled: boolean }[] = [];
  // Guard against a malformed scale: the API allows at most 0..10.
  for (let v = Math.max(min, 1); v <= Math.min(max, 10); v++) dots.push({ filled: rating !== null && v <= rating });
  return {
    key: k.key,
    name: kpiName(k, lang),
    rating: rating === null ? null : ratingText(k, lang, dict),
    value: rating === null ? dict.ui.none : interpolate(dict.format.skillValue, { value: formatNumber(rating, lang), max: formatNumber(max, lang) }),
    missing: rating === null,
    dots,
  };
}

function trendPoints(review: ReviewDto, history: ScorecardHistoryEntry[], dict: ScorecardDictionary): TrendPoint[] {
  const current = {
    cycleName: review.cycle.name,
    periodEnd: review.cycle.periodEnd,
    total: review.total,
    templateVersionNumber: review.template.versionNumber,
    complete: review.complete,
  };
  // The scorecard of a cycle shows that cycle and the ones before it, never a later one; the
  // current cycle comes from the review itself even if the history repeats it.
  const past = history.filter(
    (h) => h.periodEnd <= current.periodEnd && !(h.periodEnd === current.periodEnd && h.cycleName === current.cycleName),
  );
  const all = [...past.map((h) => ({ ...h, current: false })), { ...current, current: true }];
  // Stable sort: equal period ends keep their order, the current review last among them.
  all.sort((a, b) => (a.periodEnd < b.periodEnd ? -1 : a.periodEnd > b.periodEnd ? 1 : Number(a.current) - Number(b.current)));
  return all.slice(-12).map((p) => ({
    label: p.cycleName,
    total: p.total,
    version: p.templateVersionNumber,
    versionLabel: interpolate(dict.format.templateVersionValue, { version: p.templateVersionNumber }),
    complete: p.complete,
    current: p.current,
  }));
}

function standingOf(review: ReviewDto, peers: ScorecardPeer[], dict: ScorecardDictionary): ScorecardStanding {
  const totals = peers.map((p) => p.total).filter((t) => Number.isFinite(t));
  const unranked = (text: string): ScorecardStanding => ({
    ranked: false, rank: null, of: null, tied: false, topPercent: null, peerCount: totals.length, text,
  });
  if (!review.complete) return unranked(dict.format.rankIncomplete);
  if (totals.length === 0) return unranked(dict.format.rankNoPeers);
  const s = computeStanding(review.total, totals);
  const text = interpolate(s.tied ? dict.format.rankTied : dict.format.rank, { rank: s.rank, count: s.of, percent: s.topPercent });
  return { ranked: true, rank: s.rank, of: s.of, tied: s.tied, topPercent: s.topPercent, peerCount: totals.length, text };
}

function splitPageOf(pattern: string): ScorecardFooter['pageOf'] {
  const i = pattern.indexOf('{page}');
  const j = pattern.indexOf('{pages}');
  if (i < 0 || j < 0 || j < i) return { before: pattern, between: ' / ', after: '' };
  return { before: pattern.slice(0, i), between: pattern.slice(i + '{page}'.length, j), after: pattern.slice(j + '{pages}'.length) };
}

/** Everything the scorecard template needs, formatted for `input.lang`. */
export function buildScorecardView(input: ScorecardViewInput): ScorecardView {
  const { review, lang } = input;
  const timeZone = input.timeZone ?? 'Asia/Shanghai';
  const dict = scorecardDictionary(lang);
  const none = dict.ui.none;
  const zh = lang === 'zh-CN';

  const kpis = review.kpis.map((k) => kpiRow(k, lang, dict));
  const skills = review.kpis.filter((k) => k.category === 'skill' && k.rule.type === 'rating').map((k) => skillRow(k, lang, dict));

  const byKey = new Map(review.kpis.map((k) => [k.key, k] as const));
  const missingNames = review.missing.map((key) => {
    const k = byKey.get(key);
    return k ? kpiName(k, lang) : key;
  });
  const band = review.complete ? review.band : null;
  const total: ScorecardTotal = {
    value: formatFixed2(review.total, lang),
    complete: review.complete,
    bandKey: band?.key ?? null,
    bandLabel: band ? (zh ? band.labelZh : band.labelEn) : null,
    incompleteText: review.complete ? null : interpolate(dict.format.incomplete, { list: missingNames.join(dict.format.listSeparator) }),
    missingNames,
  };
  const bands: ScorecardBand[] = [...review.bands]
    .sort((a, b) => b.min - a.min)
    .map((b) => ({
      key: b.key,
      label: zh ? b.labelZh : b.labelEn,
      min: interpolate(dict.format.bandMin, { min: formatNumber(b.min, lang, 2) }),
      current: band !== null && b.key === band.key,
    }));

  const section = (key: ScorecardTextSection['key'], title: string, text: string | null | undefined): ScorecardTextSection => {
    const t = (text ?? '').trim() === '' ? '' : (text ?? '');
    return { key, title, text: t === '' ? dict.ui.empty : t, empty: t === '' };
  };

  const ackAt = review.acknowledgedAt ? formatMoment(new Date(review.acknowledgedAt), lang, timeZone, dict) || review.acknowledgedAt : null;
  const acknowledged = review.acknowledgedAt !== null && review.acknowledgedAt !== undefined;
  const ackBy = review.acknowledgedBy ?? null;

  const trend = trendPoints(review, input.history, dict);
  const statusKey = review.status;

  return {
    lang,
    labels: { ...dict.ui },
    header: {
      companyName: input.company.name,
      logoDataUrl: safeImageDataUrl(input.company.logoDataUrl),
      title: dict.ui.title,
      employeeName: review.employee.name,
      employeeNo: review.employee.employeeNo,
      roleName: zh ? review.template.roleNameZh : review.template.roleNameEn,
      department: review.employee.department || none,
      managerName: review.employee.managerName ?? none,
      cycleName: review.cycle.name,
      period: interpolate(dict.format.period, { start: formatDay(review.cycle.periodStart, lang), end: formatDay(review.cycle.periodEnd, lang) }),
      statusKey,
      statusLabel: lookup(dict.status, statusKey),
      // Anything not finalized (draft, submitted, or a status we do not know) is not official.
      draft: statusKey !== 'finalized',
      draftMark: dict.ui.draftMark,
    },
    kpis,
    total,
    bands,
    skills,
    sections: [
      section('strengths', dict.ui.sectionStrengths, review.strengths),
      section('challenges', dict.ui.sectionChallenges, review.challenges),
      section('developmentPlan', dict.ui.sectionDevelopmentPlan, review.developmentPlan),
      section('managerComment', dict.ui.sectionManagerComment, review.managerComment),
    ],
    standing: standingOf(review, input.peers, dict),
    acknowledgement: {
      acknowledged,
      by: acknowledged ? ackBy : null,
      at: acknowledged ? ackAt : null,
      text: acknowledged
        ? interpolate(dict.format.acknowledged, { name: ackBy ?? none, at: ackAt ?? none })
        : dict.format.notAcknowledged,
    },
    charts: {
      bars: review.kpis.map((k, i) => ({ label: kpis[i].name, score: k.score })),
      barsAxisLabel: dict.format.chartScoreAxis,
      trend,
      trendAxisLabel: dict.format.chartTotalAxis,
      versionChanged: trend.some((p, i) => i > 0 && p.version !== trend[i - 1].version),
    },
    footer: {
      generatedAt: formatMoment(input.generatedAt, lang, timeZone, dict),
      generatedAtIso: Number.isNaN(input.generatedAt.getTime()) ? '' : input.generatedAt.toISOString(),
      templateVersion: review.template.versionNumber,
      templateVersionText: interpolate(dict.format.templateVersionValue, { version: review.template.versionNumber }),
      pageOf: splitPageOf(dict.format.pageOf),
    },
  };
}
