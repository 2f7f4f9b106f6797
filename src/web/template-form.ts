// The template draft editor as a plain HTML form: what the form holds (every value as typed, so a
// refused or redrawn form shows exactly what was there), how a form body becomes the API's draft
// body, and the editing steps (add, remove, move) that only redraw the form. No rule about what a
// valid template is lives here: that is the DTO classes' and src/scoring's job, and the page calls
// the same service as the API. Field names are the API's field paths (`kpis[2].rule.cap`), so an
// error the DTO or the service reports lands next to the field that caused it.
import { FIVE_POINT } from '../kpi-templates/default-templates.js';
import { weightSum } from '../scoring/index.js';
import type { RatingBand, RatingPoint } from '../scoring/types.js';
import type { FieldErrors } from './forms.js';

export interface PointForm {
  value: string;
  labelZh: string;
  labelEn: string;
}

/**
 * One KPI as typed. Both rule kinds keep their fields, whichever is chosen, so switching the kind
 * back and forth loses nothing; only the chosen kind's fields go to the server.
 */
export interface KpiForm {
  key: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  category: string;
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

/** What the pressed button asked for. Only save and publish write anything. */
export type DraftAction =
  | { kind: 'save' }
  | { kind: 'publish' }
  | { kind: 'refresh'; index: number | null }
  | { kind: 'addKpi' }
  | { kind: 'removeKpi'; index: number }
  | { kind: 'moveKpi'; index: number; by: -1 | 1 }
  | { kind: 'addBand' }
  | { kind: 'removeBand'; index: number };

/** A stored KPI as the service gives it (KpiDefinition or KpiDto): rule fields of the other kind are absent. */
export interface StoredKpi {
  key: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  category: string;
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
  return { key: '', nameZh: '', nameEn: '', descriptionZh: '', descriptionEn: '', category: '', weight: '', ruleType: 'target', ...ratingDefaults(), ...targetDefaults() };
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
        key: k.key,
        nameZh: k.nameZh,
        nameEn: k.nameEn,
        descriptionZh: k.descriptionZh,
        descriptionEn: k.descriptionEn,
        category: k.category,
        weight: String(k.weight),
        ruleType: r.type,
        ...rating,
        ...target,
      };
    }),
    bands: v.bands.map((b) => ({ key: b.key, labelZh: b.labelZh, labelEn: b.labelEn, min: String(b.min) })),
  };
}

// Indexes in a form body are bounded: the DTO refuses more than 50 KPIs, 20 bands and 11 points,
// and a forged body must not make us build a huge array from `kpis[999999].key`.
const MAX_INDEX = 999;

