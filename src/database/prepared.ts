import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

const names = new Map<string, string>();

/** A statement's name: derived from its text, so the same text always maps to the same name. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `q_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * Runs a read on the data source's pool as a named prepared statement: each connection parses
 * and analyses the text once and keeps it, instead of on every request. Meant for the statements
 * every request runs (session lookup, list pages), whose text comes from a small, fixed set of
 * shapes (filters change which shape, values go in as parameters); never for SQL that embeds
 * values, or the statement cache of each connection would grow without bound.
 */
export async function preparedQuery<T extends QueryResultRow>(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  // TypeORM's Postgres driver keeps its pg Pool in `master`; its own query() has no named statements.
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const result = await pool.query<T>({ name: statementName(sql), text: sql, values: params });
  return result.rows;
}
