import { describe, expect, it } from '@jest/globals';
import { renderScorecardHtml } from './scorecard-html.js';
import { makeReview } from './review.fixture.js';
import { buildScorecardView, type PrintedAssessments } from './scorecard-view.js';

const view = (assessments: PrintedAssessments | null) =>
  buildScorecardView({
    review: makeReview(),
    history: [],
    peers: [],
    company: { name: 'Co', logoDataUrl: null },
    lang: 'en',
    generatedAt: new Date('2026-07-01T00:00:00Z'),
    assessments,
  });

describe('scorecard: self and manager ratings beside the final', () => {
  it('are left out unless the cycle prints them and one was submitted', () => {
    expect(view(null).assessments).toEqual([]);
    expect(view({ self: null, manager: null }).assessments).toEqual([]);
    expect(renderScorecardHtml(view(null), { contentHash: 'x' }).html).not.toContain('section-assessments');
  });

  it('list each rating KPI with the self, the manager and the final rating, a dash where one is missing', () => {
    const v = view({ self: { communication: 5, selling: null }, manager: { communication: 4, selling: 5, customer_service: 3, problem_solving: 4 } });
    expect(v.assessments.map((r) => [r.key, r.self, r.manager, r.final])).toEqual([
      ['communication', '5', '4', '4'],
      ['selling', '—', '5', '5'],
      ['customer_service', '—', '3', '3'],
      ['problem_solving', '—', '4', '4'],
    ]);
    const html = renderScorecardHtml(v, { contentHash: 'x' }).html;
    expect(html).toContain('Manager&#x27;s proposal');
    expect(html).toContain('<tr data-kpi="communication">');
  });
});
