import pg from 'pg';
import type { AppConfig } from '../config/config.js';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';

const EMBEDDED_DATABASE = 'scorecard';

export interface ResolvedDatabase {
  url: string;
  embedded: RunningPostgres | null;
}

/** Creates a database beside the one the URL names, when it is missing. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** DATABASE_URL when set; otherwise our own embedded PostgreSQL, started here. */
export async function resolveDatabase(config: AppConfig, log: (line: string) => void): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: null };
  log(`Starting the embedded PostgreSQL (data folder: ${config.embeddedPg.dataDir}, port ${config.embeddedPg.port})`);
  const embedded = await startEmbeddedPostgres({ ...config.embeddedPg, log });
  try {
    return { url: await ensureDatabase(embedded.url, EMBEDDED_DATABASE), embedded };
  } catch (err) {
    await embedded.stop();
    throw err;
  }
}
