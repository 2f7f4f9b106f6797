import { describe, expect, it } from '@jest/globals';
import { type HistoryPoint, historyUpTo, peerTotalsExcept } from './review-history.js';

const point = (cycleName: string, periodEnd: string, total: number): HistoryPoint => ({
  cycleName,
  periodEnd,
  total,
  templateVersionNumber: 1,
  complete: true,
});

describe('historyUpTo', () => {
  const points = [point('2024 H2', '2024-12-31', 70), point('2025 H1', '2025-06-30', 80), point('2025 H2', '2025-12-31', 90)];

  it('keeps the points up to and including the end date, in order', () => {
    expect(historyUpTo(points, '2025-06-30').map((p) => p.cycleName)).toEqual(['2024 H2', '2025 H1']);
  });

  it('keeps everything for a later end and nothing for an earlier one', () => {
    expect(historyUpTo(points, '2026-06-30')).toHaveLength(3);
    expect(historyUpTo(points, '2024-01-01')).toEqual([]);
  });
});

describe('peerTotalsExcept', () => {
  it('drops only the review itself and keeps the order', () => {
    const totals = [
      { reviewId: 'a', total: 81 },
      { reviewId: 'b', total: 72.5 },
      { reviewId: 'c', total: 90 },
    ];
    expect(peerTotalsExcept(totals, 'b')).toEqual([{ total: 81 }, { total: 90 }]);
    expect(peerTotalsExcept(totals, 'x')).toEqual([{ total: 81 }, { total: 72.5 }, { total: 90 }]);
  });
});
