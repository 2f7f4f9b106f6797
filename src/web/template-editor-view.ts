// The template editor's view model: every field with its name, id, value and error, the focus
// after a redraw, and the problems addressed to no field (so that none is ever lost).
import type { FieldErrors } from './forms.js';
import { type DraftForm, formWeightSum } from './template-form.js';

/** Ids of the controls the page gives focus to after a redraw, so the keyboard stays in place. */
export const focusIds = {
  field: (path: string) => `f-${path.replace(/[[\].]+/g, '-').replace(/-$/, '')}`,
  kpiButton: (i: number, what: 'up' | 'down' | 'remove' | 'refresh') => `kpi-${i}-${what}`,
  bandRemove: (j: number) => `band-${j}-remove`,
  addKpi: 'add-kpi',
  addBand: 'add-band',
};

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
  f: Record<
    | 'key'
    | 'nameZh'
    | 'nameEn'
    | 'descriptionZh'
    | 'descriptionEn'
    | 'category'
    | 'weight'
    | 'ruleType'
    | 'min'
    | 'max'
    | 'target'
    | 'unit'
    | 'direction'
    | 'cap'
    | 'threshold',
    FieldView
  >;
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
  /** Every field with a problem, in page order, for the summary at the top: its message and a link to it. */
  summary: { id: string; message: string }[];
  addKpiAutofocus: boolean;
  addBandAutofocus: boolean;
}

/** The editor's view model: every field with its name, id, value, error, and the focus after a redraw. */
export function editorView(form: DraftForm, errors: FieldErrors, focus: string | null): EditorView {
  const used = new Set<string>();
  const summary: { id: string; message: string }[] = [];
  const err = (path: string): string | null => {
    if (!Object.hasOwn(errors, path)) return null;
    used.add(path);
    return errors[path];
  };
  const fv = (path: string, value: string): FieldView => {
    const id = focusIds.field(path);
    const error = err(path);
    if (error !== null) summary.push({ id, message: error });
    return { name: path, id, value, error, autofocus: focus === id };
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
      return {
        value: pt.value,
        hidden: fv(`${pp}.value`, pt.value),
        labelZh: fv(`${pp}.labelZh`, pt.labelZh),
        labelEn: fv(`${pp}.labelEn`, pt.labelEn),
        error: err(pp),
      };
    });
    const ruleError = err(`${p}.rule`);
    const pointsError = err(`${p}.rule.points`);
    const ids = {
      fieldset: `kpi-${i}`,
      up: focusIds.kpiButton(i, 'up'),
      down: focusIds.kpiButton(i, 'down'),
      remove: focusIds.kpiButton(i, 'remove'),
      refresh: focusIds.kpiButton(i, 'refresh'),
    };
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
  if (kpisError !== null) summary.push({ id: 'weight-sum', message: kpisError });
  if (bandsError !== null) summary.push({ id: 'bands-error', message: bandsError });
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
    summary,
  };
}
