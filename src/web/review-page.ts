// What the review page shows, derived from the API's ReviewDto: no scoring or status rule is
// decided here, only which controls a role gets for a review in its current state.
import type { Actor } from '../common/actor.js';
import type { ReviewDto, ReviewKpiDto } from '../reviews/dto/review.dto.js';
import type { RatingBand } from '../scoring/types.js';

export interface KpiRow {
  kpi: ReviewKpiDto;
  key: string;
  isRating: boolean;
  options: { value: number; labelZh: string; labelEn: string; selected: boolean }[];
  /** Input values as the fields show them (numbers unformatted, so they can be edited). */
  actual: string;
  target: string;
  comment: string;
  hasThreshold: boolean;
  error: string | null;
}

export interface ReviewPage {
  review: ReviewDto;
  rows: KpiRow[];
  bands: RatingBand[];
  /** HR may type into the draft. */
  editable: boolean;
  canSubmit: boolean;
  canFinalize: boolean;
  canReopen: boolean;
  canComment: boolean;
  canAcknowledge: boolean;
  showHrNotes: boolean;
  missingNames: string;
  /** HR's calibration, worded for "calibrated from X to Y: reason"; null when not calibrated. */
  calibration: { from: string; to: string; reason: string } | null;
}

const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

export function reviewPage(actor: Actor, review: ReviewDto, lang: 'zh-CN' | 'en', fieldErrors: Record<string, string> = {}): ReviewPage {
  const open = review.cycle.status === 'open';
  const hr = actor.role === 'hr';
  const rows = review.kpis.map((k, i): KpiRow => {
    const error =
      fieldErrors[`entries.${k.key}`] ??
      fieldErrors[`entries[${i}].actual`] ??
      fieldErrors[`entries[${i}].target`] ??
      fieldErrors[`entries[${i}].rating`] ??
      null;
    return {
      kpi: k,
      key: k.key,
      isRating: k.rule.type === 'rating',
      options: k.rule.type === 'rating' ? (k.rule.points ?? []).map((p) => ({ ...p, selected: p.value === k.input.rating })) : [],
      actual: text(k.input.actual),
      target: text(k.input.target),
      comment: k.input.comment ?? '',
      hasThreshold: k.rule.type === 'target' && k.rule.threshold !== null && k.rule.threshold !== undefined,
      error,
    };
  });
  const own = actor.employeeId !== null && actor.employeeId === review.employee.id;
  const nameOf = (key: string) => {
    const k = review.kpis.find((x) => x.key === key);
    return k ? (lang === 'zh-CN' ? k.nameZh : k.nameEn) : key;
  };
  return {
    review,
    rows,
    bands: [...review.bands].sort((a, b) => b.min - a.min),
    editable: hr && open && review.status === 'draft',
    canSubmit: hr && open && review.status === 'draft',
    canFinalize: hr && open && review.status === 'submitted',
    canReopen: hr && open && review.status !== 'draft',
    canComment: actor.role === 'manager' && !own && open && review.status === 'submitted',
    canAcknowledge: own && review.status === 'finalized' && review.acknowledgedAt === null,
    showHrNotes: review.hrNotes !== undefined,
    missingNames: review.missing.map(nameOf).join(lang === 'zh-CN' ? '、' : ', '),
    calibration: review.calibration ? calibrationWords(review, review.calibration, lang) : null,
  };
}

function calibrationWords(review: ReviewDto, c: NonNullable<ReviewDto['calibration']>, lang: 'zh-CN' | 'en') {
  const band = (key: string | null) => {
    const b = key === null ? undefined : review.bands.find((x) => x.key === key);
    return b ? (lang === 'zh-CN' ? b.labelZh : b.labelEn) : (key ?? '—');
  };
  const withTotal = (key: string | null, total: number | null) => (total === null ? band(key) : `${band(key)} (${total.toFixed(2)})`);
  return { from: withTotal(c.fromBandKey, c.total === null ? null : c.fromTotal), to: withTotal(c.bandKey, c.total), reason: c.reason };
}

/** What the page's script needs: the rules to score with and what was read, to spot conflicts. */
export function reviewScriptData(review: ReviewDto) {
  return {
    id: review.id,
    version: review.version,
    kpis: review.kpis.map((k) => ({ key: k.key, weight: k.weight, rule: k.rule, nameZh: k.nameZh, nameEn: k.nameEn })),
    bands: review.bands,
    read: snapshotOf(review),
  };
}

/** The editable content of a review, as the page compares it. */
export function snapshotOf(review: ReviewDto) {
  return {
    entries: Object.fromEntries(
      review.kpis.map((k) => [k.key, { actual: k.input.actual, target: k.input.target, rating: k.input.rating, comment: k.input.comment ?? '' }]),
    ),
    strengths: review.strengths,
    challenges: review.challenges,
    developmentPlan: review.developmentPlan,
    hrNotes: review.hrNotes ?? '',
  };
}
