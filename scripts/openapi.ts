// Prints the OpenAPI document as /api/docs-json serves it, without a database or a server:
// Nest's preview mode scans the modules without creating providers (so nothing connects).
// `npm run lint:openapi` lints this output.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { ModulesContainer, NestFactory, RouterModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { API_MODULES, AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/config.js';
import { createOpenApiDocument } from '../src/openapi/document.js';

const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://openapi@127.0.0.1:1/none' });
const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, databaseUrl: config.databaseUrl ?? '' }), {
  preview: true,
  logger: ['error'],
  abortOnError: false,
});
// Preview mode creates no module instances, RouterModule's included: mount the API under /api
// as its constructor would (the document's paths must equal the served ones).
new RouterModule(
  app.get(ModulesContainer),
  API_MODULES.map((module) => ({ path: 'api', module })),
);
const doc = createOpenApiDocument(app);
const out = process.argv[2];
const text = `${JSON.stringify(doc, null, 2)}\n`;
if (out) writeFileSync(out, text);
else process.stdout.write(text);
await app.close();
