// What a draft changes against the published version, KPI by KPI (matched by key) and band by
// band: the admin sees exactly what publishing would change for new reviews.
import type { RatingBand } from '../scoring/types.js';

/** A KPI as stored (KpiDefinition) or as the API shows it (KpiDto): the fields compared here. */
export interface DiffKpi {
  key: string;
  nameZh: string;
  nameEn: string;
  descriptionZh?: string;
  descriptionEn?: string;
  category: string;
  weight: number;
  rule: {
    type: 'rating' | 'target';
    min?: number;
    max?: number;
    points?: { value: number; labelZh: string; labelEn: string }[];
    target?: number;
    unit?: string;
    direction?: string;
    cap?: number;
    threshold?: number | null;
  };
}

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

export interface DiffRow {
  kind: 'added' | 'removed' | 'changed';
  key: string;
  nameZh: string;
  nameEn: string;
  changes: FieldChange[];
}

export interface VersionDiff {
  kpis: DiffRow[];
  bands: DiffRow[];
  /**
   * The KPIs both versions have, in each one's order, when that order changed (the order of a
   * version is the order of its scorecard). Added and removed KPIs alone do not count as a move.
   */
  order: { from: string[]; to: string[] } | null;
  /** True when nothing differs. */
  same: boolean;
}

const show = (v: unknown): string =>
  v === null || v === undefined || v === '' ? '—' : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);

/** The comparable fields of a KPI, flattened; fields of the other rule kind are absent, not empty. */
function kpiFields(k: DiffKpi): Record<string, unknown> {
  const base: Record<string, unknown> = {
    nameZh: k.nameZh,
    nameEn: k.nameEn,
    descriptionZh: k.descriptionZh,
    descriptionEn: k.descriptionEn,
    category: k.category,
    weight: k.weight,
    'rule.type': k.rule.type,
  };
  if (k.rule.type === 'rating') {
    // One entry per point, named by its value: a relabelled point shows as that point's change.
    const points = Object.fromEntries((k.rule.points ?? []).map((p) => [`rule.points[${p.value}]`, `${p.labelZh} / ${p.labelEn}`]));
    return { ...base, 'rule.min': k.rule.min, 'rule.max': k.rule.max, ...points };
  }
  return {
    ...base,
    'rule.target': k.rule.target,
    'rule.unit': k.rule.unit,
    'rule.direction': k.rule.direction,
    'rule.cap': k.rule.cap,
    'rule.threshold': k.rule.threshold,
  };
}

function bandFields(b: RatingBand): Record<string, unknown> {
  return { min: b.min, labelZh: b.labelZh, labelEn: b.labelEn };
}

function compare<T extends { key: string }>(
  from: T[],
  to: T[],
  fields: (x: T) => Record<string, unknown>,
  names: (x: T) => { nameZh: string; nameEn: string },
): DiffRow[] {
  const rows: DiffRow[] = [];
  const before = new Map(from.map((x) => [x.key, x]));
  const after = new Map(to.map((x) => [x.key, x]));
  for (const x of to) {
    const old = before.get(x.key);
    if (!old) {
      rows.push({ kind: 'added', key: x.key, ...names(x), changes: Object.entries(fields(x)).map(([field, v]) => ({ field, from: '—', to: show(v) })) });
      continue;
    }
    const a = fields(old);
    const b = fields(x);
    const changes = [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((f) => show(a[f]) !== show(b[f]))
      .map((field) => ({ field, from: show(a[field]), to: show(b[field]) }));
    if (changes.length) rows.push({ kind: 'changed', key: x.key, ...names(x), changes });
  }
  for (const x of from) if (!after.has(x.key)) rows.push({ kind: 'removed', key: x.key, ...names(x), changes: [] });
  return rows;
}

/** Keys both lists share, in the order of each; null when that order is the same. */
function orderChange(from: { key: string }[], to: { key: string }[]): { from: string[]; to: string[] } | null {
  const inTo = new Set(to.map((x) => x.key));
  const inFrom = new Set(from.map((x) => x.key));
  const a = from.map((x) => x.key).filter((k) => inTo.has(k));
  const b = to.map((x) => x.key).filter((k) => inFrom.has(k));
  return a.every((k, i) => k === b[i]) ? null : { from: a, to: b };
}

export function diffVersions(from: { kpis: DiffKpi[]; bands: RatingBand[] }, to: { kpis: DiffKpi[]; bands: RatingBand[] }): VersionDiff {
  const kpis = compare(from.kpis, to.kpis, kpiFields, (k) => ({ nameZh: k.nameZh, nameEn: k.nameEn }));
  const bands = compare(from.bands, to.bands, bandFields, (b) => ({ nameZh: b.labelZh, nameEn: b.labelEn }));
  // Bands are looked up by their lower bound, never by position, so only the KPIs' order matters.
  const order = orderChange(from.kpis, to.kpis);
  return { kpis, bands, order, same: kpis.length === 0 && bands.length === 0 && order === null };
}
