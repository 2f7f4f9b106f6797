import { describe, it, expect } from '@jest/globals';
import {
  ScoringInputError,
  bandFor,
  scoreKpi,
  scoreReview,
  validateTemplate,
  weightSum,
} from './scoring.js';
import type {
  KpiDefinition,
  KpiInput,
  RatingBand,
  RatingPoint,
  RatingRule,
  TargetRule,
} from './types.js';

function points(min: number, max: number): RatingPoint[] {
  const list: RatingPoint[] = [];
  for (let value = min; value <= max; value++) {
    list.push({ value, labelZh: `${value}分`, labelEn: `level ${value}` });
  }
  return list;
}

function ratingKpi(key: string, weight: number, rule: Partial<RatingRule> = {}): KpiDefinition {
  const min = rule.min ?? 1;
  const max = rule.max ?? 5;
  return {
    key,
    nameZh: key,
    nameEn: key,
    descriptionZh: '',
    descriptionEn: '',
    category: 'skill',
    weight,
    rule: { type: 'rating', min, max, points: rule.points ?? points(min, max) },
  };
}

function targetKpi(key: string, weight: number, rule: Partial<TargetRule> = {}): KpiDefinition {
  return {
    key,
    nameZh: key,
    nameEn: key,
    descriptionZh: '',
    descriptionEn: '',
    category: 'company_performance',
    weight,
    rule: {
      type: 'target',
      target: 100,
      unit: 'units',
      direction: 'higher',
      cap: 120,
      threshold: null,
      ...rule,
    },
  };
}

const BANDS: RatingBand[] = [
  { key: 'good', min: 70, labelZh: '良好', labelEn: 'Good' },
  { key: 'low', min: 0, labelZh: '待改进', labelEn: 'Needs improvement' },
  { key: 'excellent', min: 90, labelZh: '优秀', labelEn: 'Excellent' },
  { key: 'fair', min: 50, labelZh: '合格', labelEn: 'Fair' },
];

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('scoreKpi, rating rule', () => {
  const kpi = ratingKpi('teamwork', 10);

  it('scores rating / max * 100 on a 1..5 scale, including both ends', () => {
    expect(scoreKpi(kpi, { rating: 1 }).score).toBe(20);
    expect(scoreKpi(kpi, { rating: 3 }).score).toBe(60);
    expect(scoreKpi(kpi, { rating: 5 }).score).toBe(100);
  });

  it('scores the bottom of a 0..4 scale as 0 and the top as 100', () => {
    const zeroBased = ratingKpi('zero_based', 20, { min: 0, max: 4 });
    expect(scoreKpi(zeroBased, { rating: 0 })).toMatchObject({ score: 0, points: 0 });
    expect(scoreKpi(zeroBased, { rating: 3 })).toMatchObject({ score: 75, points: 15 });
    expect(scoreKpi(zeroBased, { rating: 4 })).toMatchObject({ score: 100, points: 20 });
  });

  it('returns the full score with points, no attainment and no target', () => {
    expect(scoreKpi(ratingKpi('craft', 7.5), { rating: 4 })).toEqual({
      key: 'craft',
      score: 80,
      points: 6,
      attainment: null,
      target: null,
      explanation: 'rating 4 of 5 → score 80; weight 7.5% → 6 points',
    });
  });

  it('rounds thirds of a 1..3 scale', () => {
    const three = ratingKpi('three', 33.33, { min: 1, max: 3 });
    const result = scoreKpi(three, { rating: 2 });
    expect(result.score).toBe(66.67);
    // 66.67 * 33.33 / 100 = 22.221111
    expect(result.points).toBe(22.22);
    expect(result.explanation).toBe('rating 2 of 3 → score 66.67; weight 33.33% → 22.22 points');
  });

  it('is missing without a rating', () => {
    const missing = {
      key: 'teamwork',
      score: null,
      points: null,
      attainment: null,
      target: null,
      explanation: 'no input yet',
    };
    expect(scoreKpi(kpi, undefined)).toEqual(missing);
    expect(scoreKpi(kpi, {})).toEqual(missing);
    expect(scoreKpi(kpi, { rating: null, comment: 'later' })).toEqual(missing);
    // An actual belongs to target KPIs and does not count as a rating.
    expect(scoreKpi(kpi, { actual: 4 })).toEqual(missing);
  });

  it.each([0, 6, -1, 2.5, Number.NaN])('throws ScoringInputError for rating %p on a 1..5 scale', (rating) => {
    const error = catchError(() => scoreKpi(kpi, { rating }));
    expect(error).toBeInstanceOf(ScoringInputError);
    expect((error as ScoringInputError).kpiKey).toBe('teamwork');
    expect((error as ScoringInputError).message).toContain('1..5');
  });
});

