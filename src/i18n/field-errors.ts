// A field error said in the page's language: the API's stable code and arguments (never its
// English message) turned into a sentence that names the field by its label and the rule in words.
import { formatNumber, interpolate } from './format.js';
import type { Lang } from './langs.js';

export interface CodedFieldError {
  field: string;
  code?: string;
  params?: Record<string, string | number | (string | number)[]>;
  message: string;
}

/** What the sentence needs of a page's locale: its language and the texts under a prefix. */
export interface FieldErrorLocale {
  lang: Lang;
  section: (prefix: string) => Record<string, string>;
}

/** `entries[1].actual` → `actual`: the property a label is kept under, whatever row it is in. */
export function fieldName(path: string): string {
  return (
    path
      .replace(/\[\d+\]/g, '')
      .split('.')
      .pop() ?? path
  );
}

/** The label of a field path; the path itself when the dictionaries do not know it. */
export function fieldLabel(locale: FieldErrorLocale, path: string): string {
  const labels = locale.section('validation.field');
  const name = fieldName(path);
  return Object.hasOwn(labels, name) ? labels[name] : name;
}

/**
 * The sentence for one field error. `row` names the row a nested field is in (a KPI's name for
 * `entries[1].actual`), so that "which one" is never an index.
 */
export function fieldErrorText(locale: FieldErrorLocale, e: CodedFieldError, row?: string): string {
  const rules = locale.section('validation.rule');
  const words = locale.section('validation');
  let field = fieldLabel(locale, e.field);
  if (row !== undefined) field = interpolate(words.inRow, { row, field });
  const vars: Record<string, string | number> = { field };
  for (const [k, v] of Object.entries(e.params ?? {})) {
    vars[k] = Array.isArray(v) ? v.map((x) => word(locale, x)).join(words.listSeparator) : typeof v === 'number' ? formatNumber(v, locale.lang) : v;
  }
  const code = e.code && Object.hasOwn(rules, e.code) ? e.code : 'invalid';
  return interpolate(rules[code], vars);
}

function word(locale: FieldErrorLocale, x: string | number): string {
  return typeof x === 'number' ? formatNumber(x, locale.lang) : x;
}
