// What every process does to its database before it serves anything: the app (main.ts, the e2e
// apps), the export worker, demo:reset and the migration CLI. Each can start at the same time as
// another on the same database (two app replicas, an app and its workers), and two processes
// running the same migrations at once fail on the second CREATE TABLE or, worse, seed the first-boot
// data twice. So all of it runs under one PostgreSQL advisory lock.
import type { Logger } from '@nestjs/common';
import pg from 'pg';
import type { DataSource } from 'typeorm';

/** The advisory lock key of the start-up (any constant of our own; ASCII "scoreboot"). */
export const STARTUP_LOCK_KEY = '7165537402017262708';
/** The export queue's set-up (pg-boss schema and queue partitions): two processes creating them at once deadlock. */
export const QUEUE_SETUP_LOCK_KEY = '7165537402017262709';

type Log = Pick<Logger, 'log'>;

function connectionStringOf(dataSource: DataSource): string {
  const options = dataSource.options;
  if (options.type !== 'postgres' || !options.url) throw new Error('The start-up lock needs a PostgreSQL data source with a url');
  return options.url;
}

/**
 * Runs `work` while this process holds the start-up lock. The lock lives on a connection of its own,
 * outside the pool (whose connections the work needs, and which may be as small as one); it goes
 * with that connection, so a process that dies while holding it never blocks the next one.
 */
export async function withStartupLock<T>(databaseUrl: string, work: () => Promise<T>, log?: Log, key: string = STARTUP_LOCK_KEY): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'scorecard start-up lock' });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key]);
    if (!rows[0]?.locked) {
      log?.log('Another process is preparing the database; waiting for it');
      await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    }
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    }
  } finally {
    await client.end();
  }
}

export interface BootstrapOptions<T> {
  /** Drops every table first (demo:reset; the only way past the append-only audit log, by design). */
  dropSchema?: boolean;
  /** First-boot data (default roles, the first admin, demo data), after the migrations, under the same lock. */
  seed?: () => Promise<T>;
  log?: Log;
}

export interface Bootstrapped<T> {
  /** Names of the migrations this process ran (none when another did, or the schema was current). */
  migrations: string[];
  seeded: T | undefined;
}

/** Brings the schema up to date and, with `seed`, the first-boot data: once, whoever starts first. */
export async function bootstrap<T = void>(dataSource: DataSource, options: BootstrapOptions<T> = {}): Promise<Bootstrapped<T>> {
  return withStartupLock(
    connectionStringOf(dataSource),
    async () => {
      if (options.dropSchema) await dataSource.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      if (ran.length > 0) options.log?.log(`Ran migrations: ${ran.map((m) => m.name).join(', ')}`);
      const seeded = options.seed ? await options.seed() : undefined;
      return { migrations: ran.map((m) => m.name), seeded };
    },
    options.log,
  );
}
