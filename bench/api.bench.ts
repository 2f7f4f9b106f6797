// Load test of the HTTP API on a realistic amount of data: by default 10,000 employees with a review
// each in the open cycle, a finalized one in each of 3 earlier cycles, and 10 audit rows per employee.
// The app runs in a child process so that the load generator (autocannon, here) and the server
// never share an event loop: otherwise the generator's own work would be counted as server latency.
//
//   npm run bench:api                                               embedded PostgreSQL in /tmp
//   DATABASE_URL=postgres://user@host:5432/db npm run bench:api    a throw-away database on that server
//
// The scale is the number of employees: `npm run bench:api -- --scale 100k` or BENCH_SCALE=100k.
// A list (`--scale 10k,100k`) runs each scale in turn, on its own database and app, and prints the
// growth of p95 and of CPU per request from the first to the last: ratios within one run, so a
// busy machine skews both sides alike.
//
// BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2) and BENCH_CONNECTIONS (default 10)
// shorten or widen a run; BENCH_ONLY=<part of a scenario's name> runs only the matching ones; BENCH_KEEP=1 keeps the app and database up afterwards, until Ctrl-C, to
// look into a slow query. The exit code is non-zero only when something broke (set-up, seeding,
// requests that failed or were refused), never because a latency target was missed.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { ensureDatabase } from '../src/database/database-url.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import type { PinnedTemplate } from '../src/reviews/review.entity.js';
import { processTreeSync } from '../src/scorecards/process-tree.js';
import { type KpiDefinition, type KpiInput, scoreReview } from '../src/scoring/index.js';
import { dropDatabase, freePort, onStopSignals, scratchDir } from '../support/harness.mjs';
import { EARLIER_CYCLES, parseScale, seedHistory } from './api-history.js';
import { cpuMs as cpuMsOf, machineTicks, postmasterPid, publishedTemplates, signInAsHr, stealPercent } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let EMPLOYEES = 10_000;
/** Audit rows per employee: 1,000,000 at 100k. */
const AUDIT_PER_EMPLOYEE = 10;
const DEPARTMENTS = [
  '华东销售部 East China Sales',
  '华北销售部 North China Sales',
  '华南销售部 South China Sales',
  '西南销售部 Southwest Sales',
  '大客户部 Key Accounts',
  '渠道合作部 Channel Partners',
  '海外业务部 International',
  '客户成功部 Customer Success',
];
const TEAM_LEADS_PER_DEPARTMENT = 12;
const TARGET_P95_MS = 50;
const ACTOR = { 'x-actor': 'bench' };
// Builds with sign-in refuse X-Actor alone: the bench signs in as this HR user (HR may write scores)
// and sends its bearer token beside X-Actor. Builds without sign-in ignore all of this.
const ADMIN_EMAIL = 'bench-admin@bench.example.com';
const BENCH_USER = 'bench@bench.example.com';
const PASSWORD = randomBytes(18).toString('base64url');
let signedIn: Record<string, string> = {};
const requestHeaders = (): Record<string, string> => ({ ...ACTOR, ...signedIn });

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}="${raw}" must be a whole number of at least ${min}`);
  return n;
}
const DURATION_S = envInt('BENCH_DURATION', 10, 1);
const WARMUP_S = envInt('BENCH_WARMUP', 2, 0);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 10, 1);
const ONLY = process.env.BENCH_ONLY ?? '';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Clean-up runs in reverse order of set-up, on success, on failure and on Ctrl-C alike, so that no
// database, server or temp folder outlives the run.

interface Cleanup {
  what: string;
  run: () => Promise<void>;
}
const cleanups: Cleanup[] = [];

async function cleanUp(): Promise<boolean> {
  let ok = true;
  for (let c = cleanups.pop(); c; c = cleanups.pop()) {
    try {
      await c.run();
    } catch (err) {
      ok = false;
      console.error(`Clean-up failed (${c.what}): ${message(err)}`);
    }
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------
// Database

// ---------------------------------------------------------------------------------------------
// CPU per request, read from /proc: unlike latency it hardly depends on what else the machine
// runs, so runs on a busy machine can still be compared.

let appPid: number | undefined;
let embeddedDataDir: string | undefined;

/** Milliseconds of CPU used so far by the app and, when embedded, by every PostgreSQL process. */
function cpuMs(): { app: number | null; db: number | null } {
  if (process.platform !== 'linux') return { app: null, db: null };
  const app = appPid ? cpuMsOf([appPid]) : null;
  if (!embeddedDataDir) return { app, db: null };
  const postmaster = postmasterPid(embeddedDataDir);
  // Living backends only (the app's pool keeps its connections), as before the helper was shared.
  return { app, db: postmaster ? cpuMsOf(processTreeSync(postmaster)) : null };
}

async function provideDatabase(): Promise<{ url: string; where: string }> {
  const name = `scorecard_bench_${randomBytes(4).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL?.trim();
  if (serverUrl) {
    const url = await ensureDatabase(serverUrl, name);
    cleanups.push({ what: `drop database ${name}`, run: () => dropDatabase(serverUrl, name) });
    return { url, where: `database ${name} on ${new URL(serverUrl).host} (DATABASE_URL)` };
  }
  // /tmp rather than os.tmpdir(): as root, PostgreSQL runs as "postgres", and TMPDIR may point
  // somewhere that user cannot enter.
  const parent = await scratchDir('scorecard-bench-');
  cleanups.push({ what: `remove ${parent}`, run: () => rm(parent, { recursive: true, force: true }) });
  const port = await freePort();
  embeddedDataDir = join(parent, 'pg');
  const server = await startEmbeddedPostgres({ dataDir: embeddedDataDir, port, log: (line) => console.log(`  ${line}`) });
  cleanups.push({ what: 'stop the embedded PostgreSQL', run: () => server.stop() });
  // The whole cluster is deleted afterwards, so the database needs no drop of its own.
  return { url: await ensureDatabase(server.url, name), where: `embedded PostgreSQL on port ${port}, data in ${parent}` };
}

