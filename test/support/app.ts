import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type pino from 'pino';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp, prepareDatabase } from '../../src/app.setup.js';
import { loadConfig } from '../../src/config/config.js';
import { AppLogger } from '../../src/logging/logging.js';
import { adminQuery, withDatabase } from './database.js';
import { OpenApiContract } from './openapi-contract.js';

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  db: DataSource;
  /** The HTTP address, for clients that need a real socket (autocannon, Chromium). */
  url: string;
  /** Checks every response received through `http` against the OpenAPI document; also usable on other responses. */
  contract: OpenApiContract;
  /** Name of its database (on the e2e server), for another app on the same data: `createTestApp(env, { database })`. */
  database: string;
  /** Authorization headers of a signed-in admin or HR user (made at start), or of a user made by `userFor`. */
  as(role: TestRole): Record<string, string>;
  /** Creates a signed-in user of the role, linked to the employee; `as(role)` then returns their headers. */
  userFor(role: TestRole, employeeId: string | null, email?: string): Promise<Record<string, string>>;
  /** Signs in and returns the bearer headers (fails the test if sign-in fails). */
  signIn(email: string, password: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export const TEST_ADMIN = { email: 'admin@test.example', password: 'first-boss-key-42' };
export const TEST_PASSWORD = 'user-password-1';

export type TestRole = 'admin' | 'hr' | 'manager' | 'employee';

export interface TestAppOptions {
  /** Start on this existing database (left by an app closed with keepDatabase) instead of a fresh one: a restart. */
  database?: string;
  /** close() leaves the database in place, for a later app with `database`. */
  keepDatabase?: boolean;
  /** Log through this pino logger, as main.ts does (Nest's Logger included); default: errors only, to stdout. */
  logger?: pino.Logger;
  /** Another PostgreSQL than the suite's (a test that stops and starts its own server). */
  serverUrl?: string;
}

/** The real app on its own fresh database (or, with `database`, an earlier app's), migrated exactly as on a real start. */
export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const serverUrl = options.serverUrl ?? process.env.E2E_SERVER_URL;
  if (!serverUrl) throw new Error('The e2e global setup did not run');
  const reused = options.database !== undefined;
  if (reused && !/^scorecard_e2e_[0-9a-f]+$/.test(options.database ?? '')) throw new Error(`Not a test database: ${options.database}`);
  const name = options.database ?? `scorecard_e2e_${randomBytes(6).toString('hex')}`;
  if (!reused) await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const config = loadConfig({
    DEMO_DATA: 'false',
    LOG_LEVEL: 'error',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    // Suites fire hundreds of requests a second from one address; the rate-limit test lowers this.
    RATE_LIMIT_PER_MINUTE: '1000000',
    // A second connection taken inside a transaction fails the test that reaches it (issue 10).
    DB_STRICT_TRANSACTIONS: 'true',
    ...env,
    DATABASE_URL: withDatabase(serverUrl, name),
  });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, databaseUrl: withDatabase(serverUrl, name), logger: options.logger }),
    {
      bodyParser: false,
      logger: options.logger ? new AppLogger(options.logger) : ['error'],
    },
  );
  configureApp(app, config);
  await prepareDatabase(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  // Every response the tests get through `http` is checked against the document the app serves.
  const served = await request(app.getHttpServer()).get('/api/docs-json');
  if (served.status !== 200) throw new Error(`GET /api/docs-json answered ${served.status}`);
  const contract = new OpenApiContract(served.body as ConstructorParameters<typeof OpenApiContract>[0]);
  const http = contract.watch(request(app.getHttpServer()));
  const headers = new Map<TestRole, Record<string, string>>();

  const signIn = async (email: string, password: string): Promise<Record<string, string>> => {
    const res = await http.post('/api/auth/login').send({ email, password });
    if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { authorization: `Bearer ${(res.body as { token: string }).token}` };
  };
  const userFor = async (role: TestRole, employeeId: string | null, email = `${role}-${randomBytes(3).toString('hex')}@test.example`) => {
    const created = await http
      .post('/api/users')
      .set(headers.get('admin') ?? {})
      .send({ email, role, employeeId, password: 'temporary-pass-1' });
    if (created.status !== 201) throw new Error(`creating ${role} user failed: ${created.status} ${JSON.stringify(created.body)}`);
    const first = await signIn(email, 'temporary-pass-1');
    const changed = await http.post('/api/auth/change-password').set(first).send({ currentPassword: 'temporary-pass-1', newPassword: TEST_PASSWORD });
    if (changed.status !== 204) throw new Error(`password change failed: ${changed.status} ${JSON.stringify(changed.body)}`);
    headers.set(role, first);
    return first;
  };
  headers.set('admin', await signIn(TEST_ADMIN.email, TEST_ADMIN.password));
  if (reused) headers.set('hr', await signIn('hr@test.example', TEST_PASSWORD));
  else await userFor('hr', null, 'hr@test.example');

  return {
    app,
    http,
    db: app.get(DataSource),
    url: `http://127.0.0.1:${address.port}`,
    database: name,
    contract,
    as: (role) => {
      const h = headers.get(role);
      if (!h) throw new Error(`no ${role} user yet: call userFor('${role}', employeeId) first`);
      return h;
    },
    userFor,
    signIn,
    close: async () => {
      contract.record();
      await app.close();
      if (!options.keepDatabase) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
