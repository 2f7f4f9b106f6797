import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ACCOUNT_MANAGER, DEFAULT_BANDS } from '../kpi-templates/default-templates.js';
import { UpdateDraftDto } from '../kpi-templates/dto/template.dto.js';
import { editorView } from './template-editor-view.js';
import { blankKpi, type DraftForm, formFromVersion, formToContent, formWeightSum, syncPoints } from './template-form.js';
import { applyAction, parseAction, parseDraftForm } from './template-form-post.js';

const stored = { version: 3, notes: 'why', kpis: ACCOUNT_MANAGER.kpis, bands: DEFAULT_BANDS };

/** The form as a browser would post it: every field under its name. */
function post(form: DraftForm, action = 'save'): Record<string, string> {
  const body: Record<string, string> = { _csrf: 'token', version: form.version, notes: form.notes, action };
  form.kpis.forEach((k, i) => {
    const p = `kpis[${i}]`;
    Object.assign(body, {
      [`${p}.key`]: k.key,
      [`${p}.nameZh`]: k.nameZh,
      [`${p}.nameEn`]: k.nameEn,
      [`${p}.descriptionZh`]: k.descriptionZh,
      [`${p}.descriptionEn`]: k.descriptionEn,
      [`${p}.category`]: k.category,
      [`${p}.weight`]: k.weight,
      [`${p}.rule.type`]: k.ruleType,
      [`${p}.rule.min`]: k.min,
      [`${p}.rule.max`]: k.max,
      [`${p}.rule.target`]: k.target,
      [`${p}.rule.unit`]: k.unit,
      [`${p}.rule.direction`]: k.direction,
      [`${p}.rule.cap`]: k.cap,
      [`${p}.rule.threshold`]: k.threshold,
    });
    k.points.forEach((pt, j) => {
      body[`${p}.rule.points[${j}].value`] = pt.value;
      body[`${p}.rule.points[${j}].labelZh`] = pt.labelZh;
      body[`${p}.rule.points[${j}].labelEn`] = pt.labelEn;
    });
  });
  form.bands.forEach((b, j) =>
    Object.assign(body, { [`bands[${j}].key`]: b.key, [`bands[${j}].labelZh`]: b.labelZh, [`bands[${j}].labelEn`]: b.labelEn, [`bands[${j}].min`]: b.min }),
  );
  return body;
}

async function dtoErrors(content: unknown): Promise<number> {
  const dto = plainToInstance(UpdateDraftDto, content);
  return (await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true })).length;
}

