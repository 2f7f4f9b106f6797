// PDF bench: what our PDF paths cost against what Chromium itself needs, on one scorecard, in one run.
//
//   npm run bench:pdf                                              embedded PostgreSQL in /tmp
//   DATABASE_URL=postgres://user@host:5432/db npm run bench:pdf   a throw-away database on that server
//
//   (a) naive: a new browser per PDF (launch, load the document, print, close)
//   (b) our single download: GET /api/reviews/:id/scorecard.pdf of a draft review (printed every
//       time), sequential, warm, against the app running in a child process; (b0) the same, the
//       first download after the app sat idle for a peer round
//   (c) our bulk export of 1,000 reviews (999 finalized, so printed and issued): wall time from
//       POST /api/cycles/:id/scorecards to the poll that sees it done
//   (d) the floor: Chromium printing the same finished HTML from warm pages, nothing else (no
//       database, no template, no zip): (d1) one at a time, (d2) at the bulk path's concurrency
//   (d3) the floor for (b) and (c): the body set into a warm shell page, then printed
//       (PdfRenderer's way): Chromium's own work per new document, nothing else
//   (d3x) the same over 300 of (c)'s own scorecards in turn: (d3) prints one document again and
//       again, (c) a thousand different ones (names, numbers, charts)
//   (p) the peer: the pattern most services use (Gotenberg, puppeteer-cluster, tutorials): one
//       browser, then per PDF a new page, setContent of the full HTML with its fonts, print, close
//       (same browser as (d), same document, same concurrency; figures: docs/decisions/0001-pdf-renderer.md)
//   and the RSS of the app's Chromium (its process tree, as PdfRenderer.stats().browserRssMb reads
//   it) after ~100 renders and after ~2,100 (a second export of 1,000 unissued reviews).
//
// The scorecard of (a), (b) and (d) is the same: (a) and (d) print the very HTML the app builds for
// the review of (b) (same view, templates, fonts and print parameters). The sequential paths run in
// interleaved rounds and (d2) right before and after (c), so other work on the machine hits them
// alike; CPU per PDF (from /proc: the app's Node, its Chromium, the embedded PostgreSQL) is printed
// beside wall times, being much less sensitive to such load.
//
// The browser is the app's own choice (CHROMIUM_PATH, the system's headless shell or Chromium, the
// packaged one), named at the start and the end: CHROMIUM_IGNORE_SYSTEM=true measures the packaged one.
// BENCH_N (default 100) PDFs per warm measurement, BENCH_NAIVE (default 10) naive runs, BENCH_POOL
// (default: cores) the app's PDF pool, BENCH_KEEP=1 keeps the app and database afterwards (until
// Ctrl-C), BENCH_APP_NODE_ARGS passes flags to the app's node (e.g. --cpu-prof), BENCH_ONLY=b
// measures (b) alone after the warm-up (a profile of single downloads, in a minute), BENCH_ONLY=blocks
// (b) against (d3) in blocks of 10 and of N, and (b) with idle gaps instead of (d3), and (r) and (h), a
// review's JSON and its scorecard's HTML, beside them (see blocks()),
// BENCH_ONLY=idle downloads after 3 s and 40 s idle (see afterIdle()), BENCH_ONLY=c the export
// alone, BENCH_ONLY=bulk the export between the floor's concurrent prints, without the rest. The
// exit code is non-zero only when something broke, never because a target was missed.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import puppeteer, { type Browser, type CDPSession, type Protocol } from 'puppeteer-core';
import { loadConfig } from '../src/config/config.js';
import { ensureDatabase } from '../src/database/database-url.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { peerTotalsExcept } from '../src/reviews/review-history.js';
import type { PinnedTemplate } from '../src/reviews/review.entity.js';
import { chromiumMissingMessage, describeChromium, findChromium, prepareChromium } from '../src/scorecards/chromium.js';
import { type CjkFonts, loadCjkFonts } from '../src/scorecards/fonts.js';
import { CHROMIUM_ARGS } from '../src/scorecards/pdf-browser.js';
import { toInches } from '../src/scorecards/pdf-options.js';
import { printParameters } from '../src/scorecards/pdf-print.js';
import { processTreeSync, treeRssBytesSync } from '../src/scorecards/process-tree.js';
import { renderScorecardHtml } from '../src/scorecards/scorecard-html.js';
import { buildScorecardView } from '../src/scorecards/scorecard-view.js';
import { type KpiDefinition, type KpiInput, scoreReview } from '../src/scoring/index.js';
import { dropDatabase, freePort, onStopSignals, scratchDir } from '../support/harness.mjs';
import { commOf, cpuMs, machineTicks, pool, publishedTemplates, statFields, stealPercent, TICK_MS, timed, treeCpuMs } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name}="${raw}" must be a whole number of at least ${min}`);
  return n;
}
const N = envInt('BENCH_N', 100, 10);
const NAIVE_RUNS = envInt('BENCH_NAIVE', 10, 1);
const POOL = envInt('BENCH_POOL', availableParallelism(), 1);
const EXPORT_REVIEWS = 1_000;

const ADMIN_EMAIL = 'bench-admin@bench.example.com';
const BENCH_USER = 'bench-hr@bench.example.com';
const PASSWORD = randomBytes(18).toString('base64url');

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Clean-up in reverse order of set-up, on success, failure and Ctrl-C alike.

const cleanups: { what: string; run: () => Promise<void> }[] = [];

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

async function provideDatabase(): Promise<{ url: string; where: string }> {
  const name = `scorecard_pdfbench_${randomBytes(4).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL?.trim();
  if (serverUrl) {
    const url = await ensureDatabase(serverUrl, name);
    cleanups.push({
      what: `drop database ${name}`,
      run: () => dropDatabase(serverUrl, name),
    });
    return { url, where: `database ${name} on ${new URL(serverUrl).host} (DATABASE_URL)` };
  }
  const parent = await scratchDir('scorecard-pdfbench-');
  cleanups.push({ what: `remove ${parent}`, run: () => rm(parent, { recursive: true, force: true }) });
  const port = await freePort();
  const server = await startEmbeddedPostgres({ dataDir: join(parent, 'pg'), port, log: (line) => console.log(`  ${line}`) });
  cleanups.push({ what: 'stop the embedded PostgreSQL', run: () => server.stop() });
  return { url: await ensureDatabase(server.url, name), where: `embedded PostgreSQL on port ${port}` };
}

