import { describe, expect, it } from '@jest/globals';
import { booleanOf, dateOf, excelSerialDate, numberOf } from './values.js';

const value = <T>(p: { ok: true; value: T } | { ok: false }) => (p.ok ? p.value : 'error');

describe('numberOf', () => {
  it.each([
    ['2,000,000', 2_000_000],
    ['¥2,000,000', 2_000_000],
    ['￥2,000,000', 2_000_000],
    ['92%', 92],
    ['1.2e6', 1_200_000],
    ['１２３４．５', 1234.5],
    ['２，０００', 2000],
    [' 81 ', 81],
    ['-3.5', -3.5],
    ['2000000元', 2_000_000],
  ])('reads %s as %d', (text, n) => {
    expect(value(numberOf(text))).toBe(n);
  });

  it('takes numbers (formula results) as they are, empty as null', () => {
    expect(value(numberOf(2300000))).toBe(2300000);
    expect(value(numberOf(null))).toBeNull();
  });

  it.each(['abc', '1,00', '12,345,67', '2..0', 'N/A', '1 2'])('refuses %s with a message in both languages', (text) => {
    const p = numberOf(text);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.message).toContain('is not a number');
      expect(p.messageZh).toContain('不是数字');
    }
  });
});

describe('dateOf', () => {
  it.each([
    ['2026/1/5', '2026-01-05'],
    ['2026-01-05', '2026-01-05'],
    ['2026.1.5', '2026-01-05'],
    ['2026年1月5日', '2026-01-05'],
    ['46027', '2026-01-05'],
  ])('reads %s', (text, iso) => {
    expect(value(dateOf(text))).toBe(iso);
  });

  it('reads Excel serials and date cells', () => {
    expect(value(dateOf(46027))).toBe('2026-01-05');
    expect(excelSerialDate(25569)).toBe('1970-01-01');
    expect(value(dateOf(new Date(Date.UTC(2021, 2, 15))))).toBe('2021-03-15');
  });

  it.each(['2026/2/30', 'yesterday', '5/1/2026', '2026-13-01'])('refuses %s', (text) => {
    expect(dateOf(text).ok).toBe(false);
  });
});

describe('booleanOf', () => {
  it('reads both languages and refuses the rest', () => {
    expect(value(booleanOf('是'))).toBe(true);
    expect(value(booleanOf('FALSE'))).toBe(false);
    expect(value(booleanOf(true))).toBe(true);
    expect(value(booleanOf(null))).toBeNull();
    expect(booleanOf('maybe').ok).toBe(false);
  });
});
