import { describe, expect, it } from '@jest/globals';
import { badRequest, conflict, staleVersion as staleVersionError } from '../common/errors.js';
import { staleVersion } from './page-form.js';

describe('staleVersion', () => {
  it('reads the version that is there from a refused stale write', () => {
    expect(staleVersion(staleVersionError('changed by someone else', { currentVersion: 4, yourVersion: 3 }))).toBe(4);
  });

  it('is null for every other refusal', () => {
    expect(staleVersion(conflict('Version 2 is published and frozen', { status: 'published' }))).toBeNull();
    expect(staleVersion(badRequest('bad', []))).toBeNull();
    // Stale, but the version that is there now is not known (the guarded UPDATE matched no row).
    expect(staleVersion(staleVersionError('changed by someone else'))).toBeNull();
    expect(staleVersion(new Error('boom'))).toBeNull();
  });
});