// ---------------------------------------------------------------------------------------------
// The app, as a child process (so that the bench's own work never counts as the server's)

interface RunningApp {
  base: string;
  child: ChildProcess;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  if (!(await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]))) {
    child.kill('SIGKILL');
    await exited;
  }
}

async function startApp(databaseUrl: string): Promise<RunningApp> {
  const port = await freePort();
  // BENCH_APP_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the app.
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
      RATE_LIMIT_PER_MINUTE: '1000000',
      PDF_POOL_SIZE: String(POOL),
      RUN_WORKERS: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push({ what: 'stop the app', run: () => stopChild(child) });
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
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exit !== null) throw new Error(`The app exited (${String(exit)}) before it answered:\n${tail.join('\n')}`);
    try {
      const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return { base, child };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`The app did not answer within 120 s:\n${tail.join('\n')}`);
}

/** An HR user with the first admin's password hash (no hashing here), signed in like any client. */
async function signIn(base: string, databaseUrl: string): Promise<Record<string, string>> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const made = await db.query(
      `INSERT INTO users (email, password_hash, role, must_change_password) SELECT $1, password_hash, 'hr', false FROM users WHERE email = $2`,
      [BENCH_USER, ADMIN_EMAIL],
    );
    if (made.rowCount !== 1) throw new Error(`The app did not create the first admin ${ADMIN_EMAIL}`);
  } finally {
    await db.end();
  }
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: BENCH_USER, password: PASSWORD }),
  });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 200 || !body.token) throw new Error(`sign-in answered ${res.status}`);
  return { authorization: `Bearer ${body.token}` };
}

// ---------------------------------------------------------------------------------------------
// Seeding, straight into the tables: 1,000 employees; cycle "2025 H2" with a submitted review each
// (the trend's earlier point; exported for the memory run) and cycle "2026 H1" with 999 finalized
// reviews and one draft (the review of (a), (b) and (d)).

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

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞辉宇欣婷浩然子涵梓晨博文轩思雨佳怡嘉琪俊凯悦雪琳'.split('');
const DEPARTMENTS = ['华东销售部 East China Sales', '华北销售部 North China Sales', '华南销售部 South China Sales', '大客户部 Key Accounts'];
const TEXT = {
  strengths: '客户关系稳固，复购率高；两个重点客户提前签约。Strong relationships and repeat business; two key accounts closed ahead of plan.',
  challenges: '新客户开拓偏慢，CRM 商机记录需要更及时。New-logo acquisition was slow; pipeline hygiene in the CRM needs work.',
  plan: '参加谈判技巧培训；Q3 前带教一名新人；年底前完成两项产品认证。Negotiation training; mentor a new hire by Q3; two certifications by year end.',
  comment: '同意评估结果，继续保持。Agreed with the assessment.',
};

interface Seeded {
  cycleA: string;
  cycleB: string;
  draftReview: string;
}

function inputsFor(kpis: KpiDefinition[], rnd: () => number): Record<string, KpiInput> {
  const inputs: Record<string, KpiInput> = {};
  for (const k of kpis) {
    const comment = rnd() < 0.3 ? '见季度复盘 / see the quarterly review' : null;
    if (k.rule.type === 'rating') {
      const { min, max } = k.rule;
      inputs[k.key] = { rating: Math.min(max, min + 1 + Math.floor(rnd() * (max - min))), comment };
    } else {
      const attainment = 0.6 + rnd() * 0.7;
      const raw = k.rule.direction === 'higher' ? k.rule.target * attainment : k.rule.target / attainment;
      inputs[k.key] = { actual: k.rule.target >= 1000 ? Math.round(raw / 1000) * 1000 : Math.round(raw), target: null, comment };
    }
  }
  return inputs;
}