describe('scoreKpi, target rule, higher is better', () => {
  const sales = targetKpi('sales', 35);

  it('explains the arithmetic of an over-achievement below the cap', () => {
    expect(scoreKpi(sales, { actual: 115 })).toEqual({
      key: 'sales',
      score: 115,
      points: 40.25,
      attainment: 115,
      target: 100,
      explanation:
        'actual 115 vs target 100 (higher is better): attainment 115%, capped at 120% → score 115; weight 35% → 40.25 points',
    });
  });

  it('scores an under-achievement proportionally', () => {
    expect(scoreKpi(sales, { actual: 80 })).toMatchObject({ score: 80, points: 28, attainment: 80 });
  });

  it('scores exactly at the cap as the cap', () => {
    expect(scoreKpi(sales, { actual: 120 })).toMatchObject({ score: 120, points: 42, attainment: 120 });
  });

  it('limits attainment above the cap to the cap but reports the real attainment', () => {
    const result = scoreKpi(sales, { actual: 150 });
    expect(result).toMatchObject({ score: 120, points: 42, attainment: 150 });
    expect(result.explanation).toBe(
      'actual 150 vs target 100 (higher is better): attainment 150%, capped at 120% → score 120; weight 35% → 42 points',
    );
  });

  it('never scores above 100 with a cap of 100', () => {
    const capped = targetKpi('capped', 50, { cap: 100 });
    expect(scoreKpi(capped, { actual: 130 })).toMatchObject({ score: 100, points: 50, attainment: 130 });
  });

  it('rounds attainment, score and points to two decimals', () => {
    const thirds = targetKpi('thirds', 33.33, { target: 3 });
    // 1 / 3 → 33.33%; 33.33 * 33.33 / 100 = 11.108889
    expect(scoreKpi(thirds, { actual: 1 })).toMatchObject({ attainment: 33.33, score: 33.33, points: 11.11 });
  });

  it('clamps the attainment of a negative actual to 0', () => {
    const result = scoreKpi(sales, { actual: -20 });
    expect(result).toMatchObject({ attainment: 0, score: 0, points: 0 });
    expect(result.explanation).toContain('attainment 0% (negative, counted as 0)');
  });

  describe('with a target of 0', () => {
    const zero = targetKpi('zero', 10, { target: 0 });

    it('counts an actual of 0 as meeting it', () => {
      expect(scoreKpi(zero, { actual: 0 })).toMatchObject({ attainment: 100, score: 100, points: 10, target: 0 });
    });

    it('counts a positive actual as meeting it, not more', () => {
      expect(scoreKpi(zero, { actual: 7 })).toMatchObject({ attainment: 100, score: 100, points: 10 });
    });

    it('counts a negative actual as missing it', () => {
      expect(scoreKpi(zero, { actual: -1 })).toMatchObject({ attainment: 0, score: 0, points: 0 });
    });
  });

  describe('with a threshold of 50%', () => {
    const gated = targetKpi('gated', 20, { threshold: 50 });

    it('scores 0 just below the threshold', () => {
      const result = scoreKpi(gated, { actual: 49.99 });
      expect(result).toMatchObject({ attainment: 49.99, score: 0, points: 0 });
    });

    it('explains a score of 0 below the threshold', () => {
      expect(scoreKpi(gated, { actual: 40 }).explanation).toBe(
        'actual 40 vs target 100 (higher is better): attainment 40% is below the 50% threshold → score 0; weight 20% → 0 points',
      );
    });

    it('scores normally exactly at the threshold', () => {
      const result = scoreKpi(gated, { actual: 50 });
      expect(result).toMatchObject({ attainment: 50, score: 50, points: 10 });
      expect(result.explanation).toContain('attainment 50%, meets the 50% threshold, capped at 120% → score 50');
    });

    it('compares the threshold with the rounded attainment that is shown', () => {
      // 49.996% is shown as 50%, so it must not be reported as below a 50% threshold.
      expect(scoreKpi(gated, { actual: 49.996 })).toMatchObject({ attainment: 50, score: 50 });
    });

    it('ignores a null threshold', () => {
      expect(scoreKpi(targetKpi('open', 20), { actual: 1 })).toMatchObject({ score: 1, points: 0.2 });
    });
  });

  describe('per-review target override', () => {
    it('replaces the template target', () => {
      const result = scoreKpi(sales, { actual: 90, target: 80 });
      // 90 / 80 = 112.5%
      expect(result).toMatchObject({ target: 80, attainment: 112.5, score: 112.5, points: 39.38 });
      expect(result.explanation).toBe(
        'actual 90 vs target 80 (set for this review; template 100) (higher is better): attainment 112.5%, capped at 120% → score 112.5; weight 35% → 39.38 points',
      );
    });

    it('falls back to the template target when the override is null', () => {
      expect(scoreKpi(sales, { actual: 90, target: null })).toMatchObject({ target: 100, score: 90 });
    });

    it('uses an override of 0 rather than falling back', () => {
      expect(scoreKpi(sales, { actual: 3, target: 0 })).toMatchObject({ target: 0, attainment: 100, score: 100 });
    });

    it('throws for a negative override', () => {
      const error = catchError(() => scoreKpi(sales, { actual: 90, target: -5 }));
      expect(error).toBeInstanceOf(ScoringInputError);
      expect((error as ScoringInputError).kpiKey).toBe('sales');
    });
  });

  it('throws for a negative template target', () => {
    expect(() => scoreKpi(targetKpi('neg', 10, { target: -1 }), { actual: 5 })).toThrow(ScoringInputError);
  });

  it('throws for a non-finite actual', () => {
    expect(() => scoreKpi(sales, { actual: Number.POSITIVE_INFINITY })).toThrow(ScoringInputError);
  });

  it('is missing without an actual, even with a target override', () => {
    for (const input of [undefined, {}, { actual: null }, { target: 50 }, { rating: 3 }] as (KpiInput | undefined)[]) {
      expect(scoreKpi(sales, input)).toEqual({
        key: 'sales',
        score: null,
        points: null,
        attainment: null,
        target: null,
        explanation: 'no input yet',
      });
    }
  });

  it('says "point" for exactly one point', () => {
    expect(scoreKpi(targetKpi('one', 1), { actual: 100 }).explanation).toMatch(/→ 1 point$/);
  });
});

