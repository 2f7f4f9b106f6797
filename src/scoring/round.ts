/**
 * Shifts the decimal point of a non-negative finite number by `places` through its decimal string,
 * so the shift itself adds no binary error (1.005 * 100 is 100.49999999999999, "1.005e2" is 100.5).
 * The exponent is merged rather than appended because String() already uses exponent notation for
 * very small and very large numbers ("1e-7e2" would not parse).
 */
function shift(value: number, places: number): number {
  const [mantissa, exponent = '0'] = String(value).split('e');
  return Number(`${mantissa}e${Number(exponent) + places}`);
}

/**
 * Rounds half away from zero to two decimals, as people do on paper: round2(1.005) === 1.01,
 * round2(-1.005) === -1.01, round2(0.1 + 0.2) === 0.3.
 */
export function round2(x: number): number {
  if (!Number.isFinite(x)) return x;
  const magnitude = shift(Math.round(shift(Math.abs(x), 2)), -2);
  // Never return -0: Object.is(-0, 0) is false, which would surprise callers and tests.
  if (magnitude === 0) return 0;
  return x < 0 ? -magnitude : magnitude;
}
