import type { SqlFilter } from '../common/sql-filter.js';

/** Escapes LIKE's wildcards so that a search term matches literally. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * "Part of the name, or the start of the employee number", case-insensitive, on employees aliased
 * `alias`. It compares the lower-cased generated columns search_name and search_no: the trigram
 * and text_pattern_ops indexes cover them, and where a term is too short for trigrams (a Chinese
 * surname, "an") the sequential scan compares pre-lowered text instead of lowering every row.
 */
export function nameOrNumberSql(f: SqlFilter, alias: string, text: string): string {
  const term = f.param(escapeLike(text.trim()));
  return `(${alias}.search_name LIKE '%' || lower(${term}) || '%' OR ${alias}.search_no LIKE lower(${term}) || '%')`;
}