describe('scoreKpi, target rule, lower is better', () => {
  const defects = targetKpi('defects', 20, { direction: 'lower', target: 5 });

  it('scores target / actual * 100 below the cap', () => {
    const result = scoreKpi(defects, { actual: 10 });
    expect(result).toMatchObject({ attainment: 50, score: 50, points: 10, target: 5 });
    expect(result.explanation).toBe(
      'actual 10 vs target 5 (lower is better): attainment 50%, capped at 120% → score 50; weight 20% → 10 points',
    );
  });

  it('scores exactly on target as 100', () => {
    expect(scoreKpi(defects, { actual: 5 })).toMatchObject({ attainment: 100, score: 100, points: 20 });
  });

  it('caps a result better than the target', () => {
    // 5 / 4 = 125% → capped at 120
    expect(scoreKpi(defects, { actual: 4 })).toMatchObject({ attainment: 125, score: 120, points: 24 });
  });

  it('scores an actual above the target below 100', () => {
    expect(scoreKpi(defects, { actual: 8 })).toMatchObject({ attainment: 62.5, score: 62.5, points: 12.5 });
  });

  it('gives an actual of 0 the cap, since it cannot be beaten', () => {
    const result = scoreKpi(defects, { actual: 0 });
    expect(result).toMatchObject({ attainment: 120, score: 120, points: 24 });
    expect(result.explanation).toContain('cannot be beaten');
  });

  it('gives a negative actual the cap too', () => {
    expect(scoreKpi(defects, { actual: -3 })).toMatchObject({ attainment: 120, score: 120 });
  });

  it('gives an actual of 0 exactly 100 with a cap of 100', () => {
    const capped = targetKpi('capped', 20, { direction: 'lower', target: 5, cap: 100 });
    expect(scoreKpi(capped, { actual: 0 })).toMatchObject({ attainment: 100, score: 100, points: 20 });
  });

  it('applies the threshold', () => {
    const gated = targetKpi('gated', 20, { direction: 'lower', target: 2, threshold: 50 });
    // 2 / 5 = 40% < 50%
    expect(scoreKpi(gated, { actual: 5 })).toMatchObject({ attainment: 40, score: 0, points: 0 });
    expect(scoreKpi(gated, { actual: 4 })).toMatchObject({ attainment: 50, score: 50, points: 10 });
  });

  describe('with a target of 0', () => {
    const zero = targetKpi('incidents', 10, { direction: 'lower', target: 0 });

    it('scores an actual of 0 as 100', () => {
      expect(scoreKpi(zero, { actual: 0 })).toMatchObject({ attainment: 100, score: 100, points: 10 });
    });

    it('scores any positive actual as 0', () => {
      expect(scoreKpi(zero, { actual: 1 })).toMatchObject({ attainment: 0, score: 0, points: 0 });
    });

    it('scores a negative actual as meeting it', () => {
      expect(scoreKpi(zero, { actual: -2 })).toMatchObject({ attainment: 100, score: 100 });
    });
  });
});

