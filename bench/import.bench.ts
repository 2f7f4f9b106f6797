// npm run bench:import: the employee and KPI-actuals imports at full size (issue 14, section 7),
// as XLSX and as CSV, each a dry run then a commit against the real app (a child process) on an
// embedded PostgreSQL. Prints wall time, CPU time (app + PostgreSQL, from /proc), rows/s and the
// app's peak RSS above its idle RSS. Targets: dry run + commit < 15 s, peak RSS < 300 MB above idle.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { ensureDatabase } from '../src/database/database-url.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { processTreeSync } from '../src/scorecards/process-tree.js';
import { cpuMs, postmasterPid } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const N = Number(process.env.BENCH_IMPORT_ROWS ?? 10_000);
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-import-key-4242' };
const KEYS = [
  'sales_attainment',
  'customer_satisfaction',
  'customer_retention',
  'relationship_upkeep',
  'communication',
  'selling',
  'customer_service',
  'problem_solving',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
const rssMb = (pid: number): number => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
};

async function xlsx(rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('data');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const csv = (rows: (string | number)[][]) => Buffer.from(`\ufeff${rows.map((r) => r.join(',')).join('\r\n')}\r\n`);

function employeeRows(tag: string): (string | number)[][] {
  const rows: (string | number)[][] = [
    [
      '工号 / Employee number',
      '姓名 / Name',
      '邮箱 / Email',
      '部门 / Department',
      '角色代码 / Role code',
      "上级工号 / Manager's employee number",
      '入职日期 / Hire date',
      '在职 / Active',
    ],
  ];
  for (let i = 0; i < N; i++) {
    const manager = i < 50 ? '' : `${tag}${String(i % 50).padStart(5, '0')}`;
    rows.push([
      `${tag}${String(i).padStart(5, '0')}`,
      `员工 ${tag} ${i}`,
      `${tag.toLowerCase()}${i}@example.com`,
      `部门 ${i % 40}`,
      i < 50 ? 'manager' : 'account_manager',
      manager,
      '2024/3/15',
      'true',
    ]);
  }
  return rows;
}

function actualRows(tag: string): (string | number)[][] {
  const rows: (string | number)[][] = [['工号 / Employee number', '姓名 / Name', ...KEYS]];
  for (let i = 50; i < N + 50; i++)
    rows.push([
      `${tag}${String(i).padStart(5, '0')}`,
      `员工 ${i}`,
      1_500_000 + i,
      80 + (i % 20),
      60 + (i % 40),
      30 + (i % 30),
      1 + (i % 5),
      1 + ((i + 1) % 5),
      1 + ((i + 2) % 5),
      1 + ((i + 3) % 5),
    ]);
  return rows;
}

async function main(): Promise<void> {
  const parent = await mkdtemp('/tmp/scorecard-bench-import-');
  await chmod(parent, 0o755);
  const pgPort = await freePort();
  const dataDir = join(parent, 'pg');
  const server = await startEmbeddedPostgres({ dataDir, port: pgPort, log: () => {} });
  let child: ChildProcess | null = null;
  try {
    const url = await ensureDatabase(server.url, 'scorecard_bench_import');
    const json = { 'content-type': 'application/json' };
    const hr = { email: 'bench-hr@example.com', password: 'bench-import-key-4243' };
    let base = '';
    let auth: Record<string, string> = {};
    let appPid = 0;
    let idle = 0;
    const pgPid = postmasterPid(dataDir) ?? 0;
    const cpu = () => cpuMs([appPid], true) + cpuMs(processTreeSync(pgPid), true);
    const stopApp = async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child?.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      child = null;
    };
    // Every run gets a freshly started app, so its peak RSS is measured above that app's own idle RSS
    // and never inherits what an earlier run left on the heap.
    const startApp = async () => {
      await stopApp();
      const port = await freePort();
      const started = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
        cwd: ROOT,
        env: {
          ...process.env,
          DATABASE_URL: url,
          PORT: String(port),
          HOST: '127.0.0.1',
          DEMO_DATA: 'false',
          LOG_LEVEL: 'warn',
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          RATE_LIMIT_PER_MINUTE: '1000000',
          RUN_WORKERS: 'false',
          IMPORT_MAX_ROWS: String(Math.max(10_000, N)),
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child = started;
      started.on('exit', (code, signal) => {
        if (code !== 0 && signal !== 'SIGTERM') console.error(`The app exited: code ${code}, signal ${signal}`);
      });
      base = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        if (i > 240) throw new Error('the app did not start');
        if ((await fetch(`${base}/api/health`).catch(() => null))?.ok) break;
        await sleep(500);
      }
      appPid = started.pid ?? 0;
      const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(hr) });
      if (login.ok) auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
      await sleep(2000);
      idle = rssMb(appPid);
    };
    await startApp();
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(ADMIN) });
    const admin = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
    // Cycles are HR's: an HR user does every step, as on a real install.
    await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: { ...admin, ...json },
      body: JSON.stringify({ email: hr.email, role: 'hr', employeeId: null, password: 'temporary-pass-1' }),
    });
    const first = (await (
      await fetch(`${base}/api/auth/login`, { method: 'POST', headers: json, body: JSON.stringify({ email: hr.email, password: 'temporary-pass-1' }) })
    ).json()) as { token: string };
    await fetch(`${base}/api/auth/change-password`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.token}`, ...json },
      body: JSON.stringify({ currentPassword: 'temporary-pass-1', newPassword: hr.password }),
    });
    auth = { authorization: `Bearer ${first.token}` };
    console.log(
      `Import bench: ${N} employees and ${N} × ${KEYS.length} KPI actuals; each run in a freshly started app; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );

    const run = async (label: string, path: string, bytes: Buffer, name: string, rows: number) => {
      await startApp();
      let peak = rssMb(appPid);
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(appPid))), 25);
      const cpu0 = cpu();
      const t0 = performance.now();
      const times: string[] = [];
      try {
        for (const mode of ['dry-run', 'commit']) {
          const s = performance.now();
          const form = new FormData();
          form.append('file', new Blob([new Uint8Array(bytes)]), name);
          const res = await fetch(`${base}${path}?mode=${mode}`, { method: 'POST', headers: auth, body: form });
          const body = (await res.json()) as { counts?: unknown; message?: string };
          if (res.status !== 200) throw new Error(`${label} ${mode}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
          times.push(`${mode} ${((performance.now() - s) / 1000).toFixed(1)} s (${JSON.stringify(body.counts)})`);
        }
      } finally {
        clearInterval(sampler);
      }
      const wall = (performance.now() - t0) / 1000;
      const cpuS = (cpu() - cpu0) / 1000;
      console.log(
        `${label.padEnd(22)} ${(bytes.length / 1024 / 1024).toFixed(1).padStart(5)} MB  wall ${wall.toFixed(1).padStart(5)} s  CPU ${cpuS.toFixed(1).padStart(5)} s  ` +
          `${Math.round(rows / wall)
            .toString()
            .padStart(
              6,
            )} rows/s  peak RSS +${(peak - idle).toFixed(0)} MB (idle ${idle.toFixed(0)})  ${wall < 15 && peak - idle < 300 ? 'PASS' : 'FAIL'}   [${times.join('; ')}]`,
      );
    };
    for (const [format, tag] of [
      ['csv', 'C'],
      ['xlsx', 'X'],
    ] as const) {
      const make = format === 'csv' ? (r: (string | number)[][]) => Promise.resolve(csv(r)) : xlsx;
      await run(`employees ${format}`, '/api/imports/employees', await make(employeeRows(tag)), `employees.${format}`, N);
    }
    const cycles: string[] = [];
    for (const name of ['Bench C', 'Bench X']) {
      const created = (await (
        await fetch(`${base}/api/cycles`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ name, periodStart: '2026-01-01', periodEnd: '2026-06-30' }),
        })
      ).json()) as { id: string; version: number };
      await fetch(`${base}/api/cycles/${created.id}/open`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ version: created.version }),
      });
      cycles.push(created.id);
    }
    for (const [i, [format, tag]] of (
      [
        ['csv', 'C'],
        ['xlsx', 'X'],
      ] as const
    ).entries()) {
      const make = format === 'csv' ? (r: (string | number)[][]) => Promise.resolve(csv(r)) : xlsx;
      const rows = actualRows(tag).slice(0, N - 50 + 1);
      await run(`actuals ${format} (wide)`, `/api/imports/cycles/${cycles[i]}/actuals`, await make(rows), `actuals.${format}`, (rows.length - 1) * KEYS.length);
    }
    console.log('(wall and rows/s include upload and both steps; CPU: app + all PostgreSQL processes, from /proc; the machine is shared, see load average)');
  } finally {
    const last = child as ChildProcess | null;
    if (last && last.exitCode === null) {
      const exited = new Promise((r) => last.once('exit', r));
      last.kill('SIGTERM');
      await exited;
    }
    await server.stop();
    await rm(parent, { recursive: true, force: true });
  }
}

await main();
