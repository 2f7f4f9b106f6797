import { describe, it, expect } from '@jest/globals';
import { validateTemplate } from './scoring.js';
import { points, ratingKpi, targetKpi, BANDS } from './scoring.fixture.js';
import type { KpiDefinition, RatingBand } from './types.js';

describe('validateTemplate', () => {
  const valid = (): KpiDefinition[] => [
    targetKpi('sales', 35, { threshold: 50 }),
    ratingKpi('craft', 7.5),
    targetKpi('defects', 57.5, { direction: 'lower', target: 0, cap: 100 }),
  ];
  const fields = (kpis: KpiDefinition[], bands: RatingBand[] = BANDS): string[] => validateTemplate(kpis, bands).map((p) => p.field);

  it('accepts a valid template', () => {
    expect(validateTemplate(valid(), BANDS)).toEqual([]);
  });

  it('accepts boundary values', () => {
    const kpis = [
      targetKpi('a'.repeat(64), 33.33, { target: 0, cap: 1000, threshold: 99.99 }),
      targetKpi('b_2', 33.33, { cap: 100, threshold: 0 }),
      ratingKpi('c', 33.34, { min: 0, max: 10 }),
    ];
    expect(validateTemplate(kpis, [{ key: 'only', min: 0, labelZh: '', labelEn: '' }])).toEqual([]);
  });

  describe('weights', () => {
    it('reports the current sum when it is not 100', () => {
      const kpis = valid();
      kpis[2].weight = 52.5;
      const problems = validateTemplate(kpis, BANDS);
      expect(problems).toEqual([{ field: 'kpis', message: 'KPI weights sum to 95, they must sum to exactly 100', code: 'weightSum', params: { sum: 95 } }]);
    });

    it('rejects a sum that is only just over 100', () => {
      const kpis = valid();
      kpis[2].weight = 57.51;
      expect(validateTemplate(kpis, BANDS)[0].message).toContain('100.01');
    });

    it('accepts 33.33 + 33.33 + 33.34', () => {
      const kpis = [ratingKpi('a', 33.33), ratingKpi('b', 33.33), ratingKpi('c', 33.34)];
      expect(validateTemplate(kpis, BANDS)).toEqual([]);
    });

    it.each([0, -5, Number.NaN])('rejects weight %p', (weight) => {
      const kpis = valid();
      kpis[1].weight = weight;
      // The per-weight problem replaces the sum problem, which would only restate it.
      expect(fields(kpis)).toEqual(['kpis[1].weight']);
    });

    it('rejects more than two decimals', () => {
      const kpis = valid();
      kpis[0].weight = 34.995;
      kpis[1].weight = 8.005;
      const problems = validateTemplate(kpis, BANDS);
      expect(problems.map((p) => p.field)).toEqual(['kpis[0].weight', 'kpis[1].weight']);
      expect(problems[0].message).toContain('2 decimals');
    });

    it('requires at least one KPI', () => {
      expect(validateTemplate([], BANDS)).toEqual([{ field: 'kpis', message: 'a template needs at least one KPI', code: 'arrayMinSize', params: { min: 1 } }]);
    });
  });

  describe('keys', () => {
    it('rejects a duplicate key on its second use', () => {
      const kpis = valid();
      kpis[2].key = 'sales';
      const problems = validateTemplate(kpis, BANDS);
      expect(problems).toEqual([{ field: 'kpis[2].key', message: 'KPI key "sales" is used more than once', code: 'duplicate', params: { value: 'sales' } }]);
    });

    it.each(['Sales', '1st', 'a-b', '_x', '', 'a'.repeat(65)])('rejects key %p', (key) => {
      const kpis = valid();
      kpis[0].key = key;
      expect(fields(kpis)).toEqual(['kpis[0].key']);
    });
  });

  describe('rating rules', () => {
    it('reports a scale value without a point', () => {
      const kpi = ratingKpi('craft', 100, { points: points(1, 5).filter((p) => p.value !== 3) });
      expect(validateTemplate([kpi], BANDS)).toEqual([
        {
          field: 'kpis[0].rule.points',
          message: 'rating points must cover every value 1..5 once; missing 3',
          code: 'pointsCover',
          params: { min: 1, max: 5, missing: [3] },
        },
      ]);
    });

    it('reports a duplicate point', () => {
      const list = [...points(1, 5), { value: 2, labelZh: '二', labelEn: 'two again' }];
      const problems = validateTemplate([ratingKpi('craft', 100, { points: list })], BANDS);
      expect(problems).toEqual([
        { field: 'kpis[0].rule.points[5].value', message: 'rating point 2 appears more than once', code: 'duplicate', params: { value: 2 } },
      ]);
    });

    it('reports points outside the scale or not whole', () => {
      const list = [...points(1, 5), { value: 6, labelZh: '', labelEn: '' }, { value: 2.5, labelZh: '', labelEn: '' }];
      expect(fields([ratingKpi('craft', 100, { points: list })])).toEqual(['kpis[0].rule.points[5].value', 'kpis[0].rule.points[6].value']);
    });

    it('requires min < max', () => {
      expect(fields([ratingKpi('craft', 100, { min: 3, max: 3, points: points(3, 3) })])).toEqual(['kpis[0].rule.max']);
      expect(fields([ratingKpi('craft', 100, { min: 5, max: 1, points: [] })])).toEqual(['kpis[0].rule.max']);
    });

    it('requires min >= 0 and max <= 10, both whole', () => {
      expect(fields([ratingKpi('craft', 100, { min: -1, max: 5 })])).toEqual(['kpis[0].rule.min']);
      expect(fields([ratingKpi('craft', 100, { min: 1, max: 11 })])).toEqual(['kpis[0].rule.max']);
      expect(fields([ratingKpi('craft', 100, { min: 0.5, max: 5, points: points(1, 5) })])).toEqual(['kpis[0].rule.min']);
    });
  });

  describe('target rules', () => {
    it('rejects a cap below 100', () => {
      const problems = validateTemplate([targetKpi('sales', 100, { cap: 99 })], BANDS);
      expect(problems).toHaveLength(1);
      expect(problems[0].field).toBe('kpis[0].rule.cap');
      expect(problems[0].message).toContain('99');
    });

    it('rejects a cap above 1000', () => {
      expect(fields([targetKpi('sales', 100, { cap: 1001 })])).toEqual(['kpis[0].rule.cap']);
    });

    it('rejects a negative target', () => {
      expect(fields([targetKpi('sales', 100, { target: -1 })])).toEqual(['kpis[0].rule.target']);
    });

    it.each([100, 150, -1])('rejects threshold %p', (threshold) => {
      expect(fields([targetKpi('sales', 100, { threshold })])).toEqual(['kpis[0].rule.threshold']);
    });

    it('rejects an unknown direction', () => {
      const kpi = targetKpi('sales', 100);
      (kpi.rule as { direction: string }).direction = 'sideways';
      expect(fields([kpi])).toEqual(['kpis[0].rule.direction']);
    });

    it('rejects an unknown rule type', () => {
      const kpi = targetKpi('sales', 100);
      (kpi.rule as { type: string }).type = 'formula';
      expect(fields([kpi])).toEqual(['kpis[0].rule.type']);
    });
  });

  describe('bands', () => {
    it('requires a band starting at 0', () => {
      const bands = BANDS.filter((b) => b.min !== 0);
      expect(validateTemplate(valid(), bands)).toEqual([
        { field: 'bands', message: 'one band must start at 0 so that every total has a band', code: 'bandAtZero' },
      ]);
    });

    it('requires at least one band', () => {
      expect(fields(valid(), [])).toEqual(['bands']);
    });

    it('rejects duplicate keys and duplicate or negative minimums', () => {
      const bands: RatingBand[] = [
        ...BANDS,
        { key: 'good', min: 80, labelZh: '', labelEn: '' },
        { key: 'great', min: 90, labelZh: '', labelEn: '' },
        { key: 'awful', min: -10, labelZh: '', labelEn: '' },
      ];
      expect(fields(valid(), bands)).toEqual(['bands[4].key', 'bands[5].min', 'bands[6].min']);
    });
  });

  it('reports every problem at once', () => {
    const kpis = [targetKpi('sales', 50, { cap: 50 }), targetKpi('sales', 40)];
    expect(fields(kpis, [])).toEqual(['kpis[0].rule.cap', 'kpis[1].key', 'kpis', 'bands']);
  });
});
