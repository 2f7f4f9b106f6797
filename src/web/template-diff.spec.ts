import { describe, expect, it } from '@jest/globals';
import { ACCOUNT_MANAGER, DEFAULT_BANDS } from '../kpi-templates/default-templates.js';
import type { KpiDefinition } from '../scoring/types.js';
import { diffVersions } from './template-diff.js';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('diffVersions', () => {
  const published = { kpis: ACCOUNT_MANAGER.kpis, bands: DEFAULT_BANDS };

  it('finds nothing between a version and its copy', () => {
    expect(diffVersions(published, clone(published))).toEqual({ kpis: [], bands: [], order: null, same: true });
  });

  it('lists changed fields of a KPI with before and after', () => {
    const draft = clone(published);
    draft.kpis[0].weight = 30;
    if (draft.kpis[0].rule.type === 'target') draft.kpis[0].rule.threshold = null;
    const diff = diffVersions(published, draft);
    expect(diff.same).toBe(false);
    expect(diff.kpis).toEqual([
      {
        kind: 'changed',
        key: 'sales_attainment',
        nameZh: draft.kpis[0].nameZh,
        nameEn: 'Sales attainment',
        changes: [
          { field: 'weight', from: '35', to: '30' },
          { field: 'rule.threshold', from: '50', to: '—' },
        ],
      },
    ]);
  });

  it('reports added and removed KPIs, and a rule that changed kind', () => {
    const draft = clone(published);
    const removed = draft.kpis.splice(1, 1)[0];
    const added: KpiDefinition = { ...clone(draft.kpis[0]), key: 'new_kpi', nameEn: 'New' };
    draft.kpis.push(added);
    draft.kpis[2].rule = { type: 'rating', min: 1, max: 5, points: [] };
    const diff = diffVersions(published, draft);
    expect(diff.kpis.map((r) => [r.kind, r.key])).toEqual([
      ['changed', draft.kpis[2].key],
      ['added', 'new_kpi'],
      ['removed', removed.key],
    ]);
    expect(diff.kpis[0].changes.map((c) => c.field)).toEqual(expect.arrayContaining(['rule.type', 'rule.target', 'rule.min', 'rule.max']));
  });

  it('reports a changed description and a relabelled rating point by its value', () => {
    const draft = clone(published);
    const selling = draft.kpis.findIndex((k) => k.key === 'selling');
    draft.kpis[selling].descriptionEn = 'Closing deals';
    const rule = draft.kpis[selling].rule;
    if (rule.type !== 'rating') throw new Error('selling is rated');
    rule.points[2] = { ...rule.points[2], labelEn: 'Solid' };
    expect(diffVersions(published, draft).kpis).toEqual([
      expect.objectContaining({
        kind: 'changed',
        key: 'selling',
        changes: [
          { field: 'descriptionEn', from: 'Needs analysis, presenting solutions and closing.', to: 'Closing deals' },
          { field: 'rule.points[3]', from: '达到期望 / Meets expectations', to: '达到期望 / Solid' },
        ],
      }),
    ]);
  });

  it('reports a new order of the KPIs both versions share, and no order change for additions and removals alone', () => {
    const moved = clone(published);
    [moved.kpis[0], moved.kpis[1]] = [moved.kpis[1], moved.kpis[0]];
    const diff = diffVersions(published, moved);
    expect(diff.kpis).toEqual([]);
    expect(diff.order?.from.slice(0, 2)).toEqual(['sales_attainment', 'customer_satisfaction']);
    expect(diff.order?.to.slice(0, 2)).toEqual(['customer_satisfaction', 'sales_attainment']);
    expect(diff.same).toBe(false);

    const trimmed = clone(published);
    trimmed.kpis.splice(0, 1);
    trimmed.kpis.splice(2, 0, { ...clone(trimmed.kpis[0]), key: 'new_kpi' });
    expect(diffVersions(published, trimmed).order).toBeNull();
  });

  it('compares bands by key', () => {
    const draft = clone(published);
    draft.bands[0].min = 92;
    const diff = diffVersions(published, draft);
    expect(diff.bands).toEqual([
      { kind: 'changed', key: 'outstanding', nameZh: '卓越', nameEn: 'Outstanding', changes: [{ field: 'min', from: '90', to: '92' }] },
    ]);
  });
});
