// Where a review stands over time and among its peers: the trend chart's points (earlier cycles
// of the same employee) and the rank among other complete reviews of the same role and cycle.
import { interpolate } from '../i18n/format.js';
import type { ScorecardDictionary } from '../i18n/scorecard-dictionary.js';
import type { ReviewDto } from '../reviews/dto/review.dto.js';
import type { TrendPoint } from './charts.js';

/** One earlier review of the same employee, for the trend chart. */
export interface ScorecardHistoryEntry {
  cycleName: string;
  /** YYYY-MM-DD */
  periodEnd: string;
  total: number;
  templateVersionNumber: number;
  complete: boolean;
}

/** Another complete review of the same role in the same cycle: its total only, never a name. */
export interface ScorecardPeer {
  total: number;
}

export interface PeerStanding {
  /** 1 = best. Equal totals share a rank (1, 2, 2, 4). */
  rank: number;
  /** Reviews compared, this one included. */
  of: number;
  /** Another review has exactly the same total. */
  tied: boolean;
  /** rank ÷ of, as a whole percent rounded up: "within the top X %". */
  topPercent: number;
}

const hundredths = (n: number) => Math.round(n * 100);

/**
 * Standing of `total` among the totals of the other reviews (competition ranking on totals
 * compared in hundredths, so 80.1 and 80.10000000001 tie). Non-finite totals are ignored.
 */
export function computeStanding(total: number, peerTotals: number[]): PeerStanding {
  const mine = hundredths(total);
  const others = peerTotals.filter((t) => Number.isFinite(t)).map(hundredths);
  const better = others.filter((t) => t > mine).length;
  const of = others.length + 1;
  const rank = better + 1;
  return { rank, of, tied: others.some((t) => t === mine), topPercent: Math.ceil((rank / of) * 100) };
}

export interface ScorecardStanding {
  ranked: boolean;
  rank: number | null;
  of: number | null;
  tied: boolean;
  topPercent: number | null;
  /** Other complete reviews compared (never who they are). */
  peerCount: number;
  text: string;
}

export function trendPoints(review: ReviewDto, history: ScorecardHistoryEntry[], dict: ScorecardDictionary): TrendPoint[] {
  const current = {
    cycleName: review.cycle.name,
    periodEnd: review.cycle.periodEnd,
    total: review.total,
    templateVersionNumber: review.template.versionNumber,
    complete: review.complete,
  };
  // The scorecard of a cycle shows that cycle and the ones before it, never a later one; the
  // current cycle comes from the review itself even if the history repeats it.
  const past = history.filter((h) => h.periodEnd <= current.periodEnd && !(h.periodEnd === current.periodEnd && h.cycleName === current.cycleName));
  const all = [...past.map((h) => ({ ...h, current: false })), { ...current, current: true }];
  // Stable sort: equal period ends keep their order, the current review last among them.
  all.sort((a, b) => (a.periodEnd < b.periodEnd ? -1 : a.periodEnd > b.periodEnd ? 1 : Number(a.current) - Number(b.current)));
  return all.slice(-12).map((p) => ({
    label: p.cycleName,
    total: p.total,
    version: p.templateVersionNumber,
    versionLabel: interpolate(dict.format.templateVersionValue, { version: p.templateVersionNumber }),
    complete: p.complete,
    current: p.current,
  }));
}

export function standingOf(review: ReviewDto, peers: ScorecardPeer[], dict: ScorecardDictionary): ScorecardStanding {
  const totals = peers.map((p) => p.total).filter((t) => Number.isFinite(t));
  const unranked = (text: string): ScorecardStanding => ({
    ranked: false,
    rank: null,
    of: null,
    tied: false,
    topPercent: null,
    peerCount: totals.length,
    text,
  });
  if (!review.complete) return unranked(dict.format.rankIncomplete);
  if (totals.length === 0) return unranked(dict.format.rankNoPeers);
  const s = computeStanding(review.total, totals);
  const text = interpolate(s.tied ? dict.format.rankTied : dict.format.rank, { rank: s.rank, count: s.of, percent: s.topPercent });
  return { ranked: true, rank: s.rank, of: s.of, tied: s.tied, topPercent: s.topPercent, peerCount: totals.length, text };
}