// ---------------------------------------------------------------------------------------------
// The app, as a child process

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const inTime = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
  if (!inTime) {
    child.kill('SIGKILL');
    await exited;
  }
}

async function startApp(databaseUrl: string): Promise<string> {
  const port = await freePort();
  // BENCH_APP_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the app under load.
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      ADMIN_EMAIL,
      ADMIN_PASSWORD: PASSWORD,
      // All load comes from one address; the default per-client limit would turn most of it into
      // 429s, and the bench measures the API, not the limiter.
      RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  appPid = child.pid;
  cleanups.push({ what: 'stop the app', run: () => stopChild(child) });

  // Kept to explain a failed start; everything the app says is also shown as it comes.
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        process.stderr.write(`  [app] ${line}\n`);
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    });
  }
  let exit: string | null = null;
  child.on('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `code ${code}`;
  });

  const base = `http://127.0.0.1:${port}`;
  // Migrations and default roles run before the app listens; on a busy machine that takes a while.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exit !== null) throw new Error(`The app exited (${String(exit)}) before it answered:\n${tail.join('\n')}`);
    try {
      const res = await fetch(`${base}/api/health`, { headers: ACTOR, signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return base;
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  throw new Error(`The app did not answer GET /api/health with 200 within 120 s:\n${tail.join('\n')}`);
}

async function signIn(base: string, databaseUrl: string): Promise<Record<string, string>> {
  return signInAsHr(base, databaseUrl, { adminEmail: ADMIN_EMAIL, user: BENCH_USER, password: PASSWORD, headers: ACTOR });
}

// ---------------------------------------------------------------------------------------------
// Seeding, straight into the tables: going through the API would take minutes and is not what
// this bench measures.

/** Deterministic, so two runs load the same organisation and stay comparable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split(
    '',
  );
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞辉宇欣婷浩然子涵梓晨博文轩思雨佳怡嘉琪俊凯悦雪琳建国志海波斌峰鑫晓东'.split('');
const FIRST = [
  'James',
  'Mary',
  'John',
  'Patricia',
  'Robert',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Daniel',
  'Emily',
  'Kevin',
  'Grace',
  'Olivia',
  'Sophia',
  'Ethan',
  'Chloe',
  'Ryan',
  'Hannah',
  'Jason',
  'Amy',
  'Eric',
  'Vivian',
  'Leo',
  'Iris',
  'Tony',
  'Cindy',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thompson',
  'Moore',
  'Chen',
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Wong',
  'Lee',
  'Lin',
  'Wu',
  'Huang',
  'Ho',
  'Tan',
];
const STRENGTHS = [
  '客户关系稳固，复购率高。Strong relationships and repeat business.',
  'Closed two key accounts ahead of plan.',
  '跨部门协作积极，方案质量高。',
];
const CHALLENGES = ['新客户开拓偏慢。New-logo acquisition was slow.', 'Pipeline hygiene in the CRM needs work.', '大客户续约周期长，回款压力大。'];
const PLANS = [
  '参加谈判技巧培训；Q3 前带教一名新人。',
  'Own the partner channel pilot next period.',
  'Deepen product knowledge: two certifications by year end.',
];

interface Person {
  id: string;
  employeeNo: string;
  name: string;
  email: string;
  roleCode: 'manager' | 'account_manager';
  department: string;
  managerId: string | null;
  hireDate: string;
}

interface RoleTemplate {
  roleId: string;
  pinned: PinnedTemplate;
}

type ReviewStatus = 'draft' | 'submitted' | 'finalized';

interface SeededReview {
  id: string;
  employeeId: string;
  roleCode: string;
  inputs: Record<string, KpiInput>;
  total: number;
  complete: boolean;
  bandKey: string | null;
  status: ReviewStatus;
  strengths: string;
  challenges: string;
  developmentPlan: string;
  managerComment: string;
  submittedAt: string | null;
  finalizedAt: string | null;
  finalizedBy: string | null;
  version: number;
}

/** The pinned copy a new review gets: the same fields ReviewWorkflow.create pins (pinnedFrom in review.rules.ts). */
async function loadTemplates(db: pg.Client): Promise<Map<string, RoleTemplate>> {
  const rows = await publishedTemplates(db);
  const templates = new Map<string, RoleTemplate>();
  for (const r of rows) {
    templates.set(r.code, {
      roleId: r.role_id,
      pinned: {
        templateId: r.template_id,
        templateVersionId: r.version_id,
        versionNumber: r.number,
        roleCode: r.code,
        roleNameZh: r.name_zh,
        roleNameEn: r.name_en,
        kpis: r.kpis,
        bands: r.bands,
      },
    });
  }
  for (const code of ['manager', 'account_manager']) {
    if (!templates.has(code)) throw new Error(`Role ${code} has no published template; did the app create the default roles?`);
  }
  return templates;
}

function buildOrganisation(rnd: () => number): Person[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  // About a quarter English names, as in a Chinese company with international staff; namesakes
  // are kept, since real searches must cope with them too.
  const name = (): string => (rnd() < 0.25 ? `${pick(FIRST)} ${pick(LAST)}` : pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.6 ? pick(GIVEN) : ''));
  const hireDate = (fromYear: number): string => {
    const d = new Date(Date.UTC(fromYear, 0, 1) + Math.floor(rnd() * (Date.UTC(2025, 11, 31) - Date.UTC(fromYear, 0, 1))));
    return d.toISOString().slice(0, 10);
  };
  const person = (employeeNo: string, roleCode: Person['roleCode'], department: string, managerId: string | null, from: number): Person => ({
    id: randomUUID(),
    employeeNo,
    name: name(),
    email: `${employeeNo.toLowerCase()}@bench.example.com`,
    roleCode,
    department,
    managerId,
    hireDate: hireDate(from),
  });

  // A general manager, a head per department, team leads under each head, and account managers
  // under the leads: every employee but the general manager has a manager. Managers come first so
  // that each insert batch only points at managers already inserted.
  let m = 0;
  const managerNo = () => `M${String(++m).padStart(4, '0')}`;
  const gm = person(managerNo(), 'manager', '总经理办公室 General Management', null, 2008);
  const heads = DEPARTMENTS.map((d) => person(managerNo(), 'manager', d, gm.id, 2010));
  const leads = heads.flatMap((h) => Array.from({ length: TEAM_LEADS_PER_DEPARTMENT }, () => person(managerNo(), 'manager', h.department, h.id, 2012)));
  const people = [gm, ...heads, ...leads];
  for (let i = 1; people.length < EMPLOYEES; i++) {
    const lead = pick(leads);
    people.push(person(`E${String(i).padStart(5, '0')}`, 'account_manager', lead.department, lead.id, 2015));
  }
  return people;
}

/** Inputs as a manager would enter them: attainment mostly around target, ratings mostly 3-4. */
function inputsFor(kpis: KpiDefinition[], share: number, rnd: () => number): Record<string, KpiInput> {
  const inputs: Record<string, KpiInput> = {};
  for (const k of kpis.slice(0, Math.ceil(kpis.length * share))) {
    const comment = rnd() < 0.15 ? '见季度复盘 / see quarterly review' : null;
    if (k.rule.type === 'rating') {
      const { min, max } = k.rule;
      inputs[k.key] = { rating: Math.min(max, Math.max(min, min + 1 + Math.floor(rnd() * (max - min)))), comment };
    } else {
      // Some people carry a personal quota instead of the template's target.
      const personal = k.rule.target >= 1000 && rnd() < 0.3 ? Math.round((k.rule.target * (0.75 + rnd() * 0.5)) / 1000) * 1000 : null;
      const target = personal ?? k.rule.target;
      const attainment = 0.55 + rnd() * 0.75;
      const raw = k.rule.direction === 'higher' ? target * attainment : target / attainment;
      const actual = target >= 1000 ? Math.round(raw / 1000) * 1000 : Math.round(raw);
      inputs[k.key] = { actual, target: personal, comment };
    }
  }
  return inputs;
}

function buildReviews(people: Person[], templates: Map<string, RoleTemplate>, rnd: () => number): SeededReview[] {
  const now = Date.now();
  const daysAgo = (max: number) => new Date(now - Math.floor(rnd() * max * 86_400_000)).toISOString();
  return people.map((p) => {
    const template = templates.get(p.roleCode);
    if (!template) throw new Error(`No template for role ${p.roleCode}`);
    const { kpis, bands } = template.pinned;
    // Mostly drafts (so score writes are allowed), in every stage of filling in, then some
    // submitted and finalized. Versions count the writes each stage took through the API.
    const x = rnd();
    const [status, share, version]: [ReviewStatus, number, number] =
      x < 0.1 ? ['draft', 0, 1] : x < 0.25 ? ['draft', 0.5, 2] : x < 0.75 ? ['draft', 1, 3] : x < 0.9 ? ['submitted', 1, 4] : ['finalized', 1, 5];
    const inputs = inputsFor(kpis, share, rnd);
    const s = scoreReview(kpis, inputs, bands);
    const written = share > 0;
    const n = Math.floor(rnd() * STRENGTHS.length);
    const submittedAt = status === 'draft' ? null : daysAgo(20);
    return {
      id: randomUUID(),
      employeeId: p.id,
      roleCode: p.roleCode,
      inputs,
      total: s.total,
      complete: s.complete,
      bandKey: s.band?.key ?? null,
      status,
      strengths: written ? STRENGTHS[n] : '',
      challenges: written ? CHALLENGES[n] : '',
      developmentPlan: written ? PLANS[n] : '',
      managerComment: status === 'draft' ? '' : '同意评估结果。Agreed with the assessment.',
      submittedAt,
      finalizedAt: status === 'finalized' ? new Date(Math.min(now, Date.parse(submittedAt ?? '') + 86_400_000 * 3)).toISOString() : null,
      finalizedBy: status === 'finalized' ? 'hr@bench.example.com' : null,
      version,
    };
  });
}

const BATCH = 2_000;

function chunks<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += BATCH) out.push(xs.slice(i, i + BATCH));
  return out;
}

