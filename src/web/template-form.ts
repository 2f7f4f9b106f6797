// The template draft editor as a plain HTML form: what the form holds (every value as typed, so a
// refused or redrawn form shows exactly what was there), the form of a stored draft, and how a form
// becomes the API's draft body. No rule about what a valid template is lives here: that is the DTO
// classes' and src/scoring's job, and the page calls the same service as the API. Reading a posted
// form and the editing steps: template-form-post.ts; the view model: template-editor-view.ts.
import { FIVE_POINT } from '../kpi-templates/default-templates.js';
import { weightSum } from '../scoring/index.js';
import { type KpiText, kpiTextOf, type RatingBand, type RatingPoint } from '../scoring/types.js';

export interface PointForm {
  value: string;
  labelZh: string;
  labelEn: string;
}

/**
 * One KPI as typed. Both rule kinds keep their fields, whichever is chosen, so switching the kind
 * back and forth loses nothing; only the chosen kind's fields go to the server.
 */
export interface KpiForm extends KpiText {
  weight: string;
  ruleType: string;
  min: string;
  max: string;
  points: PointForm[];
  target: string;
  unit: string;
  direction: string;
  cap: string;
  threshold: string;
}

export interface BandForm {
  key: string;
  labelZh: string;
  labelEn: string;
  min: string;
}

export interface DraftForm {
  version: string;
  notes: string;
  kpis: KpiForm[];
  bands: BandForm[];
}

/** A stored KPI as the service gives it (KpiDefinition or KpiDto): rule fields of the other kind are absent. */
export interface StoredKpi extends KpiText {
  weight: number;
  rule: {
    type: string;
    min?: number;
    max?: number;
    points?: RatingPoint[];
    target?: number;
    unit?: string;
    direction?: string;
    cap?: number;
    threshold?: number | null;
  };
}

export interface StoredVersion {
  version: number;
  notes: string;
  kpis: StoredKpi[];
  bands: RatingBand[];
}

/** Form text → number: empty is "no value" (null); anything unreadable stays NaN so validation names the field. */
export function num(raw: string): number | null {
  const s = raw.replace(/[\s,]/g, '');
  return s === '' ? null : Number(s);
}

const text = (n: number | null | undefined): string => (n === null || n === undefined ? '' : String(n));

/** Defaults of the kind a KPI does not use (yet): what appears when the admin switches to it. */
function ratingDefaults(): Pick<KpiForm, 'min' | 'max' | 'points'> {
  return { min: '1', max: '5', points: FIVE_POINT.map((p) => ({ value: String(p.value), labelZh: p.labelZh, labelEn: p.labelEn })) };
}

function targetDefaults(): Pick<KpiForm, 'target' | 'unit' | 'direction' | 'cap' | 'threshold'> {
  return { target: '', unit: '', direction: 'higher', cap: '100', threshold: '' };
}

export function blankKpi(): KpiForm {
  return {
    key: '',
    nameZh: '',
    nameEn: '',
    descriptionZh: '',
    descriptionEn: '',
    category: '',
    weight: '',
    ruleType: 'target',
    ...ratingDefaults(),
    ...targetDefaults(),
  };
}

export function blankBand(): BandForm {
  return { key: '', labelZh: '', labelEn: '', min: '' };
}

/** The form for a stored draft, before anything is typed. */
export function formFromVersion(v: StoredVersion): DraftForm {
  return {
    version: String(v.version),
    notes: v.notes,
    kpis: v.kpis.map((k): KpiForm => {
      const r = k.rule;
      const rating =
        r.type === 'rating'
          ? { min: text(r.min), max: text(r.max), points: (r.points ?? []).map((p) => ({ value: String(p.value), labelZh: p.labelZh, labelEn: p.labelEn })) }
          : ratingDefaults();
      const target =
        r.type === 'target'
          ? { target: text(r.target), unit: r.unit ?? '', direction: r.direction ?? 'higher', cap: text(r.cap), threshold: text(r.threshold) }
          : targetDefaults();
      return {
        ...kpiTextOf(k),
        weight: String(k.weight),
        ruleType: r.type,
        ...rating,
        ...target,
      };
    }),
    bands: v.bands.map((b) => ({ key: b.key, labelZh: b.labelZh, labelEn: b.labelEn, min: String(b.min) })),
  };
}

/**
 * One point row per value of the typed scale, each keeping the labels it had for that value; a
 * scale that is not two whole numbers 0..10 in order keeps its rows as they are (the validation
 * then names the scale). The value sits in a hidden field, so labels follow their value when the
 * scale moves, instead of their position.
 */
export function syncPoints(kpi: KpiForm): KpiForm {
  const min = num(kpi.min);
  const max = num(kpi.max);
  if (min === null || max === null || !Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max > 10 || min >= max) return kpi;
  const byValue = new Map(kpi.points.map((p) => [num(p.value), p] as const));
  const points: PointForm[] = [];
  for (let v = min; v <= max; v++) points.push({ value: String(v), labelZh: byValue.get(v)?.labelZh ?? '', labelEn: byValue.get(v)?.labelEn ?? '' });
  return { ...kpi, points };
}

/**
 * The body the API's PUT takes, built from the form: numbers read from their text, only the chosen
 * rule kind's fields. Left unvalidated on purpose: the DTO and the service judge it.
 */
export function formToContent(form: DraftForm): Record<string, unknown> {
  const version = num(form.version);
  return {
    // A missing or unreadable version is left out; the service then refuses the save as stale.
    ...(version !== null && Number.isInteger(version) && version > 0 ? { version } : {}),
    notes: form.notes,
    kpis: form.kpis.map((k) => ({
      key: k.key.trim(),
      nameZh: k.nameZh.trim(),
      nameEn: k.nameEn.trim(),
      descriptionZh: k.descriptionZh.trim(),
      descriptionEn: k.descriptionEn.trim(),
      category: k.category.trim(),
      weight: num(k.weight),
      rule: ruleContent(k),
    })),
    bands: form.bands.map((b) => ({ key: b.key.trim(), min: num(b.min), labelZh: b.labelZh.trim(), labelEn: b.labelEn.trim() })),
  };
}

function ruleContent(k: KpiForm): Record<string, unknown> {
  if (k.ruleType === 'rating') {
    return {
      type: 'rating',
      min: num(k.min),
      max: num(k.max),
      points: k.points.map((p) => ({ value: num(p.value), labelZh: p.labelZh.trim(), labelEn: p.labelEn.trim() })),
    };
  }
  if (k.ruleType === 'target') {
    return { type: 'target', target: num(k.target), unit: k.unit.trim(), direction: k.direction, cap: num(k.cap), threshold: num(k.threshold) };
  }
  return { type: k.ruleType };
}

/** The sum the page shows (the server's own rule, whole hundredths); null while a weight is not a number. */
export function formWeightSum(form: DraftForm): number | null {
  const weights = form.kpis.map((k) => num(k.weight));
  if (weights.some((w) => w === null || !Number.isFinite(w))) return null;
  return weightSum(weights.map((w) => ({ weight: w ?? 0 })));
}
