// The scorecard's KPI table and skill rows: each KPI of a review worded and formatted for one language.
import { formatFixed2, formatNumber, interpolate } from '../i18n/format.js';
import type { Lang } from '../i18n/langs.js';
import { lookup, type ScorecardDictionary } from '../i18n/scorecard-dictionary.js';
import type { ReviewKpiDto } from '../reviews/dto/review.dto.js';

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

function withUnit(value: string, unit: string): string {
  if (unit === '') return value;
  return unit === '%' ? `${value}%` : `${value} ${unit}`;
}

export function kpiName(k: ReviewKpiDto, lang: Lang): string {
  return lang === 'zh-CN' ? k.nameZh : k.nameEn;
}

function ratingText(k: ReviewKpiDto, lang: Lang, dict: ScorecardDictionary): string | null {
  const rating = k.input.rating;
  if (rating === null || rating === undefined) return null;
  const label = lang === 'zh-CN' ? k.ratingLabelZh : k.ratingLabelEn;
  const value = formatNumber(rating, lang);
  return label ? interpolate(dict.format.ratingValue, { value, label }) : value;
}

export function kpiRow(k: ReviewKpiDto, lang: Lang, dict: ScorecardDictionary): ScorecardKpiRow {
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

export function skillRow(k: ReviewKpiDto, lang: Lang, dict: ScorecardDictionary): ScorecardSkillRow {
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
