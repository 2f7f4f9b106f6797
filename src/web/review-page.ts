// What the review page shows, derived from the API's ReviewDto: no scoring or status rule is
// decided here, only which controls a role gets for a review in its current state.
import type { ManagerAssessmentDto } from '../assessments/dto/manager-assessment.dto.js';
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
  /** Beside HR's final value: the employee's and the manager's, for HR (null when there is none). */
  self: Assessed | null;
  proposal: Assessed | null;
  /** The final rating differs from the manager's submitted proposal: a reason is required. */
  differs: boolean;
  reason: string;
  /** HR may take the manager's rating for this KPI now. */
  canTake: boolean;
}

/** A rating (with its label) and a comment, as the employee or the manager gave them. */
export interface Assessed {
  rating: number | null;
  labelZh: string | null;
  labelEn: string | null;
  comment: string;
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
  /** HR sees the self, manager and final columns side by side. */
  compare: boolean;
  /** The manager submitted a proposal. */
  hasProposal: boolean;
  canTakeAll: boolean;
  /** HR's calibration, worded for "calibrated from X to Y: reason"; null when not calibrated. */
  calibration: { from: string; to: string; reason: string } | null;
}

const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

export function reviewPage(
  actor: Actor,
  review: ReviewDto,
  lang: 'zh-CN' | 'en',
  fieldErrors: Record<string, string> = {},
  assessment: ManagerAssessmentDto | null = null,
): ReviewPage {
  const open = review.cycle.status === 'open';
  const hr = actor.role === 'hr';
  const editable = hr && open && review.status === 'draft';
  const hasProposal = assessment?.submittedAt != null;
  const rows = review.kpis.map((k, i): KpiRow => {
    const error =
      fieldErrors[`entries.${k.key}`] ??
      fieldErrors[`entries[${i}].actual`] ??
      fieldErrors[`entries[${i}].target`] ??
      fieldErrors[`entries[${i}].rating`] ??
      fieldErrors[`entries[${i}].reason`] ??
      null;
    const a = assessment?.kpis.find((x) => x.key === k.key);
    const points = k.rule.type === 'rating' ? (k.rule.points ?? []) : [];
    const assessed = (v: { rating: number | null; comment: string }): Assessed => {
      const p = points.find((x) => x.value === v.rating);
      return { rating: v.rating, labelZh: p?.labelZh ?? null, labelEn: p?.labelEn ?? null, comment: v.comment };
    };
    const proposal = hasProposal && a ? assessed(a.proposal) : null;
    const differs = proposal !== null && proposal.rating !== null && k.input.rating !== null && k.input.rating !== proposal.rating;
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
      self: a?.self ? assessed(a.self) : null,
      proposal,
      differs,
      reason: k.finalReason ?? '',
      canTake: editable && review.stage.stage === 'hr' && proposal !== null && proposal.rating !== null && k.input.rating !== proposal.rating,
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
    editable,
    canSubmit: hr && open && review.status === 'draft',
    canFinalize: hr && open && review.status === 'submitted',
    canReopen: hr && open && review.status !== 'draft',
    canComment: actor.role === 'manager' && !own && open && review.status !== 'finalized',
    canAcknowledge: own && review.status === 'finalized' && review.acknowledgedAt === null,
    showHrNotes: review.hrNotes !== undefined,
    missingNames: review.missing.map(nameOf).join(lang === 'zh-CN' ? '、' : ', '),
    compare: assessment !== null && (hasProposal || assessment.self !== null),
    hasProposal,
    canTakeAll: rows.some((r) => r.canTake),
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
export function reviewScriptData(review: ReviewDto, assessment: ManagerAssessmentDto | null = null) {
  const proposals = assessment?.submittedAt ? Object.fromEntries(assessment.kpis.map((k) => [k.key, k.proposal.rating])) : {};
  return {
    proposals,
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
      review.kpis.map((k) => [
        k.key,
        { actual: k.input.actual, target: k.input.target, rating: k.input.rating, comment: k.input.comment ?? '', reason: k.finalReason ?? '' },
      ]),
    ),
    strengths: review.strengths,
    challenges: review.challenges,
    developmentPlan: review.developmentPlan,
    hrNotes: review.hrNotes ?? '',
  };
}