interface Seeded {
  cycleId: string;
  employeeNos: string[];
  reviewIds: string[];
  ms: number;
  /** Of ms: the earlier cycles and the audit log. */
  historyMs: number;
  earlierReviews: number;
  auditRows: number;
}

async function seed(databaseUrl: string): Promise<Seeded> {
  const started = Date.now();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // Nothing here needs to survive a crash: the database is thrown away either way.
    await db.query('SET synchronous_commit = off');
    const templates = await loadTemplates(db);
    const rnd = prng(20_260_101);
    const people = buildOrganisation(rnd);

    await db.query('BEGIN');
    for (const batch of chunks(people)) {
      await db.query(
        `INSERT INTO employees (id, employee_no, name, email, role_id, department, manager_id, hire_date)
         SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::uuid[], $6::varchar[], $7::uuid[], $8::date[])`,
        [
          batch.map((p) => p.id),
          batch.map((p) => p.employeeNo),
          batch.map((p) => p.name),
          batch.map((p) => p.email),
          batch.map((p) => templates.get(p.roleCode)?.roleId),
          batch.map((p) => p.department),
          batch.map((p) => p.managerId),
          batch.map((p) => p.hireDate),
        ],
      );
    }
    const {
      rows: [cycle],
    } = await db.query<{ id: string }>(
      `INSERT INTO cycles (name, period_start, period_end, status) VALUES ('2026 上半年 / 2026 H1', '2026-01-01', '2026-06-30', 'open') RETURNING id`,
    );

    const reviews = buildReviews(people, templates, rnd);
    const roleCodes = [...templates.keys()];
    for (const batch of chunks(reviews)) {
      // The pinned template is the same for everyone of a role, so it travels once per role
      // and is joined in, rather than 10,000 times.
      await db.query(
        `INSERT INTO reviews (id, employee_id, cycle_id, template_version_id, template, inputs, total, complete, band_key, status, stage,
                              strengths, challenges, development_plan, manager_comment, submitted_at, finalized_at, finalized_by, version)
         SELECT u.id, u.employee_id, $1, t.version_id, t.template, u.inputs, u.total, u.complete, u.band_key, u.status,
                CASE WHEN u.status = 'finalized' THEN 'done' ELSE 'hr' END,
                u.strengths, u.challenges, u.development_plan, u.manager_comment, u.submitted_at, u.finalized_at, u.finalized_by, u.version
           FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::jsonb[], $6::numeric[], $7::boolean[], $8::varchar[], $9::varchar[],
                       $10::text[], $11::text[], $12::text[], $13::text[], $14::timestamptz[], $15::timestamptz[], $16::varchar[], $17::int[])
                AS u(id, employee_id, role_code, inputs, total, complete, band_key, status, strengths, challenges, development_plan,
                     manager_comment, submitted_at, finalized_at, finalized_by, version)
           JOIN unnest($18::text[], $19::uuid[], $20::jsonb[]) AS t(role_code, version_id, template) USING (role_code)`,
        [
          cycle.id,
          batch.map((r) => r.id),
          batch.map((r) => r.employeeId),
          batch.map((r) => r.roleCode),
          batch.map((r) => JSON.stringify(r.inputs)),
          batch.map((r) => r.total),
          batch.map((r) => r.complete),
          batch.map((r) => r.bandKey),
          batch.map((r) => r.status),
          batch.map((r) => r.strengths),
          batch.map((r) => r.challenges),
          batch.map((r) => r.developmentPlan),
          batch.map((r) => r.managerComment),
          batch.map((r) => r.submittedAt),
          batch.map((r) => r.finalizedAt),
          batch.map((r) => r.finalizedBy),
          batch.map((r) => r.version),
          roleCodes,
          roleCodes.map((c) => templates.get(c)?.pinned.templateVersionId),
          roleCodes.map((c) => JSON.stringify(templates.get(c)?.pinned)),
        ],
      );
    }
    const historyStarted = Date.now();
    const history = await seedHistory(db, cycle.id, EMPLOYEES * AUDIT_PER_EMPLOYEE);
    const historyMs = Date.now() - historyStarted;
    await db.query('COMMIT');
    // Fresh tables have no statistics and no visibility map: without them the planner guesses and
    // counts read every heap page. Autovacuum does both soon after a bulk load in production; the
    // bench does it at once so that it measures that steady state rather than the first minute.
    await db.query('VACUUM ANALYZE');
    // A VACUUM that runs while another transaction (the app's job queue, say) holds an older
    // snapshot marks nothing all-visible; try again until the two big tables are.
    for (let attempt = 0; attempt < 20; attempt++) {
      const { rows } = await db.query<{ visible: number }>(
        "SELECT min(relallvisible::float / greatest(relpages, 1)) AS visible FROM pg_class WHERE relname IN ('employees', 'reviews', 'audit_log')",
      );
      if (rows[0].visible >= 0.95) break;
      await sleep(500);
      await db.query('VACUUM employees, reviews, audit_log');
    }

    const [{ n }] = (await db.query<{ n: string }>('SELECT count(*) AS n FROM reviews WHERE cycle_id = $1', [cycle.id])).rows;
    if (Number(n) !== EMPLOYEES) throw new Error(`Seeded ${n} reviews, expected ${EMPLOYEES}`);
    if (history.reviews !== EMPLOYEES * EARLIER_CYCLES) throw new Error(`Seeded ${history.reviews} earlier reviews, expected ${EMPLOYEES * EARLIER_CYCLES}`);
    return {
      cycleId: cycle.id,
      employeeNos: people.map((p) => p.employeeNo),
      reviewIds: reviews.map((r) => r.id),
      ms: Date.now() - started,
      historyMs,
      earlierReviews: history.reviews,
      auditRows: history.audit,
    };
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await db.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Load

interface Outcome {
  name: string;
  read: boolean;
  responses: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  /** Status codes other than 2xx, e.g. { 409: 3 }. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  /** CPU per response: the app's, and the embedded PostgreSQL's (null on DATABASE_URL). */
  appCpuMs: number | null;
  dbCpuMs: number | null;
  /** Share of the machine's CPU time the hypervisor gave elsewhere during the run: other guests' load. */
  stealPct: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

type LoadOptions = Omit<autocannon.Options, 'url' | 'connections' | 'duration' | 'headers'>;

interface LoadSpec {
  name: string;
  read: boolean;
  /** Called before the warm-up and again before the measured run. */
  options: () => LoadOptions | Promise<LoadOptions>;
}

/** One autocannon run; every response's own latency is kept so that p95 is exact, not read off a histogram. */
async function cannon(base: string, spec: LoadSpec, seconds: number): Promise<{ result: autocannon.Result; latencies: Float64Array }> {
  const options = await spec.options();
  return new Promise((resolve, reject) => {
    let latencies = new Float64Array(1 << 16);
    let count = 0;
    const instance = autocannon(
      { ...options, url: base, connections: CONNECTIONS, duration: seconds, headers: requestHeaders(), timeout: 10 },
      (err: unknown, result: autocannon.Result) =>
        err ? reject(err instanceof Error ? err : new Error(inspect(err))) : resolve({ result, latencies: latencies.slice(0, count).sort() }),
    );
    instance.on('response', (_client: autocannon.Client, _status: number, _bytes: number, ms: number) => {
      if (count === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[count++] = ms;
    });
  });
}

async function runScenario(base: string, spec: LoadSpec): Promise<Outcome> {
  // Warm-up: JIT, the pg pool and PostgreSQL's buffer cache all start cold.
  if (WARMUP_S > 0) await cannon(base, spec, WARMUP_S);
  const cpuBefore = cpuMs();
  const ticksBefore = machineTicks();
  const { result, latencies } = await cannon(base, spec, DURATION_S);
  const ticksAfter = machineTicks();
  const cpuAfter = cpuMs();
  const perRequest = (before: number | null, after: number | null) =>
    before === null || after === null || latencies.length === 0 ? null : (after - before) / latencies.length;
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    if (!code.startsWith('2')) statuses[code] = stat.count ?? 0;
  }
  const outcome: Outcome = {
    name: spec.name,
    read: spec.read,
    responses: latencies.length,
    perSecond: latencies.length / (result.duration || DURATION_S),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    non2xx: result.non2xx,
    statuses,
    errors: result.errors + result.timeouts,
    appCpuMs: perRequest(cpuBefore.app, cpuAfter.app),
    dbCpuMs: perRequest(cpuBefore.db, cpuAfter.db),
    stealPct: stealPercent(ticksBefore, ticksAfter),
  };
  console.log(
    `  ${spec.name}: ${outcome.responses} responses, ${outcome.perSecond.toFixed(0)} req/s, p50 ${outcome.p50.toFixed(1)} ms, p95 ${outcome.p95.toFixed(1)} ms` +
      (outcome.non2xx ? `, non-2xx ${JSON.stringify(statuses)}` : '') +
      (outcome.errors ? `, ${outcome.errors} errors/timeouts` : ''),
  );
  return outcome;
}

/** GETs over a list of paths, round-robin across all connections. */
function rotating(paths: string[]): LoadSpec['options'] {
  let i = 0;
  return () => ({
    requests: [
      {
        method: 'GET',
        setupRequest: (req: autocannon.Request): autocannon.Request => ({ ...req, path: paths[i++ % paths.length] }),
      },
    ],
  });
}

interface Slot {
  id: string;
  version: number;
  kpis: KpiDefinition[];
}

/** A fresh, valid full set of inputs, so each PUT rescores and changes the row. */
function entriesFor(kpis: KpiDefinition[], rnd: () => number): unknown[] {
  return Object.entries(inputsFor(kpis, 1, rnd)).map(([kpiKey, input]) => ({ kpiKey, ...input }));
}

/**
 * PUT scores with If-Match. Each connection owns its own reviews and learns each new version from
 * the response, so connections never race each other for a row and a 409 means a real problem
 * (or a request that timed out after the server applied it).
 */
function scoreWrites(databaseUrl: string, cycleId: string): LoadSpec['options'] {
  const rnd = prng(7);
  return async () => {
    // Versions are read afresh before every run: PUTs still in flight when the previous run
    // stopped were applied by the server, but their responses (and new versions) never arrived.
    await sleep(1000);
    const pools = await writePools(databaseUrl, cycleId);
    let clientNo = 0;
    return {
      setupClient: (client: autocannon.Client) => {
        const mine = pools[clientNo++ % pools.length];
        let cursor = 0;
        let current: Slot | null = null;
        client.setRequests([
          {
            method: 'PUT',
            setupRequest: (req: autocannon.Request): autocannon.Request => {
              current = mine[cursor++ % mine.length];
              return {
                ...req,
                path: `/api/reviews/${current.id}/scores`,
                headers: { ...req.headers, 'content-type': 'application/json', 'if-match': `"${current.version}"` },
                body: JSON.stringify({ entries: entriesFor(current.kpis, rnd) }),
              };
            },
            onResponse: (status: number, body: string) => {
              if (!current) return;
              try {
                const parsed: unknown = JSON.parse(body);
                const version =
                  status < 300 ? (parsed as { version?: unknown }).version : (parsed as { details?: { currentVersion?: unknown } }).details?.currentVersion;
                if (typeof version === 'number') current.version = version;
              } catch {
                // A body that is not JSON leaves the version as it was; the status is counted anyway.
              }
            },
          },
        ]);
      },
    };
  };
}

async function writePools(databaseUrl: string, cycleId: string): Promise<Slot[][]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string; version: number; kpis: KpiDefinition[] }>(
      `SELECT id, version, template->'kpis' AS kpis FROM reviews WHERE cycle_id = $1 AND status = 'draft' ORDER BY id LIMIT $2`,
      [cycleId, CONNECTIONS * 100],
    );
    if (rows.length < CONNECTIONS) throw new Error(`Only ${rows.length} draft reviews to write to`);
    const pools: Slot[][] = Array.from({ length: CONNECTIONS }, () => []);
    rows.forEach((r, i) => pools[i % CONNECTIONS].push({ id: r.id, version: r.version, kpis: r.kpis }));
    return pools;
  } finally {
    await db.end();
  }
}

