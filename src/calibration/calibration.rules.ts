// The arithmetic of calibration, pure: which band and total count for a review, the band
// distribution against HR's target, and the order reviews are shown in. No Nest, no I/O.
import type { TargetDistribution } from '../review-stages/review-stages.js';
import type { KpiDefinition, RatingBand } from '../scoring/types.js';

/** What calibration needs of one review. */
export interface CalibrationSubject {
  /** The computed band; null while the review is incomplete. */
  bandKey: string | null;
  total: number;
  calibratedBandKey: string | null;
  calibratedTotal: number | null;
  employeeNo: string;
}

/** One band's row of the distribution. */
export interface DistributionRow {
  bandKey: string;
  count: number;
  /** Share of the reviews with a band, in percent (two decimals); 0 when there are none. */
  percent: number;
  /** HR's target share; null when the cycle has no target distribution. */
  targetPercent: number | null;
  /** Whole people the target asks for among the reviews with a band; null without a target. */
  targetCount: number | null;
  /** count − targetCount: above zero, more people than the target in this band. */
  gap: number | null;
}

export interface Distribution {
  rows: DistributionRow[];
  /** Reviews with a band (computed or calibrated): what the percents and targets are of. */
  banded: number;
  /** Reviews without any band yet (incomplete and not calibrated), counted apart. */
  unbanded: number;
}

/** The band that counts: the calibrated one where HR set it, else the computed one. */
export function effectiveBand(r: Pick<CalibrationSubject, 'bandKey' | 'calibratedBandKey'>): string | null {
  return r.calibratedBandKey ?? r.bandKey;
}

/** The total that counts: the calibrated one where HR set it, else the computed one. */
export function effectiveTotal(r: Pick<CalibrationSubject, 'total' | 'calibratedTotal'>): number {
  return r.calibratedTotal ?? r.total;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Whole-person target counts for `n` reviews: pct × n, rounded by largest remainder so that they
 * add up to `n` (20 / 70 / 10 of 7 is 1 / 5 / 1, not 1.4 / 4.9 / 0.7). Ties in the remainder go to
 * the band listed first, i.e. the better band, so the result does not depend on object key order
 * beyond the order given.
 */
export function targetCounts(target: TargetDistribution, keys: readonly string[], n: number): Map<string, number> {
  const exact = keys.map((k) => ({ key: k, value: ((Object.hasOwn(target, k) ? target[k] : 0) * n) / 100 }));
  const counts = new Map(exact.map((e) => [e.key, Math.floor(e.value)] as const));
  const sumPct = keys.reduce((s, k) => s + (Object.hasOwn(target, k) ? target[k] : 0), 0);
  // Only a target that covers these bands fully is spread to the last person; one naming other
  // bands keeps its floor, since the missing share belongs to bands nobody here can get.
  let left = sumPct === 100 ? n - [...counts.values()].reduce((a, b) => a + b, 0) : 0;
  const byRemainder = exact.map((e, i) => ({ ...e, i, rest: e.value - Math.floor(e.value) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const e of byRemainder) {
    if (left <= 0) break;
    if (e.rest <= 0) continue;
    counts.set(e.key, (counts.get(e.key) ?? 0) + 1);
    left -= 1;
  }
  return counts;
}

/**
 * The band keys in the order a distribution lists them: the bands of the reviews' templates, best
 * (highest minimum) first, then any band the target names that no template has.
 */
export function bandOrder(bands: readonly RatingBand[], target: TargetDistribution | null): string[] {
  const best = new Map<string, number>();
  for (const b of bands) best.set(b.key, Math.max(best.get(b.key) ?? -Infinity, b.min));
  const keys = [...best.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  for (const k of Object.keys(target ?? {})) if (!best.has(k)) keys.push(k);
  return keys;
}

/** Counts per band (calibrated where set) against the target; reviews without a band apart. */
export function distribution(reviews: readonly CalibrationSubject[], keys: readonly string[], target: TargetDistribution | null): Distribution {
  const counts = new Map<string, number>(keys.map((k) => [k, 0]));
  let unbanded = 0;
  for (const r of reviews) {
    const band = effectiveBand(r);
    if (band === null) unbanded += 1;
    else counts.set(band, (counts.get(band) ?? 0) + 1);
  }
  const order = [...keys, ...[...counts.keys()].filter((k) => !keys.includes(k))];
  const banded = reviews.length - unbanded;
  const targets = target ? targetCounts(target, order, banded) : null;
  const rows = order.map((bandKey): DistributionRow => {
    const count = counts.get(bandKey) ?? 0;
    const targetCount = targets ? (targets.get(bandKey) ?? 0) : null;
    return {
      bandKey,
      count,
      percent: banded === 0 ? 0 : round2((count / banded) * 100),
      targetPercent: target ? (Object.hasOwn(target, bandKey) ? target[bandKey] : 0) : null,
      targetCount,
      gap: targetCount === null ? null : count - targetCount,
    };
  });
  return { rows, banded, unbanded };
}

/** Highest total that counts first; equal totals by employee number, so the order is stable. */
export function byTotal<T extends CalibrationSubject>(reviews: readonly T[]): T[] {
  return [...reviews].sort((a, b) => effectiveTotal(b) - effectiveTotal(a) || a.employeeNo.localeCompare(b.employeeNo));
}

/** The highest total a template can give: every KPI at its best score (a target KPI's cap). */
export function maxTotal(kpis: readonly Pick<KpiDefinition, 'weight' | 'rule'>[]): number {
  return round2(kpis.reduce((sum, k) => sum + (k.weight * (k.rule.type === 'target' ? Math.max(100, k.rule.cap) : 100)) / 100, 0));
}
