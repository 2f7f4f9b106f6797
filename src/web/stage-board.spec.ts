import { describe, expect, it } from '@jest/globals';
import { reviewListLink, stageBoard } from './stage-board.js';

const cycle = {
  id: 'c1',
  selfAssessment: true,
  managerAssessment: true,
  selfAssessmentDue: '2026-07-10',
  managerAssessmentDue: '2026-07-17',
  hrReviewDue: '2026-07-24',
  finalizationDue: '2026-07-31',
};
const sales = { department: 'Sales', stages: { self: 3, manager: 2, hr: 1, done: 4 } };
const ops = { department: 'Ops', stages: { self: 1, manager: 0, hr: 2, done: 0 } };

describe('stageBoard', () => {
  it('counts open, done (past the stage) and nothing overdue before the due dates', () => {
    const board = stageBoard(cycle, '2026-07-10', [sales, ops]);
    expect(board.columns.map((c) => [c.key, c.due, c.late])).toEqual([
      ['self', '2026-07-10', false],
      ['manager', '2026-07-17', false],
      ['hr', '2026-07-24', false],
      ['finalization', '2026-07-31', false],
    ]);
    expect(board.rows[0].cells.map((c) => [c.open, c.done, c.overdue])).toEqual([
      [3, 7, 0],
      [2, 5, 0],
      [1, 4, 0],
      [6, 4, 0],
    ]);
    expect(board.totals.map((c) => [c.open, c.done])).toEqual([
      [4, 9],
      [2, 7],
      [3, 4],
      [9, 4],
    ]);
  });

  it('counts a stage overdue from the day after its due date, finalization as everything not finalized', () => {
    const mid = stageBoard(cycle, '2026-07-11', [sales]);
    expect(mid.rows[0].cells.map((c) => c.overdue)).toEqual([3, 0, 0, 0]);
    const late = stageBoard(cycle, '2026-08-01', [sales]);
    expect(late.rows[0].cells.map((c) => c.overdue)).toEqual([3, 2, 1, 6]);
  });

  it('links each count to the list of exactly those reviews, within the department', () => {
    const [self, , hr, fin] = stageBoard(cycle, '2026-08-01', [sales]).rows[0].cells;
    expect(self.links).toEqual({
      open: '/reviews?cycleId=c1&stage=self&department=Sales',
      done: '/reviews?cycleId=c1&stage=manager%2Chr%2Cdone&department=Sales',
      overdue: '/reviews?cycleId=c1&stage=self&overdue=true&department=Sales',
    });
    expect(hr.links.done).toBe('/reviews?cycleId=c1&stage=done&department=Sales');
    expect(fin.links.overdue).toBe(fin.links.open);
    expect(stageBoard(cycle, '2026-08-01', [sales]).totals[0].links.open).toBe('/reviews?cycleId=c1&stage=self');
  });

  it('shows only the stages the cycle runs; without dates nothing is overdue', () => {
    const plain = { ...cycle, selfAssessment: false, managerAssessment: false, hrReviewDue: null, finalizationDue: null };
    const board = stageBoard(plain, '2030-01-01', [sales]);
    expect(board.columns.map((c) => c.key)).toEqual(['hr', 'finalization']);
    expect(board.rows[0].cells.map((c) => c.overdue)).toEqual([0, 0]);
  });

  it('falls back to the finalization date for the HR stage, as the review does', () => {
    const board = stageBoard({ ...cycle, hrReviewDue: null }, '2026-08-01', [sales]);
    expect(board.columns[2]).toEqual({ key: 'hr', due: '2026-07-31', late: true });
  });

  it('encodes departments with any characters', () => {
    expect(reviewListLink('c1', ['hr'], '销售 & 市场', true)).toBe(
      '/reviews?cycleId=c1&stage=hr&overdue=true&department=%E9%94%80%E5%94%AE+%26+%E5%B8%82%E5%9C%BA',
    );
  });
});
