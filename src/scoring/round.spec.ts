import { describe, it, expect } from '@jest/globals';
import { round2 } from './round.js';

describe('round2', () => {
  it('rounds values whose binary form sits just below the half, as written in decimal', () => {
    // 1.005 * 100 is 100.49999999999999 in binary, so naive rounding would give 1.
    expect(round2(1.005)).toBe(1.01);
    expect(round2(1.255)).toBe(1.26);
    expect(round2(0.285)).toBe(0.29);
    expect(round2(4.345)).toBe(4.35);
  });

  it('rounds half away from zero for negative numbers', () => {
    expect(round2(-1.005)).toBe(-1.01);
    expect(round2(-0.125)).toBe(-0.13);
    expect(round2(-2.5)).toBe(-2.5);
    expect(round2(-0.124)).toBe(-0.12);
  });

  it('removes floating point artefacts', () => {
    expect(round2(0.1 + 0.2)).toBe(0.3);
    expect(round2(99.99999999999999)).toBe(100);
    expect(round2(22.227778000000004)).toBe(22.23);
  });

  it('rounds thirds', () => {
    expect(round2(100 / 3)).toBe(33.33);
    expect(round2(200 / 3)).toBe(66.67);
    expect(round2(-200 / 3)).toBe(-66.67);
  });

  it('keeps values that already have two decimals or fewer', () => {
    expect(round2(0)).toBe(0);
    expect(round2(5)).toBe(5);
    expect(round2(40.25)).toBe(40.25);
    expect(round2(7.5)).toBe(7.5);
    expect(round2(123456.78)).toBe(123456.78);
  });

  it('rounds exactly half up and just below half down', () => {
    expect(round2(0.005)).toBe(0.01);
    expect(round2(0.00499)).toBe(0);
    expect(round2(123456.785)).toBe(123456.79);
  });

  it('never returns negative zero', () => {
    expect(Object.is(round2(-0.001), 0)).toBe(true);
    expect(Object.is(round2(-0), 0)).toBe(true);
  });

  it('copes with numbers that print in exponent notation', () => {
    expect(round2(1e-7)).toBe(0);
    expect(round2(-1e-7)).toBe(0);
    expect(round2(5e-3)).toBe(0.01);
    expect(round2(1e21)).toBe(1e21);
    expect(round2(-1.5e22)).toBe(-1.5e22);
  });

  it('passes non-finite values through', () => {
    expect(round2(Number.NaN)).toBeNaN();
    expect(round2(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(round2(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
  });
});
