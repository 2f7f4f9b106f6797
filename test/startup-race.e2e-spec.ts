// Two app processes started at the same moment on one empty database, as two replicas behind a
// load balancer are: both must come up, and the schema and the first-boot data must be made once
// (the start-up lock of src/database/bootstrap.ts).
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { migrations } from '../migrations/index.js';
import { DEMO_USERS, demoOrganisation } from '../src/demo/demo-org.js';
import { DEFAULT_ROLES } from '../src/kpi-templates/default-templates.js';
import { adminQuery, freePort, withDatabase } from './support/database.js';
import { type RunningProcess, startProcess } from './support/processes.js';

const ADMIN_EMAIL = 'race-admin@test.example';

describe('two app processes starting at once on an empty database', () => {
  const serverUrl = process.env.E2E_SERVER_URL ?? '';
  const name = `scorecard_e2e_${randomBytes(6).toString('hex')}`;
  const apps: RunningProcess[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('both become ready; every migration ran once and the first-boot data exists once', async () => {
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
    const url = withDatabase(serverUrl, name);
    for (let i = 0; i < 2; i++) {
      apps.push(
        startProcess('src/main.ts', {
          DATABASE_URL: url,
          PORT: String(await freePort()),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'log',
          // The demo data too: the largest first-boot write, and the one most easily made twice.
          DEMO_DATA: 'true',
          ADMIN_EMAIL,
          ADMIN_PASSWORD: 'first-boss-key-42',
        }),
      );
    }
    await Promise.all(apps.map((a) => a.waitFor(/Scorecard is running at/, 240_000)));
    expect(apps.map((a) => a.alive())).toEqual([true, true]);
    // One of them ran the migrations; the other found the schema current.
    expect(apps.map((a) => /Ran migrations: /.test(a.output())).sort()).toEqual([false, true]);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0].n);
      const ran = await client.query<{ name: string; n: string }>('SELECT name, count(*) AS n FROM migrations GROUP BY name');
      const byName = (a: [string, number], b: [string, number]) => a[0].localeCompare(b[0]);
      expect(ran.rows.map((r): [string, number] => [r.name, Number(r.n)]).sort(byName)).toEqual(
        migrations.map((m): [string, number] => [m.name, 1]).sort(byName),
      );
      expect(await count('SELECT count(*) AS n FROM roles')).toBe(DEFAULT_ROLES.length);
      expect(await count('SELECT count(*) AS n FROM kpi_template_versions')).toBe(DEFAULT_ROLES.length);
      expect(await count('SELECT count(*) AS n FROM employees')).toBe(demoOrganisation().length);
      expect(await count(`SELECT count(*) AS n FROM users WHERE email = '${ADMIN_EMAIL}'`)).toBe(1);
      expect(await count('SELECT count(*) AS n FROM users')).toBe(new Set([ADMIN_EMAIL, ...DEMO_USERS.map((u) => u.email)]).size);
    } finally {
      await client.end();
    }
  }, 300_000);
});
