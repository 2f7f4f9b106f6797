import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp, prepareDatabase } from '../../src/app.setup.js';
import { loadConfig } from '../../src/config/config.js';
import { adminQuery, withDatabase } from './database.js';

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  db: DataSource;
  /** The HTTP address, for clients that need a real socket (autocannon, Chromium). */
  url: string;
  /**
   * Request headers that make a request come from someone in the given role. Every test request
   * goes through this, so that when sign-in arrives only this function changes.
   */
  as(role: TestRole): Record<string, string>;
  close(): Promise<void>;
}

export type TestRole = 'admin' | 'hr' | 'manager' | 'employee';

/** The real app on its own fresh database, migrated exactly as on a real start. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const serverUrl = process.env.E2E_SERVER_URL;
  if (!serverUrl) throw new Error('The e2e global setup did not run');
  const name = `scorecard_e2e_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const config = loadConfig({ DEMO_DATA: 'false', LOG_LEVEL: 'error', ...env, DATABASE_URL: withDatabase(serverUrl, name) });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, databaseUrl: withDatabase(serverUrl, name) }), {
    bodyParser: false,
    logger: ['error'],
  });
  configureApp(app, config);
  await prepareDatabase(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    http: request(app.getHttpServer()),
    db: app.get(DataSource),
    url: `http://127.0.0.1:${address.port}`,
    as: (role) => ({ 'x-actor': `${role}@test` }),
    close: async () => {
      await app.close();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