/** The indexes present under `prefix[n].`, in numeric order (gaps closed up). */
function indexes(body: Record<string, unknown>, prefix: string): number[] {
  const re = new RegExp(`^${prefix.replace(/[.[\]]/g, '\\$&')}\\[(\\d{1,3})\\]\\.`);
  const found = new Set<number>();
  for (const k of Object.keys(body)) {
    const m = re.exec(k);
    if (m && Number(m[1]) <= MAX_INDEX) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

function field(body: Record<string, unknown>, key: string): string {
  const v = Object.hasOwn(body, key) ? body[key] : undefined;
  // A repeated name arrives as an array; the first value is the field's.
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : '';
  return typeof v === 'string' ? v : '';
}

export function parseAction(raw: string): DraftAction {
  if (raw === '' || raw === 'save') return { kind: 'save' };
  if (raw === 'publish') return { kind: 'publish' };
  if (raw === 'kpi.add') return { kind: 'addKpi' };
  if (raw === 'band.add') return { kind: 'addBand' };
  const m = /^(refresh|kpi\.remove|kpi\.up|kpi\.down|band\.remove)\.(\d{1,3})$/.exec(raw);
  if (m) {
    const index = Number(m[2]);
    if (m[1] === 'refresh') return { kind: 'refresh', index };
    if (m[1] === 'kpi.remove') return { kind: 'removeKpi', index };
    if (m[1] === 'band.remove') return { kind: 'removeBand', index };
    return { kind: 'moveKpi', index, by: m[1] === 'kpi.up' ? -1 : 1 };
  }
  // Anything else (the form's default button for Enter included) redraws and stores nothing.
  return { kind: 'refresh', index: null };
}

/** A posted editor form: everything typed, and which button was pressed. */
export function parseDraftForm(raw: unknown): { form: DraftForm; action: DraftAction } {
  const body = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const kpis = indexes(body, 'kpis').map((i): KpiForm => {
    const k = (name: string) => field(body, `kpis[${i}].${name}`);
    return {
      key: k('key'),
      nameZh: k('nameZh'),
      nameEn: k('nameEn'),
      descriptionZh: k('descriptionZh'),
      descriptionEn: k('descriptionEn'),
      category: k('category'),
      weight: k('weight'),
      ruleType: k('rule.type'),
      min: k('rule.min'),
      max: k('rule.max'),
      points: indexes(body, `kpis[${i}].rule.points`).map((j) => ({ value: k(`rule.points[${j}].value`), labelZh: k(`rule.points[${j}].labelZh`), labelEn: k(`rule.points[${j}].labelEn`) })),
      target: k('rule.target'),
      unit: k('rule.unit'),
      direction: k('rule.direction'),
      cap: k('rule.cap'),
      threshold: k('rule.threshold'),
    };
  });
  const bands = indexes(body, 'bands').map((j): BandForm => {
    const b = (name: string) => field(body, `bands[${j}].${name}`);
    return { key: b('key'), labelZh: b('labelZh'), labelEn: b('labelEn'), min: b('min') };
  });
  const form = { version: field(body, 'version'), notes: field(body, 'notes'), kpis: kpis.map(syncPoints), bands };
  return { form, action: parseAction(field(body, 'action')) };
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

/** Ids of the controls the page gives focus to after a redraw, so the keyboard stays in place. */
export const focusIds = {
  field: (path: string) => `f-${path.replace(/[[\].]+/g, '-').replace(/-$/, '')}`,
  kpiButton: (i: number, what: 'up' | 'down' | 'remove' | 'refresh') => `kpi-${i}-${what}`,
  bandRemove: (j: number) => `band-${j}-remove`,
  addKpi: 'add-kpi',
  addBand: 'add-band',
};

/** An editing step: the new form and the control to focus. Nothing here is stored. */
export function applyAction(form: DraftForm, action: DraftAction): { form: DraftForm; focus: string | null } {
  const kpis = [...form.kpis];
  const bands = [...form.bands];
  const inKpis = (i: number) => i >= 0 && i < kpis.length;
  let focus: string | null = null;
  switch (action.kind) {
    case 'addKpi':
      kpis.push(blankKpi());
      focus = focusIds.field(`kpis[${kpis.length - 1}].key`);
      break;
    case 'removeKpi':
      if (inKpis(action.index)) {
        kpis.splice(action.index, 1);
        const next = Math.min(action.index, kpis.length - 1);
        focus = next >= 0 ? focusIds.field(`kpis[${next}].weight`) : focusIds.addKpi;
      }
      break;
    case 'moveKpi': {
      const to = action.index + action.by;
      if (inKpis(action.index) && inKpis(to)) {
        [kpis[action.index], kpis[to]] = [kpis[to], kpis[action.index]];
        // The same button again, unless the KPI reached the end where that button is disabled.
        const atEdge = action.by === -1 ? to === 0 : to === kpis.length - 1;
        const same = action.by === -1 ? 'up' : 'down';
        focus = focusIds.kpiButton(to, atEdge ? (same === 'up' ? 'down' : 'up') : same);
      }
      break;
    }
    case 'addBand':
      bands.push(blankBand());
      focus = focusIds.field(`bands[${bands.length - 1}].key`);
      break;
    case 'removeBand':
      if (action.index >= 0 && action.index < bands.length) {
        bands.splice(action.index, 1);
        const next = Math.min(action.index, bands.length - 1);
        focus = next >= 0 ? focusIds.field(`bands[${next}].key`) : focusIds.addBand;
      }
      break;
    case 'refresh':
      if (action.index !== null && inKpis(action.index)) focus = focusIds.kpiButton(action.index, 'refresh');
      break;
    case 'save':
    case 'publish':
      break;
  }
  return { form: { ...form, kpis, bands }, focus };
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
    return { type: 'rating', min: num(k.min), max: num(k.max), points: k.points.map((p) => ({ value: num(p.value), labelZh: p.labelZh.trim(), labelEn: p.labelEn.trim() })) };
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

// ---- what the view needs ----

export interface FieldView {
  name: string;
  id: string;
  value: string;
  error: string | null;
  autofocus: boolean;
}

export interface KpiView {
  i: number;
  n: number;
  nameZh: string;
  nameEn: string;
  key: string;
  isRating: boolean;
  isTarget: boolean;
  /** The details are open when something in them needs attention (new, an error, just changed). */
  open: boolean;
  hasError: boolean;
  canUp: boolean;
  canDown: boolean;
  ids: { fieldset: string; up: string; down: string; remove: string; refresh: string };
  autofocus: { up: boolean; down: boolean; remove: boolean; refresh: boolean };
  f: Record<'key' | 'nameZh' | 'nameEn' | 'descriptionZh' | 'descriptionEn' | 'category' | 'weight' | 'ruleType' | 'min' | 'max' | 'target' | 'unit' | 'direction' | 'cap' | 'threshold', FieldView>;
  /** The rule as a whole (`kpis[i].rule`) and the points list (`kpis[i].rule.points`). */
  ruleError: string | null;
  pointsError: string | null;
  points: { value: string; hidden: FieldView; labelZh: FieldView; labelEn: FieldView; error: string | null }[];
}

export interface BandView {
  j: number;
  n: number;
  removeId: string;
  removeAutofocus: boolean;
  f: Record<'key' | 'labelZh' | 'labelEn' | 'min', FieldView>;
}

export interface EditorView {
  version: string;
  notes: FieldView;
  kpis: KpiView[];
  bands: BandView[];
  weightSum: number | null;
  weightSumOk: boolean;
  /** Problems with the KPI list or band list as a whole (the weight sum, a band at 0 …). */
  kpisError: string | null;
  bandsError: string | null;
  /** Problems addressed to no field on the page, so that none is ever lost. */
  otherErrors: { field: string; message: string }[];
  addKpiAutofocus: boolean;
  addBandAutofocus: boolean;
}

/** The editor's view model: every field with its name, id, value, error, and the focus after a redraw. */
export function editorView(form: DraftForm, errors: FieldErrors, focus: string | null): EditorView {
  const used = new Set<string>();
  const err = (path: string): string | null => {
    if (!Object.hasOwn(errors, path)) return null;
    used.add(path);
    return errors[path];
  };
  const fv = (path: string, value: string): FieldView => {
    const id = focusIds.field(path);
    return { name: path, id, value, error: err(path), autofocus: focus === id };
  };
  const kpis = form.kpis.map((k, i): KpiView => {
    const p = `kpis[${i}]`;
    const f = {
      key: fv(`${p}.key`, k.key),
      nameZh: fv(`${p}.nameZh`, k.nameZh),
      nameEn: fv(`${p}.nameEn`, k.nameEn),
      descriptionZh: fv(`${p}.descriptionZh`, k.descriptionZh),
      descriptionEn: fv(`${p}.descriptionEn`, k.descriptionEn),
      category: fv(`${p}.category`, k.category),
      weight: fv(`${p}.weight`, k.weight),
      ruleType: fv(`${p}.rule.type`, k.ruleType),
      min: fv(`${p}.rule.min`, k.min),
      max: fv(`${p}.rule.max`, k.max),
      target: fv(`${p}.rule.target`, k.target),
      unit: fv(`${p}.rule.unit`, k.unit),
      direction: fv(`${p}.rule.direction`, k.direction),
      cap: fv(`${p}.rule.cap`, k.cap),
      threshold: fv(`${p}.rule.threshold`, k.threshold),
    };
    const points = k.points.map((pt, j) => {
      const pp = `${p}.rule.points[${j}]`;
      return { value: pt.value, hidden: fv(`${pp}.value`, pt.value), labelZh: fv(`${pp}.labelZh`, pt.labelZh), labelEn: fv(`${pp}.labelEn`, pt.labelEn), error: err(pp) };
    });
    const ruleError = err(`${p}.rule`);
    const pointsError = err(`${p}.rule.points`);
    const ids = { fieldset: `kpi-${i}`, up: focusIds.kpiButton(i, 'up'), down: focusIds.kpiButton(i, 'down'), remove: focusIds.kpiButton(i, 'remove'), refresh: focusIds.kpiButton(i, 'refresh') };
    const hasError = Object.keys(errors).some((e) => e === p || e.startsWith(`${p}.`));
    const focusInside = focus !== null && (focus === ids.refresh || focus.startsWith(`${focusIds.field(p)}-`));
    return {
      i,
      n: i + 1,
      nameZh: k.nameZh,
      nameEn: k.nameEn,
      key: k.key,
      isRating: k.ruleType === 'rating',
      isTarget: k.ruleType !== 'rating',
      open: k.key === '' || hasError || focusInside,
      hasError,
      canUp: i > 0,
      canDown: i < form.kpis.length - 1,
      ids,
      autofocus: { up: focus === ids.up, down: focus === ids.down, remove: focus === ids.remove, refresh: focus === ids.refresh },
      f,
      ruleError,
      pointsError,
      points,
    };
  });
  const bands = form.bands.map((b, j): BandView => {
    const p = `bands[${j}]`;
    const removeId = focusIds.bandRemove(j);
    return {
      j,
      n: j + 1,
      removeId,
      removeAutofocus: focus === removeId,
      f: { key: fv(`${p}.key`, b.key), labelZh: fv(`${p}.labelZh`, b.labelZh), labelEn: fv(`${p}.labelEn`, b.labelEn), min: fv(`${p}.min`, b.min) },
    };
  });
  // Errors of a KPI or band as a whole (`kpis[3]`) have no field of their own: shown with the list.
  const kpisError = err('kpis');
  const bandsError = err('bands');
  const notes = fv('notes', form.notes);
  const sum = formWeightSum(form);
  return {
    version: form.version,
    notes,
    kpis,
    bands,
    weightSum: sum,
    weightSumOk: sum === 100,
    kpisError,
    bandsError,
    otherErrors: Object.entries(errors)
      .filter(([k]) => !used.has(k))
      .map(([field, message]) => ({ field, message })),
    addKpiAutofocus: focus === focusIds.addKpi,
    addBandAutofocus: focus === focusIds.addBand,
  };
}
