// A posted editor form read back (every value as typed), and the editing steps (add, remove, move)
// that only redraw the form. Field names are the API's field paths (`kpis[2].rule.cap`).
import { focusIds } from './template-editor-view.js';
import { blankBand, blankKpi, type BandForm, type DraftForm, type KpiForm, syncPoints } from './template-form.js';

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
      points: indexes(body, `kpis[${i}].rule.points`).map((j) => ({
        value: k(`rule.points[${j}].value`),
        labelZh: k(`rule.points[${j}].labelZh`),
        labelEn: k(`rule.points[${j}].labelEn`),
      })),
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
