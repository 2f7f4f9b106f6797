import { describe, expect, it } from '@jest/globals';
import { formatZonedMoment } from './format.js';

describe('formatZonedMoment', () => {
  it('shows the moment on the given zone clock and names the zone', () => {
    const d = new Date('2026-12-04T06:05:00Z');
    expect(formatZonedMoment(d, 'Asia/Shanghai')).toBe('2026-12-04 14:05 (Asia/Shanghai)');
    expect(formatZonedMoment(d, 'UTC')).toBe('2026-12-04 06:05 (UTC)');
    // Across midnight the date follows the zone, not UTC.
    expect(formatZonedMoment(new Date('2026-12-04T20:30:00Z'), 'Asia/Shanghai')).toBe('2026-12-05 04:30 (Asia/Shanghai)');
    expect(formatZonedMoment(new Date('2026-12-04T00:00:00Z'), 'America/New_York')).toBe('2026-12-03 19:00 (America/New_York)');
  });

  it('gives nothing for an invalid date', () => {
    expect(formatZonedMoment(new Date('nope'), 'UTC')).toBe('');
  });
});
