import { describe, expect, it } from '@jest/globals';
import { ACCOUNT_MANAGER, DEFAULT_BANDS } from '../kpi-templates/default-templates.js';
import type { PinnedTemplate } from '../reviews/review.entity.js';
import { missingProposals, proposalEntries } from './manager-assessment.rules.js';

const template = { kpis: ACCOUNT_MANAGER.kpis, bands: DEFAULT_BANDS } as PinnedTemplate;

describe('proposalEntries', () => {
  it('keeps ratings on the scale and comments on any KPI', () => {
    const r = proposalEntries(template, [
      { kpiKey: 'communication', rating: 4, comment: 'clear' },
      { kpiKey: 'sales_attainment', comment: 'a strong Q4' },
    ]);
    expect(r).toEqual({ entries: { communication: { rating: 4, comment: 'clear' }, sales_attainment: { rating: null, comment: 'a strong Q4' } }, errors: [] });
  });

  it('names unknown, repeated, off-scale and target-KPI ratings', () => {
    const r = proposalEntries(template, [
      { kpiKey: 'nope' },
      { kpiKey: 'selling', rating: 9 },
      { kpiKey: 'selling', rating: 3 },
      { kpiKey: 'customer_retention', rating: 3 },
    ]);
    expect(r.errors.map((e) => e.field)).toEqual(['entries[0].kpiKey', 'entries[1].rating', 'entries[2].kpiKey', 'entries[3].rating']);
  });
});

describe('missingProposals', () => {
  it('lists the rating KPIs without a proposed rating, in template order', () => {
    expect(missingProposals(template, { selling: { rating: 4, comment: '' }, communication: { rating: null, comment: 'later' } })).toEqual([
      'communication',
      'customer_service',
      'problem_solving',
    ]);
  });
});
