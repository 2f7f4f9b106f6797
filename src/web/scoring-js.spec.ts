// The review page's scoring.js, bundled from src/scoring by the build (scripts/build-assets.mjs),
// must give exactly what the server gives. The bundle is built here exactly as `npm run build`
// builds it, run in a fresh V8 context with no Node globals, much like a browser runs it, and
// compared with src/scoring on the same inputs.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_ROLES } from '../kpi-templates/default-templates.js';
import { type KpiDefinition, type KpiInput, type RatingBand, round2, scoreKpi, scoreReview, ScoringInputError, weightSum } from '../scoring/index.js';
import { scoringJs } from '../../scripts/build-assets.mjs';

interface BrowserKpiScore {
  key: string;
  score: number | null;
  points: number | null;
  attainment: number | null;
  target: number | null;
  error: string | null;
}

interface BrowserScoring {
  round2(x: number): number;
  scoreKpi(kpi: KpiDefinition, input: KpiInput | undefined): BrowserKpiScore;
  scoreReview(
    kpis: KpiDefinition[],
    inputs: Record<string, KpiInput>,
    bands: RatingBand[],
  ): {
    kpis: BrowserKpiScore[];
    total: number;
    complete: boolean;
    missing: string[];
    band: RatingBand | null;
  };
  bandFor(total: number, bands: RatingBand[]): RatingBand | null;
  weightSum(kpis: { weight: number }[]): number;
}

async function loadBrowserScoring(): Promise<BrowserScoring> {
  const code = await scoringJs();
  const sandbox: { ScorecardScoring?: BrowserScoring } = {};
  runInNewContext(code, sandbox, { filename: 'scoring.js' });
  if (!sandbox.ScorecardScoring) throw new Error('scoring.js defined no ScorecardScoring');
  return sandbox.ScorecardScoring;
}

const browser = await loadBrowserScoring();

/** A seeded generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function target(key: string, rule: Partial<Extract<KpiDefinition['rule'], { type: 'target' }>>, weight = 25): KpiDefinition {
  return {
    key,
    nameZh: key,
    nameEn: key,
    descriptionZh: '',
    descriptionEn: '',
    category: 'x',
    weight,
    rule: { type: 'target', target: 100, unit: '%', direction: 'higher', cap: 120, threshold: null, ...rule },
  };
}

function rating(key: string, min: number, max: number, weight = 25): KpiDefinition {
  const points = [];
  for (let v = min; v <= max; v++) points.push({ value: v, labelZh: String(v), labelEn: String(v) });
  return { key, nameZh: key, nameEn: key, descriptionZh: '', descriptionEn: '', category: 'skill', weight, rule: { type: 'rating', min, max, points } };
}

/** The server's numbers for one KPI, or 'error' where it refuses the input. */
function serverKpi(kpi: KpiDefinition, input: KpiInput | undefined) {
  try {
    const s = scoreKpi(kpi, input);
    return { score: s.score, points: s.points, attainment: s.attainment, target: s.target };
  } catch (err) {
    if (err instanceof ScoringInputError) return 'error';
    throw err;
  }
}

function browserKpi(kpi: KpiDefinition, input: KpiInput | undefined) {
  const s = browser.scoreKpi(kpi, input);
  return s.error ? 'error' : { score: s.score, points: s.points, attainment: s.attainment, target: s.target };
}

function expectSameReview(kpis: KpiDefinition[], inputs: Record<string, KpiInput>, bands: RatingBand[]): void {
  const server = scoreReview(kpis, inputs, bands);
  const page = browser.scoreReview(kpis, inputs, bands);
  expect({ total: page.total, complete: page.complete, missing: [...page.missing], band: page.band?.key ?? null }).toEqual({
    total: server.total,
    complete: server.complete,
    missing: server.missing,
    band: server.band?.key ?? null,
  });
  expect(page.kpis.map((k) => [k.key, k.score, k.points, k.attainment, k.target])).toEqual(
    server.kpis.map((k) => [k.key, k.score, k.points, k.attainment, k.target]),
  );
}

