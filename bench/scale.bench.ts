// Many processes on one database (issue 17, point 5): the proof behind "add machines, point them
// at the same database". Against one PostgreSQL it starts 2 app processes (HTTP only) and export
// workers (`npm run worker`'s entry point, dist/src/exports/worker.js), then exports the
// scorecards of a cycle three times:
//   single  one worker prints everything: the baseline;
//   pair    two workers share it;
//   kill    two workers, one killed with SIGKILL while it holds a chunk: the other must take the
//           chunk over when its lease runs out, and nothing may be lost or written twice.
// Each worker logs (at debug) one line per item it wrote; the bench counts them per process, so
// "exactly once" is checked item by item, beside the export_items table itself.
//
//   npm run bench:scale                                             embedded PostgreSQL in /tmp
//   DATABASE_URL=postgres://user@host:5432/db npm run bench:scale  a throw-away database on that server
//
// BENCH_ITEMS (default 2000) scorecards per export. The exit code is non-zero when an item was lost
// or written twice, never because of a throughput figure.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureDatabase } from '../src/database/database-url.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { EXPORT_QUEUE } from '../src/exports/export-queue.js';
import { scoreReview } from '../src/scoring/index.js';
import { dropDatabase, freePort, onStopSignals, scratchDir } from '../support/harness.mjs';
import { machineTicks, publishedTemplates, signInAsHr, stealPercent, treeCpuMs } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ITEMS = Number(process.env.BENCH_ITEMS ?? 2000);
if (!Number.isInteger(ITEMS) || ITEMS < 10) throw new Error(`BENCH_ITEMS="${process.env.BENCH_ITEMS}" must be a whole number of at least 10`);
const ACTOR = { 'x-actor': 'bench' };
/** Renders each worker runs at once (its PDF pool): as many writes may be committed but not yet logged when it is killed. */
const WORKER_POOL = Math.max(1, availableParallelism());
const ADMIN_EMAIL = 'bench-admin@bench.example.com';
const PASSWORD = randomBytes(18).toString('base64url');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const cleanups: { what: string; run: () => Promise<void> }[] = [];
async function cleanUp(): Promise<void> {
  for (let c = cleanups.pop(); c; c = cleanups.pop()) {
    await c.run().catch((err: unknown) => console.error(`Clean-up failed (${c?.what}): ${String(err)}`));
  }
}

