import { describe, it, expect } from '@jest/globals';
import { ScoringInputError, scoreKpi } from './scoring.js';
import { ratingKpi, targetKpi, catchError } from './scoring.fixture.js';
import type { KpiInput } from './types.js';

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
      explanation: 'actual 115 vs target 100 (higher is better): attainment 115%, capped at 120% → score 115; weight 35% → 40.25 points',
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
    expect(result.explanation).toBe('actual 150 vs target 100 (higher is better): attainment 150%, capped at 120% → score 120; weight 35% → 42 points');
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
    expect(result.explanation).toBe('actual 10 vs target 5 (lower is better): attainment 50%, capped at 120% → score 50; weight 20% → 10 points');
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
