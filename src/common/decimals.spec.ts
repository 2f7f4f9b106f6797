import { describe, expect, it } from '@jest/globals';
import { IsNumber, validateSync } from 'class-validator';
import { decimalPlaces, MaxDecimals } from './decimals.js';

describe('decimalPlaces', () => {
  it.each([
    [0, 0],
    [12, 0],
    [-3, 0],
    [0.5, 1],
    [123.45, 2],
    [-0.0001, 4],
    [1e-7, 7],
    [1.25e-3, 5],
    [1.5e-7, 8],
    [1.5e3, 0],
    [1e21, 0],
    [5e-324, 324],
  ])('%p has %p decimals', (value, places) => {
    expect(decimalPlaces(value)).toBe(places);
  });
});

class Probe {
  @IsNumber({ allowNaN: false, allowInfinity: false }) @MaxDecimals(2) weight: number;
}

describe('MaxDecimals', () => {
  const check = (weight: number) => {
    const probe = new Probe();
    probe.weight = weight;
    return validateSync(probe).flatMap((e) => Object.values(e.constraints ?? {}));
  };

  it('accepts up to the limit and names it when refusing, exponent notation included', () => {
    expect(check(12.25)).toEqual([]);
    expect(check(1e-2)).toEqual([]);
    expect(check(12.125)).toEqual(['weight must have at most 2 decimals']);
    expect(check(1e-7)).toEqual(['weight must have at most 2 decimals']);
    expect(check(1.5e-7)).toEqual(['weight must have at most 2 decimals']);
  });
});