async function provideDatabase(): Promise<string> {
  const name = `scorecard_scale_${randomBytes(4).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL?.trim();
  if (serverUrl) {
    const url = await ensureDatabase(serverUrl, name);
    cleanups.push({ what: `drop database ${name}`, run: () => dropDatabase(serverUrl, name) });
    console.log(`Database: ${name} on ${new URL(serverUrl).host}`);
    return url;
  }
  const parent = await scratchDir('scorecard-scale-');
  cleanups.push({ what: `remove ${parent}`, run: () => rm(parent, { recursive: true, force: true }) });
  const port = await freePort();
  const server = await startEmbeddedPostgres({ dataDir: join(parent, 'pg'), port, log: () => undefined });
  cleanups.push({ what: 'stop the embedded PostgreSQL', run: () => server.stop() });
  console.log(`Database: embedded PostgreSQL on port ${port}`);
  return ensureDatabase(server.url, name);
}

/** A child process whose output is kept: the workers' item lines are counted from it. */
interface Proc {
  name: string;
  child: ChildProcess;
  lines: string[];
  exited: Promise<void>;
}

function startProc(name: string, entry: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', entry)], {
    cwd: ROOT,
    env: { ...process.env, DEMO_DATA: 'false', ADMIN_EMAIL, ADMIN_PASSWORD: PASSWORD, RATE_LIMIT_PER_MINUTE: '1000000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = { name, child, lines: [], exited: new Promise<void>((r) => child.once('exit', () => r())) };
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        proc.lines.push(line);
        if (/"level":(50|60)|ERROR/.test(line)) process.stderr.write(`  [${name}] ${line.slice(0, 400)}\n`);
      }
    });
  }
  cleanups.push({ what: `stop ${name}`, run: () => stopProc(proc, 'SIGTERM') });
  return proc;
}

async function stopProc(p: Proc, signal: NodeJS.Signals): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  if (!(await Promise.race([p.exited.then(() => true), sleep(20_000).then(() => false)]))) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
}

async function waitForLine(p: Proc, pattern: RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!p.lines.some((l) => pattern.test(l))) {
    if (p.child.exitCode !== null) throw new Error(`${p.name} exited:\n${p.lines.slice(-30).join('\n')}`);
    if (Date.now() > deadline) throw new Error(`${p.name}: no ${String(pattern)} within ${ms} ms:\n${p.lines.slice(-30).join('\n')}`);
    await sleep(200);
  }
}

async function startApp(name: string, url: string): Promise<{ proc: Proc; base: string }> {
  const port = await freePort();
  const proc = startProc(name, 'main.js', { DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RUN_WORKERS: 'false' });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`${name} exited:\n${proc.lines.slice(-30).join('\n')}`);
    const ok = await fetch(`${base}/api/health`, { headers: ACTOR, signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { proc, base };
    if (Date.now() > deadline) throw new Error(`${name} did not answer /api/health within 120 s`);
    await sleep(250);
  }
}

async function startWorker(name: string, url: string): Promise<Proc> {
  const proc = startProc(name, join('exports', 'worker.js'), { DATABASE_URL: url, LOG_LEVEL: 'debug', PDF_POOL_SIZE: String(WORKER_POOL) });
  await waitForLine(proc, /Export worker running/, 120_000);
  return proc;
}

/** ITEMS employees with a draft review each (some scores in), in one open cycle. */
async function seed(url: string): Promise<string> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const templates = await publishedTemplates(db);
    const t = templates.find((r) => r.code === 'account_manager');
    if (!t) throw new Error('No published account_manager template');
    const pinned = {
      templateId: t.template_id,
      templateVersionId: t.version_id,
      versionNumber: t.number,
      roleCode: t.code,
      roleNameZh: t.name_zh,
      roleNameEn: t.name_en,
      kpis: t.kpis,
      bands: t.bands,
    };
    const score = scoreReview(t.kpis, {}, t.bands);
    const ids = Array.from({ length: ITEMS }, () => randomUUID());
    await db.query(
      `INSERT INTO employees (id, employee_no, name, email, role_id, department, hire_date)
       SELECT id, 'S' || lpad(n::text, 5, '0'), '员工 Employee ' || n, 's' || n || '@bench.example.com', $2, '华东销售部 East China Sales', '2020-01-01'
         FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)`,
      [ids, t.role_id],
    );
    const {
      rows: [cycle],
    } = await db.query<{ id: string }>(
      `INSERT INTO cycles (name, period_start, period_end, status) VALUES ('2026 上半年 / 2026 H1', '2026-01-01', '2026-06-30', 'open') RETURNING id`,
    );
    await db.query(
      `INSERT INTO reviews (employee_id, cycle_id, template_version_id, template, inputs, total, complete, band_key, status, stage)
       SELECT id, $2, $3, $4, '{}', $5, $6, $7, 'draft', 'self' FROM unnest($1::uuid[]) AS id`,
      [ids, cycle.id, t.version_id, JSON.stringify(pinned), score.total, score.complete, score.band?.key ?? null],
    );
    return cycle.id;
  } finally {
    await db.end();
  }
}

interface Phase {
  name: string;
  workers: number;
  seconds: number;
  perSecond: number;
  /** Items written per worker (from its log lines). */
  split: Record<string, number>;
  discarded: number;
  done: number;
  failed: number;
  distinctReviews: number;
  writtenTwice: number;
  lost: number;
  unlogged: number;
  killedHeld: number;
  retakenAfterS: number | null;
  cpuMsPerItem: number;
  stealPct: number;
}

const PRINTED = /Printed export item ([0-9a-f-]{36})/;
const DISCARDED = /Export item ([0-9a-f-]{36}) was already printed elsewhere/;

async function exportOnce(
  name: string,
  url: string,
  apps: { base: string }[],
  headers: Record<string, string>,
  cycleId: string,
  workers: Proc[],
  kill: boolean,
): Promise<Phase> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const before = workers.map((w) => w.lines.length);
    const cpuBefore = workers.map((w) => treeCpuMs(w.child.pid ?? 0));
    const ticks = machineTicks();
    const started = Date.now();
    // Asked on one app, followed on the other: neither holds any state of the export.
    const res = await fetch(`${apps[1].base}/api/cycles/${cycleId}/scorecards`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await res.json()) as { id?: string; total?: number };
    if (res.status !== 202 || !body.id) throw new Error(`POST scorecards answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    const jobId = body.id;
    let killedHeld = 0;
    let retakenAfterS: number | null = null;
    let killedAt = 0;
    const cpuOfKilled = { ms: 0 };
    if (kill) {
      // Mid-chunk: the victim has written some items and holds an active chunk with items still pending.
      const victim = workers[0];
      const deadline = Date.now() + 300_000;
      for (;;) {
        const written = victim.lines.slice(before[0]).filter((l) => PRINTED.test(l)).length;
        const { rows } = await db.query<{ held: string }>(
          `SELECT count(*) AS held FROM pgboss.job j JOIN export_items i ON i.id::text IN (SELECT jsonb_array_elements_text(j.data->'itemIds'))
            WHERE j.name = $2 AND j.state = 'active' AND j.data->>'jobId' = $1 AND i.state = 'pending'`,
          [jobId, EXPORT_QUEUE],
        );
        if (written >= 30 && Number(rows[0].held) > 0) break;
        if (Date.now() > deadline) throw new Error('The victim never held a chunk mid-way');
        await sleep(100);
      }
      cpuOfKilled.ms = treeCpuMs(victim.child.pid ?? 0) - cpuBefore[0];
      const { rows: activeBefore } = await db.query<{ id: string }>(`SELECT id FROM pgboss.job WHERE name = $2 AND state = 'active' AND data->>'jobId' = $1`, [
        jobId,
        EXPORT_QUEUE,
      ]);
      victim.child.kill('SIGKILL');
      killedAt = Date.now();
      await victim.exited;
      const { rows: pending } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM export_items WHERE job_id = $1 AND state = 'pending'`, [jobId]);
      killedHeld = Number(pending[0].n);
      console.log(
        `  SIGKILL ${victim.name} at ${((killedAt - started) / 1000).toFixed(1)} s, ${killedHeld} items pending, ${activeBefore.length} chunk(s) active`,
      );
      // The victim's chunks are the ones the survivor takes again (retry_count goes up).
      void (async () => {
        while (retakenAfterS === null) {
          const { rows } = await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM pgboss.job WHERE id = ANY($1::uuid[]) AND retry_count >= 1 AND state IN ('active', 'completed')`,
            [activeBefore.map((r) => r.id)],
          );
          if (Number(rows[0].n) > 0) retakenAfterS = (Date.now() - killedAt) / 1000;
          else await sleep(200);
        }
      })().catch(() => undefined);
    }
    const deadline = Date.now() + 1_800_000;
    for (;;) {
      const r = await fetch(`${apps[0].base}/api/exports/${jobId}`, { headers });
      const e = (await r.json()) as { state?: string };
      if (e.state === 'done' || e.state === 'failed') break;
      if (Date.now() > deadline) throw new Error(`Export ${jobId} not finished in 30 min`);
      await sleep(500);
    }
    const seconds = (Date.now() - started) / 1000;
    const cpu = workers.reduce((n, w, i) => n + (w.child.exitCode === null && w.child.signalCode === null ? treeCpuMs(w.child.pid ?? 0) - cpuBefore[i] : 0), 0);
    const stealPct = stealPercent(ticks, machineTicks());

    const split: Record<string, number> = {};
    const seen = new Map<string, number>();
    let discarded = 0;
    workers.forEach((w, i) => {
      split[w.name] = 0;
      for (const line of w.lines.slice(before[i])) {
        const m = PRINTED.exec(line);
        if (m) {
          split[w.name] += 1;
          seen.set(m[1], (seen.get(m[1]) ?? 0) + 1);
        } else if (DISCARDED.test(line)) discarded += 1;
      }
    });
    const { rows } = await db.query<{ id: string; state: string; review_id: string }>('SELECT id, state, review_id FROM export_items WHERE job_id = $1', [
      jobId,
    ]);
    const done = rows.filter((r) => r.state === 'done');
    const writtenTwice = [...seen.values()].filter((n) => n > 1).length;
    const lost = ITEMS - done.length;
    // Done in the table with no worker's line: only the killed worker may leave such items, one
    // per render it had in flight (it committed the write, then died before logging it).
    const unlogged = done.filter((r) => !seen.has(r.id)).length;
    return {
      name,
      workers: workers.length,
      seconds,
      perSecond: done.length / seconds,
      split,
      discarded,
      done: done.length,
      failed: rows.filter((r) => r.state === 'failed').length,
      distinctReviews: new Set(done.map((r) => r.review_id)).size,
      writtenTwice,
      lost,
      unlogged,
      killedHeld,
      retakenAfterS,
      cpuMsPerItem: (cpu + cpuOfKilled.ms) / Math.max(1, done.length),
      stealPct,
    };
  } finally {
    await db.end();
  }
}

