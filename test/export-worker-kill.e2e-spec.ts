// A worker process killed with SIGKILL in the middle of an export (issue 10, point 5): its chunks
// used to stay "active" in pg-boss for their 300 s expiry plus a maintenance round, about six
// minutes; now the worker leases them and renews the lease while it prints, so a dead worker's
// chunks go to another worker within 30 s. The killed process also leaves its Chromium profile in
// the temp folder (no cleanup runs on SIGKILL); the next process to start removes it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { ExportCreatedDto, ExportDto } from '../src/exports/dto/export.dto.js';
import { EXPORT_QUEUE } from '../src/exports/export-queue.js';
import { OWNER_FILE, PROFILE_PREFIX } from '../src/scorecards/stale-profiles.js';
import { createEmployee, createReview, seedOpenCycle } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';
import { withDatabase } from './support/database.js';
import { type RunningProcess, startProcess } from './support/processes.js';

const PEOPLE = 40; // two chunks of the export (25 + 15), one for each poller of the worker

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('an export worker killed with SIGKILL', () => {
  let t: TestApp;
  let cycle: CycleDto;
  let tmp: string;
  const workers: RunningProcess[] = [];

  const startWorker = async (): Promise<RunningProcess> => {
    const serverUrl = process.env.E2E_SERVER_URL ?? '';
    const worker = startProcess('src/exports/worker.ts', {
      DATABASE_URL: withDatabase(serverUrl, t.database),
      // Its own temp folder: the profiles it leaves are the only ones there.
      TMPDIR: tmp,
      LOG_LEVEL: 'log',
      // One page: the worker's two pollers each hold a chunk for a good while.
      PDF_POOL_SIZE: '1',
    });
    workers.push(worker);
    await worker.waitFor(/Export worker running/, 60_000);
    return worker;
  };

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'scorecard-kill-'));
    await chmod(tmp, 0o755);
    // No workers in the test's own app: only the worker processes print.
    t = await createTestApp({ RUN_WORKERS: 'false' });
    cycle = await seedOpenCycle(t);
    const queue = Array.from({ length: PEOPLE }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (queue.shift() !== undefined) {
          const employee = await createEmployee(t, 'account_manager');
          await createReview(t, employee.id, cycle.id);
        }
      }),
    );
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await t?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }, 60_000);

  it("hands the dead worker's chunks to another within 30 s, and the next start removes its Chromium profile", async () => {
    // b is ready first and then frozen, so that a takes both chunks of the export; b wakes up
    // before a dies, to be the worker that finds a's chunks expired.
    const b = await startWorker();
    const a = await startWorker();
    process.kill(b.pid, 'SIGSTOP');
    let created: ExportCreatedDto;
    let chunks: { id: string; state: string; retry_count: number }[];
    try {
      const res = await t.http.post(`/api/cycles/${cycle.id}/scorecards`).set(t.as('hr')).send({}).expect(202);
      created = res.body as ExportCreatedDto;
      expect(created.total).toBe(PEOPLE);
      const jobChunks = () =>
        t.db.query<{ id: string; state: string; retry_count: number }[]>(
          `SELECT id, state, retry_count FROM pgboss.job WHERE name = $1 AND data->>'jobId' = $2 ORDER BY id`,
          [EXPORT_QUEUE, created.id],
        );
      chunks = await until('both chunks taken by worker a', 30_000, async () => {
        const rows = await jobChunks();
        return rows.length === 2 && rows.every((r) => r.state === 'active') && rows;
      });
      await until('worker a printing', 60_000, async () => (await exportOf(created.id)).done >= 2);
    } finally {
      process.kill(b.pid, 'SIGCONT');
    }
    const profile = await until("worker a's Chromium profile", 10_000, () => Promise.resolve(profileOf(a.pid)));

    process.kill(a.pid, 'SIGKILL');
    const killedAt = Date.now();
    await a.exited;
    const doneAtKill = (await exportOf(created.id)).done;
    expect(doneAtKill).toBeLessThan(PEOPLE);

    // Each chunk of a's is taken again (by b: the only worker left), a retry of the same job.
    const retakenAfter = new Map<string, number>();
    await until("a's chunks taken again", 60_000, async () => {
      const rows = await t.db.query<{ id: string; state: string; retry_count: number }[]>(
        `SELECT id, state, retry_count FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[])`,
        [EXPORT_QUEUE, chunks.map((c) => c.id)],
      );
      for (const row of rows) {
        if (row.retry_count >= 1 && (row.state === 'active' || row.state === 'completed') && !retakenAfter.has(row.id))
          retakenAfter.set(row.id, Date.now() - killedAt);
      }
      return retakenAfter.size === chunks.length;
    });
    const seconds = [...retakenAfter.values()].map((ms) => ms / 1000);
    console.log(`SIGKILLed worker: its chunks were taken again after ${seconds.map((s) => s.toFixed(1)).join(' s and ')} s`);
    expect(Math.max(...seconds)).toBeLessThan(30);

    const final = await until('the export done', 90_000, async () => {
      const e = await exportOf(created.id);
      return (e.state === 'done' || e.state === 'failed') && e;
    });
    console.log(`SIGKILLed worker: export of ${PEOPLE} done ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    expect(final).toMatchObject({ state: 'done', done: PEOPLE, failed: 0 });

    // SIGKILL ran no cleanup: a's profile is still there, until the next process starts.
    expect(existsSync(profile)).toBe(true);
    const c = await startWorker();
    await until("a's profile removed by the next start", 15_000, () => Promise.resolve(!existsSync(profile)));
    // b's own profile (a live owner) is kept.
    expect(profileOf(b.pid)).not.toBeNull();
    await c.stop();
    await b.stop();
  }, 240_000);

  async function exportOf(id: string): Promise<ExportDto> {
    return (await t.http.get(`/api/exports/${id}`).set(t.as('hr')).expect(200)).body as ExportDto;
  }

  /** The profile folder (in the workers' temp folder) whose owner file names `pid`. */
  function profileOf(pid: number): string | null {
    for (const name of readdirSync(tmp)) {
      if (!name.startsWith(PROFILE_PREFIX)) continue;
      try {
        const owner = JSON.parse(readFileSync(join(tmp, name, OWNER_FILE), 'utf8')) as { pid: number };
        if (owner.pid === pid) return join(tmp, name);
      } catch {
        // being created or removed
      }
    }
    return null;
  }
});
