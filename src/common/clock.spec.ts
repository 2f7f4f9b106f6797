import { describe, expect, it } from '@jest/globals';
import { calendarDate, Clock } from './clock.js';

describe('calendarDate', () => {
  it('gives the day in each zone asked for, whatever zone was asked before (formats are cached per zone)', () => {
    const lateUtc = new Date('2026-03-31T20:30:00.000Z');
    expect(calendarDate(lateUtc, 'Asia/Shanghai')).toBe('2026-04-01');
    expect(calendarDate(lateUtc, 'UTC')).toBe('2026-03-31');
    expect(calendarDate(lateUtc, 'America/Los_Angeles')).toBe('2026-03-31');
    expect(calendarDate(new Date('2026-04-01T07:30:00.000Z'), 'America/Los_Angeles')).toBe('2026-04-01');
    expect(calendarDate(lateUtc, 'Asia/Shanghai')).toBe('2026-04-01');
  });

  it('follows the clock when a test moves it', () => {
    const clock = new Clock();
    clock.travelTo(new Date('2027-01-01T15:59:00.000Z'));
    expect(clock.today('Asia/Shanghai')).toBe('2027-01-01');
    clock.travelTo(new Date('2027-01-01T16:01:00.000Z'));
    expect(clock.today('Asia/Shanghai')).toBe('2027-01-02');
  });
});
