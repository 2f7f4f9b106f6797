interface KnownList {
  stamp: string;
  /** Offset in the list → the sort key of the row there. */
  rows: Map<number, string>;
}

export interface SeekPoint {
  /** Offset of a row whose sort key is known… */
  offset: number;
  /** …that key… */
  value: string;
  /** …as of this value of list_changes.changes. */
  stamp: string;
}

/**
 * Deep pages of lists sorted on a unique key, without walking every row before them.
 *
 * OFFSET 5,000 makes PostgreSQL step over 5,000 index entries: about 1 ms of the 2 ms a page of
 * employees still cost after totals were remembered (pgbench, bench:api data). Each page read here
 * teaches where its first and last rows sit; a later page starts from the nearest known row at or
 * before it (`key >= value`, then a short OFFSET). What was learnt is tied to the value of
 * `list_changes.changes` (see ListTotals) when it was read: the statement returns the value it
 * saw, and a page read from a point of another value is thrown away and read again from the start.
 * So a row added, removed or renumbered anywhere never shifts a page.
 */
export class PageSeek {
  private readonly lists = new Map<string, KnownList>();

  constructor(
    private readonly capacity = 200,
    private readonly rowsPerList = 2_000,
  ) {}

  /**
   * Reads the page at `offset` with `read`: from the nearest known row when `key` is given (null:
   * this list's order cannot seek), again from the top when that statement saw another list state
   * or no row, and then learns where the page's first and last rows sit (`sortKey`).
   */
  async read<R extends { list_stamp: string | null }>(
    key: string | null,
    offset: number,
    sortKey: (row: R) => string,
    read: (seek: SeekPoint | null) => Promise<R[]>,
  ): Promise<R[]> {
    const seek = key === null ? null : this.from(key, offset);
    let rows = await read(seek);
    if (seek && (rows.length === 0 || rows[0].list_stamp !== seek.stamp)) rows = await read(null);
    if (key !== null && rows.length > 0 && rows[0].list_stamp !== null) {
      this.learn(key, rows[0].list_stamp, offset, sortKey(rows[0]), sortKey(rows[rows.length - 1]), rows.length);
    }
    return rows;
  }

  /** The nearest known row at or before `offset`, if it saves walking any rows. */
  from(key: string, offset: number): SeekPoint | null {
    const list = this.lists.get(key);
    if (!list) return null;
    let best: number | null = null;
    for (const at of list.rows.keys()) if (at <= offset && at > 0 && (best === null || at > best)) best = at;
    if (best === null) return null;
    return { offset: best, value: list.rows.get(best) as string, stamp: list.stamp };
  }

  /** Records the sort keys of the first and last rows of a page read at `offset`. */
  learn(key: string, stamp: string, offset: number, first: string, last: string, count: number): void {
    let list = this.lists.get(key);
    if (!list || list.stamp !== stamp) list = { stamp, rows: new Map() };
    if (list.rows.size < this.rowsPerList) {
      list.rows.set(offset, first);
      list.rows.set(offset + count - 1, last);
    }
    // Most recently used last, so the first key is the one to forget.
    this.lists.delete(key);
    this.lists.set(key, list);
    if (this.lists.size > this.capacity) {
      const oldest = this.lists.keys().next().value;
      if (oldest !== undefined) this.lists.delete(oldest);
    }
  }
}
