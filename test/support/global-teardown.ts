import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const pg = globalThis.__E2E_PG__;
  if (!pg) return;
  await pg.stop();
  const dataDir = process.env.E2E_PG_DIR;
  if (dataDir) await rm(dirname(dataDir), { recursive: true, force: true });
}
