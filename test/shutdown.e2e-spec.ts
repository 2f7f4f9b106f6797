// SIGTERM to the real app: the built `node dist/src/main.js` as a child process, with its own
// embedded PostgreSQL and the demo data, exactly as `npm start` runs it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from './support/database.js';
import { expectValidPdfs } from './support/pdf.js';
import { readZip } from './support/zip.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
/** The bound for the export test: small enough to keep the test short, large enough for a render on a busy machine. */
const BOUND_MS = 8000;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

interface RunningApp {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

describe('graceful shutdown of the built app', () => {
  let dir: string;
  let dataDir: string;
  let port: number;
  let pgPort: number;
  let running: RunningApp | null = null;
  const figures: Record<string, number> = {};

  const call = (method: string, path: string, options: { token?: string; body?: unknown; agent?: Agent } = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          agent: options.agent,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const json = <T>(answer: Answer): T => JSON.parse(answer.body.toString('utf8')) as T;

  const start = async (): Promise<RunningApp> => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'true',
      LOG_LEVEL: 'log',
      // One render at a time: a 25-scorecard export is surely still running when the signal comes.
      PDF_POOL_SIZE: '1',
      SHUTDOWN_TIMEOUT_MS: String(BOUND_MS),
      NO_COLOR: '1',
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout?.on('data', (c: Buffer) => (log += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (log += c.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const app: RunningApp = { child, output: () => log, exited };
    running = app;
    const deadline = Date.now() + 150_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the app exited at start:\n${log}`);
      const ready = await call('GET', '/api/health/ready').catch(() => null);
      if (ready?.status === 200) return app;
      if (Date.now() > deadline) throw new Error(`the app did not become ready:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  /** Sends the signal; resolves with the exit and the milliseconds from signal to exit. */
  const stop = async (app: RunningApp, signal: NodeJS.Signals = 'SIGTERM') => {
    const sent = Date.now();
    app.child.kill(signal);
    const exit = await app.exited;
    running = null;
    return { ...exit, ms: Date.now() - sent };
  };

  const postmasterPid = (): number | null => {
    const file = join(dataDir, 'postmaster.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : null;
  };
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    // The test runs what `npm start` runs: build it if the sources changed since the last build.
    if (!existsSync(MAIN) || statSync(MAIN).mtimeMs < Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'migrations')))) {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
    }
    // /tmp, not a home folder: as root, PostgreSQL runs as "postgres" and must reach its data.
    dir = await mkdtemp('/tmp/scorecard-shutdown-');
    await chmod(dir, 0o755);
    dataDir = join(dir, 'pg');
    port = await freePort();
    pgPort = await freePort();
  }, 300_000);

  afterAll(async () => {
    if (running) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    const pid = dataDir ? postmasterPid() : null;
    if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
    if (dir) await rm(dir, { recursive: true, force: true });
    console.log(`shutdown figures: ${JSON.stringify(figures)}`);
  });

  it('exits within 2 s when idle, with a keep-alive connection open, and stops its PostgreSQL', async () => {
    const app = await start();
    const pid = postmasterPid();
    expect(pid).not.toBeNull();
    // A client that keeps its connection open between requests, as browsers and load balancers do.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await call('GET', '/api/health/live', { agent })).status).toBe(200);

    const exit = await stop(app);
    figures.idleExitMs = exit.ms;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(2000);
    expect(app.output()).toMatch(/Shut down in \d+ ms/);
    // Our PostgreSQL went with it.
    expect(alive(pid ?? 0)).toBe(false);
    expect(postmasterPid()).toBeNull();
    agent.destroy();
  }, 300_000);

  it('with an export running: finishes the request in flight, hands the export back, exits within the bound; the export completes after a restart', async () => {
    let app = await start();
    const login = await call('POST', '/api/auth/login', { body: { email: 'hr@scorecard.demo', password: 'demo-hr-2026' } });
    const { token } = json<{ token: string }>(login);
    const cycles = json<{ id: string; status: string }[]>(await call('GET', '/api/cycles', { token }));
    const open = cycles.find((c) => c.status === 'open');
    if (!open) throw new Error('the demo data has no open cycle');
    const created = json<{ id: string; total: number }>(await call('POST', `/api/cycles/${open.id}/scorecards`, { token, body: { lang: 'en' } }));
    expect(created.total).toBeGreaterThan(5);

    // Running: at least one scorecard printed, most still to do.
    let progress = { state: 'queued', done: 0, total: created.total };
    const deadline = Date.now() + 120_000;
    while (progress.done < 1) {
      if (Date.now() > deadline) throw new Error(`the export did not start: ${JSON.stringify(progress)}`);
      await new Promise((r) => setTimeout(r, 100));
      progress = json(await call('GET', `/api/exports/${created.id}`, { token }));
    }
    expect(progress.state).toBe('running');

    // A request in flight when the signal comes: a draft scorecard, printed fresh (it waits for
    // the one page of the PDF pool behind the export's render).
    const reviews = json<{ items: { id: string; status: string }[] }>(await call('GET', `/api/reviews?cycleId=${open.id}&pageSize=50`, { token }));
    const draft = reviews.items.find((r) => r.status === 'draft') ?? reviews.items[0];
    const inFlight = call('GET', `/api/reviews/${draft.id}/scorecard.pdf?lang=en`, { token });
    await new Promise((r) => setTimeout(r, 100));

    const exit = await stop(app);
    figures.exportExitMs = exit.ms;
    figures.doneAtSignal = progress.done;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(BOUND_MS);
    const pdf = await inFlight;
    expect(pdf.status).toBe(200);
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const handedBack = /handed (\d+) scorecard\(s\) of export [0-9a-f-]+ back to the queue/.exec(app.output());
    expect(handedBack).not.toBeNull();
    figures.handedBack = Number(handedBack?.[1]);
    expect(figures.handedBack).toBeGreaterThan(0);
    expect(progress.done + figures.handedBack).toBeLessThanOrEqual(created.total);

    // The next start picks the rest up from the queue.
    const restarted = Date.now();
    app = await start();
    const again = json<{ token: string }>(await call('POST', '/api/auth/login', { body: { email: 'hr@scorecard.demo', password: 'demo-hr-2026' } })).token;
    let after = json<{ state: string; done: number; failed: number; total: number }>(await call('GET', `/api/exports/${created.id}`, { token: again }));
    while (after.state !== 'done' && after.state !== 'failed') {
      if (Date.now() - restarted > 240_000) throw new Error(`the export did not finish after the restart: ${JSON.stringify(after)}`);
      await new Promise((r) => setTimeout(r, 250));
      after = json(await call('GET', `/api/exports/${created.id}`, { token: again }));
    }
    figures.exportFinishedAfterRestartMs = Date.now() - restarted;
    expect(after).toMatchObject({ state: 'done', done: created.total, failed: 0 });
    const zip = await call('GET', `/api/exports/${created.id}/download`, { token: again });
    expect(zip.status).toBe(200);
    const entries = readZip(zip.body);
    expect(entries.map((e) => e.name).filter((n) => n.endsWith('.pdf'))).toHaveLength(created.total);
    await expectValidPdfs(entries);

    const last = await stop(app);
    expect(last.code).toBe(0);
  }, 600_000);
});
