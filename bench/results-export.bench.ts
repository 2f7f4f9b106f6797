// Results export of a 10,000-review cycle: GET /api/cycles/:id/results.xlsx and .csv as HR (every
// review), timed from request to last byte, with the app's CPU and peak memory. The app runs in a
// child process, as in bench/api.bench.ts, so the client's own work is not counted as the app's.
//
//   npm run bench:results-export                                         embedded PostgreSQL in /tmp
//   DATABASE_URL=postgres://user@host:5432/db npm run bench:results-export   a throw-away database there
//
// BENCH_RUNS (default 3) downloads per format; the best and the median are printed. Target: under 5 s
// wall time each. The exit code is non-zero only when something broke, never for a missed target.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureDatabase } from '../src/database/database-url.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import type { PinnedTemplate } from '../src/reviews/review.entity.js';
import { type KpiDefinition, type KpiInput, scoreReview } from '../src/scoring/index.js';
import { cpuMs, postmasterPid, publishedTemplates } from './support.js';
import { processTreeSync } from '../src/scorecards/process-tree.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REVIEWS = 10_000;
const TARGET_MS = 5_000;
const ADMIN_EMAIL = 'bench-admin@bench.example.com';
const PASSWORD = randomBytes(18).toString('base64url');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const cleanups: { what: string; run: () => Promise<void> }[] = [];
async function cleanUp(): Promise<boolean> {
  let ok = true;
  for (let c = cleanups.pop(); c; c = cleanups.pop()) {
    try {
      await c.run();
    } catch (err) {
      ok = false;
      console.error(`Clean-up failed (${c.what}): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return ok;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

let dataDir: string | undefined;

async function provideDatabase(): Promise<string> {
  const name = `scorecard_bench_${randomBytes(4).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL?.trim();
  if (serverUrl) {
    const url = await ensureDatabase(serverUrl, name);
    cleanups.push({
      what: `drop database ${name}`,
      run: async () => {
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`).finally(() => c.end());
      },
    });
    return url;
  }
  const parent = await mkdtemp('/tmp/scorecard-bench-');
  cleanups.push({ what: `remove ${parent}`, run: () => rm(parent, { recursive: true, force: true }) });
  await chmod(parent, 0o755);
  dataDir = join(parent, 'pg');
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: () => undefined });
  cleanups.push({ what: 'stop the embedded PostgreSQL', run: () => server.stop() });
  return ensureDatabase(server.url, name);
}

async function startApp(databaseUrl: string): Promise<{ base: string; pid: number }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      RUN_WORKERS: 'false',
      ADMIN_EMAIL,
      ADMIN_PASSWORD: PASSWORD,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  cleanups.push({
    what: 'stop the app',
    run: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      if (!(await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]))) child.kill('SIGKILL');
      await exited;
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The app exited (${child.exitCode}) before it answered`);
    const ok = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok && child.pid) return { base, pid: child.pid };
    await sleep(250);
  }
  throw new Error('The app did not answer GET /api/health within 120 s');
}

async function signIn(base: string): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: PASSWORD }),
  });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 200 || !body.token) throw new Error(`sign-in answered ${res.status}`);
  return { authorization: `Bearer ${body.token}` };
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function inputsFor(kpis: KpiDefinition[], rnd: () => number): Record<string, KpiInput> {
  const inputs: Record<string, KpiInput> = {};
  for (const k of kpis) {
    if (rnd() < 0.1) continue;
    inputs[k.key] =
      k.rule.type === 'rating'
        ? { rating: k.rule.min + Math.floor(rnd() * (k.rule.max - k.rule.min + 1)) }
        : { actual: Math.round(k.rule.target * (0.5 + rnd())) };
  }
  return inputs;
}

