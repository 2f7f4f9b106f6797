// Pure scoring: no Nest, no I/O, so that the numbers on a scorecard can be reproduced from a
// review's frozen template copy and its inputs alone.

import { round2 } from './round.js';
import type { KpiDefinition, KpiInput, KpiScore, RatingBand, RatingRule, ReviewScore, TargetRule } from './types.js';

/**
 * Input that can never be scored. The API validates inputs before they reach scoring, so this is a
 * guard against a gap in that validation rather than a user-facing error path.
 */
export class ScoringInputError extends Error {
  constructor(
    readonly kpiKey: string,
    message: string,
    /** Which input is wrong (the review page marks that field): the rating, the rule's scale, the actual or the target. */
    readonly reason: 'rating' | 'rule' | 'actual' | 'target',
  ) {
    super(message);
    this.name = 'ScoringInputError';
  }
}

/** One problem found in a template, addressed to a field so the API can show it next to it. */
export interface TemplateProblem {
  /** Path of the offending field, e.g. `kpis[2].rule.cap`, `kpis` or `bands[1].min`. */
  field: string;
  message: string;
  /** The rule broken, as a field error's code (validation.rule.* in the page dictionaries), and its arguments. */
  code: string;
  params?: Record<string, string | number | (string | number)[]>;
}

export const KPI_KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** Shortest decimal form, never "-0", so explanations read like hand arithmetic. */
function fmt(n: number): string {
  return String(n === 0 ? 0 : n);
}

function pointsPhrase(weight: number, points: number): string {
  return `weight ${fmt(weight)}% → ${fmt(points)} ${points === 1 ? 'point' : 'points'}`;
}

function isMissing(value: number | null | undefined): value is null | undefined {
  return value === null || value === undefined;
}

function missingScore(key: string): KpiScore {
  return { key, score: null, points: null, attainment: null, target: null, explanation: 'no input yet' };
}

function scoreRating(kpi: KpiDefinition, rule: RatingRule, input: KpiInput | undefined): KpiScore {
  const rating = input?.rating;
  if (isMissing(rating)) return missingScore(kpi.key);
  if (!Number.isInteger(rating) || rating < rule.min || rating > rule.max) {
    throw new ScoringInputError(kpi.key, `rating ${String(rating)} is not a whole number on the scale ${rule.min}..${rule.max}`, 'rating');
  }
  if (!(rule.max > 0)) {
    throw new ScoringInputError(kpi.key, `rating scale ${rule.min}..${rule.max} has no positive maximum`, 'rule');
  }
  const score = round2((rating / rule.max) * 100);
  const points = round2((score * kpi.weight) / 100);
  return {
    key: kpi.key,
    score,
    points,
    attainment: null,
    target: null,
    explanation: `rating ${fmt(rating)} of ${fmt(rule.max)} → score ${fmt(score)}; ` + pointsPhrase(kpi.weight, points),
  };
}

/** Attainment in % before cap and threshold, with a note when a special case decided it. */
function attainmentOf(actual: number, target: number, rule: TargetRule): { value: number; note: string } {
  if (rule.direction === 'higher') {
    if (target === 0) {
      // A ratio to zero is undefined; reaching a zero goal counts as meeting it, no more.
      return actual >= 0
        ? { value: 100, note: 'a zero target is met by any actual of 0 or more' }
        : { value: 0, note: 'a negative actual misses a zero target' };
    }
    const value = (actual / target) * 100;
    return value < 0 ? { value: 0, note: 'negative, counted as 0' } : { value, note: '' };
  }
  if (target === 0) {
    // Symmetric with 'higher': anything at or under a zero goal meets it.
    return actual <= 0
      ? { value: 100, note: 'a zero target is met by any actual of 0 or less' }
      : { value: 0, note: 'any actual above a zero target misses it' };
  }
  if (actual <= 0) {
    // target / actual would divide by zero or go negative, yet nothing beats 0 when lower is better.
    return { value: rule.cap, note: 'an actual of 0 or less cannot be beaten, so it earns the cap' };
  }
  return { value: (target / actual) * 100, note: '' };
}

