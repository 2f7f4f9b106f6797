import { describe, expect, it } from '@jest/globals';
import type { ManagerAssessmentDto } from '../assessments/dto/manager-assessment.dto.js';
import { assessmentErrors, assessmentInput, assessmentRows } from './assessment-page.js';

const scale = { type: 'rating' as const, min: 1, max: 5, points: [1, 2, 3, 4, 5].map((value) => ({ value, labelZh: `${value}分`, labelEn: `p${value}` })) };
const kpi = (key: string, rule: object) => ({ key, nameZh: key, nameEn: key, descriptionZh: '', descriptionEn: '', category: 'skill', weight: 10, rule });
const a = {
  kpis: [
    { ...kpi('sales', { type: 'target', target: 100, unit: '%' }), self: null, proposal: { rating: null, comment: 'Q4' } },
    { ...kpi('selling', scale), self: { rating: 4, comment: 'mine' }, proposal: { rating: 5, comment: '' } },
  ],
} as unknown as ManagerAssessmentDto;
const t = (key: string, vars?: Record<string, string | number>) => `${key}${vars ? JSON.stringify(vars) : ''}`;

describe('assessment page', () => {
  it('turns the form into the API DTO: a rating only for rating KPIs, numbers as numbers, anything else as typed', () => {
    const typed = { ratings: { sales: '3', selling: '4' }, comments: { sales: 'x' }, summary: 's' };
    expect(assessmentInput(a, typed, 2)).toEqual({
      version: 2,
      summary: 's',
      entries: [
        { kpiKey: 'sales', comment: 'x' },
        { kpiKey: 'selling', comment: '', rating: 4 },
      ],
    });
    expect(assessmentInput(a, { ratings: { selling: '4.5' }, comments: {}, summary: '' }, 1).entries[1].rating).toBe('4.5');
    expect(assessmentInput(a, { ratings: {}, comments: {}, summary: '' }, 1).entries[1].rating).toBeNull();
  });

  it("words the API's field errors in the page's language, keyed by KPI", () => {
    expect(assessmentErrors(a, { 'entries[1].rating': 'must be an integer', summary: 'too long' }, t)).toEqual({
      selling: 'assessment.ratingInvalid{"min":1,"max":5}',
      summary: 'assessment.summaryTooLong',
    });
    expect(assessmentErrors(a, { 'entries.selling': 'has no proposed rating', 'entries[0].comment': 'too long' }, t)).toEqual({
      selling: 'assessment.ratingMissing',
      sales: 'assessment.commentTooLong',
    });
  });

  it('shows the saved proposal, or what was typed after a refusal, beside the self-assessment', () => {
    const saved = assessmentRows(a, null, {});
    expect(saved[1]).toMatchObject({ isRating: true, comment: '', selfPoint: { value: 4 }, proposalPoint: { value: 5 }, error: null });
    expect(saved[1].options.filter((o) => o.selected).map((o) => o.value)).toEqual([5]);
    const typed = assessmentRows(a, { ratings: { selling: '2' }, comments: { sales: 'new' }, summary: '' }, { selling: 'no' });
    expect(typed[0].comment).toBe('new');
    expect(typed[1].options.filter((o) => o.selected).map((o) => o.value)).toEqual([2]);
    expect(typed[1].error).toBe('no');
  });
});
