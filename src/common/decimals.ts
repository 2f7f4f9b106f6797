import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Digits after the decimal point of a number as written in full, exponent notation included:
 * 1e-7 has 7, 1.25e-3 has 5, 1.5e3 has none. class-validator's own `maxDecimalPlaces` reads only
 * the text after a "." and so throws on 1e-7 (a 500) and counts 1.5e-7 as 3.
 */
export function decimalPlaces(value: number): number {
  if (!Number.isFinite(value)) return 0;
  // toExponential() without an argument keeps just the digits that identify the value.
  const [mantissa, exponent] = value.toExponential().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** A finite number with at most `places` decimals; anything else is left to the type checks. */
export function MaxDecimals(places: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxDecimals',
      constraints: [places],
      validator: {
        validate: (value: unknown) => typeof value !== 'number' || decimalPlaces(value) <= places,
        defaultMessage: (args) => `${args?.property ?? 'value'} must have at most ${places} decimal${places === 1 ? '' : 's'}`,
      },
    },
    options,
  );
}
