// Starts a real PostgreSQL for the e2e suite, unless DATABASE_URL names one, and builds the pages'
// scoring.js (which the apps under test serve). Jest loads this file outside the ESM test sandbox
// (no .js-to-.ts mapping), so it is plain JavaScript that Node loads itself, and so is what it imports.
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { scratchDir, startScratchPostgres, FAST_POSTGRES_FLAGS } from '../../support/harness.mjs';

/**
 * @param {unknown} _global
 * @param {{ rootDir: string }} project
 */
export default async function globalSetup(_global, project) {
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
  const dataDir = join(await scratchDir('scorecard-e2e-'), 'pg');
  const pg = await startScratchPostgres({ dataDir, password: 'e2e', flags: [...FAST_POSTGRES_FLAGS, '-c', 'max_connections=300'] });
  globalThis.__E2E_PG__ = pg.server;
  process.env.E2E_PG_DIR = dataDir;
  process.env.E2E_SERVER_URL = pg.url;
  console.log(`\ne2e: embedded PostgreSQL on port ${pg.port}, data in ${dataDir}`);
}