describe('template editor form', () => {
  it('turns a stored version into a form and, posted unchanged, back into the same content', async () => {
    const form = formFromVersion(stored);
    expect(form.kpis[0]).toMatchObject({
      key: 'sales_attainment',
      weight: '35',
      ruleType: 'target',
      target: '2000000',
      unit: 'CNY',
      direction: 'higher',
      cap: '150',
      threshold: '50',
    });
    // A target KPI still carries rating defaults, so switching it to a rating shows a usable scale.
    expect(form.kpis[0].points.map((p) => p.value)).toEqual(['1', '2', '3', '4', '5']);
    const { form: again, action } = parseDraftForm(post(form));
    expect(action).toEqual({ kind: 'save' });
    expect(again).toEqual(form);
    const content = formToContent(again);
    expect(content).toEqual({ version: 3, notes: 'why', kpis: ACCOUNT_MANAGER.kpis, bands: DEFAULT_BANDS });
    expect(await dtoErrors(content)).toBe(0);
  });

  it('reads numbers as typed: separators dropped, empty as null, anything else NaN for validation to name', () => {
    const form = formFromVersion(stored);
    form.kpis[0] = { ...form.kpis[0], weight: ' 35.5 ', target: '2,500,000', threshold: '', cap: 'lots' };
    form.version = 'x';
    const content = formToContent(form) as { version?: number; kpis: { weight: number; rule: Record<string, unknown> }[] };
    expect(content.version).toBeUndefined();
    expect(content.kpis[0].weight).toBe(35.5);
    expect(content.kpis[0].rule).toEqual({ type: 'target', target: 2500000, unit: 'CNY', direction: 'higher', cap: NaN, threshold: null });
  });

  it('sends only the chosen rule kind, and an unknown kind as it is', () => {
    const form = formFromVersion(stored);
    form.kpis[0].ruleType = 'rating';
    form.kpis[1].ruleType = 'guess';
    const content = formToContent(form) as { kpis: { rule: Record<string, unknown> }[] };
    expect(content.kpis[0].rule).toEqual({ type: 'rating', min: 1, max: 5, points: expect.any(Array) });
    expect(content.kpis[1].rule).toEqual({ type: 'guess' });
  });

  it('keeps typed text as it is in the form but trims what it sends', () => {
    const form = formFromVersion(stored);
    form.kpis[0].nameEn = '  Sales  ';
    expect(parseDraftForm(post(form)).form.kpis[0].nameEn).toBe('  Sales  ');
    expect((formToContent(form) as { kpis: { nameEn: string }[] }).kpis[0].nameEn).toBe('Sales');
  });

  it('orders KPIs by their index, closes gaps, and ignores absurd indexes and foreign fields', () => {
    const body = { 'kpis[10].key': 'b', 'kpis[2].key': 'a', 'kpis[123456].key': 'x', 'bands[0].key': 'z', other: 'y', 'kpis[1]x': 'q' };
    const { form } = parseDraftForm(body);
    expect(form.kpis.map((k) => k.key)).toEqual(['a', 'b']);
    expect(form.bands.map((b) => b.key)).toEqual(['z']);
    expect(parseDraftForm(null).form).toEqual({ version: '', notes: '', kpis: [], bands: [] });
  });

  it('takes the first of repeated values and ignores values that are not text', () => {
    const { form } = parseDraftForm({ 'kpis[0].key': ['one', 'two'], 'kpis[0].nameEn': { nested: true }, notes: 5 });
    expect(form.kpis[0].key).toBe('one');
    expect(form.kpis[0].nameEn).toBe('');
    expect(form.notes).toBe('');
  });

  it('knows every button', () => {
    expect(parseAction('')).toEqual({ kind: 'save' });
    expect(parseAction('save')).toEqual({ kind: 'save' });
    expect(parseAction('publish')).toEqual({ kind: 'publish' });
    expect(parseAction('kpi.add')).toEqual({ kind: 'addKpi' });
    expect(parseAction('kpi.remove.3')).toEqual({ kind: 'removeKpi', index: 3 });
    expect(parseAction('kpi.up.2')).toEqual({ kind: 'moveKpi', index: 2, by: -1 });
    expect(parseAction('kpi.down.0')).toEqual({ kind: 'moveKpi', index: 0, by: 1 });
    expect(parseAction('band.add')).toEqual({ kind: 'addBand' });
    expect(parseAction('band.remove.4')).toEqual({ kind: 'removeBand', index: 4 });
    expect(parseAction('refresh.1')).toEqual({ kind: 'refresh', index: 1 });
    // The default button (Enter) and anything unknown only redraw.
    expect(parseAction('refresh')).toEqual({ kind: 'refresh', index: null });
    expect(parseAction('kpi.remove.x')).toEqual({ kind: 'refresh', index: null });
  });

  describe('rating points follow the scale', () => {
    const rating = { ...blankKpi(), ruleType: 'rating' };

    it('keeps each label with its value when the scale moves', () => {
      const moved = syncPoints({ ...rating, min: '0', max: '3' });
      expect(moved.points.map((p) => [p.value, p.labelEn])).toEqual([
        ['0', ''],
        ['1', 'Needs improvement'],
        ['2', 'Partly meets expectations'],
        ['3', 'Meets expectations'],
      ]);
    });

    it('leaves the rows alone while the scale is not two whole numbers 0..10 in order', () => {
      for (const [min, max] of [
        ['3', '2'],
        ['a', '5'],
        ['1', '11'],
        ['', '5'],
        ['1.5', '5'],
      ]) {
        expect(syncPoints({ ...rating, min, max }).points).toBe(rating.points);
      }
    });

    it('applies on every post, saves included', () => {
      const form = formFromVersion(stored);
      const selling = form.kpis.findIndex((k) => k.key === 'selling');
      form.kpis[selling].max = '4';
      expect(parseDraftForm(post(form)).form.kpis[selling].points.map((p) => p.value)).toEqual(['1', '2', '3', '4']);
    });
  });

  describe('editing steps', () => {
    const form = formFromVersion(stored);

    it('adds a blank target KPI at the end and focuses its key', () => {
      const { form: next, focus } = applyAction(form, { kind: 'addKpi' });
      expect(next.kpis).toHaveLength(9);
      expect(next.kpis[8]).toEqual(blankKpi());
      expect(next.kpis[8].ruleType).toBe('target');
      expect(focus).toBe('f-kpis-8-key');
      expect(form.kpis).toHaveLength(8);
    });

    it('removes a KPI and focuses the weight of the one now in its place', () => {
      const { form: next, focus } = applyAction(form, { kind: 'removeKpi', index: 3 });
      expect(next.kpis.map((k) => k.key)).not.toContain('relationship_upkeep');
      expect(focus).toBe('f-kpis-3-weight');
      expect(applyAction(form, { kind: 'removeKpi', index: 7 }).focus).toBe('f-kpis-6-weight');
      const one = { ...form, kpis: [form.kpis[0]] };
      expect(applyAction(one, { kind: 'removeKpi', index: 0 })).toEqual({ form: { ...form, kpis: [] }, focus: 'add-kpi' });
      expect(applyAction(form, { kind: 'removeKpi', index: 99 }).form.kpis).toHaveLength(8);
    });

    it('moves a KPI and keeps focus on the button pressed, or the other one at the edge', () => {
      const up = applyAction(form, { kind: 'moveKpi', index: 2, by: -1 });
      expect(up.form.kpis.slice(0, 3).map((k) => k.key)).toEqual(['sales_attainment', 'customer_retention', 'customer_satisfaction']);
      expect(up.focus).toBe('kpi-1-up');
      expect(applyAction(form, { kind: 'moveKpi', index: 1, by: -1 }).focus).toBe('kpi-0-down');
      expect(applyAction(form, { kind: 'moveKpi', index: 5, by: 1 }).focus).toBe('kpi-6-down');
      expect(applyAction(form, { kind: 'moveKpi', index: 6, by: 1 }).focus).toBe('kpi-7-up');
      // Past either end nothing moves.
      expect(applyAction(form, { kind: 'moveKpi', index: 0, by: -1 })).toEqual({ form, focus: null });
      expect(applyAction(form, { kind: 'moveKpi', index: 7, by: 1 }).form).toEqual(form);
    });

    it('adds and removes bands', () => {
      const added = applyAction(form, { kind: 'addBand' });
      expect(added.form.bands).toHaveLength(6);
      expect(added.focus).toBe('f-bands-5-key');
      const removed = applyAction(form, { kind: 'removeBand', index: 4 });
      expect(removed.form.bands.map((b) => b.key)).toEqual(['outstanding', 'exceeds', 'meets', 'needs_improvement']);
      expect(removed.focus).toBe('f-bands-3-key');
      expect(applyAction({ ...form, bands: [form.bands[0]] }, { kind: 'removeBand', index: 0 }).focus).toBe('add-band');
    });

    it('redraws for "update rule fields" with the focus on that button', () => {
      expect(applyAction(form, { kind: 'refresh', index: 4 })).toEqual({ form, focus: 'kpi-4-refresh' });
      expect(applyAction(form, { kind: 'refresh', index: null })).toEqual({ form, focus: null });
    });
  });

  it('sums weights with the server rule, and not at all while one is unreadable', () => {
    const form = formFromVersion(stored);
    expect(formWeightSum(form)).toBe(100);
    form.kpis[0].weight = '30';
    expect(formWeightSum(form)).toBe(95);
    form.kpis[0].weight = '';
    expect(formWeightSum(form)).toBeNull();
  });

  describe('view', () => {
    it('names every field by its API path, with ids, values and the error for that path', () => {
      const form = formFromVersion(stored);
      const view = editorView(form, { 'kpis[0].rule.cap': 'cap must not be less than 100', 'bands[1].min': 'band minimum 65 is used by another band' }, null);
      expect(view.kpis[0].f.cap).toEqual({
        name: 'kpis[0].rule.cap',
        id: 'f-kpis-0-rule-cap',
        value: '150',
        error: 'cap must not be less than 100',
        autofocus: false,
      });
      expect(view.kpis[0].hasError).toBe(true);
      expect(view.kpis[0].open).toBe(true);
      expect(view.kpis[1].open).toBe(false);
      expect(view.bands[1].f.min.error).toBe('band minimum 65 is used by another band');
      expect(view.kpis[4].points[2].labelEn).toMatchObject({ name: 'kpis[4].rule.points[2].labelEn', id: 'f-kpis-4-rule-points-2-labelEn' });
      expect(view.otherErrors).toEqual([]);
      expect(view.weightSum).toBe(100);
      expect(view.weightSumOk).toBe(true);
    });

    it('shows list-wide problems with their list, and lists problems no field shows so none is lost', () => {
      const view = editorView(
        formFromVersion(stored),
        {
          kpis: 'KPI weights sum to 95, they must sum to exactly 100',
          bands: 'one band must start at 0',
          'kpis[4].rule.points': 'missing 5',
          'kpis[4].rule.points[1].value': 'not on the scale',
          version: 'is required',
          'kpis[2]': 'odd',
        },
        null,
      );
      expect(view.kpisError).toMatch(/sum to 95/);
      expect(view.bandsError).toBe('one band must start at 0');
      expect(view.kpis[4].pointsError).toBe('missing 5');
      expect(view.kpis[4].points[1].hidden.error).toBe('not on the scale');
      expect(view.otherErrors).toEqual([
        { field: 'version', message: 'is required' },
        { field: 'kpis[2]', message: 'odd' },
      ]);
      expect(view.kpis[2].hasError).toBe(true);
    });

    it('opens a new KPI and the one whose rule fields were asked for, and marks the focus', () => {
      const added = applyAction(formFromVersion(stored), { kind: 'addKpi' });
      const view = editorView(added.form, {}, added.focus);
      expect(view.kpis[8].open).toBe(true);
      expect(view.kpis[8].f.key.autofocus).toBe(true);
      expect(view.kpis[7].open).toBe(false);
      expect(view.kpis[8].isTarget).toBe(true);
      expect(view.weightSum).toBeNull();
      const refreshed = editorView(formFromVersion(stored), {}, 'kpi-2-refresh');
      expect(refreshed.kpis[2]).toMatchObject({ open: true, autofocus: { up: false, down: false, remove: false, refresh: true } });
      const moved = editorView(formFromVersion(stored), {}, 'kpi-0-down');
      expect(moved.kpis[0]).toMatchObject({ open: false, canUp: false, canDown: true, autofocus: { down: true } });
    });
  });
});
