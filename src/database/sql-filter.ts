/**
 * Conditions and positional parameters for a hand-written query. The list queries are written in
 * SQL rather than with the query builder because their speed depends on the exact shape (a page
 * of ids read in index order first, details after), which the builder cannot express.
 */
export class SqlFilter {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  /** Adds a value and returns its placeholder ($1, $2, …). */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  and(condition: string): this {
    this.parts.push(condition);
    return this;
  }

  get empty(): boolean {
    return this.parts.length === 0;
  }

  /** `WHERE a AND b`, or nothing. */
  where(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }

  /** `AND a AND b`, or nothing: for a query that already has a WHERE. */
  andAll(): string {
    return this.parts.map((p) => ` AND ${p}`).join('');
  }
}

/**
 * A timestamptz column as the ISO 8601 text toISOString() writes (UTC, milliseconds): PostgreSQL
 * formats it, where parsing every row's dates in Node showed in list-page profiles.
 */
export function isoTimestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