describe('bandFor', () => {
  it('picks the band with the greatest min not above the total from unsorted bands', () => {
    expect(bandFor(75, BANDS)?.key).toBe('good');
    expect(bandFor(100, BANDS)?.key).toBe('excellent');
    expect(bandFor(120, BANDS)?.key).toBe('excellent');
  });

  it('includes a total exactly at a band minimum in that band', () => {
    expect(bandFor(90, BANDS)?.key).toBe('excellent');
    expect(bandFor(70, BANDS)?.key).toBe('good');
    expect(bandFor(50, BANDS)?.key).toBe('fair');
    expect(bandFor(0, BANDS)?.key).toBe('low');
  });

  it('keeps a total just below a minimum in the band beneath', () => {
    expect(bandFor(89.99, BANDS)?.key).toBe('good');
    expect(bandFor(49.99, BANDS)?.key).toBe('low');
  });

  it('returns the band object itself', () => {
    expect(bandFor(95, BANDS)).toBe(BANDS[2]);
  });

  it('returns null when no band starts low enough', () => {
    expect(bandFor(-1, BANDS)).toBeNull();
    expect(bandFor(40, BANDS.filter((b) => b.min > 0))).toBeNull();
    expect(bandFor(40, [])).toBeNull();
  });
});

describe('weightSum', () => {
  it('sums two-decimal weights exactly', () => {
    expect(weightSum([{ weight: 33.33 }, { weight: 33.33 }, { weight: 33.34 }])).toBe(100);
    // A naive floating point sum of these is 99.99999999999999.
    expect(16.04 + 49.41 + 34.55).not.toBe(100);
    expect(weightSum([{ weight: 16.04 }, { weight: 49.41 }, { weight: 34.55 }])).toBe(100);
    expect(weightSum([{ weight: 0.1 }, { weight: 0.2 }])).toBe(0.3);
  });

  it('reports sums other than 100 as they are', () => {
    expect(weightSum([{ weight: 40 }, { weight: 55 }])).toBe(95);
    expect(weightSum([])).toBe(0);
  });
});

