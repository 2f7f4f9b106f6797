import { describe, expect, it } from '@jest/globals';
import { ACCOUNT_MANAGER, DEFAULT_BANDS } from '../kpi-templates/default-templates.js';
import { finalReasons } from './final-reasons.js';
import type { PinnedTemplate } from './review.entity.js';

const template = { kpis: ACCOUNT_MANAGER.kpis, bands: DEFAULT_BANDS } as PinnedTemplate;
const proposal = { communication: 4, selling: 5, customer_service: null };
const none = { inputs: {}, finalReasons: {} };

describe('finalReasons', () => {
  it('needs nothing without a submitted proposal', () => {
    expect(finalReasons(template, [{ kpiKey: 'communication', rating: 1 }], null, none)).toEqual({ reasons: {}, errors: [] });
  });

  it('needs no reason for a final equal to the proposal, for no final yet, or for a KPI the manager left open; drops a reason sent for them', () => {
    const entries = [
      { kpiKey: 'communication', rating: 4, reason: 'same anyway' },
      { kpiKey: 'selling', rating: null },
      { kpiKey: 'customer_service', rating: 2 },
      { kpiKey: 'sales_attainment' },
    ];
    expect(finalReasons(template, entries, proposal, none)).toEqual({ reasons: {}, errors: [] });
  });

  it('names the entry whose final differs without a reason, and keeps the reason of the one that has it', () => {
    const entries = [
      { kpiKey: 'sales_attainment' },
      { kpiKey: 'communication', rating: 3, reason: '  ' },
      { kpiKey: 'selling', rating: 4, reason: 'two deals slipped to Q1' },
    ];
    expect(finalReasons(template, entries, proposal, none)).toEqual({
      reasons: { selling: 'two deals slipped to Q1' },
      errors: [{ field: 'entries[1].reason', code: 'needsReason', params: { proposed: 4 }, message: "differs from the manager's proposal (4); give a reason" }],
    });
  });

  it('keeps a stored reason while the rating it explains is unchanged, and asks again when the rating changes', () => {
    const before = { inputs: { selling: { rating: 4 } }, finalReasons: { selling: 'two deals slipped' } };
    expect(finalReasons(template, [{ kpiKey: 'selling', rating: 4 }], proposal, before)).toEqual({ reasons: { selling: 'two deals slipped' }, errors: [] });
    expect(finalReasons(template, [{ kpiKey: 'selling', rating: 3 }], proposal, before).errors.map((e) => e.field)).toEqual(['entries[0].reason']);
  });
});
