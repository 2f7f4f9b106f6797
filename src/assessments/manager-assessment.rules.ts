import type { CodedFieldError } from '../common/errors.js';
import type { PinnedTemplate } from '../reviews/review.entity.js';
import { checkAssessedEntries, missingRatings } from './assessed-entries.js';
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
  return checkAssessedEntries(template.kpis, entries, (key) => `${key} is measured against a target, which HR enters; propose a rating only for rating KPIs`);
}

/** The rating KPIs without a proposed rating: a manager submits only once every one has one. */
export function missingProposals(template: PinnedTemplate, entries: Record<string, AssessedKpi>): string[] {
  return missingRatings(template.kpis, entries);
}