function scoreTarget(kpi: KpiDefinition, rule: TargetRule, input: KpiInput | undefined): KpiScore {
  const actual = input?.actual;
  if (isMissing(actual)) return missingScore(kpi.key);
  const override = input?.target;
  const target = isMissing(override) ? rule.target : override;
  if (!Number.isFinite(actual)) {
    throw new ScoringInputError(kpi.key, `actual ${String(actual)} is not a finite number`, 'actual');
  }
  if (!Number.isFinite(target) || target < 0) {
    throw new ScoringInputError(kpi.key, `target ${String(target)} must be a finite number of at least 0`, 'target');
  }

  const { value, note } = attainmentOf(actual, target, rule);
  // Threshold and cap work on the rounded attainment so the explanation never contradicts itself
  // (e.g. "attainment 50% is below the 50% threshold" for a raw 49.999).
  const attainment = round2(value);
  const belowThreshold = rule.threshold !== null && attainment < rule.threshold;
  const score = belowThreshold ? 0 : round2(Math.min(attainment, rule.cap));
  const points = round2((score * kpi.weight) / 100);

  const targetText =
    !isMissing(override) && override !== rule.target ? `target ${fmt(target)} (set for this review; template ${fmt(rule.target)})` : `target ${fmt(target)}`;
  const attainmentText = `attainment ${fmt(attainment)}%${note ? ` (${note})` : ''}`;
  let outcome: string;
  if (belowThreshold) {
    outcome = `${attainmentText} is below the ${fmt(rule.threshold ?? 0)}% threshold → score 0`;
  } else {
    const thresholdText = rule.threshold !== null ? `, meets the ${fmt(rule.threshold)}% threshold` : '';
    outcome = `${attainmentText}${thresholdText}, capped at ${fmt(rule.cap)}% → score ${fmt(score)}`;
  }
  return {
    key: kpi.key,
    score,
    points,
    attainment,
    target,
    explanation: `actual ${fmt(actual)} vs ${targetText} (${rule.direction} is better): ${outcome}; ` + pointsPhrase(kpi.weight, points),
  };
}

/** Scores one KPI; score and points are null while its input is missing. */
export function scoreKpi(kpi: KpiDefinition, input: KpiInput | undefined): KpiScore {
  return kpi.rule.type === 'rating' ? scoreRating(kpi, kpi.rule, input) : scoreTarget(kpi, kpi.rule, input);
}

/** The band with the greatest `min` not above `total`; bands may come in any order. */
export function bandFor(total: number, bands: RatingBand[]): RatingBand | null {
  let best: RatingBand | null = null;
  for (const band of bands) {
    if (band.min <= total && (best === null || band.min > best.min)) best = band;
  }
  return best;
}

/** Sum in whole hundredths, so 33.33 + 33.33 + 33.34 is exactly 100 rather than 100.00000000000001. */
function sumHundredths(values: number[]): number {
  return values.reduce((sum, v) => sum + Math.round(v * 100), 0) / 100;
}

export function weightSum(kpis: { weight: number }[]): number {
  return sumHundredths(kpis.map((k) => k.weight));
}

/**
 * Scores a whole review in template order. The total adds up the already rounded points, so it is
 * exactly what the points column of a scorecard sums to.
 */
export function scoreReview(kpis: KpiDefinition[], inputs: Record<string, KpiInput>, bands: RatingBand[]): ReviewScore {
  return summarizeScores(
    kpis.map((kpi) => scoreKpi(kpi, inputOf(inputs, kpi.key))),
    bands,
  );
}

/** The input of a KPI; `Object.prototype.hasOwnProperty` so that keys such as `constructor` pick up nothing inherited (and older browsers run it). */
export function inputOf(inputs: Record<string, KpiInput>, key: string): KpiInput | undefined {
  return Object.prototype.hasOwnProperty.call(inputs, key) ? inputs[key] : undefined;
}