/** 10,000 people (a manager per 25) with a review each, straight into the tables. */
async function seed(databaseUrl: string): Promise<string> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('SET synchronous_commit = off');
    const versions = await publishedTemplates(db);
    const byCode = new Map(versions.map((v) => [v.code, v]));
    const rnd = prng(20_260_701);
    interface Person {
      id: string;
      no: string;
      code: string;
      managerId: string | null;
    }
    const people: Person[] = [];
    let manager: string | null = null;
    for (let i = 0; i < REVIEWS; i++) {
      const isManager = i % 25 === 0;
      const p: Person = {
        id: randomUUID(),
        no: `${isManager ? 'M' : 'E'}${String(i).padStart(5, '0')}`,
        code: isManager ? 'manager' : 'account_manager',
        managerId: isManager ? null : manager,
      };
      if (isManager) manager = p.id;
      people.push(p);
    }
    const {
      rows: [cycle],
    } = await db.query<{ id: string }>(
      `INSERT INTO cycles (name, period_start, period_end, status) VALUES ('2026 上半年 / 2026 H1', '2026-01-01', '2026-06-30', 'open') RETURNING id`,
    );
    await db.query('BEGIN');
    for (let at = 0; at < people.length; at += 2000) {
      const batch = people.slice(at, at + 2000);
      await db.query(
        `INSERT INTO employees (id, employee_no, name, email, role_id, department, manager_id, hire_date)
         SELECT u.id, u.no, u.name, u.email, u.role_id, u.dept, u.manager_id, '2020-01-01' FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::uuid[], $6::varchar[], $7::uuid[]) AS u(id, no, name, email, role_id, dept, manager_id)`,
        [
          batch.map((p) => p.id),
          batch.map((p) => p.no),
          batch.map((p) => `员工 ${p.no} Employee`),
          batch.map((p) => `${p.no.toLowerCase()}@bench.example.com`),
          batch.map((p) => byCode.get(p.code)?.role_id),
          batch.map((_, i) => `部门 ${i % 8} Department`),
          batch.map((p) => p.managerId),
        ],
      );
      const reviews = batch.map((p) => {
        const v = byCode.get(p.code);
        if (!v) throw new Error(`no template for ${p.code}`);
        const inputs = inputsFor(v.kpis, rnd);
        const s = scoreReview(v.kpis, inputs, v.bands);
        const finalized = rnd() < 0.3;
        const template: PinnedTemplate = {
          templateId: v.template_id,
          templateVersionId: v.version_id,
          versionNumber: v.number,
          roleCode: v.code,
          roleNameZh: v.name_zh,
          roleNameEn: v.name_en,
          kpis: v.kpis,
          bands: v.bands,
        };
        return { p, v, inputs, s, finalized, template };
      });
      await db.query(
        `INSERT INTO reviews (employee_id, cycle_id, template_version_id, template, inputs, total, complete, band_key, status, stage, finalized_at)
         SELECT u.employee_id, $1, u.version_id, u.template, u.inputs, u.total, u.complete, u.band_key, u.status,
                CASE WHEN u.status = 'finalized' THEN 'done' ELSE 'hr' END, u.finalized_at
           FROM unnest($2::uuid[], $3::uuid[], $4::jsonb[], $5::jsonb[], $6::numeric[], $7::boolean[], $8::varchar[], $9::varchar[], $10::timestamptz[])
             AS u(employee_id, version_id, template, inputs, total, complete, band_key, status, finalized_at)`,
        [
          cycle.id,
          reviews.map((r) => r.p.id),
          reviews.map((r) => r.v.version_id),
          reviews.map((r) => JSON.stringify(r.template)),
          reviews.map((r) => JSON.stringify(r.inputs)),
          reviews.map((r) => r.s.total),
          reviews.map((r) => r.s.complete),
          reviews.map((r) => r.s.band?.key ?? null),
          reviews.map((r) => (r.finalized ? 'finalized' : 'draft')),
          reviews.map((r) => (r.finalized ? new Date().toISOString() : null)),
        ],
      );
    }
    await db.query('COMMIT');
    await db.query('VACUUM ANALYZE');
    return cycle.id;
  } finally {
    await db.end();
  }
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

interface Run {
  ms: number;
  appCpuMs: number;
  dbCpuMs: number;
  peakRssMb: number;
  bytes: number;
}

async function download(url: string, headers: Record<string, string>, appPid: number): Promise<Run> {
  const db = () => {
    const postmaster = dataDir ? postmasterPid(dataDir) : null;
    return postmaster ? cpuMs(processTreeSync(postmaster)) : 0;
  };
  const cpu0 = cpuMs([appPid]);
  const db0 = db();
  let peak = rssMb(appPid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(appPid));
  }, 10);
  const started = performance.now();
  const res = await fetch(url, { headers });
  if (res.status !== 200 || !res.body) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Uint8Array).byteLength;
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(appPid));
  return { ms, appCpuMs: cpuMs([appPid]) - cpu0, dbCpuMs: db() - db0, peakRssMb: peak, bytes };
}

async function main(): Promise<number> {
  console.log(
    `Results export bench: ${REVIEWS.toLocaleString('en')} reviews, ${RUNS} downloads per format; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const url = await provideDatabase();
  const { base, pid } = await startApp(url);
  const t0 = Date.now();
  const cycleId = await seed(url);
  console.log(`Seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const headers = await signIn(base);
  // Warm-up (code paths compiled, pool connected), then the measured runs.
  await download(`${base}/api/cycles/${cycleId}/results.csv`, headers, pid);
  const idle = rssMb(pid);
  console.log(`App RSS at rest after warm-up: ${idle.toFixed(0)} MB`);
  let missed = false;
  for (const format of ['xlsx', 'csv'] as const) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await download(`${base}/api/cycles/${cycleId}/results.${format}`, headers, pid));
    const sorted = [...runs].sort((a, b) => a.ms - b.ms);
    const median = sorted[Math.floor(sorted.length / 2)];
    const best = sorted[0];
    const peak = Math.max(...runs.map((r) => r.peakRssMb));
    if (median.ms > TARGET_MS) missed = true;
    console.log(
      `results.${format}: ${(median.bytes / 1e6).toFixed(1)} MB; wall median ${median.ms.toFixed(0)} ms (best ${best.ms.toFixed(0)}), app CPU ${median.appCpuMs} ms, PostgreSQL CPU ${median.dbCpuMs} ms, peak RSS ${peak.toFixed(0)} MB (+${(peak - idle).toFixed(0)} MB over rest); target < ${TARGET_MS} ms: ${median.ms <= TARGET_MS ? 'met' : 'MISSED'}`,
    );
  }
  console.log(
    `Load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}${missed ? ' (a missed target on a loaded machine: compare CPU, not wall time)' : ''}`,
  );
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void cleanUp().then(() => process.exit(130)));
}
let code: number;
try {
  code = await main();
} catch (err) {
  console.error(`\nBench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  code = 1;
}
if (!(await cleanUp())) code = 1;
process.exit(code);
