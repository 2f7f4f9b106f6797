import type { CodedFieldError } from '../common/errors.js';
import type { PinnedTemplate } from '../reviews/review.entity.js';
import type { AssessedKpi } from './review-assessment.entity.js';

export interface ProposalEntry {
  kpiKey: string;
  rating?: number | null;
  comment?: string | null;
}

/**
 * Checks a manager's proposals against the review's pinned KPIs: a rating only for rating KPIs,
 * on their scale; a comment for any KPI. Answers the stored entries, or the field errors.
 */
export function proposalEntries(
  template: PinnedTemplate,
  entries: readonly ProposalEntry[],
): { entries: Record<string, AssessedKpi>; errors: CodedFieldError[] } {
  const errors: CodedFieldError[] = [];
  // A Map: KPI keys come from admins, and "constructor" is a valid one that a plain object already "has".
  const out = new Map<string, AssessedKpi>();
  entries.forEach((e, i) => {
    const at = `entries[${i}]`;
    const kpi = template.kpis.find((k) => k.key === e.kpiKey);
    if (!kpi) {
      errors.push({
        field: `${at}.kpiKey`,
        message: `"${e.kpiKey}" is not a KPI of this review (${template.kpis.map((k) => k.key).join(', ')})`,
        code: 'notAKpi',
        params: { value: e.kpiKey },
      });
      return;
    }
    if (out.has(e.kpiKey)) {
      errors.push({ field: `${at}.kpiKey`, message: `"${e.kpiKey}" appears more than once`, code: 'duplicate', params: { value: e.kpiKey } });
      return;
    }
    const rating = e.rating ?? null;
    if (kpi.rule.type === 'rating') {
      const { min, max } = kpi.rule;
      if (rating !== null && (rating < min || rating > max))
        errors.push({ field: `${at}.rating`, message: `rating must be from ${min} to ${max}`, code: 'between', params: { min, max } });
    } else if (rating !== null) {
      errors.push({
        field: `${at}.rating`,
        message: `${kpi.key} is measured against a target, which HR enters; propose a rating only for rating KPIs`,
        code: 'targetKpi',
      });
    }
    out.set(e.kpiKey, { rating, comment: e.comment ?? '' });
  });
  return { entries: Object.fromEntries(out), errors };
}

/** The rating KPIs without a proposed rating: a manager submits only once every one has one. */
export function missingProposals(template: PinnedTemplate, entries: Record<string, AssessedKpi>): string[] {
  return template.kpis.filter((k) => k.rule.type === 'rating' && !(Object.hasOwn(entries, k.key) && entries[k.key].rating !== null)).map((k) => k.key);
}