describe('scoreReview', () => {
  const kpis = [
    targetKpi('sales', 35),
    ratingKpi('craft', 7.5),
    targetKpi('defects', 57.5, { direction: 'lower', target: 5 }),
  ];

  it('scores a complete review, in template order, with its band', () => {
    const inputs: Record<string, KpiInput> = {
      defects: { actual: 10 },
      craft: { rating: 4 },
      sales: { actual: 115 },
    };
    const result = scoreReview(kpis, inputs, BANDS);
    expect(result.kpis.map((k) => [k.key, k.points])).toEqual([
      ['sales', 40.25],
      ['craft', 6],
      ['defects', 28.75],
    ]);
    expect(result.total).toBe(75);
    expect(result.complete).toBe(true);
    expect(result.missing).toEqual([]);
    expect(result.band?.key).toBe('good');
  });

  it('adds up the rounded points, so the total matches the scorecard column', () => {
    const review = [
      targetKpi('a', 1),
      targetKpi('b', 1),
      targetKpi('c', 1),
      ratingKpi('d', 97),
    ];
    const inputs = { a: { actual: 50.5 }, b: { actual: 50.5 }, c: { actual: 50.5 }, d: { rating: 5 } };
    const result = scoreReview(review, inputs, BANDS);
    // Each of a, b, c earns 0.505 → shown as 0.51; the unrounded total would round to 98.52.
    expect(result.kpis.map((k) => k.points)).toEqual([0.51, 0.51, 0.51, 97]);
    expect(result.total).toBe(98.53);
  });

  it('adds thirds without floating point artefacts', () => {
    const thirds = [ratingKpi('a', 33.33), ratingKpi('b', 33.33), ratingKpi('c', 33.34)];
    const full = scoreReview(thirds, { a: { rating: 5 }, b: { rating: 5 }, c: { rating: 5 } }, BANDS);
    expect(full.total).toBe(100);

    const twoThirds = [
      ratingKpi('a', 33.33, { min: 1, max: 3 }),
      ratingKpi('b', 33.33, { min: 1, max: 3 }),
      ratingKpi('c', 33.34, { min: 1, max: 3 }),
    ];
    const result = scoreReview(twoThirds, { a: { rating: 2 }, b: { rating: 2 }, c: { rating: 2 } }, BANDS);
    // 66.67 * 33.33 / 100 = 22.221111, 66.67 * 33.34 / 100 = 22.227778
    expect(result.kpis.map((k) => k.points)).toEqual([22.22, 22.22, 22.23]);
    expect(result.total).toBe(66.67);
    expect(result.band?.key).toBe('fair');
  });

  it('lists missing KPIs in template order, totals the scored ones and has no band', () => {
    const result = scoreReview(kpis, { craft: { rating: 5 }, defects: { actual: null, comment: 'pending' } }, BANDS);
    expect(result.missing).toEqual(['sales', 'defects']);
    expect(result.complete).toBe(false);
    expect(result.total).toBe(7.5);
    expect(result.band).toBeNull();
    expect(result.kpis.map((k) => k.score)).toEqual([null, 100, null]);
  });

  it('scores an empty set of inputs as all missing with a total of 0', () => {
    const result = scoreReview(kpis, {}, BANDS);
    expect(result.missing).toEqual(['sales', 'craft', 'defects']);
    expect(result.total).toBe(0);
    expect(result.band).toBeNull();
  });

  it('counts a score of 0 as scored, not missing', () => {
    const gated = [targetKpi('gated', 100, { threshold: 50 })];
    const result = scoreReview(gated, { gated: { actual: 10 } }, BANDS);
    expect(result).toMatchObject({ total: 0, complete: true, missing: [] });
    expect(result.band?.key).toBe('low');
  });

  it('puts a total exactly at a band minimum into that band', () => {
    const single = [targetKpi('sales', 100)];
    expect(scoreReview(single, { sales: { actual: 90 } }, BANDS).band?.key).toBe('excellent');
    expect(scoreReview(single, { sales: { actual: 89.99 } }, BANDS).band?.key).toBe('good');
  });

  it('ignores inputs for keys outside the template and inherited properties', () => {
    const odd = [ratingKpi('constructor', 100)];
    const result = scoreReview(odd, { unknown: { rating: 5 } }, BANDS);
    expect(result.missing).toEqual(['constructor']);
    expect(result.total).toBe(0);
  });

  it('propagates ScoringInputError', () => {
    expect(() => scoreReview(kpis, { craft: { rating: 9 } }, BANDS)).toThrow(ScoringInputError);
  });
});

