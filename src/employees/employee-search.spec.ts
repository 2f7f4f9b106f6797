import { describe, expect, it } from '@jest/globals';
import { SqlFilter } from '../database/sql-filter.js';
import { escapeLike, nameOrNumberSql } from './employee-search.js';

describe('nameOrNumberSql', () => {
  it('looks up a term of one or two characters (after lower-casing) among the name pieces', () => {
    for (const term of ['王', '子涵', 'an', ' AN ', '%']) {
      const f = new SqlFilter();
      const sql = nameOrNumberSql(f, 'e', term);
      expect(sql).toBe("(e.search_grams @> ARRAY[lower($2)] OR e.search_no LIKE lower($1) || '%')");
      // The piece is compared as typed (trimmed); only the LIKE parameter is escaped.
      expect(f.params).toEqual([escapeLike(term.trim()), term.trim()]);
    }
  });

  it('uses the trigram-indexed LIKE from three characters on, and for an empty term', () => {
    for (const term of ['王小明', 'chen', '100%_', '']) {
      const f = new SqlFilter();
      expect(nameOrNumberSql(f, 'x', term)).toBe("(x.search_name LIKE '%' || lower($1) || '%' OR x.search_no LIKE lower($1) || '%')");
      expect(f.params).toEqual([escapeLike(term)]);
    }
  });
});

describe('escapeLike', () => {
  it('escapes the wildcards and the escape character', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });
});
