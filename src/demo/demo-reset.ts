// `npm run demo:reset`: throws away everything in the database and loads the demo data again.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../app.module.js';
import { prepareDatabase } from '../app.setup.js';
import { loadConfig } from '../config/config.js';
import { resolveDatabase } from '../database/database-url.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await resolveDatabase(config, (line) => console.log(line));
  try {
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, databaseUrl: db.url }), { logger: ['error', 'warn'] });
    try {
      // Dropping the schema is the only way past the append-only audit log, by design.
      await prepareDatabase(app, { resetDemo: true });
      console.log('Demo data recreated.');
    } finally {
      await app.close();
    }
  } finally {
    await db.embedded?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
