// What a self-assessment and a manager's proposal both accept per KPI, pure so it is tested without
// PostgreSQL: known keys, each once, a rating only for rating KPIs and on their scale, a comment for
// any KPI. Field names point into the request (`entries[2].rating`).
import type { CodedFieldError } from '../common/errors.js';
import type { KpiDefinition } from '../scoring/types.js';
import type { AssessedKpi } from './review-assessment.entity.js';

export interface AssessedEntry {
  kpiKey: string;
  rating?: number | null;
  comment?: string | null;
}

/** The stored entries, or the field errors; `targetKpi` says (in the API's English) why a target KPI takes no rating here. */
export function checkAssessedEntries(
  kpis: readonly KpiDefinition[],
  entries: readonly AssessedEntry[],
  targetKpi: (kpiKey: string) => string,
): { entries: Record<string, AssessedKpi>; errors: CodedFieldError[] } {
  const errors: CodedFieldError[] = [];
  // A Map: KPI keys come from admins, and "constructor" is a valid one that a plain object already "has".
  const out = new Map<string, AssessedKpi>();
  entries.forEach((e, i) => {
    const at = `entries[${i}]`;
    const kpi = kpis.find((k) => k.key === e.kpiKey);
    if (!kpi) {
      errors.push({
        field: `${at}.kpiKey`,
        message: `"${e.kpiKey}" is not a KPI of this review (${kpis.map((k) => k.key).join(', ')})`,
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
    if (rating !== null) {
      if (kpi.rule.type !== 'rating') errors.push({ field: `${at}.rating`, message: targetKpi(kpi.key), code: 'targetKpi' });
      else if (rating < kpi.rule.min || rating > kpi.rule.max) {
        const { min, max } = kpi.rule;
        errors.push({ field: `${at}.rating`, message: `rating must be from ${min} to ${max}`, code: 'between', params: { min, max } });
      }
    }
    out.set(e.kpiKey, { rating, comment: e.comment ?? '' });
  });
  return { entries: Object.fromEntries(out), errors };
}

/** Keys of the rating KPIs without a rating yet, in template order: a submit needs them all. */
export function missingRatings(kpis: readonly KpiDefinition[], entries: Readonly<Record<string, AssessedKpi>>): string[] {
  return kpis.filter((k) => k.rule.type === 'rating' && (Object.hasOwn(entries, k.key) ? entries[k.key].rating : null) === null).map((k) => k.key);
}
