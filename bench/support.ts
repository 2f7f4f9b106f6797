// What the benches share: CPU time of processes, read from /proc. Unlike wall time it hardly
// depends on what else the machine runs (this 2-core VM is shared with other test runs), so runs
// on a busy machine can still be compared. Linux only; elsewhere the figures are 0.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const { Client } = pg;
import type { KpiDefinition, RatingBand } from '../src/scoring/index.js';
import { processTreeSync } from '../src/scorecards/process-tree.js';

/** /proc reports utime and stime in USER_HZ, which Linux fixes at 100 per second. */
export const TICK_MS = 10;

/** Fields after the command in /proc/PID/stat (the command may hold spaces), or null when gone. */
export function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * Milliseconds of CPU (user + system) used so far by the processes; with `reaped`, also by their
 * children that exited and were waited for (cutime + cstime), e.g. PostgreSQL backends that ended
 * or Chromium renderers that were replaced during the measurement.
 */
export function cpuMs(pids: readonly number[], reaped = false): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    // utime, stime, cutime, cstime are fields 14-17 of the line, 12-15 after the name.
    if (f) ticks += Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0);
  }
  return ticks * TICK_MS;
}

/** CPU of a process and all its living descendants, plus what its reaped children used. */
export function treeCpuMs(rootPid: number): number {
  return cpuMs(processTreeSync(rootPid), true);
}

/** The postmaster of a PostgreSQL data folder (first line of postmaster.pid), or null when it does not run. */
export function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The command name of a process ('' when gone). */
export function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** The machine's CPU counters so far (all cores, in ticks): total and stolen by the hypervisor. */
export function machineTicks(): { total: number; steal: number; busy: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const [user, nice, system, , , irq, softirq] = fields;
    return { total: fields.slice(0, 8).reduce((a, b) => a + b, 0), steal: fields[7] ?? 0, busy: user + nice + system + irq + softirq };
  } catch {
    return { total: 0, steal: 0, busy: 0 };
  }
}

/** Per cent of the machine's CPU time the hypervisor gave to other guests between two readings. */
export function stealPercent(before: { total: number; steal: number }, after: { total: number; steal: number }): number {
  const total = after.total - before.total;
  return total > 0 ? ((after.steal - before.steal) / total) * 100 : 0;
}

/** A role's current published template version, as the benches seed reviews against it. */
export interface PublishedTemplateRow {
  role_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  template_id: string;
  version_id: string;
  number: number;
  kpis: KpiDefinition[];
  bands: RatingBand[];
}

/** Every role's newest published template version, one row per template. */
export async function publishedTemplates(db: pg.Client): Promise<PublishedTemplateRow[]> {
  const { rows } = await db.query<PublishedTemplateRow>(
    `SELECT DISTINCT ON (t.id) r.id AS role_id, r.code, r.name_zh, r.name_en, t.id AS template_id, v.id AS version_id, v.number, v.kpis, v.bands
       FROM roles r JOIN kpi_templates t ON t.role_id = r.id JOIN kpi_template_versions v ON v.template_id = t.id AND v.status = 'published'
      ORDER BY t.id, v.number DESC`,
  );
  return rows;
}

/**
 * The HR user gets the first admin's password hash (the app made that admin from ADMIN_EMAIL), so
 * the bench needs no password hashing of its own, then signs in like any API client.
 */
export async function signInAsHr(
  base: string,
  databaseUrl: string,
  who: { adminEmail: string; user: string; password: string; headers: Record<string, string> },
): Promise<Record<string, string>> {
  const { adminEmail: ADMIN_EMAIL, user: BENCH_USER, password: PASSWORD, headers: ACTOR } = who;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const [{ present }] = (await db.query<{ present: boolean }>(`SELECT to_regclass('public.users') IS NOT NULL AS present`)).rows;
    if (!present) return {};
    const made = await db.query(
      `INSERT INTO users (email, password_hash, role, must_change_password) SELECT $1, password_hash, 'hr', false FROM users WHERE email = $2`,
      [BENCH_USER, ADMIN_EMAIL],
    );
    if (made.rowCount !== 1) throw new Error(`The app did not create the first admin ${ADMIN_EMAIL} from ADMIN_EMAIL; cannot sign in`);
  } finally {
    await db.end();
  }
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { ...ACTOR, 'content-type': 'application/json' },
    body: JSON.stringify({ email: BENCH_USER, password: PASSWORD }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /api/auth/login answered ${res.status}: ${text.slice(0, 300)}`);
  const token = (JSON.parse(text) as { token?: unknown }).token;
  if (typeof token !== 'string') throw new Error('POST /api/auth/login returned no token');
  return { authorization: `Bearer ${token}` };
}

/** Runs `count` jobs with at most `concurrency` in flight (`worker`: which of them, 0-based). */
export async function pool(count: number, concurrency: number, job: (i: number, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < count) {
        const i = next++;
        await job(i, worker);
      }
    }),
  );
}

/** Wall milliseconds `fn` took. */
export async function timed(fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}