describe('validateTemplate', () => {
  const valid = (): KpiDefinition[] => [
    targetKpi('sales', 35, { threshold: 50 }),
    ratingKpi('craft', 7.5),
    targetKpi('defects', 57.5, { direction: 'lower', target: 0, cap: 100 }),
  ];
  const fields = (kpis: KpiDefinition[], bands: RatingBand[] = BANDS): string[] =>
    validateTemplate(kpis, bands).map((p) => p.field);

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
      expect(problems).toEqual([
        { field: 'kpis', message: 'KPI weights sum to 95, they must sum to exactly 100' },
      ]);
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
      expect(validateTemplate([], BANDS)).toEqual([{ field: 'kpis', message: 'a template needs at least one KPI' }]);
    });
  });

  describe('keys', () => {
    it('rejects a duplicate key on its second use', () => {
      const kpis = valid();
      kpis[2].key = 'sales';
      const problems = validateTemplate(kpis, BANDS);
      expect(problems).toEqual([{ field: 'kpis[2].key', message: 'KPI key "sales" is used more than once' }]);
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
        { field: 'kpis[0].rule.points', message: 'rating points must cover every value 1..5 once; missing 3' },
      ]);
    });

    it('reports a duplicate point', () => {
      const list = [...points(1, 5), { value: 2, labelZh: '二', labelEn: 'two again' }];
      const problems = validateTemplate([ratingKpi('craft', 100, { points: list })], BANDS);
      expect(problems).toEqual([{ field: 'kpis[0].rule.points[5].value', message: 'rating point 2 appears more than once' }]);
    });

    it('reports points outside the scale or not whole', () => {
      const list = [...points(1, 5), { value: 6, labelZh: '', labelEn: '' }, { value: 2.5, labelZh: '', labelEn: '' }];
      expect(fields([ratingKpi('craft', 100, { points: list })])).toEqual([
        'kpis[0].rule.points[5].value',
        'kpis[0].rule.points[6].value',
      ]);
    });

    it('requires min < max', () => {
      expect(fields([ratingKpi('craft', 100, { min: 3, max: 3, points: points(3, 3) })])).toEqual(['kpis[0].rule.max']);
      expect(fields([ratingKpi('craft', 100, { min: 5, max: 1, points: [] })])).toEqual(['kpis[0].rule.max']);
    });

    it('requires min >= 0 and max <= 10, both whole', () => {
      expect(fields([ratingKpi('craft', 100, { min: -1, max: 5 })])).toEqual(['kpis[0].rule.min']);
      expect(fields([ratingKpi('craft', 100, { min: 1, max: 11 })])).toEqual(['kpis[0].rule.max']);
      expect(fields([ratingKpi('craft', 100, { min: 0.5, max: 5, points: points(1, 5) })])).toEqual([
        'kpis[0].rule.min',
      ]);
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
        { field: 'bands', message: 'one band must start at 0 so that every total has a band' },
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
