// `npm run worker`: a process that only prints export chunks. The same modules and settings as the
// app (a Nest application context, no HTTP server), with workers always on. Start one per machine
// that should share the work; they find it in the pg-boss queue of the shared database.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { installProcessGuards } from '../common/process-guards.js';
import { loadConfigOrExit } from '../config/config.js';
import { bootstrap } from '../database/bootstrap.js';
import { createDataSource } from '../database/data-source.js';
import { resolveDatabase } from '../database/database-url.js';
import { installAppLogger } from '../logging/logging.js';
import { PdfRenderer } from '../scorecards/pdf-renderer.js';

async function migrate(url: string, logger: Logger): Promise<void> {
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    // The app migrates at start too; a worker started first must not wait for it. The start-up
    // lock keeps the two from running the same migrations at once.
    await bootstrap(ds, { log: logger });
  } finally {
    await ds.destroy();
  }
}

async function main(): Promise<void> {
  const logger = new Logger('ExportWorker');
  installProcessGuards();
  const config = loadConfigOrExit({ ...process.env, RUN_WORKERS: 'true' });
  const appLogger = installAppLogger(config);
  const root = appLogger.root;
  const db = await resolveDatabase(config, (line) => logger.log(line));
  let closing = false;
  let stop: () => Promise<void> = async () => {
    await db.embedded?.stop();
  };
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: finishing the scorecards in progress, then stopping`);
    await stop().catch((err: unknown) => logger.error(err));
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }

  try {
    await migrate(db.url, logger);
    const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, databaseUrl: db.url, logger: root }), { logger: appLogger });
    stop = async () => {
      await app.close();
      await db.embedded?.stop();
    };
    const poolSize = app.get(PdfRenderer).stats().poolSize;
    logger.log(`Export worker running: up to ${poolSize} scorecards at once (PDF_POOL_SIZE); Ctrl-C stops it after the scorecards in progress`);
  } catch (err) {
    logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    await stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
