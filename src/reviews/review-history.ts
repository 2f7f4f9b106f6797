// Pure helpers that cut a whole export chunk's trend and peer data (read in a few statements) down
// to what one scorecard shows; the single download uses them too, so both print the same.

/** One earlier (or the same) cycle's result of an employee: a point of the scorecard's trend. */
export interface HistoryPoint {
  cycleName: string;
  /** YYYY-MM-DD */
  periodEnd: string;
  total: number;
  templateVersionNumber: number;
  complete: boolean;
}

/** The points up to a cycle's end (YYYY-MM-DD, so string order is date order), order kept. */
export function historyUpTo(points: readonly HistoryPoint[], periodEnd: string): HistoryPoint[] {
  return points.filter((p) => p.periodEnd <= periodEnd);
}

/** The peers' totals without the review's own, order kept. */
export function peerTotalsExcept(totals: readonly { reviewId: string; total: number }[], reviewId: string): { total: number }[] {
  return totals.filter((t) => t.reviewId !== reviewId).map((t) => ({ total: t.total }));
}
