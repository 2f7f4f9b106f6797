import { describe, expect, it } from '@jest/globals';
import { ListTotals } from './list-totals.js';
import { SqlFilter } from './sql-filter.js';

const COUNT = 'SELECT count(*) FROM employees e WHERE e.department = $1';

function query(totals: ListTotals, department: string) {
  const f = new SqlFilter();
  f.param(department);
  const q = totals.columns(f, COUNT);
  return { q, params: f.params };
}

describe('ListTotals', () => {
  it('asks for a count with a stamp no counter has until it knows a total, then offers the one it read', () => {
    const totals = new ListTotals();
    const first = query(totals, 'Sales');
    expect(first.params).toEqual(['Sales', '-1']);
    expect(first.q.sql).toContain('CASE WHEN (SELECT changes FROM list_changes) = $2::bigint THEN NULL ELSE (SELECT count(*)');
    expect(totals.total(first.q, { total_rows: 12, list_stamp: '7' })).toBe(12);

    const second = query(totals, 'Sales');
    expect(second.params).toEqual(['Sales', '7']);
    // The statement confirmed stamp 7: the remembered total stands.
    expect(totals.total(second.q, { total_rows: null, list_stamp: '7' })).toBe(12);
    // The counter moved: the statement counted again, and that is what is kept.
    expect(totals.total(second.q, { total_rows: 13, list_stamp: '8' })).toBe(13);
    expect(query(totals, 'Sales').params).toEqual(['Sales', '8']);
  });

  it('keeps totals apart by parameters and by the query that counts', () => {
    const totals = new ListTotals();
    totals.total(query(totals, 'Sales').q, { total_rows: 5, list_stamp: '1' });
    expect(query(totals, 'Finance').params).toEqual(['Finance', '-1']);
    const f = new SqlFilter();
    f.param('Sales');
    expect(totals.columns(f, 'SELECT count(*) FROM found', 'another query').sql).toContain('$2::bigint');
    expect(f.params).toEqual(['Sales', '-1']);
  });

  it('remembers nothing when the counter row is missing', () => {
    const totals = new ListTotals();
    expect(totals.total(query(totals, 'Sales').q, { total_rows: 4, list_stamp: null })).toBe(4);
    expect(query(totals, 'Sales').params).toEqual(['Sales', '-1']);
  });

  it('forgets the least recently refreshed total beyond its capacity', () => {
    const totals = new ListTotals(2);
    for (const [dept, n] of [
      ['A', 1],
      ['B', 2],
      ['C', 3],
    ] as const)
      totals.total(query(totals, dept).q, { total_rows: n, list_stamp: '1' });
    expect(query(totals, 'A').params[1]).toBe('-1');
    expect(query(totals, 'B').params[1]).toBe('1');
    expect(query(totals, 'C').params[1]).toBe('1');
  });

  it('still answers with the total it offered when that entry was evicted meanwhile', () => {
    const totals = new ListTotals(1);
    totals.total(query(totals, 'A').q, { total_rows: 9, list_stamp: '3' });
    const offered = query(totals, 'A');
    totals.total(query(totals, 'B').q, { total_rows: 1, list_stamp: '3' });
    expect(totals.total(offered.q, { total_rows: null, list_stamp: '3' })).toBe(9);
  });

  it('counts again only for an empty page past the first', async () => {
    const totals = new ListTotals();
    const { q } = query(totals, 'Sales');
    let counted = 0;
    const count = () => {
      counted += 1;
      return Promise.resolve(7);
    };
    expect(await totals.ofPage(q, [{ total_rows: 3, list_stamp: '1' }], false, count)).toBe(3);
    expect(await totals.ofPage(q, [], true, count)).toBe(0);
    expect(counted).toBe(0);
    expect(await totals.ofPage(q, [], false, count)).toBe(7);
    expect(counted).toBe(1);
  });
});