/** One request of each kind before the load, so a broken scenario fails loudly instead of measuring error pages. */
async function smokeTest(base: string, path: string, check: (body: unknown) => string | null): Promise<void> {
  const res = await fetch(base + path, { headers: requestHeaders() });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  const problem = check(JSON.parse(text));
  if (problem) throw new Error(`GET ${path}: ${problem}`);
}

const pageTotal = (expected: number) => (body: unknown) => {
  const total = (body as { meta?: { total?: unknown } }).meta?.total;
  return total === expected ? null : `expected meta.total ${expected}, got ${String(total)}`;
};
const someItems = (body: unknown) => {
  const items = (body as { items?: unknown }).items;
  return Array.isArray(items) && items.length > 0 ? null : 'expected at least one item';
};

// ---------------------------------------------------------------------------------------------

function shuffled<T>(xs: T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function printTable(outcomes: Outcome[]): void {
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
  const rows = [
    ['scenario', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors', 'app CPU ms/req', 'db CPU ms/req', 'steal %'],
    ...outcomes.map((o) => [
      o.name,
      String(o.responses),
      o.perSecond.toFixed(0),
      fmt(o.p50),
      fmt(o.p95),
      fmt(o.p99),
      String(o.non2xx),
      String(o.errors),
      o.appCpuMs === null ? '-' : o.appCpuMs.toFixed(2),
      o.dbCpuMs === null ? '-' : o.dbCpuMs.toFixed(2),
      o.stealPct.toFixed(1),
    ]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(`\n${line(rows[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(
    `\n(${CONNECTIONS} connections, ${DURATION_S} s per scenario after ${WARMUP_S} s warm-up; percentiles are exact, from every response's own latency;`,
  );
  console.log(` CPU per request from /proc, user + system, of the app process and of all embedded PostgreSQL processes;
 steal: the machine's CPU time the hypervisor gave to other guests (a busy host slows every figure); load average at the end ${loadavg()
   .map((l) => l.toFixed(1))
   .join(' ')})`);

  console.log(`\nTarget: p95 < ${TARGET_P95_MS} ms for reads`);
  for (const o of outcomes.filter((x) => x.read)) {
    const ratio = o.p95 / TARGET_P95_MS;
    console.log(`  ${ratio < 1 ? 'PASS' : 'FAIL'}  ${o.name.padEnd(widths[0])}  p95 ${fmt(o.p95)} ms = ${ratio.toFixed(2)} × target`);
  }
}

/** `--scale 10k,100k` on the command line, else BENCH_SCALE, else 10k. */
function scales(): number[] {
  const at = process.argv.indexOf('--scale');
  const raw = at >= 0 ? process.argv[at + 1] : (process.argv.find((a) => a.startsWith('--scale='))?.slice(8) ?? process.env.BENCH_SCALE ?? '10k');
  if (!raw) throw new Error('--scale needs a value, e.g. --scale 100k');
  return raw.split(',').map(parseScale);
}

/** The HTML dashboard answers 200 with the stage board; anything else would be measuring an error page. */
async function smokePage(base: string, path: string): Promise<void> {
  const res = await fetch(base + path, { headers: { ...requestHeaders(), accept: 'text/html' }, redirect: 'manual' });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
}

interface ScaleRun {
  employees: number;
  seedMs: number;
  outcomes: Outcome[];
}

async function main(): Promise<number> {
  const runs: ScaleRun[] = [];
  for (const n of scales()) {
    EMPLOYEES = n;
    appPid = undefined;
    embeddedDataDir = undefined;
    const run = await runScale();
    runs.push(run);
    // Each scale on its own database and app: the next one starts from nothing.
    if (!(await cleanUp())) return 1;
  }
  if (runs.length > 1) printGrowth(runs[0], runs[runs.length - 1]);
  const problems: string[] = [];
  for (const o of runs.flatMap((r) => r.outcomes)) {
    if (o.errors > 0) problems.push(`${o.name}: ${o.errors} connection errors or timeouts`);
    // Reads must all succeed; writes may meet a 409 after a timed-out PUT, anything else is a bug.
    const refused = Object.entries(o.statuses).filter(([code]) => o.read || code !== '409');
    if (refused.length > 0) problems.push(`${o.name}: unexpected statuses ${JSON.stringify(Object.fromEntries(refused))}`);
  }
  if (problems.length > 0) {
    console.error(`\nErrors:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  return 0;
}

const GROWTH_TARGET = 1.3;
const SEED_TARGET_MS = 60_000;

function printGrowth(small: ScaleRun, big: ScaleRun): void {
  const cpu = (o: Outcome) => (o.appCpuMs === null ? null : o.appCpuMs + (o.dbCpuMs ?? 0));
  console.log(
    `\nGrowth ${small.employees} → ${big.employees} employees (same run; target: CPU per request ≤ ${GROWTH_TARGET}×, read p95 < ${TARGET_P95_MS} ms)`,
  );
  const rows = [['scenario', 'CPU ms/req small', 'CPU ms/req big', 'CPU growth', 'p95 small', 'p95 big', 'p95 growth', 'steal % big', 'verdict']];
  for (const b of big.outcomes) {
    const a = small.outcomes.find((o) => o.name === b.name);
    if (!a) continue;
    const [ca, cb] = [cpu(a), cpu(b)];
    const growth = ca && cb !== null ? cb / ca : null;
    const ok = (growth === null || growth <= GROWTH_TARGET) && (!b.read || b.p95 < TARGET_P95_MS);
    rows.push([
      b.name,
      ca === null ? '-' : ca.toFixed(2),
      cb === null ? '-' : cb.toFixed(2),
      growth === null ? '-' : `${growth.toFixed(2)}×`,
      a.p95.toFixed(1),
      b.p95.toFixed(1),
      `${(b.p95 / a.p95).toFixed(2)}×`,
      b.stealPct.toFixed(1),
      ok ? 'PASS' : 'FAIL',
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log('  ' + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  console.log(`  (CPU = app + embedded PostgreSQL per response; with DATABASE_URL only the app's)`);
  for (const r of [small, big]) {
    console.log(
      `  seeding ${r.employees}: ${(r.seedMs / 1000).toFixed(1)} s (target < ${SEED_TARGET_MS / 1000} s: ${r.seedMs < SEED_TARGET_MS ? 'PASS' : 'FAIL'})`,
    );
  }
}

async function runScale(): Promise<ScaleRun> {
  const auditRows = EMPLOYEES * AUDIT_PER_EMPLOYEE;
  console.log(
    `\nScorecard API bench: ${EMPLOYEES} employees, ${EMPLOYEES} reviews in the open cycle, ${EMPLOYEES * EARLIER_CYCLES} in ${EARLIER_CYCLES} earlier cycles, ${auditRows} audit rows`,
  );
  const db = await provideDatabase();
  console.log(`Database: ${db.where}`);
  const base = await startApp(db.url);
  console.log(`App: ${base} (child process)`);
  signedIn = await signIn(base, db.url);
  if (signedIn.authorization) console.log(`Signed in as ${BENCH_USER} (hr); every request also sends X-Actor: bench`);

  console.log('Seeding…');
  const seeded = await seed(db.url);
  console.log(
    `Seeded ${EMPLOYEES} employees, 1 open cycle and ${EMPLOYEES} reviews, ${seeded.earlierReviews} earlier reviews and ${seeded.auditRows} audit rows ` +
      `(history ${(seeded.historyMs / 1000).toFixed(1)} s), then VACUUM ANALYZE: seeding time ${(seeded.ms / 1000).toFixed(1)} s (target < ${SEED_TARGET_MS / 1000} s)`,
  );

  const rnd = prng(42);
  const pages = Math.ceil(EMPLOYEES / 50);
  const pageOrder = shuffled(
    Array.from({ length: pages }, (_, i) => i + 1),
    rnd,
  );
  const reviewIds = shuffled(seeded.reviewIds, rnd);
  const nameTerms = ['王', '李', '伟', '子涵', '张敏', '欣', 'chen', 'Smith', 'emily', 'son', 'Wang', 'an'];
  const numberTerms = ['E00', 'E012', 'E0345', 'E09', 'E0777', 'E05', 'M00', 'E1', 'E0088', 'E04'];
  const q = (term: string) => `/api/employees?q=${encodeURIComponent(term)}&pageSize=50`;

  await smokeTest(base, '/api/employees?page=1&pageSize=50', pageTotal(EMPLOYEES));
  await smokeTest(base, `/api/reviews?cycleId=${seeded.cycleId}&pageSize=50`, pageTotal(EMPLOYEES));
  await smokeTest(base, q('王'), someItems);
  await smokeTest(base, q('E012'), pageTotal(seeded.employeeNos.filter((no) => no.startsWith('E012')).length));
  await smokeTest(base, `/api/reviews/${reviewIds[0]}`, (b) => (Array.isArray((b as { kpis?: unknown }).kpis) ? null : 'expected kpis'));
  const audit = (id: string) => `/api/audit?entity=review&id=${id}&limit=50`;
  await smokeTest(base, audit(reviewIds[0]), (b) => (Array.isArray(b) && b.length > 0 ? null : 'expected audit entries'));
  const dashboard = `/?cycleId=${seeded.cycleId}`;
  await smokePage(base, dashboard);

  const specs: LoadSpec[] = [
    { name: 'list employees (all pages)', read: true, options: rotating(pageOrder.map((p) => `/api/employees?page=${p}&pageSize=50`)) },
    {
      name: 'list reviews of cycle (all pages)',
      read: true,
      options: rotating(pageOrder.map((p) => `/api/reviews?cycleId=${seeded.cycleId}&page=${p}&pageSize=50`)),
    },
    { name: 'search name (Chinese + Latin)', read: true, options: rotating(nameTerms.map(q)) },
    { name: 'search employee-no prefix', read: true, options: rotating(numberTerms.map(q)) },
    { name: 'review by id', read: true, options: rotating(reviewIds.map((id) => `/api/reviews/${id}`)) },
    { name: 'audit log of a review', read: true, options: rotating(reviewIds.slice(0, 2000).map(audit)) },
    { name: 'HR dashboard (counts + stage board)', read: true, options: rotating([dashboard]) },
  ];
  console.log(`\nLoad (${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s each):`);
  const outcomes: Outcome[] = [];
  const writes: LoadSpec = { name: 'PUT review scores', read: false, options: scoreWrites(db.url, seeded.cycleId) };
  // Last, because it changes rows the reads above would otherwise see half-way.
  for (const spec of [...specs, writes].filter((s) => !ONLY || s.name.includes(ONLY))) outcomes.push(await runScenario(base, spec));

  printTable(outcomes);

  if (process.env.BENCH_KEEP) {
    // For looking into a slow query on the very data that was measured (EXPLAIN ANALYZE, psql).
    console.log(`\nBENCH_KEEP: the app stays at ${base} and the database at ${db.url}; Ctrl-C cleans up.`);
    await new Promise<void>((resolve) => {
      releaseKeep = resolve;
    });
  }

  return { employees: EMPLOYEES, seedMs: seeded.ms, outcomes };
}

// Our own handlers: the embedded-postgres package installs exit hooks at import that would stop
// its server and exit before the app, the database and the temp folder are cleaned up.
let interrupted = false;
let releaseKeep: (() => void) | null = null;
onStopSignals((signal) => {
  if (releaseKeep) {
    releaseKeep();
    releaseKeep = null;
    return;
  }
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
  if (!(await cleanUp())) code = 1;
  process.exit(code);
}
