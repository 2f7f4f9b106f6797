import type { CodedFieldError } from '../common/errors.js';
import type { KpiInput } from '../scoring/types.js';
import type { PinnedTemplate } from './review.entity.js';

/** What HR sends per KPI that matters here: the final rating and, optionally, why it is not the manager's. */
export interface FinalEntry {
  kpiKey: string;
  rating?: number | null;
  reason?: string | null;
}

/** The manager's submitted proposal: a rating per rating KPI key. */
export type Proposal = Readonly<Record<string, number | null>>;

/**
 * Why each final rating differs from the manager's submitted proposal, or the fields that lack a
 * reason. A final equal to the proposal (or not set yet) needs none, and any reason sent for it is
 * dropped: the reason explains a difference, not a value. A reason stored earlier stays while the
 * rating it explained is unchanged, so a save that only edits texts need not repeat it.
 */
export function finalReasons(
  template: PinnedTemplate,
  entries: readonly FinalEntry[],
  proposal: Proposal | null,
  before: { inputs: Record<string, KpiInput>; finalReasons: Record<string, string> },
): { reasons: Record<string, string>; errors: CodedFieldError[] } {
  const reasons = new Map<string, string>();
  const errors: CodedFieldError[] = [];
  if (!proposal) return { reasons: {}, errors };
  entries.forEach((e, i) => {
    const kpi = template.kpis.find((k) => k.key === e.kpiKey);
    if (!kpi || kpi.rule.type !== 'rating' || !Object.hasOwn(proposal, e.kpiKey)) return;
    const proposed = proposal[e.kpiKey];
    const final = e.rating ?? null;
    if (proposed === null || final === null || final === proposed) return;
    const sent = e.reason?.trim() ?? '';
    const previous = Object.hasOwn(before.inputs, e.kpiKey) ? (before.inputs[e.kpiKey].rating ?? null) : null;
    const kept = previous === final && Object.hasOwn(before.finalReasons, e.kpiKey) ? before.finalReasons[e.kpiKey] : '';
    const reason = sent || kept;
    if (!reason)
      errors.push({
        field: `entries[${i}].reason`,
        code: 'needsReason',
        params: { proposed },
        message: `differs from the manager's proposal (${proposed}); give a reason`,
      });
    else reasons.set(e.kpiKey, reason);
  });
  return { reasons: Object.fromEntries(reasons), errors };
}
