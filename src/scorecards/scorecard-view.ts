// Turns a review into everything a printed scorecard shows, already worded and formatted for one
// language. Pure apart from reading the i18n dictionaries from templates/i18n once, on first use:
// no Nest, no database, no clock (the caller passes generatedAt), so the same input always gives
// the same scorecard. KPI rows: scorecard-kpis.ts; trend and standing: scorecard-history.ts.

import { formatDay, formatFixed2, formatMoment, formatNumber, interpolate } from '../i18n/format.js';
import type { Lang } from '../i18n/langs.js';
import { lookup, type ScorecardLabels, scorecardDictionary } from '../i18n/scorecard-dictionary.js';
import type { ReviewDto } from '../reviews/dto/review.dto.js';
import type { KpiBar, TrendPoint } from './charts.js';
import { type ScorecardHistoryEntry, type ScorecardPeer, type ScorecardStanding, standingOf, trendPoints } from './scorecard-history.js';
import { kpiName, kpiRow, type ScorecardKpiRow, type ScorecardSkillRow, skillRow } from './scorecard-kpis.js';

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
  lang: Lang;
  generatedAt: Date;
  /** IANA zone for printed times (generated, acknowledged). Default Asia/Shanghai. */
  timeZone?: string;
  /**
   * The submitted self-assessment and manager proposal, per KPI key, when the scorecard prints them
   * (the cycle's printAssessments); null or absent leaves them out.
   */
  assessments?: PrintedAssessments | null;
}

/** Rating per KPI key from the submitted self-assessment and the manager's submitted proposal (null: none submitted). */
export interface PrintedAssessments {
  self: Readonly<Record<string, number | null>> | null;
  manager: Readonly<Record<string, number | null>> | null;
}

/** The rating KPIs with the employee's, the manager's and HR's final rating side by side. */
export interface ScorecardAssessmentRow {
  key: string;
  name: string;
  self: string;
  manager: string;
  final: string;
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

export interface ScorecardTotal {
  /** Two decimals; while incomplete the sum of the KPIs scored so far. */
  value: string;
  complete: boolean;
  bandKey: string | null;
  bandLabel: string | null;
  /** "Calibrated from X to Y: reason" when HR calibrated the band (and total); null otherwise. */
  calibration: string | null;
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
  lang: Lang;
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
  /** Empty unless the cycle prints the assessments and one was submitted. */
  assessments: ScorecardAssessmentRow[];
}

const IMAGE_DATA_URL = /^data:image\/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;
const MAX_LOGO_CHARS = 2_000_000;

/** The URL when it is a base64 PNG, JPEG, GIF, WebP or SVG data: URL of sane size; else null. */
export function safeImageDataUrl(url: string | null | undefined): string | null {
  if (typeof url !== 'string' || url.length > MAX_LOGO_CHARS) return null;
  return IMAGE_DATA_URL.test(url) ? url : null;
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
  const computed = review.complete ? review.band : null;
  // A calibrated band is the result; the computed total stays beside it and the line saying
  // "calibrated from X to Y: reason" keeps the score explaining itself.
  const cal = review.calibration ?? null;
  const band = cal ? (review.bands.find((b) => b.key === cal.bandKey) ?? null) : computed;
  const bandName = (key: string | null) => {
    const b = key === null ? null : review.bands.find((x) => x.key === key);
    return b ? (zh ? b.labelZh : b.labelEn) : (key ?? none);
  };
  const calibratedValue = (key: string | null, value: number | null) =>
    value === null ? bandName(key) : interpolate(dict.format.calibratedValue, { band: bandName(key), total: formatFixed2(value, lang) });
  const total: ScorecardTotal = {
    value: formatFixed2(review.total, lang),
    complete: review.complete,
    bandKey: band?.key ?? null,
    bandLabel: band ? (zh ? band.labelZh : band.labelEn) : null,
    calibration: cal
      ? interpolate(dict.format.calibrated, {
          from: calibratedValue(review.complete ? cal.fromBandKey : null, cal.total === null ? null : cal.fromTotal),
          to: calibratedValue(cal.bandKey, cal.total),
          reason: cal.reason,
        })
      : null,
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
  const printed = input.assessments;
  const ratingOf = (map: Readonly<Record<string, number | null>> | null | undefined, key: string) => {
    const v = map && Object.hasOwn(map, key) ? map[key] : null;
    return v === null || v === undefined ? none : formatNumber(v, lang);
  };
  const assessments: ScorecardAssessmentRow[] =
    printed && (printed.self || printed.manager)
      ? review.kpis
          .filter((k) => k.rule.type === 'rating')
          .map((k) => ({
            key: k.key,
            name: kpiName(k, lang),
            self: ratingOf(printed.self, k.key),
            manager: ratingOf(printed.manager, k.key),
            final: k.input.rating === null ? none : formatNumber(k.input.rating, lang),
          }))
      : [];

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
      text: acknowledged ? interpolate(dict.format.acknowledged, { name: ackBy ?? none, at: ackAt ?? none }) : dict.format.notAcknowledged,
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
    assessments,
  };
}