async function seed(databaseUrl: string): Promise<Seeded> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('SET synchronous_commit = off');
    const templateRows = await publishedTemplates(db);
    const templates = new Map<string, { roleId: string; pinned: PinnedTemplate }>(
      templateRows.map((r) => [
        r.code,
        {
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
        },
      ]),
    );
    const am = templates.get('account_manager');
    const mgr = templates.get('manager');
    if (!am || !mgr) throw new Error('The default roles are missing');
    const rnd = prng(20_260_601);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

    await db.query('BEGIN');
    const people: { id: string; no: string; name: string; role: 'manager' | 'account_manager'; department: string; managerId: string | null }[] = [];
    const gm = { id: randomUUID(), no: 'M0001', name: '周建国', role: 'manager' as const, department: '总经理办公室 General Management', managerId: null };
    people.push(gm);
    const heads = DEPARTMENTS.map((department, i) => ({
      id: randomUUID(),
      no: `M${String(i + 2).padStart(4, '0')}`,
      name: pick(SURNAMES) + pick(GIVEN) + pick(GIVEN),
      role: 'manager' as const,
      department,
      managerId: gm.id,
    }));
    people.push(...heads);
    for (let i = 1; people.length < EXPORT_REVIEWS; i++) {
      const head = heads[i % heads.length];
      people.push({
        id: randomUUID(),
        no: `E${String(i).padStart(5, '0')}`,
        name: pick(SURNAMES) + pick(GIVEN) + (rnd() < 0.6 ? pick(GIVEN) : ''),
        role: 'account_manager',
        department: head.department,
        managerId: head.id,
      });
    }
    await db.query(
      `INSERT INTO employees (id, employee_no, name, email, role_id, department, manager_id, hire_date)
       SELECT u.id, u.no, u.name, lower(u.no) || '@bench.example.com', u.role_id, u.department, u.manager_id, DATE '2019-04-01'
         FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::uuid[], $5::varchar[], $6::uuid[]) AS u(id, no, name, role_id, department, manager_id)`,
      [
        people.map((p) => p.id),
        people.map((p) => p.no),
        people.map((p) => p.name),
        people.map((p) => (p.role === 'manager' ? mgr.roleId : am.roleId)),
        people.map((p) => p.department),
        people.map((p) => p.managerId),
      ],
    );
    const cycle = async (name: string, start: string, end: string) =>
      (
        await db.query<{ id: string }>(`INSERT INTO cycles (name, period_start, period_end, status) VALUES ($1, $2, $3, 'open') RETURNING id`, [
          name,
          start,
          end,
        ])
      ).rows[0].id;
    const cycleB = await cycle('2025 下半年 / 2025 H2', '2025-07-01', '2025-12-31');
    const cycleA = await cycle('2026 上半年 / 2026 H1', '2026-01-01', '2026-06-30');
    const draftEmployee = people.find((p) => p.role === 'account_manager')?.id;
    let draftReview = '';
    for (const [cycleId, finalized] of [
      [cycleB, false],
      [cycleA, true],
    ] as const) {
      const rows = people.map((p) => {
        const t = p.role === 'manager' ? mgr.pinned : am.pinned;
        const inputs = inputsFor(t.kpis, rnd);
        const s = scoreReview(t.kpis, inputs, t.bands);
        const status = !finalized ? 'submitted' : p.id === draftEmployee ? 'draft' : 'finalized';
        const id = randomUUID();
        if (status === 'draft') draftReview = id;
        return { id, employeeId: p.id, template: t, inputs, total: s.total, complete: s.complete, bandKey: s.band?.key ?? null, status };
      });
      await db.query(
        `INSERT INTO reviews (id, employee_id, cycle_id, template_version_id, template, inputs, total, complete, band_key, status, stage,
                              strengths, challenges, development_plan, manager_comment, submitted_at, finalized_at, finalized_by, version)
         SELECT u.id, u.employee_id, $1, u.version_id, u.template, u.inputs, u.total, u.complete, u.band_key, u.status,
                CASE WHEN u.status = 'finalized' THEN 'done' ELSE 'hr' END, $2, $3, $4,
                CASE WHEN u.status = 'draft' THEN '' ELSE $5 END,
                CASE WHEN u.status = 'draft' THEN NULL ELSE now() - interval '3 days' END,
                CASE WHEN u.status = 'finalized' THEN now() - interval '1 day' END,
                CASE WHEN u.status = 'finalized' THEN 'hr@bench.example.com' END, 3
           FROM unnest($6::uuid[], $7::uuid[], $8::uuid[], $9::jsonb[], $10::jsonb[], $11::numeric[], $12::boolean[], $13::varchar[], $14::varchar[])
             AS u(id, employee_id, version_id, template, inputs, total, complete, band_key, status)`,
        [
          cycleId,
          TEXT.strengths,
          TEXT.challenges,
          TEXT.plan,
          TEXT.comment,
          rows.map((r) => r.id),
          rows.map((r) => r.employeeId),
          rows.map((r) => r.template.templateVersionId),
          rows.map((r) => JSON.stringify(r.template)),
          rows.map((r) => JSON.stringify(r.inputs)),
          rows.map((r) => r.total),
          rows.map((r) => r.complete),
          rows.map((r) => r.bandKey),
          rows.map((r) => r.status),
        ],
      );
    }
    await db.query('COMMIT');
    await db.query('ANALYZE');
    return { cycleA, cycleB, draftReview };
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await db.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The finished document of one review, built exactly as ScorecardsService and PdfRenderer build it:
// same review DTO, history and peers, view, templates, shell head (fonts), margin templates and
// print parameters.

interface FinishedScorecard {
  /** The whole document: shell head (fonts) + the scorecard's CSS + its body. */
  document: string;
  /** The shell alone, and the pieces PdfRenderer puts into it per PDF. */
  shell: string;
  body: string;
  css: string;
  print: Protocol.Page.PrintToPDFRequest;
}

/** How many of the export's scorecards (d3x) prints in turn: more than any one measurement of it prints. */
const EXPORT_DOCS = 300;

/** Review ids of a cycle, spread over its employees (every nth by employee number). */
async function exportSample(databaseUrl: string, cycleId: string, count: number): Promise<string[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>(
      `SELECT r.id FROM reviews r JOIN employees e ON e.id = r.employee_id WHERE r.cycle_id = $1 ORDER BY e.employee_no`,
      [cycleId],
    );
    const step = Math.max(1, Math.floor(rows.length / count));
    return rows
      .filter((_, i) => i % step === 0)
      .slice(0, count)
      .map((r) => r.id);
  } finally {
    await db.end();
  }
}

const MARGIN = { top: '16mm', right: '14mm', bottom: '16mm', left: '14mm' };

