import { describe, expect, it } from '@jest/globals';
import { bandOrder, byTotal, type CalibrationSubject, distribution, effectiveBand, maxTotal, targetCounts } from './calibration.rules.js';

const KEYS = ['top', 'mid', 'low'];
const review = (over: Partial<CalibrationSubject> = {}): CalibrationSubject => ({
  bandKey: 'mid',
  total: 70,
  calibratedBandKey: null,
  calibratedTotal: null,
  employeeNo: 'E-1',
  ...over,
});

describe('targetCounts', () => {
  it('gives whole people adding up to n, by largest remainder', () => {
    expect(Object.fromEntries(targetCounts({ top: 20, mid: 70, low: 10 }, KEYS, 10))).toEqual({ top: 2, mid: 7, low: 1 });
    // 1.4 / 4.9 / 0.7: floors 1 / 4 / 0, two people left go to the largest remainders (0.9, 0.7).
    expect(Object.fromEntries(targetCounts({ top: 20, mid: 70, low: 10 }, KEYS, 7))).toEqual({ top: 1, mid: 5, low: 1 });
    expect(Object.fromEntries(targetCounts({ top: 20, mid: 70, low: 10 }, KEYS, 0))).toEqual({ top: 0, mid: 0, low: 0 });
  });

  it('breaks equal remainders toward the band listed first', () => {
    expect(Object.fromEntries(targetCounts({ top: 50, mid: 0, low: 50 }, KEYS, 3))).toEqual({ top: 2, mid: 0, low: 1 });
  });

  it('counts a band the target leaves out as 0 %, and does not spread a share that belongs to bands not listed', () => {
    expect(Object.fromEntries(targetCounts({ top: 50, other: 50 }, KEYS, 3))).toEqual({ top: 1, mid: 0, low: 0 });
  });
});

describe('distribution', () => {
  it('counts the calibrated band where set, else the computed one, and reviews without a band apart', () => {
    const d = distribution(
      [
        review({ bandKey: 'top' }),
        review({ bandKey: 'top', calibratedBandKey: 'mid' }),
        review({ bandKey: 'mid' }),
        review({ bandKey: 'low' }),
        review({ bandKey: null }),
        review({ bandKey: null, calibratedBandKey: 'low' }),
      ],
      KEYS,
      { top: 20, mid: 70, low: 10 },
    );
    expect(d.banded).toBe(5);
    expect(d.unbanded).toBe(1);
    expect(d.rows).toEqual([
      { bandKey: 'top', count: 1, percent: 20, targetPercent: 20, targetCount: 1, gap: 0 },
      { bandKey: 'mid', count: 2, percent: 40, targetPercent: 70, targetCount: 4, gap: -2 },
      { bandKey: 'low', count: 2, percent: 40, targetPercent: 10, targetCount: 0, gap: 2 },
    ]);
  });

  it('has no target columns without a target, and 0 % when nobody has a band', () => {
    const d = distribution([review({ bandKey: null })], KEYS, null);
    expect(d.rows.map((r) => [r.count, r.percent, r.targetPercent, r.targetCount, r.gap])).toEqual([
      [0, 0, null, null, null],
      [0, 0, null, null, null],
      [0, 0, null, null, null],
    ]);
    expect(d.unbanded).toBe(1);
  });

  it('keeps a calibrated band that no listed key names as a row of its own', () => {
    const d = distribution([review({ calibratedBandKey: 'legacy' })], KEYS, null);
    expect(d.rows.map((r) => r.bandKey)).toEqual(['top', 'mid', 'low', 'legacy']);
    expect(d.rows[3].count).toBe(1);
  });

  it('gives percents with two decimals', () => {
    const d = distribution([review({ bandKey: 'top' }), review(), review()], KEYS, null);
    expect(d.rows.map((r) => r.percent)).toEqual([33.33, 66.67, 0]);
  });
});

describe('bandOrder', () => {
  it('lists bands best first, each once, then target keys no template has', () => {
    const bands = [
      { key: 'low', min: 0, labelZh: '', labelEn: '' },
      { key: 'top', min: 90, labelZh: '', labelEn: '' },
      { key: 'mid', min: 60, labelZh: '', labelEn: '' },
      { key: 'top', min: 85, labelZh: '', labelEn: '' },
    ];
    expect(bandOrder(bands, { extra: 10, top: 90 })).toEqual(['top', 'mid', 'low', 'extra']);
  });
});

describe('byTotal and effectiveBand', () => {
  it('sorts by the total that counts, highest first, equal totals by employee number', () => {
    const sorted = byTotal([
      review({ employeeNo: 'E-3', total: 80 }),
      review({ employeeNo: 'E-1', total: 90, calibratedTotal: 60 }),
      review({ employeeNo: 'E-2', total: 80 }),
    ]);
    expect(sorted.map((r) => r.employeeNo)).toEqual(['E-2', 'E-3', 'E-1']);
  });

  it('prefers the calibrated band', () => {
    expect(effectiveBand({ bandKey: 'mid', calibratedBandKey: 'top' })).toBe('top');
    expect(effectiveBand({ bandKey: 'mid', calibratedBandKey: null })).toBe('mid');
  });
});

describe('maxTotal', () => {
  it('is every KPI at its best: 100 for a rating, the cap for a target', () => {
    expect(
      maxTotal([
        { weight: 60, rule: { type: 'target', target: 1, unit: '', direction: 'higher', cap: 120, threshold: null } },
        { weight: 40, rule: { type: 'rating', min: 1, max: 5, points: [] } },
      ]),
    ).toBe(112);
  });
});
