import { describe, it, expect } from '@jest/globals';
import { ScoringInputError, bandFor, scoreReview, weightSum } from './scoring.js';
import { ratingKpi, targetKpi, BANDS } from './scoring.fixture.js';
import type { KpiInput } from './types.js';

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
    expect(
      bandFor(
        40,
        BANDS.filter((b) => b.min > 0),
      ),
    ).toBeNull();
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
  const kpis = [targetKpi('sales', 35), ratingKpi('craft', 7.5), targetKpi('defects', 57.5, { direction: 'lower', target: 5 })];

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
    const review = [targetKpi('a', 1), targetKpi('b', 1), targetKpi('c', 1), ratingKpi('d', 97)];
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

    const twoThirds = [ratingKpi('a', 33.33, { min: 1, max: 3 }), ratingKpi('b', 33.33, { min: 1, max: 3 }), ratingKpi('c', 33.34, { min: 1, max: 3 })];
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
