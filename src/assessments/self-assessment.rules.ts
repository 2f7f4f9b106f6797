// The self-assessment's rules, pure so they are tested without PostgreSQL: who may read or write
// it, and what a save and a submit accept.
import { type AccessScope, teamOf } from '../auth/access-scope.js';
import type { CodedFieldError } from '../common/errors.js';
import type { KpiDefinition } from '../scoring/types.js';
import { checkAssessedEntries, missingRatings } from './assessed-entries.js';
import type { AssessedKpi } from './review-assessment.entity.js';
import type { SelfAssessmentEntryDto } from './dto/self-assessment.dto.js';

/** Who someone is to a self-assessment: its author, HR (everyone-scopes), a manager above the author, or nobody. */
export type SelfReader = 'author' | 'hr' | 'manager' | null;

/**
 * The author always sees their own; HR and admins see any; a manager sees their subtree's once
 * submitted (a draft is the employee's own until they hand it in). Everyone else: not found.
 */
export function selfReader(scope: AccessScope, actorEmployeeId: string | null, reviewEmployeeId: string, submitted: boolean): SelfReader {
  if (actorEmployeeId !== null && actorEmployeeId === reviewEmployeeId) return 'author';
  if (scope.kind === 'everyone') return 'hr';
  if (submitted && teamOf(scope).includes(reviewEmployeeId)) return 'manager';
  return null;
}

/**
 * Checks a save's entries against the review's pinned KPIs: known keys, each once, ratings only
 * for rating KPIs and on their scale. Field names point into the request (`entries[2].rating`).
 */
export function checkSelfEntries(
  kpis: readonly KpiDefinition[],
  entries: readonly SelfAssessmentEntryDto[],
): { entries: Record<string, AssessedKpi>; errors: CodedFieldError[] } {
  return checkAssessedEntries(kpis, entries, (key) => `${key} is measured against a target; its actual is entered by HR, not rated`);
}

/** Keys of the rating KPIs that have no self-rating yet, in template order: a submit needs them all. */
export function missingSelfRatings(kpis: readonly KpiDefinition[], entries: Readonly<Record<string, AssessedKpi>>): string[] {
  return missingRatings(kpis, entries);
}

/** One entry per KPI in template order, blank where the employee wrote nothing. */
export function entriesInOrder(
  kpis: readonly KpiDefinition[],
  entries: Readonly<Record<string, AssessedKpi>>,
): { kpiKey: string; rating: number | null; comment: string }[] {
  return kpis.map((k) => {
    const e = Object.hasOwn(entries, k.key) ? entries[k.key] : undefined;
    return { kpiKey: k.key, rating: e?.rating ?? null, comment: e?.comment ?? '' };
  });
}
