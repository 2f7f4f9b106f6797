// Issue 10: the pool gives up waiting and PostgreSQL ends what hangs, so that one stuck request
// can never wedge the app; and the guard that fails any second connection taken inside a
// transaction (on in every e2e app, off in the write-storm test).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { NestedConnectionError } from '../src/database/transaction-guard.js';
import { expectError } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

describe('database pool limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ DB_POOL_SIZE: '2', DB_ACQUIRE_TIMEOUT_MS: '300', DB_STATEMENT_TIMEOUT_MS: '1500', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sets the statement and idle-in-transaction limits on every connection', async () => {
    const [row] = await t.db.query<{ statement_timeout: string; idle: string }[]>(
      "SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('idle_in_transaction_session_timeout') AS idle",
    );
    expect(row).toEqual({ statement_timeout: '1500ms', idle: '1s' });
    await expect(t.db.query('SELECT pg_sleep(3)')).rejects.toThrow(/statement timeout/);
  });

  it('answers 503 with Retry-After while every connection is taken, and serves again once one is free', async () => {
    const held = [t.db.createQueryRunner(), t.db.createQueryRunner()];
    try {
      for (const runner of held) {
        await runner.connect();
        await runner.query('SELECT 1');
      }
      const started = Date.now();
      const busy = await t.http.get('/api/employees').set(t.as('hr'));
      expect(Date.now() - started).toBeLessThan(3000);
      const body = expectError(busy, 503);
      expect(body.message).toBe('The database is busy or cannot be reached; try again in a moment');
      expect(busy.headers['retry-after']).toBe('1');
    } finally {
      for (const runner of held) await runner.release();
    }
    await t.http.get('/api/employees').set(t.as('hr')).expect(200);
  });

  it('keeps its connections open while idle, so a request after a quiet spell finds them warm', async () => {
    const runners = [t.db.createQueryRunner(), t.db.createQueryRunner()];
    const pids: number[] = [];
    for (const runner of runners) {
      await runner.connect();
      const [row] = (await runner.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
      pids.push(row.pid);
    }
    for (const runner of runners) await runner.release();
    // pg closes a connection idle for 10 s unless the pool keeps a minimum.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const [{ open }] = await t.db.query<{ open: number }[]>('SELECT count(*)::int AS open FROM pg_stat_activity WHERE pid = ANY($1)', [pids]);
    expect(new Set(pids).size).toBe(2);
    expect(open).toBe(2);
  }, 30_000);

  it('ends a transaction left idle, giving its connection back', async () => {
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('SELECT 1');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await expect(runner.query('SELECT 1')).rejects.toThrow();
    } finally {
      await runner.release();
    }
    await t.http.get('/api/employees').set(t.as('hr')).expect(200);
  });
});

describe('the nested-connection guard (strict in e2e apps)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('fails a query that takes a second pooled connection inside a transaction', async () => {
    const ds: DataSource = t.db;
    await expect(ds.transaction(() => ds.query<unknown[]>('SELECT 1'))).rejects.toBeInstanceOf(NestedConnectionError);
    await expect(ds.transaction('READ COMMITTED', () => ds.query<unknown[]>('SELECT 1'))).rejects.toBeInstanceOf(NestedConnectionError);
    // The transaction's own manager, and the pool outside any transaction, are fine.
    await expect(ds.transaction((m) => m.query<unknown[]>('SELECT 1 AS one'))).resolves.toEqual([{ one: 1 }]);
    await expect(ds.query('SELECT 2 AS two')).resolves.toEqual([{ two: 2 }]);
  });

  it('lets work that outlives its transaction connect once the transaction is over', async () => {
    const ds: DataSource = t.db;
    let later: Promise<unknown> = Promise.resolve();
    await ds.transaction(async (m) => {
      await m.query('SELECT 1');
      later = new Promise((resolve) => setTimeout(resolve, 50)).then(() => ds.query('SELECT 3 AS three'));
    });
    await expect(later).resolves.toEqual([{ three: 3 }]);
  });
});
