import { describe, expect, it } from '@jest/globals';
import { bearerMatches } from './metrics-endpoint.js';

describe('bearerMatches', () => {
  const token = 'scrape-token-0123456789';

  it('accepts exactly the configured bearer token', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer   ${token} `, token)).toBe(true);
  });

  it('refuses a missing, different, longer, shorter or non-bearer credential', () => {
    for (const header of [undefined, '', 'Bearer', `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`, token, `Bearer ${token} extra`]) {
      expect(bearerMatches(header, token)).toBe(false);
    }
  });
});
