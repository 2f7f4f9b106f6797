// The cycle form as typed (every field a string or a box), turned into the cycles API's input, with
// the stage rules' refusals said per field in the page's language. The rules themselves are
// review-stages.ts's; this only words them.
import type { CycleDto } from '../cycles/dto/cycle.dto.js';
import { dueDateProblems, type StageDues } from '../review-stages/review-stages.js';
import type { RatingBand } from '../scoring/types.js';
import { type FieldErrors, str } from './forms.js';

export const DUE_FIELDS = ['selfAssessmentDue', 'managerAssessmentDue', 'hrReviewDue', 'finalizationDue'] as const satisfies readonly (keyof StageDues)[];

export interface CycleForm {
  name: string;
  periodStart: string;
  periodEnd: string;
  selfAssessment: boolean;
  managerAssessment: boolean;
  printAssessments: boolean;
  dues: Record<keyof StageDues, string>;
  /** Percent per band key, as typed ('' when left empty). */
  target: Record<string, string>;
}

type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** The form field of a band's target percent. */
export const targetField = (bandKey: string) => `target_${bandKey}`;

/** A new cycle's form: the manager assessment ticked, as most companies run it. */
export function emptyCycleForm(bandKeys: string[]): CycleForm {
  return {
    name: '',
    periodStart: '',
    periodEnd: '',
    selfAssessment: false,
    managerAssessment: true,
    printAssessments: false,
    dues: { selfAssessmentDue: '', managerAssessmentDue: '', hrReviewDue: '', finalizationDue: '' },
    target: Object.fromEntries(bandKeys.map((k) => [k, ''])),
  };
}

export function cycleFormOf(body: unknown, bandKeys: string[]): CycleForm {
  const box = (k: string) => str(body, k) === 'on';
  return {
    name: str(body, 'name'),
    periodStart: str(body, 'periodStart').trim(),
    periodEnd: str(body, 'periodEnd').trim(),
    selfAssessment: box('selfAssessment'),
    managerAssessment: box('managerAssessment'),
    printAssessments: box('printAssessments'),
    dues: Object.fromEntries(DUE_FIELDS.map((f) => [f, str(body, f).trim()])) as Record<keyof StageDues, string>,
    target: Object.fromEntries(bandKeys.map((k) => [k, str(body, targetField(k)).trim()])),
  };
}

export function cycleFormFrom(c: CycleDto, bandKeys: string[]): CycleForm {
  const keys = [...new Set([...bandKeys, ...Object.keys(c.targetDistribution ?? {})])];
  return {
    name: c.name,
    periodStart: c.periodStart,
    periodEnd: c.periodEnd,
    selfAssessment: c.selfAssessment,
    managerAssessment: c.managerAssessment,
    printAssessments: c.printAssessments,
    dues: Object.fromEntries(DUE_FIELDS.map((f) => [f, c[f] ?? ''])) as Record<keyof StageDues, string>,
    target: Object.fromEntries(keys.map((k) => [k, c.targetDistribution?.[k] === undefined ? '' : String(c.targetDistribution[k])])),
  };
}

/**
 * The API input of the form, and the mistakes only the page can see (a percent that is not a
 * number). Empty dates are "none"; an all-empty distribution is "none", otherwise empty bands are 0.
 */
export function cycleInput(form: CycleForm, t: Translate): { input: Record<string, unknown>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const typed = Object.entries(form.target).filter(([, v]) => v !== '');
  let targetDistribution: Record<string, number> | null = null;
  if (typed.length > 0) {
    targetDistribution = {};
    for (const [key, v] of Object.entries(form.target)) {
      if (v !== '' && !/^\d{1,3}$/.test(v)) errors[targetField(key)] = t('cycles.err.percent');
      else targetDistribution[key] = v === '' ? 0 : Number(v);
    }
    if (Object.keys(errors).length === 0) {
      const sum = Object.values(targetDistribution).reduce((a, b) => a + b, 0);
      for (const [key, pct] of Object.entries(targetDistribution)) if (pct > 100) errors[targetField(key)] = t('cycles.err.percent');
      if (Object.keys(errors).length === 0 && sum !== 100) errors.targetDistribution = t('cycles.err.sum', { sum });
    }
  }
  const input: Record<string, unknown> = {
    name: form.name,
    periodStart: form.periodStart,
    periodEnd: form.periodEnd,
    selfAssessment: form.selfAssessment,
    managerAssessment: form.managerAssessment,
    printAssessments: form.printAssessments,
    targetDistribution,
  };
  for (const f of DUE_FIELDS) input[f] = form.dues[f] === '' ? null : form.dues[f];
  return { input, errors };
}

/**
 * The due dates' refusals in the page's language: a malformed date, a date before the period, or
 * one before the stage before it. Replaces the API's English messages on those fields (the API
 * checks the same rule; the page says it in words the HR user reads).
 */
export function localizeStageErrors(form: CycleForm, errors: FieldErrors, t: Translate, stageName: (f: keyof StageDues) => string): void {
  const settings = { selfAssessment: form.selfAssessment, managerAssessment: form.managerAssessment };
  const dues = Object.fromEntries(DUE_FIELDS.map((f) => [f, form.dues[f] || null])) as unknown as StageDues;
  for (const f of DUE_FIELDS) if (errors[f]) errors[f] = t('cycles.err.date');
  const malformed = DUE_FIELDS.some((f) => errors[f]);
  if (malformed || !/^\d{4}-\d{2}-\d{2}$/.test(form.periodStart)) return;
  const running = DUE_FIELDS.filter(
    (f) => f === 'hrReviewDue' || f === 'finalizationDue' || settings[f === 'selfAssessmentDue' ? 'selfAssessment' : 'managerAssessment'],
  );
  for (const p of dueDateProblems(settings, dues, form.periodStart)) {
    const date = dues[p.field] as string;
    if (date < form.periodStart) {
      errors[p.field] = t('cycles.err.beforePeriod', { date: form.periodStart });
      continue;
    }
    // The latest date of a stage the cycle runs before this one: the one it must not precede.
    const before = running.slice(0, running.indexOf(p.field)).filter((f) => dues[f] !== null && dues[f] > date);
    const previous = before[before.length - 1];
    errors[p.field] = previous ? t('cycles.err.beforeStage', { stage: stageName(previous), date: dues[previous] as string }) : p.message;
  }
}

/** The bands a target distribution is typed for: keys and labels in the page's language. */
export function targetBands(bands: RatingBand[], form: CycleForm, lang: string): { key: string; field: string; label: string; value: string }[] {
  const labels = new Map(bands.map((b) => [b.key, lang === 'zh-CN' ? b.labelZh : b.labelEn]));
  return Object.keys(form.target).map((key) => ({ key, field: targetField(key), label: labels.get(key) ?? key, value: form.target[key] }));
}
