// Every refusal the import planners can put in a report, walked one kind at a time: each must carry
// a real Chinese text for the pages, not the English one again (or the English behind a Chinese colon).
import { describe, expect, it } from '@jest/globals';
import type { PinnedTemplate } from '../reviews/review.entity.js';
import { BANDS, ratingKpi, targetKpi } from '../scoring/scoring.fixture.js';
import { type ActualsTarget, planActuals } from './actuals-plan.js';
import { constraintZh } from './constraint-zh.js';
import { type EmployeeRecord, planEmployees, type RowError } from './employee-plan.js';
import type { Cell, Table } from './read-table.js';

const CJK = /[\u4e00-\u9fff]/;

const template: PinnedTemplate = {
  templateId: 't',
  templateVersionId: 'tv',
  versionNumber: 1,
  roleCode: 'account_manager',
  roleNameZh: '客户经理',
  roleNameEn: 'Account manager',
  kpis: [targetKpi('sales', 50), ratingKpi('comm', 50, { min: 1, max: 5 })],
  bands: BANDS,
};

function table(headers: string[], rows: Cell[][]): Table {
  return { sheet: null, headers, rows: rows.map((cells, i) => ({ row: i + 2, cells })) };
}

function expectBilingual(refused: RowError[]): void {
  for (const r of refused) {
    expect([r.message, CJK.test(r.messageZh)]).toEqual([r.message, true]);
    expect(r.messageZh).not.toBe(r.message);
    // The Chinese must not be the English message with a Chinese prefix or colon.
    expect(r.messageZh).not.toContain(r.message.replace(/^[^:]*: /, ''));
  }
}

