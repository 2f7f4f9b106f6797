import type { SqlFilter } from '../database/sql-filter.js';

/** Escapes LIKE's wildcards so that a search term matches literally. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * "Part of the name, or the start of the employee number", case-insensitive, on employees aliased
 * `alias`, against the lower-cased generated columns. A term of three or more characters goes
 * through the trigram index on search_name; a shorter one (a Chinese surname, "an") is too short
 * for trigrams and is looked up among search_grams, every one- and two-character piece of the
 * name, which says exactly whether the name contains it. The number prefix uses the
 * text_pattern_ops index on search_no.
 */
export function nameOrNumberSql(f: SqlFilter, alias: string, text: string): string {
  const trimmed = text.trim();
  const like = f.param(escapeLike(trimmed));
  const number = `${alias}.search_no LIKE lower(${like}) || '%'`;
  // Counted after lower-casing, as PostgreSQL counts the pieces (a few letters change length).
  const length = Array.from(trimmed.toLowerCase()).length;
  if (length >= 1 && length <= 2) return `(${alias}.search_grams @> ARRAY[lower(${f.param(trimmed)})] OR ${number})`;
  return `(${alias}.search_name LIKE '%' || lower(${like}) || '%' OR ${number})`;
}