describe('browser scoring (the built scoring.js) agrees with src/scoring', () => {
  it('rounds like round2, half away from zero and never to -0', () => {
    for (const x of [1.005, -1.005, 0.1 + 0.2, 2.675, 1e-7, -1e-7, 123456789.125, -0.001, 0, 99.995, 49.995, 1.45, 8.345, 1e21]) {
      expect([x, Object.is(browser.round2(x), round2(x))]).toEqual([x, true]);
    }
  });

  const cases: [string, KpiDefinition, (KpiInput | undefined)[]][] = [
    [
      'a 1..5 rating',
      rating('r', 1, 5),
      [undefined, {}, { rating: null }, { rating: 1 }, { rating: 3 }, { rating: 5 }, { rating: 0 }, { rating: 6 }, { rating: 2.5 }],
    ],
    ['a 0..4 rating', rating('r', 0, 4), [{ rating: 0 }, { rating: 4 }, { rating: 3 }]],
    ['a 1..3 rating (thirds)', rating('r', 1, 3, 33.33), [{ rating: 1 }, { rating: 2 }, { rating: 3 }]],
    [
      'higher is better, cap 120, threshold 50',
      target('t', { threshold: 50 }),
      [
        { actual: 110 },
        { actual: 60 },
        { actual: 120 },
        { actual: 500 },
        { actual: 49.99 },
        { actual: 49.995 },
        { actual: 50 },
        { actual: -5 },
        { actual: 0 },
        { actual: 33.333 },
        { actual: 80, target: 160 },
        { actual: 80, target: null },
        { actual: 80, target: 0 },
        { actual: 80, target: -1 },
        { actual: Number.NaN },
        { actual: Number.POSITIVE_INFINITY },
        { target: 50 },
      ],
    ],
    ['higher is better, cap 100', target('t', { cap: 100 }), [{ actual: 150 }, { actual: 99.999 }]],
    ['higher is better, target 0', target('t', { target: 0 }), [{ actual: 0 }, { actual: 7 }, { actual: -1 }]],
    [
      'a large money target',
      target('t', { target: 2_000_000, cap: 150, threshold: 50, unit: 'CNY' }, 35),
      [{ actual: 2_300_000 }, { actual: 999_999 }, { actual: 1_000_000 }, { actual: 3_000_001 }],
    ],
    [
      'lower is better, cap 120, threshold 60',
      target('t', { direction: 'lower', target: 10, threshold: 60 }),
      [{ actual: 8 }, { actual: 10 }, { actual: 12 }, { actual: 20 }, { actual: 0 }, { actual: -3 }, { actual: 3 }, { actual: 16.67 }, { actual: 16.66 }],
    ],
    ['lower is better, target 0', target('t', { direction: 'lower', target: 0 }), [{ actual: 0 }, { actual: 1 }, { actual: -2 }]],
    ['lower is better, cap 100', target('t', { direction: 'lower', cap: 100, target: 5 }), [{ actual: 0 }, { actual: 4 }]],
  ];

  it.each(cases)('scores each KPI the same: %s', (_name, kpi, inputs) => {
    for (const input of inputs) expect([input, browserKpi(kpi, input)]).toEqual([input, serverKpi(kpi, input)]);
  });

  it('picks the same band from unsorted bands, at and around each minimum', () => {
    const bands: RatingBand[] = [
      { key: 'b', min: 65, labelZh: '', labelEn: '' },
      { key: 'a', min: 90, labelZh: '', labelEn: '' },
      { key: 'c', min: 0, labelZh: '', labelEn: '' },
    ];
    for (const total of [0, 64.99, 65, 89.99, 90, 150])
      expect(browser.bandFor(total, bands)?.key).toBe(bands.find((b) => b.key === (total >= 90 ? 'a' : total >= 65 ? 'b' : 'c'))?.key);
    expect(browser.bandFor(-1, bands)).toBeNull();
  });

  it('sums weights in whole hundredths', () => {
    for (const ws of [
      [33.33, 33.33, 33.34],
      [0.1, 0.2, 99.7],
      [35, 15, 15, 10, 6.25, 6.25, 6.25, 6.25],
      [50, 49.99],
    ]) {
      expect(browser.weightSum(ws.map((weight) => ({ weight })))).toBe(weightSum(ws.map((weight) => ({ weight }))));
    }
  });

  it('scores whole reviews of the default templates the same, for 2,000 random inputs each', () => {
    const next = random(20261128);
    for (const role of DEFAULT_ROLES) {
      for (let n = 0; n < 2000; n++) {
        const inputs: Record<string, KpiInput> = {};
        for (const k of role.kpis) {
          const roll = next();
          if (roll < 0.1) continue; // left empty
          if (k.rule.type === 'rating') {
            inputs[k.key] = { rating: k.rule.min + Math.floor(next() * (k.rule.max - k.rule.min + 1)) };
          } else {
            const t = k.rule.target;
            // Around the target, with decimals as people type them, sometimes a personal target.
            const actual = Math.round(t * (next() * 1.8) * 100) / 100;
            inputs[k.key] = { actual: roll < 0.15 ? 0 : actual, target: roll > 0.9 ? Math.round(t * (0.5 + next()) * 100) / 100 : null };
          }
        }
        expectSameReview(role.kpis, inputs, role.bands);
      }
    }
  });

  it('treats a KPI the server would refuse as missing, and a key like "constructor" as a plain key', () => {
    const kpis = [rating('constructor', 1, 5, 50), target('toString', {}, 50)];
    const page = browser.scoreReview(kpis, { constructor: { rating: 9 } }, []);
    expect(page.missing).toEqual(['constructor', 'toString']);
    expect(page.kpis[0].error).toBe('rating');
    expect(page.total).toBe(0);
    expectSameReview(kpis, {}, []);
  });
});