describe('import refusals are bilingual', () => {
  it('every kind of KPI-actuals refusal has a Chinese text', () => {
    const draft = (no: string, active = true): ActualsTarget => ({
      employeeNo: no,
      name: `Name ${no}`,
      active,
      review: { id: `r-${no}`, status: 'draft', version: 1, inputs: {}, total: 0, template, finalReasons: {}, proposal: null },
      newTemplate: null,
    });
    const targets = new Map<string, ActualsTarget>([
      ...['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8', 'E9', 'E10', 'E11', 'E12', 'E13'].map((no) => [no, draft(no)] as const),
      ['S1', { ...draft('S1'), review: { ...draft('S1').review!, status: 'submitted' } }],
      ['F1', { ...draft('F1'), review: { ...draft('F1').review!, status: 'finalized' } }],
      ['D1', { ...draft('D1', false), review: null, newTemplate: template }],
      ['N1', { ...draft('N1'), review: null, newTemplate: null }],
      ['P1', { ...draft('P1'), review: { ...draft('P1').review!, proposal: { comm: 4 } } }],
    ]);
    const long = planActuals(
      [
        table(
          ['Employee number', 'KPI key', 'Actual', 'Personal target', 'Rating', 'Comment'],
          [
            ['X404', 'sales', 1, null, null, null], // not on record
            [null, 'sales', 1, null, null, null], // empty number
            ['E1', 'sales', 'lots', null, null, null], // text in a number column
            ['E2', 'nope', 1, null, null, null], // unknown KPI key
            ['E3', 'sales', 'bad', null, null, null], // refused row …
            ['E3', 'comm', null, null, 3, null], // … so the other row of the same review is skipped
            ['S1', 'sales', 1, null, null, null], // submitted
            ['F1', 'sales', 1, null, null, null], // finalized
            ['D1', 'sales', 1, null, null, null], // deactivated, no review
            ['N1', 'sales', 1, null, null, null], // no published template
            ['E4', 'comm', null, null, 9, null], // rating out of the KPI's scale
            ['E5', 'comm', null, null, 11, null], // rating beyond any scale (validator max)
            ['E6', 'comm', null, null, 2.5, null], // rating not whole (validator isInt)
            ['E7', 'sales', 1.123456, null, null, null], // too many decimals
            ['E8', 'sales', 1, -5, null, null], // negative target (validator min)
            ['E9', 'sales', 1, null, null, 'x'.repeat(4001)], // comment too long
            ['E10', 'sales', null, null, 3, null], // rating on a target KPI
            ['E11', 'comm', 3, null, null, null], // actual on a rating KPI
            ['E12', 'comm', null, 100, 3, null], // target on a rating KPI
            ['E13', 'sales', 2e12, null, null, null], // actual beyond the validator's max
            ['P1', 'comm', null, null, 2, null], // differs from the manager's proposal, no reason
          ],
        ),
      ],
      targets,
    );
    expect(long.changes).toEqual([]);
    // One refusal per kind at least: nothing above was accepted, and each row said why.
    expect(new Set(long.refused.map((r) => r.row)).size).toBe(21);
    expect(long.refused.find((r) => r.row === 12)).toMatchObject({ message: 'comm: rating must be from 1 to 5', messageZh: 'comm：评分必须在 1 到 5 之间' });
    expect(long.refused.find((r) => r.row === 22)).toMatchObject({
      column: 'Rating',
      message: "comm: the rating differs from the manager's proposal (4) and needs a reason: give it on the review page, or import the proposed rating",
    });
    expectBilingual(long.refused);
  });

  it("a rating that differs from the manager's proposal passes only where the review keeps a reason for that very rating", () => {
    const review = (inputs: Record<string, { rating: number }>, finalReasons: Record<string, string>): ActualsTarget => ({
      employeeNo: 'R1',
      name: 'Name R1',
      active: true,
      review: { id: 'r-R1', status: 'draft', version: 3, inputs, total: 0, template, finalReasons, proposal: { comm: 4 } },
      newTemplate: null,
    });
    const file = (rating: number) => [table(['Employee number', 'KPI key', 'Rating'], [['R1', 'comm', rating]])];
    // A new rating of 2 against the proposal's 4, with no reason on the review: refused.
    const unexplained = planActuals(file(2), new Map([['R1', review({ comm: { rating: 3 } }, {})]]));
    expect(unexplained.changes).toEqual([]);
    expect(unexplained.refused.map((r) => r.row)).toEqual([2]);
    // The same rating the review already explains: the reason stays.
    const explained = planActuals(file(2), new Map([['R1', review({ comm: { rating: 2 } }, { comm: 'missed two launches' })]]));
    expect(explained.refused).toEqual([]);
    // Importing the proposed rating needs no reason, and the old one goes with the difference it explained.
    const proposed = planActuals(file(4), new Map([['R1', review({ comm: { rating: 2 } }, { comm: 'missed two launches' })]]));
    expect(proposed.refused).toEqual([]);
    expect(proposed.changes.map((c) => c.finalReasons)).toEqual([{}]);
  });

  it('every kind of employee refusal has a Chinese text', () => {
    const headers = ['Employee number', 'Name', 'Email', 'Department', 'Role code', "Manager's employee number", 'Hire date', 'Active'];
    const ok = (no: string, manager: string | null = null): Cell[] => [
      no,
      `Name ${no}`,
      `${no.toLowerCase()}@example.com`,
      'Sales',
      'account_manager',
      manager,
      '2021/3/15',
      'true',
    ];
    const onRecord = new Map<string, EmployeeRecord>();
    const p = planEmployees(
      table(headers, [
        ['bad number!', 'N', 'n@example.com', 'Sales', 'account_manager', null, '2021/3/15', 'true'],
        ['A2', null, 'a2@example.com', 'Sales', 'account_manager', null, '2021/3/15', 'true'],
        ['A3', 'x'.repeat(201), 'a3@example.com', 'Sales', 'account_manager', null, '2021/3/15', 'true'],
        ['A4', 'N', 'not-an-email', 'Sales', 'account_manager', null, '2021/3/15', 'true'],
        ['A5', 'N', 'a5@example.com', null, 'account_manager', null, '2021/3/15', 'true'],
        ['A6', 'N', 'a6@example.com', 'Sales', 'astronaut', null, '2021/3/15', 'true'],
        ['A7', 'N', 'a7@example.com', 'Sales', 'account_manager', 'A7', '2021/3/15', 'true'],
        ['A8', 'N', 'a8@example.com', 'Sales', 'account_manager', null, 'someday', 'true'],
        ['A9', 'N', 'a9@example.com', 'Sales', 'account_manager', null, null, 'true'],
        ['A10', 'N', 'a10@example.com', 'Sales', 'account_manager', null, '2021/3/15', 'maybe'],
        ok('D1'),
        ok('D1'),
        ok('B1', 'A2'), // manager on a refused row
        ok('B2', 'Z999'), // manager nowhere
        ok('L1', 'L2'), // reporting loop
        ok('L2', 'L1'),
      ]),
      onRecord,
      new Set(['account_manager', 'manager']),
    );
    expect(p.changes).toEqual([]);
    expect(p.refusedRows).toBe(16);
    expectBilingual(p.refused);
  });

  it('translates every validator of the KPI entries, naming the bound', () => {
    expect(constraintZh('max', 'rating', 'rating must not be greater than 10')).toBe('评分不能大于 10');
    expect(constraintZh('min', 'actual', 'actual must not be less than -1000000000000')).toBe('实际值不能小于 -1000000000000');
    expect(constraintZh('maxDecimals', 'actual', 'actual must have at most 4 decimals')).toBe('实际值最多 4 位小数');
    expect(CJK.test(constraintZh('somethingNew', 'comment', 'comment is odd'))).toBe(true);
  });
});