/** Total, completeness and band of KPIs already scored in template order; a KPI without points is missing. */
export function summarizeScores<S extends { key: string; points: number | null }>(
  scores: S[],
  bands: RatingBand[],
): { kpis: S[]; total: number; complete: boolean; missing: string[]; band: RatingBand | null } {
  const missing = scores.filter((s) => s.points === null).map((s) => s.key);
  const total = round2(sumHundredths(scores.flatMap((s) => (s.points === null ? [] : [s.points]))));
  const complete = missing.length === 0;
  return { kpis: scores, total, complete, missing, band: complete ? bandFor(total, bands) : null };
}

function validateRatingRule(rule: RatingRule, path: string, problems: TemplateProblem[]): void {
  const { min, max } = rule;
  let scaleOk = true;
  if (!Number.isInteger(min) || min < 0) {
    problems.push({
      field: `${path}.min`,
      message: `rating scale minimum ${String(min)} must be a whole number of at least 0`,
      code: 'scaleMin',
      params: { min: 0 },
    });
    scaleOk = false;
  }
  if (!Number.isInteger(max) || max > 10) {
    problems.push({
      field: `${path}.max`,
      message: `rating scale maximum ${String(max)} must be a whole number of at most 10`,
      code: 'scaleMax',
      params: { max: 10 },
    });
    scaleOk = false;
  }
  if (scaleOk && min >= max) {
    problems.push({
      field: `${path}.max`,
      message: `rating scale maximum ${max} must be greater than the minimum ${min}`,
      code: 'scaleOrder',
      params: { min },
    });
    scaleOk = false;
  }
  if (!Array.isArray(rule.points)) {
    problems.push({ field: `${path}.points`, message: 'rating points must be a list', code: 'isArray' });
    return;
  }
  // Point coverage is only meaningful against a valid scale; its problems are reported above.
  if (!scaleOk) return;
  const seen = new Set<number>();
  rule.points.forEach((point, j) => {
    const value = point?.value;
    const field = `${path}.points[${j}].value`;
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push({
        field,
        message: `rating point ${String(value)} is not a whole number on the scale ${min}..${max}`,
        code: 'pointOnScale',
        params: { min, max },
      });
    } else if (seen.has(value)) {
      problems.push({ field, message: `rating point ${value} appears more than once`, code: 'duplicate', params: { value } });
    } else {
      seen.add(value);
    }
  });
  const absent: number[] = [];
  for (let v = min; v <= max; v++) if (!seen.has(v)) absent.push(v);
  if (absent.length > 0) {
    problems.push({
      field: `${path}.points`,
      message: `rating points must cover every value ${min}..${max} once; missing ${absent.join(', ')}`,
      code: 'pointsCover',
      params: { min, max, missing: absent },
    });
  }
}

function validateTargetRule(rule: TargetRule, path: string, problems: TemplateProblem[]): void {
  if (!Number.isFinite(rule.target) || rule.target < 0) {
    problems.push({
      field: `${path}.target`,
      message: `target ${String(rule.target)} must be a number of at least 0`,
      code: 'min',
      params: { min: 0 },
    });
  }
  if (rule.direction !== 'higher' && rule.direction !== 'lower') {
    problems.push({
      field: `${path}.direction`,
      message: `direction ${String(rule.direction)} must be "higher" or "lower"`,
      code: 'direction',
    });
  }
  if (!Number.isFinite(rule.cap) || rule.cap < 100 || rule.cap > 1000) {
    problems.push({
      field: `${path}.cap`,
      message: `cap ${String(rule.cap)} must be between 100 and 1000 (% of target)`,
      code: 'between',
      params: { min: 100, max: 1000 },
    });
  }
  const { threshold } = rule;
  if (threshold !== null && (!Number.isFinite(threshold) || threshold < 0 || threshold >= 100)) {
    problems.push({
      field: `${path}.threshold`,
      message: `threshold ${String(threshold)} must be empty or at least 0 and below 100 (% of target)`,
      code: 'threshold',
    });
  }
}

