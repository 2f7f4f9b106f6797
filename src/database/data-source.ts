import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { entities } from './entities.js';

/**
 * The one description of our database, used by the app (TypeOrmModule) and by the migration CLI,
 * so both always see the same entities and migrations. The schema only ever changes through
 * migrations.
 */
export interface PoolLimits {
  poolSize: number;
  acquireTimeoutMs: number;
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

/**
 * Without these, one request that waits for a second connection while holding a transaction's can
 * wedge the whole pool for good (issue 10): the pool never gives up waiting, and PostgreSQL never
 * ends the idle transactions. The migration CLI keeps no statement limit (long index builds).
 */
export const MIGRATION_LIMITS: PoolLimits = { poolSize: 2, acquireTimeoutMs: 60_000, statementTimeoutMs: 0, idleInTransactionTimeoutMs: 0 };

export function dataSourceOptions(url: string, limits: PoolLimits = MIGRATION_LIMITS): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    poolSize: limits.poolSize,
    // pg's connectionTimeoutMillis: bounds both a new connection and the wait for a free one.
    connectTimeoutMS: limits.acquireTimeoutMs,
    applicationName: 'scorecard',
    // Tables stay in memory, so random reads cost about what sequential ones do (docs/decisions/0006-random-page-cost.md).
    extra: {
      options: '-c random_page_cost=1.1',
      // A fixed-size pool (like HikariCP's default): pg closes a connection idle for 10 s, so the
      // first download after a quiet spell paid a new connection, a cold server backend and its
      // named statements prepared again (docs/decisions/0001-pdf-renderer.md, "(b0)").
      min: limits.poolSize,
      statement_timeout: limits.statementTimeoutMs,
      idle_in_transaction_session_timeout: limits.idleInTransactionTimeoutMs,
    },
    // gen_random_uuid() is built into PostgreSQL 13+, so no extension (and no superuser) is needed.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
  };
}

export function createDataSource(url: string, limits: PoolLimits = MIGRATION_LIMITS): DataSource {
  return new DataSource(dataSourceOptions(url, limits));
}
