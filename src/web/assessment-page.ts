// What the manager's assessment page shows, from the API's ManagerAssessmentDto: the employee's
// self-assessment beside the manager's proposal per KPI, and what the form holds after a refusal.
import type { AssessmentKpiDto, ManagerAssessmentDto } from '../assessments/dto/manager-assessment.dto.js';
import type { FieldErrors } from './forms.js';

export interface AssessmentRow {
  kpi: AssessmentKpiDto;
  key: string;
  isRating: boolean;
  options: { value: number; labelZh: string; labelEn: string; selected: boolean }[];
  selfPoint: { value: number; labelZh: string; labelEn: string } | null;
  proposalPoint: { value: number; labelZh: string; labelEn: string } | null;
  /** The comment as the field shows it: what was typed, else what was saved. */
  comment: string;
  error: string | null;
}

/** What the manager typed, read back from the form (ratings as typed, '' for none). */
export interface TypedAssessment {
  ratings: Record<string, string>;
  comments: Record<string, string>;
  summary: string;
}

type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** The form's fields as the API's DTO names them: one entry per KPI, in template order. */
export function assessmentInput(a: ManagerAssessmentDto, typed: TypedAssessment, version: number) {
  return {
    version,
    summary: typed.summary,
    entries: a.kpis.map((k) => {
      const raw = typed.ratings[k.key] ?? '';
      const entry: { kpiKey: string; comment: string; rating?: number | string | null } = { kpiKey: k.key, comment: typed.comments[k.key] ?? '' };
      // A number stays a number for the DTO; anything else goes as typed, so the DTO names the field.
      if (k.rule.type === 'rating') entry.rating = raw === '' ? null : /^\d+$/.test(raw) ? Number(raw) : raw;
      return entry;
    }),
  };
}

/**
 * Field errors of a refused save or submit, keyed by KPI (or "summary") and worded in the page's
 * language: the API names entries by position (entries[2].rating) or key (entries.selling).
 */
export function assessmentErrors(a: ManagerAssessmentDto, errors: FieldErrors, t: Translate): FieldErrors {
  const out: FieldErrors = {};
  for (const field of Object.keys(errors)) {
    if (field === 'summary') out.summary = t('assessment.summaryTooLong');
    const at = /^entries\[(\d+)\]\.(\w+)$/.exec(field) ?? /^entries\.(\d+)\.(\w+)$/.exec(field);
    const kpi = at ? a.kpis[Number(at[1])] : a.kpis.find((k) => `entries.${k.key}` === field);
    if (!kpi || Object.hasOwn(out, kpi.key)) continue;
    out[kpi.key] = !at
      ? t('assessment.ratingMissing')
      : at[2] === 'comment'
        ? t('assessment.commentTooLong')
        : t('assessment.ratingInvalid', { min: kpi.rule.min ?? 0, max: kpi.rule.max ?? 0 });
  }
  return out;
}

export function assessmentRows(a: ManagerAssessmentDto, typed: TypedAssessment | null, errors: FieldErrors): AssessmentRow[] {
  return a.kpis.map((k) => {
    const points = k.rule.type === 'rating' ? (k.rule.points ?? []) : [];
    const chosen = typed ? (typed.ratings[k.key] ?? '') : k.proposal.rating === null ? '' : String(k.proposal.rating);
    const point = (v: number | null | undefined) => (v === null || v === undefined ? null : (points.find((p) => p.value === v) ?? null));
    return {
      kpi: k,
      key: k.key,
      isRating: k.rule.type === 'rating',
      options: points.map((p) => ({ ...p, selected: String(p.value) === chosen })),
      selfPoint: point(k.self?.rating),
      proposalPoint: point(k.proposal.rating),
      comment: typed ? (typed.comments[k.key] ?? '') : k.proposal.comment,
      error: Object.hasOwn(errors, k.key) ? errors[k.key] : null,
    };
  });
}
