// The entry of the browser's scoring.js (scripts/build-assets.mjs bundles it into one script that
// defines the global ScorecardScoring): the review page recomputes score, points, total and band as
// HR types, with this very code. Where the server refuses an input, the page marks the field instead.
import { round2 } from './round.js';
import { bandFor, inputOf, scoreKpi as scoreKpiOnServer, ScoringInputError, summarizeScores, weightSum } from './scoring.js';
import type { KpiDefinition, KpiInput, RatingBand } from './types.js';

export { bandFor, round2, weightSum };

export interface BrowserKpiScore {
  key: string;
  score: number | null;
  points: number | null;
  attainment: number | null;
  target: number | null;
  /** The field the server would refuse, or null. */
  error: ScoringInputError['reason'] | null;
}

export function scoreKpi(kpi: KpiDefinition, input: KpiInput | undefined): BrowserKpiScore {
  try {
    const s = scoreKpiOnServer(kpi, input);
    return { key: s.key, score: s.score, points: s.points, attainment: s.attainment, target: s.target, error: null };
  } catch (err) {
    if (!(err instanceof ScoringInputError)) throw err;
    return { key: kpi.key, score: null, points: null, attainment: null, target: null, error: err.reason };
  }
}

/** As the server's scoreReview, with a refused KPI counted as missing. */
export function scoreReview(kpis: KpiDefinition[], inputs: Record<string, KpiInput>, bands: RatingBand[]) {
  return summarizeScores(
    kpis.map((kpi) => scoreKpi(kpi, inputOf(inputs, kpi.key))),
    bands,
  );
}
