import { describe, expect, it } from '@jest/globals';
import { listFiltersOf, listFiltersOfUrl, listQuery } from './review-list-filter.js';

const CYCLE = '0b7c43c4-6a4f-4d59-9a0e-3f8a1d7e1b2c';

describe('review list filters', () => {
  it('keeps known values and drops the rest', () => {
    expect(listFiltersOf({ cycleId: CYCLE.toUpperCase(), status: 'draft', stage: 'hr,bogus,done', overdue: 'yes', department: 'Sales', q: '  Li ' })).toEqual({
      cycleId: CYCLE,
      status: 'draft',
      stage: 'hr,done',
      overdue: '',
      department: 'Sales',
      q: 'Li',
    });
    expect(listFiltersOf({ cycleId: 'x', status: 'closed', stage: ['hr'] })).toEqual({
      cycleId: '',
      status: '',
      stage: '',
      overdue: '',
      department: '',
      q: '',
    });
  });

  it('writes a query without empty filters, and reads it back from an address', () => {
    const qs = listQuery({ cycleId: CYCLE, status: '', department: 'R&D 东', q: 'a b' });
    expect(qs).toBe(`cycleId=${CYCLE}&department=R%26D+%E4%B8%9C&q=a+b`);
    expect(listFiltersOfUrl(`/reviews/x?${qs}#kpi-a`)).toMatchObject({ cycleId: CYCLE, department: 'R&D 东', q: 'a b' });
    expect(listFiltersOfUrl('/reviews/x').cycleId).toBe('');
  });
});