function report(phases: Phase[]): boolean {
  console.log(
    `\nExport of ${ITEMS} scorecards, ${cpus().length} CPU core(s), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const rows = [
    [
      'phase',
      'workers',
      'seconds',
      'PDFs/s',
      'vs single',
      'CPU ms/PDF',
      'steal %',
      'done',
      'failed',
      'lost',
      'written twice',
      'renders discarded',
      'per worker',
    ],
  ];
  const single = phases.find((p) => p.name === 'single');
  for (const p of phases) {
    rows.push([
      p.name,
      String(p.workers),
      p.seconds.toFixed(1),
      p.perSecond.toFixed(1),
      single ? `${(p.perSecond / single.perSecond).toFixed(2)}×` : '-',
      p.cpuMsPerItem.toFixed(0),
      p.stealPct.toFixed(1),
      String(p.done),
      String(p.failed),
      String(p.lost),
      String(p.writtenTwice),
      String(p.discarded),
      Object.entries(p.split)
        .map(([w, n]) => `${w} ${n}`)
        .join(', '),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log('  ' + r.map((cell, c) => (c === 0 || c === 12 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  const killed = phases.find((p) => p.name === 'kill');
  if (killed) {
    console.log(
      `  kill: ${killed.killedHeld} items were pending when the worker died; its chunk was taken again after ${killed.retakenAfterS?.toFixed(1) ?? '(never seen)'} s (lease expiry)`,
    );
  }
  console.log(
    `  On ${cpus().length} cores shared with other work, two workers cannot print faster than one: Chromium already uses the cores. The figures show correctness and the split, not scaling.`,
  );
  let ok = true;
  for (const p of phases) {
    const unloggedOk = p.unlogged === 0 || (p.name === 'kill' && p.unlogged <= WORKER_POOL);
    const exact = p.done === ITEMS && p.failed === 0 && p.lost === 0 && p.writtenTwice === 0 && p.distinctReviews === ITEMS && unloggedOk;
    console.log(
      `  ${exact ? 'PASS' : 'FAIL'}  ${p.name}: ${p.done}/${ITEMS} written, ${p.distinctReviews} distinct reviews, ${p.lost} lost, ${p.writtenTwice} written twice, ` +
        `${p.unlogged} written without a worker's line (the killed worker's last ${WORKER_POOL} writes, one per render in flight, may be)`,
    );
    ok &&= exact;
  }
  return ok;
}

async function main(): Promise<number> {
  const url = await provideDatabase();
  const a = await startApp('app-1', url);
  const b = await startApp('app-2', url);
  const headers = {
    ...ACTOR,
    ...(await signInAsHr(a.base, url, { adminEmail: ADMIN_EMAIL, user: 'bench@bench.example.com', password: PASSWORD, headers: ACTOR })),
  };
  const cycleId = await seed(url);
  console.log(`2 apps (${a.base}, ${b.base}), ${ITEMS} reviews seeded`);
  const phases: Phase[] = [];

  const solo = await startWorker('worker-0', url);
  phases.push(await exportOnce('single', url, [a, b], headers, cycleId, [solo], false));
  console.log(`  single: ${phases[0].perSecond.toFixed(1)} PDFs/s`);
  await stopProc(solo, 'SIGTERM');

  const w1 = await startWorker('worker-1', url);
  const w2 = await startWorker('worker-2', url);
  phases.push(await exportOnce('pair', url, [a, b], headers, cycleId, [w1, w2], false));
  console.log(`  pair: ${phases[1].perSecond.toFixed(1)} PDFs/s`);
  phases.push(await exportOnce('kill', url, [a, b], headers, cycleId, [w1, w2], true));
  return report(phases) ? 0 : 1;
}

let interrupted = false;
onStopSignals((signal) => {
  if (interrupted) return;
  interrupted = true;
  console.error(`\n${signal}: cleaning up`);
  void cleanUp().then(() => process.exit(130));
});

let code: number;
try {
  code = await main();
} catch (err) {
  console.error(`\nBench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  code = 1;
}
if (!interrupted) {
  await cleanUp();
  process.exit(code);
}
