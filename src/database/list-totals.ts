import type { SqlFilter } from './sql-filter.js';

interface Remembered {
  stamp: string;
  total: number;
}

export interface TotalQuery {
  key: string;
  known: Remembered | undefined;
  sql: string;
}

/** The counter raised by every write that could change a list's total (migration ListChanges). */
const STAMP_SQL = '(SELECT changes FROM list_changes)';

/**
 * Exact totals for list pages without counting every matching row on every page.
 *
 * Counting 10,000 rows cost PostgreSQL about 2 ms of the 4 ms a page of employees took here
 * (pgbench, bench:api data), and paging through a list recounts the same rows for each page. So
 * each total is remembered, per query and parameters, with the value of `list_changes.changes` the
 * same statement read. A later page's statement reads the counter again in its own snapshot and
 * counts only when it has moved (the count is an init-plan that PostgreSQL evaluates only when the
 * CASE needs it). The triggers raise the counter in the writing transaction itself, so an equal
 * counter means the same committed rows, whichever instance of the app wrote them.
 */
export class ListTotals {
  private readonly remembered = new Map<string, Remembered>();

  constructor(private readonly capacity = 500) {}

  /**
   * Two select-list columns for a statement that counts with `countSql` (its parameters already in
   * `f`): `total_rows`, NULL when the remembered total still holds, and `list_stamp`. Adds one
   * parameter to `f`. `sameAs` is a query that counts the same rows, given when `countSql` alone
   * does not say which (it reads a CTE, say). Pass what it returns to {@link total} with the row read.
   */
  columns(f: SqlFilter, countSql: string, sameAs = countSql): TotalQuery {
    const key = `${sameAs}\u0000${JSON.stringify(f.params)}`;
    const known = this.remembered.get(key);
    const stamp = f.param(known?.stamp ?? '-1');
    return {
      key,
      known,
      sql: `CASE WHEN ${STAMP_SQL} = ${stamp}::bigint THEN NULL ELSE (${countSql}) END AS total_rows, ${STAMP_SQL}::text AS list_stamp`,
    };
  }

  /** The total: counted by the statement (and remembered), or the remembered one it confirmed. */
  total(query: TotalQuery, row: { total_rows: number | null; list_stamp: string | null }): number {
    // NULL only when the counter equalled the stamp of `known`, so `known` is there.
    if (row.total_rows === null && query.known) return query.known.total;
    const total = Number(row.total_rows);
    if (row.list_stamp !== null) this.remember(query.key, { stamp: row.list_stamp, total });
    return total;
  }

  /**
   * The total of the list a page of `rows` came from. A page past the end has no row to carry
   * it: then the list is empty if this was the first page, else `count` counts it.
   */
  async ofPage(
    query: TotalQuery,
    rows: ReadonlyArray<{ total_rows: number | null; list_stamp: string | null }>,
    firstPage: boolean,
    count: () => Promise<number>,
  ): Promise<number> {
    if (rows.length > 0) return this.total(query, rows[0]);
    return firstPage ? 0 : count();
  }

  private remember(key: string, entry: Remembered): void {
    // Oldest first out: a Map keeps insertion order, and a refreshed key moves to the end.
    this.remembered.delete(key);
    this.remembered.set(key, entry);
    if (this.remembered.size > this.capacity) {
      const oldest = this.remembered.keys().next().value;
      if (oldest !== undefined) this.remembered.delete(oldest);
    }
  }
}