async function finishedScorecard(
  base: string,
  auth: Record<string, string>,
  databaseUrl: string,
  reviewId: string,
  fonts: CjkFonts,
): Promise<FinishedScorecard> {
  const res = await fetch(`${base}/api/reviews/${reviewId}`, { headers: auth });
  if (res.status !== 200) throw new Error(`GET review answered ${res.status}`);
  const review = (await res.json()) as ReviewDto;
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  let history: { cycleName: string; periodEnd: string; total: number; templateVersionNumber: number; complete: boolean }[];
  let peers: { total: number }[];
  try {
    // The rows of ScorecardSource.historiesOf for this employee, up to the review's cycle.
    const h = await db.query<{ cycle_name: string; period_end: string; total: string; version_number: number; complete: boolean }>(
      `SELECT c.name AS cycle_name, to_char(c.period_end, 'YYYY-MM-DD') AS period_end, r.total, (r.template->>'versionNumber')::int AS version_number, r.complete
         FROM reviews r JOIN cycles c ON c.id = r.cycle_id WHERE r.employee_id = $1 AND c.period_end <= $2 ORDER BY c.period_end`,
      [review.employee.id, review.cycle.periodEnd],
    );
    history = h.rows
      .map((r) => ({ cycleName: r.cycle_name, periodEnd: r.period_end, total: Number(r.total), templateVersionNumber: r.version_number, complete: r.complete }))
      .filter((x) => x.cycleName !== review.cycle.name);
    // ScorecardSource.completeTotals (ordered by id, as the content hash sees them), less the review itself.
    const p = await db.query<{ id: string; total: string }>(
      `SELECT id, total FROM reviews WHERE cycle_id = $1 AND complete AND template->>'roleCode' = $2 ORDER BY id`,
      [review.cycle.id, review.template.roleCode],
    );
    peers = peerTotalsExcept(
      p.rows.map((r) => ({ reviewId: r.id, total: Number(r.total) })),
      review.id,
    );
  } finally {
    await db.end();
  }
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl });
  const lang = config.scorecards.defaultLang;
  const { hrNotes: _hrNotes, ...printed } = review;
  const contentHash = createHash('sha256')
    .update(JSON.stringify({ review: printed, history, peers, lang }))
    .digest('hex')
    .slice(0, 16);
  const view = buildScorecardView({
    review,
    history,
    peers,
    company: { name: config.scorecards.companyName, logoDataUrl: null },
    lang,
    generatedAt: new Date(),
    timeZone: config.scorecards.timeZone,
  });
  const r = renderScorecardHtml(view, { contentHash });
  const head = `<style>${fonts.pageCss}\nhtml{-webkit-print-color-adjust:exact;print-color-adjust:exact}body{margin:0;font-family:${fonts.fontStack}}</style>`;
  const document = `<!DOCTYPE html><html><head><meta charset="utf-8">${head}<style>${r.css}</style></head><body>${r.html}</body></html>`;
  const shell = `<!DOCTYPE html><html><head><meta charset="utf-8">${head}<style id="render-style"></style></head><body></body></html>`;
  return {
    document,
    shell,
    body: r.html,
    css: r.css,
    // The renderer's own print parameters, so the floor prints what the app prints.
    print: printParameters({}, fonts, MARGIN, {
      top: toInches(MARGIN.top),
      right: toInches(MARGIN.right),
      bottom: toInches(MARGIN.bottom),
      left: toInches(MARGIN.left),
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Result {
  label: string;
  pdfs: number;
  ms: number;
}

const msPer = (r: Result) => r.ms / r.pdfs;
const perSecond = (r: Result) => (r.pdfs * 1000) / r.ms;

function report(label: string, pdfs: number, ms: number, note = ''): Result {
  const r = { label, pdfs, ms };
  console.log(`${label.padEnd(60)} ${msPer(r).toFixed(1).padStart(8)} ms/PDF ${perSecond(r).toFixed(1).padStart(7)} PDFs/s   (${pdfs} PDFs${note})`);
  return r;
}

async function downloadPdf(base: string, auth: Record<string, string>, reviewId: string): Promise<number> {
  const res = await fetch(`${base}/api/reviews/${reviewId}/scorecard.pdf`, { headers: auth });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200 || body.subarray(0, 5).toString('latin1') !== '%PDF-')
    throw new Error(`scorecard.pdf answered ${res.status}: ${body.toString('utf8').slice(0, 200)}`);
  return body.length;
}

interface ExportState {
  state: string;
  total: number;
  done: number;
  failed: number;
  error: string | null;
}

/** POST → poll until done; the wall time from just before the POST to the poll that saw done. */
async function bulkExport(base: string, auth: Record<string, string>, cycleId: string): Promise<{ id: string; ms: number; final: ExportState }> {
  const started = performance.now();
  const res = await fetch(`${base}/api/cycles/${cycleId}/scorecards`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
  const created = (await res.json()) as { id: string; total: number };
  if (res.status !== 202) throw new Error(`POST export answered ${res.status}: ${JSON.stringify(created)}`);
  for (;;) {
    const poll = await fetch(`${base}/api/exports/${created.id}`, { headers: auth });
    const state = (await poll.json()) as ExportState;
    if (state.state === 'done' || state.state === 'failed') return { id: created.id, ms: performance.now() - started, final: state };
    if (performance.now() - started > 15 * 60_000) throw new Error(`export not done after 15 min: ${JSON.stringify(state)}`);
    await sleep(100);
  }
}

/** The app's Chromium: the child of the app's process running the browser's executable. */
function appBrowserPid(appPid: number, executablePath: string): number | null {
  for (const pid of processTreeSync(appPid)) {
    if (pid === appPid) continue;
    try {
      const ppid = Number(statFields(pid)?.[1]);
      if (ppid === appPid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(executablePath)) return pid;
    } catch {
      // gone
    }
  }
  return null;
}

function browserRssMb(appPid: number, executablePath: string): { pid: number | null; mb: number } {
  const pid = appBrowserPid(appPid, executablePath);
  return { pid, mb: pid ? treeRssBytesSync(pid) / 1024 / 1024 : 0 };
}

interface CpuSnapshot {
  app: number;
  chromium: number;
  /** Only for the embedded PostgreSQL (a child of this process); null with DATABASE_URL. */
  postgres: number | null;
}

/** CPU used so far by the app's Node process (alone), its Chromium and the embedded PostgreSQL. */
function cpuNow(appPid: number, executablePath: string): CpuSnapshot {
  const browser = appBrowserPid(appPid, executablePath);
  const postmaster = processTreeSync(process.pid).find((pid) => commOf(pid) === 'postgres' && commOf(Number(statFields(pid)?.[1])) !== 'postgres');
  return {
    app: cpuMs([appPid]) / 1000,
    chromium: browser ? treeCpuMs(browser) / 1000 : 0,
    postgres: postmaster ? treeCpuMs(postmaster) / 1000 : null,
  };
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/** Wall time and CPU of one measured path, accumulated over rounds. */
class Meter {
  ms = 0;
  pdfs = 0;
  cpu = new Map<string, number>();
  /** The whole machine's busy CPU (s) while measured: what the measured processes used and the rest. */
  machineBusy = 0;

  constructor(readonly label: string) {}

  async measure(pdfs: number, cpuOf: () => Record<string, number>, fn: () => Promise<void>): Promise<void> {
    const before = cpuOf();
    const machineBefore = machineTicks().busy;
    this.ms += await timed(fn);
    this.machineBusy += ((machineTicks().busy - machineBefore) * TICK_MS) / 1000;
    const after = cpuOf();
    for (const [k, v] of Object.entries(after)) this.cpu.set(k, (this.cpu.get(k) ?? 0) + v - (before[k] ?? 0));
    this.pdfs += pdfs;
  }

  report(): Result {
    const r = report(this.label, this.pdfs, this.ms);
    if (this.cpu.size > 0) {
      const parts = [...this.cpu].map(([k, v]) => `${k} ${((v * 1000) / this.pdfs).toFixed(1)} ms`);
      const sum = [...this.cpu.values()].reduce((a, v) => a + v, 0);
      // What else kept the cores busy meanwhile (the bench itself, the other browser, other tenants):
      // work that competes with the measured path for the 2 cores and their caches.
      const elsewhere = ((this.machineBusy - sum) * 1000) / this.pdfs;
      console.log(
        `     CPU per PDF: ${parts.join(', ')}${this.cpu.size > 1 ? ` (sum ${((sum * 1000) / this.pdfs).toFixed(1)} ms)` : ''}; elsewhere on the machine ${elsewhere.toFixed(1)} ms`,
      );
    }
    return r;
  }

  /** CPU per PDF, of one process (tree) when named, else of all. */
  cpuPerPdfMs(of?: string): number {
    const values = of === undefined ? [...this.cpu.values()] : [this.cpu.get(of) ?? 0];
    return (values.reduce((a, v) => a + v, 0) * 1000) / this.pdfs;
  }
}

/**
 * BENCH_ONLY=idle: single downloads after 3 s and after 40 s of idle, in turns (N/20 of each, at
 * least 3), each with its CPU and its window on the monotonic clock (µs, the clock of a --cpu-prof
 * profile's timestamps), so that a profile of the app can be cut to just the downloads that came
 * after idle.
 */
async function afterIdle(download: () => Promise<void>, appCpu: () => Record<string, number>): Promise<void> {
  const meters = new Map([3_000, 40_000].map((idle) => [idle, new Meter(`(b) after ${idle / 1000} s idle`)]));
  for (let r = 0; r < Math.max(3, Math.round(N / 20)); r++) {
    for (const [idle, meter] of meters) {
      await sleep(idle);
      const start = process.hrtime.bigint() / 1000n;
      await meter.measure(1, appCpu, download);
      console.log(`  after ${idle / 1000} s idle: window ${start}-${process.hrtime.bigint() / 1000n} µs`);
    }
  }
  for (const meter of meters.values()) meter.report();
}

/**
 * BENCH_ONLY=blocks: (b) against (d3) in turns, in blocks of 10 (as the full bench's rounds), in
 * blocks of N, and (b) alone in blocks of 10 with the machine idle between them for as long as a
 * (d3) block took. It tells what a turn costs (b) from what it pays for the floor's work in between.
 * The blocks of 10 also take turns with (r), GET of the review's JSON (what any signed-in read
 * costs), and (h), GET scorecard.pdf?format=html (the download's every step but Chromium's):
 * (h) + (d3) against (b) says whether (b)'s gap is anything but the request's own work around the
 * print.
 */
async function blocks(
  download: () => Promise<void>,
  setAndPrint: (w: number) => Promise<void>,
  around: { review: () => Promise<void>; html: () => Promise<void> },
  appCpu: () => Record<string, number>,
  floorCpu: () => Record<string, number>,
): Promise<void> {
  const ratios: string[] = [];
  for (const size of [10, N]) {
    const mb = new Meter(`(b)  single download, blocks of ${size} in turns with (d3)`);
    const md3 = new Meter(`(d3) body + print, blocks of ${size} in turns with (b)`);
    const mr = new Meter('(r)  GET review JSON, blocks of 10 in turns with (b)');
    const mh = new Meter('(h)  GET scorecard.pdf?format=html, blocks of 10 in turns with (b)');
    for (let r = 0; r < Math.max(2, N / size); r++) {
      const steps = [
        () => mb.measure(size, appCpu, () => pool(size, 1, download)),
        () => md3.measure(size, floorCpu, () => pool(size, 1, () => setAndPrint(0))),
        ...(size === 10
          ? [() => mr.measure(size, appCpu, () => pool(size, 1, around.review)), () => mh.measure(size, appCpu, () => pool(size, 1, around.html))]
          : []),
      ];
      for (const step of r % 2 === 0 ? steps : steps.reverse()) await step();
    }
    const b = mb.report();
    const d3 = md3.report();
    ratios.push(`  b/d3 in blocks of ${size}: ${(msPer(b) / msPer(d3)).toFixed(2)}x`);
    if (size !== 10) continue;
    const html = mh.report();
    const read = mr.report();
    ratios.push(
      `  (h)+(d3) against (b): ${(msPer(html) + msPer(d3)).toFixed(1)} against ${msPer(b).toFixed(1)} ms; (b)-(d3) ${(msPer(b) - msPer(d3)).toFixed(1)} ms, of which any signed-in read (r) ${msPer(read).toFixed(1)} ms`,
      `  (b) within 1.25x of (d3) needs (b)-(d3) <= ${(0.25 * msPer(d3)).toFixed(1)} ms`,
    );
    const idle = new Meter(`(b)  single download, blocks of 10 with the machine idle in between for a (d3) block's time`);
    const gap = (md3.ms / md3.pdfs) * 10;
    for (let r = 0; r < N / 10; r++) {
      await idle.measure(10, appCpu, () => pool(10, 1, download));
      await sleep(gap);
    }
    ratios.push(`  (b) idle in between / (d3) in blocks of 10: ${(msPer(idle.report()) / msPer(d3)).toFixed(2)}x`);
  }
  console.log(ratios.join('\n'));
}

async function main(): Promise<number> {
  const chromium = findChromium();
  if (!chromium) throw new Error(chromiumMissingMessage());
  const executablePath = await prepareChromium(chromium);
  const cores = availableParallelism();
  const stealStart = machineTicks();
  // The app child process inherits this environment, so it resolves the same browser.
  console.log(`PDF bench: Chromium ${describeChromium(chromium)}, ${cores} cores, app PDF pool ${POOL}`);
  const load = loadavg()[0];
  if (load > cores / 2) console.log(`NOTE: load average ${load.toFixed(1)} at the start: other work on this machine skews wall times (CPU per PDF much less)`);
  const db = await provideDatabase();
  console.log(`Database: ${db.where}`);
  const app = await startApp(db.url);
  const appPid = app.child.pid ?? 0;
  console.log(`App: ${app.base} (child process ${appPid})`);
  const auth = await signIn(app.base, db.url);
  const seedStarted = performance.now();
  const seeded = await seed(db.url);
  console.log(`Seeded 1,000 employees and 2,000 reviews in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  const fonts = await loadCjkFonts();
  const card = await finishedScorecard(app.base, auth, db.url, seeded.draftReview, fonts);
  const appCpu = (): Record<string, number> => {
    const c = cpuNow(appPid, chromium.executablePath);
    return { 'app (Node)': c.app, 'its Chromium': c.chromium, ...(c.postgres !== null ? { PostgreSQL: c.postgres } : {}) };
  };
  let renders = 0;
  let pdfBytes = 0;
  const download = async (): Promise<void> => {
    pdfBytes = await downloadPdf(app.base, auth, seeded.draftReview);
    renders += 1;
  };
  // Warm-up: the pg pool, every page of the app's pool printed a few times, and the JIT: V8
  // optimizes a path after it ran many times, and with 8 downloads of warm-up (b) still paid for
  // that (Node CPU 26.5 ms per download in its 100, 13.6 ms once the app had printed 2,000).
  await pool(100, POOL, download);
  const mb = new Meter('(b)  single download GET scorecard.pdf, warm, sequential');
  if (process.env.BENCH_ONLY === 'b') {
    // (b) alone, e.g. with BENCH_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" for a profile of
    // nothing but single downloads (the app's profile is written when it stops).
    await mb.measure(N, appCpu, () => pool(N, 1, download));
    mb.report();
    return 0;
  }
  // All of cycle A exported, or the bench stops: BENCH_ONLY=c and bulk time nothing else.
  const exportCycleA = async (): Promise<void> => {
    const { final } = await bulkExport(app.base, auth, seeded.cycleA);
    if (final.state !== 'done' || final.done !== EXPORT_REVIEWS) throw new Error(`export of cycle A: ${JSON.stringify(final)}`);
  };
  if (process.env.BENCH_ONLY === 'c') {
    // The export alone (e.g. for a profile of the app while it runs).
    const mc = new Meter(`(c)  bulk export of 1,000 alone, POST → done (pool ${POOL})`);
    await mc.measure(EXPORT_REVIEWS, appCpu, exportCycleA);
    mc.report();
    // HR exporting the cycle again: 999 scorecards are issued now, so only the draft is printed.
    const again = new Meter('(c3) the same export again: 999 issued, 1 printed');
    await again.measure(EXPORT_REVIEWS, appCpu, exportCycleA);
    again.report();
    return 0;
  }
  if (process.env.BENCH_ONLY === 'idle') {
    await afterIdle(download, appCpu);
    return 0;
  }
  const exportDocs: FinishedScorecard[] = [];
  const blocksOnly = process.env.BENCH_ONLY === 'blocks';
  if (!blocksOnly) {
    for (const id of await exportSample(db.url, seeded.cycleA, EXPORT_DOCS)) exportDocs.push(await finishedScorecard(app.base, auth, db.url, id, fonts));
  }

  // The floor's browser and pages, in this process: the finished document loaded once per page
  // (d), and shell pages that get the body per PDF as PdfRenderer does it (d3).
  const tmp = await mkdtemp('/tmp/pdf-bench-fonts-');
  cleanups.push({ what: `remove ${tmp}`, run: () => rm(tmp, { recursive: true, force: true }) });
  const fontEnv = await fonts.writeSystemFonts(tmp);
  const launch = (): Promise<Browser> =>
    puppeteer.launch({
      executablePath,
      headless: chromium.headless,
      pipe: true,
      args: [...CHROMIUM_ARGS],
      env: { ...process.env, ...fontEnv },
      defaultViewport: { width: 794, height: 1123 },
    });
  const browser = await launch();
  cleanups.push({ what: 'close the floor browser', run: () => browser.close().catch(() => undefined) });
  const floorPid = browser.process()?.pid ?? 0;
  const floorCpu = (): Record<string, number> => ({ Chromium: treeCpuMs(floorPid) / 1000 });
  const warm: CDPSession[] = [];
  const shells: { cdp: CDPSession; set: (doc?: FinishedScorecard) => Promise<unknown> }[] = [];
  let floorBytes = 0;
  for (let i = 0; i < POOL; i++) {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setContent(card.document, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const cdp = await page.createCDPSession();
    for (let w = 0; w < 3; w++) floorBytes = Buffer.from((await cdp.send('Page.printToPDF', card.print)).data, 'base64').length;
    warm.push(cdp);

    const shellPage = await browser.newPage();
    await shellPage.setJavaScriptEnabled(false);
    await shellPage.setContent(card.shell, { waitUntil: 'load' });
    const set = (doc: FinishedScorecard = card) =>
      shellPage.evaluate(
        (html: string, css: string) => {
          const template = document.createElement('template');
          template.innerHTML = html;
          const style = document.getElementById('render-style');
          if (style) style.textContent = css;
          document.body.replaceChildren(template.content);
          void document.body.offsetHeight;
          return document.fonts.ready.then(() => 'ok');
        },
        doc.body,
        doc.css,
      );
    const shellCdp = await shellPage.createCDPSession();
    for (let w = 0; w < 3; w++) {
      await set();
      await shellCdp.send('Page.printToPDF', card.print);
    }
    shells.push({ cdp: shellCdp, set });
  }
  const print = async (w: number): Promise<void> => void (await warm[w].send('Page.printToPDF', card.print));
  const setAndPrint = async (w: number, doc: FinishedScorecard = card): Promise<void> => {
    await shells[w].set(doc);
    await shells[w].cdp.send('Page.printToPDF', doc.print);
  };
  // (d3x): the same, over the export's own documents, one after another: every scorecard of (c) has
  // its own names, numbers and charts, where (d3) prints one document again and again.
  let nextDoc = 0;
  const setAndPrintOther = (w: number): Promise<void> => setAndPrint(w, exportDocs[nextDoc++ % exportDocs.length]);
  // The peer: a fresh page per PDF, the full document (fonts inlined) set into it, printed, closed.
  const peerOnce = async (): Promise<void> => {
    const page = await browser.newPage();
    try {
      await page.setContent(card.document, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const cdp = await page.createCDPSession();
      await cdp.send('Page.printToPDF', card.print);
    } finally {
      await page.close();
    }
  };
  const naiveOnce = async (): Promise<void> => {
    const naive = await launch();
    try {
      const page = await naive.newPage();
      await page.setContent(card.document, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const cdp = await page.createCDPSession();
      await cdp.send('Page.printToPDF', card.print);
    } finally {
      await naive.close();
    }
  };

  if (blocksOnly) {
    const get = (path: string) => async (): Promise<void> => {
      const res = await fetch(`${app.base}/api/reviews/${seeded.draftReview}${path}`, { headers: auth });
      const body = await res.arrayBuffer();
      if (res.status !== 200 || body.byteLength === 0) throw new Error(`GET ${path || 'review'} answered ${res.status}`);
    };
    await blocks(download, setAndPrint, { review: get(''), html: get('/scorecard.pdf?format=html') }, appCpu, floorCpu);
    return 0;
  }

  if (process.env.BENCH_ONLY === 'bulk') {
    // The export between the floor's concurrent prints and nothing else (no rounds, no peer, no
    // naive browsers): whether what ran before it in the full bench is what makes it costlier.
    const d3c = new Meter(`(d3) floor: body + print, concurrency ${POOL} (before and after (c))`);
    const d3xc = new Meter(`(d3x) floor over the export's documents, concurrency ${POOL} (before and after (c))`);
    const floor = async () => {
      await d3c.measure(2 * N, floorCpu, () => pool(2 * N, POOL, (_, w) => setAndPrint(w)));
      await d3xc.measure(2 * N, floorCpu, () => pool(2 * N, POOL, (_, w) => setAndPrintOther(w)));
    };
    const mc = new Meter(`(c)  bulk export of 1,000 between the floor's prints (pool ${POOL})`);
    await floor();
    await mc.measure(EXPORT_REVIEWS, appCpu, exportCycleA);
    await floor();
    const c = perSecond(mc.report());
    console.log(`  c/d3 ${(c / perSecond(d3c.report())).toFixed(2)}x, c/d3x ${(c / perSecond(d3xc.report())).toFixed(2)}x`);
    return 0;
  }

  // Sequential paths in interleaved rounds, so that each sees the same machine (other work here
  // comes and goes): 10 downloads, 10 floor prints, 10 body-and-print, 1 naive, and again.
  const md1 = new Meter('(d1) floor: Chromium prints the finished HTML, warm page, sequential');
  const md3 = new Meter('(d3) [why] the body set into a warm shell page + print, sequential');
  const md3x = new Meter(`(d3x) the same over ${exportDocs.length} of the export's own scorecards in turn, sequential`);
  const ma = new Meter('(a)  naive: new browser per PDF');
  const mp = new Meter('(p)  peer: new page + setContent + print + close, sequential');
  const mb0 = new Meter('(b0) the first download after the app sat idle through a peer round (~40 s)');
  const rounds = Math.ceil(N / 10);
  // (b) and the floors run back to back, in turns, so that each meets the same warmth: the peer
  // and naive rounds leave the app idle for ~40 s, and when (b) came right after them every round
  // started cold while (d3) never did (b/d3 1.71-1.88 then). What idling costs a download is (b0).
  for (let r = 0; r < rounds; r++) {
    const steps = [
      () => mb.measure(10, appCpu, () => pool(10, 1, download)),
      () => md1.measure(10, floorCpu, () => pool(10, 1, () => print(0))),
      () => md3.measure(10, floorCpu, () => pool(10, 1, () => setAndPrint(0))),
      () => md3x.measure(10, floorCpu, () => pool(10, 1, () => setAndPrintOther(0))),
    ];
    for (const step of r % 2 === 0 ? steps : steps.reverse()) await step();
  }
  for (let r = 0; r < Math.max(rounds, NAIVE_RUNS); r++) {
    if (r < rounds) await mp.measure(10, floorCpu, () => pool(10, 1, peerOnce));
    if (r < NAIVE_RUNS) await ma.measure(1, () => ({}), naiveOnce);
    if (r < rounds) await mb0.measure(1, appCpu, download);
  }
  console.log(`\nSequential: ${rounds} rounds of (b), (d1) and (d3) in turns, then the peer and naive rounds, each followed by (b0):`);
  const b = mb.report();
  const d1 = md1.report();
  const d3 = md3.report();
  const d3x = md3x.report();
  const p = mp.report();
  const a = ma.report();
  const b0 = mb0.report();
  await sleep(500);
  const rssEarly = browserRssMb(appPid, chromium.executablePath);
  const rendersEarly = renders;

  // Concurrent: the floor at the bulk path's concurrency just before and just after the export.
  const md2 = new Meter(`(d2) floor: ${POOL} warm pages, concurrency ${POOL} (before and after (c))`);
  const md3c = new Meter(`(d3) floor: body + print, concurrency ${POOL} (before and after (c))`);
  const md3xc = new Meter(`(d3x) floor over the export's documents, concurrency ${POOL} (before and after (c))`);
  const mpc = new Meter(`(p)  peer: new page per PDF, concurrency ${POOL}`);
  await md2.measure(2 * N, floorCpu, () => pool(2 * N, POOL, (_, w) => print(w)));
  await md3c.measure(2 * N, floorCpu, () => pool(2 * N, POOL, (_, w) => setAndPrint(w)));
  await md3xc.measure(2 * N, floorCpu, () => pool(2 * N, POOL, (_, w) => setAndPrintOther(w)));
  await mpc.measure(2 * N, floorCpu, () => pool(2 * N, POOL, peerOnce));

  // (c) our bulk export of 1,000 reviews (999 finalized: printed and issued; 1 draft).
  const mc = new Meter(`(c)  bulk export of 1,000, POST → done (workers in the app, pool ${POOL})`);
  let exported: { id: string; final: ExportState } | null = null;
  await mc.measure(EXPORT_REVIEWS, appCpu, async () => {
    exported = await bulkExport(app.base, auth, seeded.cycleA);
  });
  const c1 = exported as { id: string; final: ExportState } | null;
  if (!c1 || c1.final.state !== 'done' || c1.final.done !== EXPORT_REVIEWS) throw new Error(`export of cycle A: ${JSON.stringify(c1?.final)}`);
  renders += EXPORT_REVIEWS;
  await md2.measure(2 * N, floorCpu, () => pool(2 * N, POOL, (_, w) => print(w)));
  await md3c.measure(2 * N, floorCpu, () => pool(2 * N, POOL, (_, w) => setAndPrint(w)));
  await md3xc.measure(2 * N, floorCpu, () => pool(2 * N, POOL, (_, w) => setAndPrintOther(w)));
  await mpc.measure(2 * N, floorCpu, () => pool(2 * N, POOL, peerOnce));
  await browser.close();

  console.log(`\nConcurrent:`);
  const d2 = md2.report();
  const d3c = md3c.report();
  const d3xc = md3xc.report();
  const pc = mpc.report();
  const c = mc.report();
  const zipStarted = performance.now();
  const zip = await fetch(`${app.base}/api/exports/${c1.id}/download`, { headers: auth });
  const zipBytes = Buffer.from(await zip.arrayBuffer());
  const zipMs = performance.now() - zipStarted;
  const entries = zipBytes.readUInt16LE(zipBytes.length - 22 + 10);
  console.log(
    `     its zip: ${(zipBytes.length / 1e6).toFixed(1)} MB, ${entries} PDFs, downloaded in ${zipMs.toFixed(0)} ms (${((zipBytes.length / 1e6 / zipMs) * 1000).toFixed(0)} MB/s)`,
  );
  if (zip.status !== 200 || entries !== EXPORT_REVIEWS || Number(zip.headers.get('content-length')) !== zipBytes.length) {
    throw new Error(`zip: ${zip.status}, ${entries} entries, ${zipBytes.length} bytes, Content-Length ${zip.headers.get('content-length')}`);
  }

  // Memory: another 1,000 renders (cycle B: submitted reviews, nothing issued), then the RSS again.
  const mc2 = new Meter('(c2) bulk export of another 1,000 (not finalized: nothing issued)');
  let second: ExportState | null = null;
  await mc2.measure(EXPORT_REVIEWS, appCpu, async () => {
    second = (await bulkExport(app.base, auth, seeded.cycleB)).final;
  });
  const c2 = second as ExportState | null;
  if (!c2 || c2.state !== 'done' || c2.done !== EXPORT_REVIEWS) throw new Error(`export of cycle B: ${JSON.stringify(c2)}`);
  mc2.report();
  renders += EXPORT_REVIEWS;
  await sleep(500);
  const rssLate = browserRssMb(appPid, chromium.executablePath);

  console.log(`\nLoad average (1 min) at the end: ${loadavg()[0].toFixed(1)} on ${cores} cores`);
  console.log(`Browser measured (the app's and the floor's): ${describeChromium(chromium)}`);
  console.log(`Scorecard PDF: ${(pdfBytes / 1024).toFixed(0)} kB from the app, ${(floorBytes / 1024).toFixed(0)} kB from the floor page`);
  const bd = msPer(b) / msPer(d1);
  const cd = perSecond(c) / perSecond(d2);
  const ab = msPer(a) / msPer(b);
  const growth = rssLate.mb / rssEarly.mb;
  const stealPct = stealPercent(stealStart, machineTicks());
  console.log(`Steal (/proc/stat, whole run): ${stealPct.toFixed(1)}% of CPU time`);
  const bd3 = msPer(b) / msPer(d3);
  const cd3 = perSecond(c) / perSecond(d3c);
  const bp = msPer(b) / msPer(p);
  const cp = perSecond(c) / perSecond(pc);
  console.log('Ratios:');
  console.log(`  b/d3  single download vs floor (d3), ms per PDF         ${bd3.toFixed(2)}x`);
  console.log(`  c/d3  bulk export vs floor (d3) at concurrency ${POOL}, PDFs/s ${cd3.toFixed(2)}x`);
  console.log(
    `  c/d3x bulk export vs floor over its own documents, PDFs/s ${(perSecond(c) / perSecond(d3xc)).toFixed(2)}x  (Chromium CPU per PDF: export ${mc.cpuPerPdfMs('its Chromium').toFixed(0)} ms, d3x ${md3xc.cpuPerPdfMs().toFixed(0)} ms, d3 ${md3c.cpuPerPdfMs().toFixed(0)} ms)`,
  );
  console.log(`  d3x/d3 sequential, ms per PDF: what a different document each time costs Chromium ${(msPer(d3x) / msPer(d3)).toFixed(2)}x`);
  console.log(`  b/d3x single download vs floor over the export's documents ${(msPer(b) / msPer(d3x)).toFixed(2)}x`);
  console.log(
    `  b/p   single download vs peer, ms per PDF              ${bp.toFixed(2)}x  (CPU: ours ${mb.cpuPerPdfMs().toFixed(0)} ms, peer ${mp.cpuPerPdfMs().toFixed(0)} ms)`,
  );
  console.log(
    `  c/p   bulk export vs peer at concurrency ${POOL}, PDFs/s     ${cp.toFixed(2)}x  (CPU: ours ${mc.cpuPerPdfMs().toFixed(0)} ms, peer ${mpc.cpuPerPdfMs().toFixed(0)} ms)`,
  );
  console.log(
    `  b0/b  first download after ~40 s idle vs warm (b)       ${(msPer(b0) / msPer(b)).toFixed(2)}x  (b0/d3 ${(msPer(b0) / msPer(d3)).toFixed(2)}x)`,
  );
  console.log(`  b/d1  single download vs floor, ms per PDF              ${bd.toFixed(2)}x`);
  console.log(`  c/d2  bulk export vs floor at concurrency ${POOL}, PDFs/s     ${cd.toFixed(2)}x`);
  console.log(
    `        by CPU per PDF (less sensitive to other load)     ${(md2.cpuPerPdfMs() / mc.cpuPerPdfMs()).toFixed(2)}x  (floor ${md2.cpuPerPdfMs().toFixed(0)} ms, export ${mc.cpuPerPdfMs().toFixed(0)} ms on ${cores} cores)`,
  );
  console.log(`  a/b   naive vs single download, ms per PDF              ${ab.toFixed(1)}x`);
  console.log(
    `  Chromium RSS (the app's browser process tree): ${rssEarly.mb.toFixed(0)} MB after ${rendersEarly} renders, ${rssLate.mb.toFixed(0)} MB after ${renders}: ${growth.toFixed(2)}x` +
      (rssEarly.pid !== rssLate.pid ? ` (NOTE: the browser was replaced in between: pid ${rssEarly.pid} → ${rssLate.pid})` : ''),
  );
  console.log('\nTargets:');
  console.log(`  ${verdict(bd3 <= 1.25)}  (b) within 1.25x of (d3): ${bd3.toFixed(2)}x`);
  console.log(`  ${verdict(cd3 >= 0.85)}  (c) at least 0.85x of (d3)'s throughput at concurrency ${POOL}: ${cd3.toFixed(2)}x`);
  console.log(`  ${verdict(bp <= 1 / 3)}  (b) at most 1/3 of the peer's latency: ${bp.toFixed(2)}x`);
  console.log(`  ${verdict(cp >= 3)}  (c) at least 3x the peer's bulk throughput: ${cp.toFixed(2)}x`);
  console.log(`  (informational) (b) vs (d1), a laid-out page no real scorecard reaches: ${bd.toFixed(2)}x`);
  console.log(`  (informational) (c) vs (d2), laid-out pages: ${cd.toFixed(2)}x (${perSecond(c).toFixed(1)} vs ${perSecond(d2).toFixed(1)} PDFs/s)`);
  console.log(`  ${verdict(ab >= 15)}  (a)/(b) at least 15x: ${ab.toFixed(1)}x`);
  console.log(`  ${verdict(growth < 1.2)}  Chromium RSS after ~2,000 renders below 1.2x of after ~100: ${growth.toFixed(2)}x`);
  if (process.env.BENCH_KEEP) {
    console.log(`\nBENCH_KEEP: the app stays at ${app.base} (${auth.authorization}) and the database at ${db.url}; Ctrl-C cleans up.`);
    await new Promise<void>((resolve) => {
      releaseKeep = resolve;
    });
  }
  return 0;
}

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
