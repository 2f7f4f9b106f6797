import type { DataSource } from 'typeorm';
import { ListTotals } from './list-totals.js';
import { PageSeek, type SeekPoint } from './page-seek.js';
import { preparedQuery } from './prepared.js';
import type { SqlFilter } from './sql-filter.js';

/** The two columns every page statement selects (from {@link PagedListParts.totals}). */
export interface TotalColumns {
  total_rows: number | null;
  list_stamp: string | null;
}

/** What a page statement is built from; placeholders already numbered for the statement's parameters. */
export interface PagedListParts {
  /** The filter's WHERE, with the seek condition when the page starts from a known row. */
  where: string;
  /** `OFFSET … LIMIT …` for the page. */
  paging: string;
  /** The select-list columns that carry the list's total (see ListTotals). */
  totals: string;
}

export interface PagedList<R> {
  /** The list's conditions and their parameters. */
  filter: SqlFilter;
  /** `SELECT count(*)::int AS n …` of every matching row, with the filter's parameters. */
  countSql: string;
  /** How the page statement itself counts them, when not with `countSql` (it reads a CTE, say). */
  countInStatement?: string;
  page: number;
  pageSize: number;
  /**
   * A unique sort key that deep pages can start from (its column, direction and value in a row),
   * or null when this list's order has none.
   */
  seek: { column: string; descending: boolean; valueOf: (row: R) => string } | null;
  /** The statement of one page: page ids, then details, with {@link PagedListParts.totals} selected. */
  statement: (parts: PagedListParts) => string;
}

/**
 * A filtered list read a page at a time in one prepared statement that also carries the total:
 * totals are remembered while nothing changed (ListTotals) and deep pages of a unique order start
 * from a known row (PageSeek). One instance per list, so its memory stays with that list. Why the
 * lists are written this way: docs/decisions/0100-paged-list-query.md.
 */
export class PagedListQuery {
  private readonly totals = new ListTotals();
  private readonly seek = new PageSeek();

  constructor(private readonly dataSource: DataSource) {}

  async read<R extends TotalColumns>(list: PagedList<R>): Promise<{ rows: R[]; total: number }> {
    const f = list.filter;
    const filterParams = [...f.params];
    const totals = this.totals.columns(f, list.countInStatement ?? list.countSql, list.countSql);
    const offset = (list.page - 1) * list.pageSize;
    const seekKey = list.seek ? `${list.seek.column} ${list.seek.descending ? 'DESC' : 'ASC'}\u0000${f.where()}\u0000${JSON.stringify(filterParams)}` : null;
    const read = async (seek: SeekPoint | null) => {
      const params = [...f.params];
      let where = f.where();
      if (seek && list.seek) {
        const from = `${list.seek.column} ${list.seek.descending ? '<=' : '>='} $${params.push(seek.value)}`;
        where = f.empty ? `WHERE ${from}` : `${where} AND ${from}`;
      }
      const paging = `OFFSET $${params.push(offset - (seek?.offset ?? 0))} LIMIT $${params.push(list.pageSize)}`;
      return preparedQuery<R>(this.dataSource, list.statement({ where, paging, totals: totals.sql }), params);
    };
    const rows = await this.seek.read(seekKey, offset, (r) => (list.seek as NonNullable<PagedList<R>['seek']>).valueOf(r), read);
    const countAgain = async () => (await this.dataSource.query<{ n: number }[]>(list.countSql, filterParams))[0].n;
    const total = await this.totals.ofPage(totals, rows, list.page === 1, countAgain);
    return { rows, total };
  }
}
