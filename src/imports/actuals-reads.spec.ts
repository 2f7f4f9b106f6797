// The planned-outside, checked-inside rule of the actuals import: which changes since the planning make the commit plan again.
import { describe, expect, it } from '@jest/globals';
import { type ReadParts, readStamps, sameReads } from './actuals-reads.js';

const row = (over: Partial<ReadParts> = {}): ReadParts => ({
  employee_no: 'E1',
  active: true,
  role_id: 'role-a',
  review_id: 'rev-1',
  status: 'draft',
  version: 3,
  proposal_md5: null,
  ...over,
});
const pinned = (versions: Record<string, string>) => (role: string) => versions[role] ?? null;

describe('actuals import reads: planned outside the transaction, checked inside', () => {
  const planned = readStamps([row(), row({ employee_no: 'E2', review_id: null, status: null, version: null })], pinned({ 'role-a': 'v1' }));

  it('the same reads are the same', () => {
    expect(sameReads(planned, readStamps([row({ employee_no: 'E2', review_id: null, status: null, version: null }), row()], pinned({ 'role-a': 'v1' })))).toBe(
      true,
    );
  });

  it.each<[string, ReadParts[], Record<string, string>]>([
    ['a save since (version)', [row({ version: 4 }), row({ employee_no: 'E2', review_id: null, status: null, version: null })], { 'role-a': 'v1' }],
    ['a submit since (status)', [row({ status: 'submitted' }), row({ employee_no: 'E2', review_id: null, status: null, version: null })], { 'role-a': 'v1' }],
    [
      'a manager proposal submitted since',
      [row({ proposal_md5: 'abc' }), row({ employee_no: 'E2', review_id: null, status: null, version: null })],
      { 'role-a': 'v1' },
    ],
    ['a review started since', [row(), row({ employee_no: 'E2', review_id: 'rev-2', status: 'draft', version: 1 })], { 'role-a': 'v1' }],
    ['a new template version published since', [row(), row({ employee_no: 'E2', review_id: null, status: null, version: null })], { 'role-a': 'v2' }],
    ['a person deactivated since', [row({ active: false }), row({ employee_no: 'E2', review_id: null, status: null, version: null })], { 'role-a': 'v1' }],
    [
      'a person moved to another role',
      [row(), row({ employee_no: 'E2', role_id: 'role-b', review_id: null, status: null, version: null })],
      { 'role-a': 'v1', 'role-b': 'v1' },
    ],
    ['a person no longer found', [row()], { 'role-a': 'v1' }],
  ])('%s differs, so the file is planned again inside', (_why, now, versions) => {
    expect(sameReads(planned, readStamps(now, pinned(versions)))).toBe(false);
  });

  it('a published version does not matter to a person who already has a review', () => {
    const one = readStamps([row()], pinned({ 'role-a': 'v1' }));
    expect(sameReads(one, readStamps([row()], pinned({ 'role-a': 'v9' })))).toBe(true);
  });
});
