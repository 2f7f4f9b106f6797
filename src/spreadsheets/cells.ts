// CSV/formula injection (OWASP): a cell that starts with = + - @ tab or CR is opened by Excel as a
// formula. Exports prefix such text with an apostrophe; imports strip exactly that prefix again, so
// the round trip gives back the text that was stored.
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function restoreNeutralised(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}