function validateKpis(kpis: KpiDefinition[], problems: TemplateProblem[]): void {
  if (kpis.length === 0) {
    problems.push({ field: 'kpis', message: 'a template needs at least one KPI', code: 'arrayMinSize', params: { min: 1 } });
    return;
  }
  const keys = new Set<string>();
  let weightsOk = true;
  kpis.forEach((kpi, i) => {
    const path = `kpis[${i}]`;
    if (typeof kpi.key !== 'string' || !KPI_KEY_PATTERN.test(kpi.key)) {
      problems.push({
        field: `${path}.key`,
        code: 'kpiKey',
        message:
          `KPI key ${JSON.stringify(kpi.key)} must start with a lowercase letter and contain only ` +
          'lowercase letters, digits and underscores (at most 64 characters)',
      });
    } else if (keys.has(kpi.key)) {
      problems.push({ field: `${path}.key`, message: `KPI key "${kpi.key}" is used more than once`, code: 'duplicate', params: { value: kpi.key } });
    } else {
      keys.add(kpi.key);
    }

    const { weight } = kpi;
    if (!Number.isFinite(weight) || weight <= 0) {
      problems.push({ field: `${path}.weight`, message: `weight ${String(weight)} must be greater than 0`, code: 'positive' });
      weightsOk = false;
    } else if (round2(weight) !== weight) {
      problems.push({ field: `${path}.weight`, message: `weight ${weight} must have at most 2 decimals`, code: 'maxDecimals', params: { max: 2 } });
      weightsOk = false;
    }

    const rule = kpi.rule;
    switch (rule?.type) {
      case 'rating':
        validateRatingRule(rule, `${path}.rule`, problems);
        break;
      case 'target':
        validateTargetRule(rule, `${path}.rule`, problems);
        break;
      default:
        problems.push({ field: `${path}.rule.type`, message: 'rule type must be "rating" or "target"', code: 'ruleType' });
    }
  });
  // A sum over malformed weights would only repeat the per-weight problems in a confusing form.
  if (weightsOk) {
    const sum = weightSum(kpis);
    if (sum !== 100) {
      problems.push({
        field: 'kpis',
        message: `KPI weights sum to ${fmt(sum)}, they must sum to exactly 100`,
        code: 'weightSum',
        params: { sum },
      });
    }
  }
}

function validateBands(bands: RatingBand[], problems: TemplateProblem[]): void {
  if (bands.length === 0) {
    problems.push({ field: 'bands', message: 'a template needs at least one rating band', code: 'arrayMinSize', params: { min: 1 } });
    return;
  }
  const keys = new Set<string>();
  const mins = new Set<number>();
  bands.forEach((band, i) => {
    if (typeof band.key !== 'string' || band.key === '') {
      problems.push({ field: `bands[${i}].key`, message: 'band key must not be empty', code: 'required' });
    } else if (keys.has(band.key)) {
      problems.push({ field: `bands[${i}].key`, message: `band key "${band.key}" is used more than once`, code: 'duplicate', params: { value: band.key } });
    } else {
      keys.add(band.key);
    }
    if (!Number.isFinite(band.min) || band.min < 0) {
      problems.push({
        field: `bands[${i}].min`,
        message: `band minimum ${String(band.min)} must be a number of at least 0`,
        code: 'min',
        params: { min: 0 },
      });
    } else if (mins.has(band.min)) {
      problems.push({
        field: `bands[${i}].min`,
        message: `band minimum ${band.min} is used by another band`,
        code: 'duplicate',
        params: { value: band.min },
      });
    } else {
      mins.add(band.min);
    }
  });
  if (!mins.has(0)) {
    problems.push({ field: 'bands', message: 'one band must start at 0 so that every total has a band', code: 'bandAtZero' });
  }
}

/** Problems that stop a template version from being published; empty when it is valid. */
export function validateTemplate(kpis: KpiDefinition[], bands: RatingBand[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  validateKpis(kpis, problems);
  validateBands(bands, problems);
  return problems;
}
