import type { INestApplication, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type pino from 'pino';
import { rateLimit } from './common/rate-limit.js';
import { DataSource } from 'typeorm';
import type { AppConfig } from './config/config.js';
import { bootstrap } from './database/bootstrap.js';
import { DemoService } from './demo/demo.service.js';
import { createOpenApiDocument } from './openapi/document.js';
import { AuthService } from './auth/auth.service.js';
import { KpiTemplatesService } from './kpi-templates/kpi-templates.service.js';
import { httpObserver } from './logging/http-observer.js';
import { ROOT_LOGGER } from './logging/logging.js';
import { METRICS_PATH, metricsHandler } from './metrics/metrics-endpoint.js';
import { MetricsService } from './metrics/metrics.service.js';

/** HTTP set-up shared by main.ts and the e2e tests. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.disable('x-powered-by');
  // Before everything else, so that every answer is logged and timed (429s and 415s included), and
  // scrapes of /metrics are not rate-limited.
  const metrics = app.get(MetricsService);
  app.use(httpObserver(app.get<pino.Logger>(ROOT_LOGGER), metrics.enabled ? metrics : null));
  if (config.metricsToken) app.getHttpAdapter().getInstance().get(METRICS_PATH, metricsHandler(metrics, config.metricsToken));
  // Express would hash every response body for a weak ETag; API answers and pages are no-store
  // (personal data), so no cache ever sends it back. Assets set their own. The hash of a page of
  // 50 employees was ~2 % of the app's CPU on it.
  app.set('etag', false);
  // Order matters: headers first, so that every answer (errors from later steps too) carries them.
  // The CSP is helmet's default (scripts only from this site, none inline). It also asks browsers
  // to upgrade every http:// load to https://, which breaks the pages of an installation served
  // over plain HTTP on an intranet address; so that part follows COOKIE_SECURE (i.e. "we are on HTTPS").
  // Styles and fonts come from this site only (helmet's default also allows any https: origin).
  // Referrer-Policy same-origin (helmet's default is no-referrer): under no-referrer browsers send
  // "Origin: null" with our own form posts, and the CSRF check refuses an opaque origin.
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          upgradeInsecureRequests: config.auth.cookieSecure ? [] : null,
          'style-src': ["'self'"],
          'font-src': ["'self'", 'data:'],
        },
      },
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  // req.cookies for every later step: the session, CSRF and language cookies (src/common/cookies.ts).
  app.use(cookieParser());
  // Reviews are personal data: no browser or proxy may keep a copy.
  app.use('/api', (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  if (config.http.corsOrigins.length > 0) app.enableCors({ origin: config.http.corsOrigins, credentials: true });
  const perMinute = config.http.rateLimitPerMinute;
  app.use(
    rateLimit([
      { name: 'api', perMinute, match: (req) => req.path.startsWith('/api/') },
      { name: 'pages', perMinute, match: (req) => !req.path.startsWith('/api/') && !req.path.startsWith('/assets/') },
      // Stricter where each request is expensive (argon2, Chromium) or an attack surface.
      {
        name: 'sign-in',
        perMinute: Math.max(1, Math.ceil(perMinute / 20)),
        match: (req) => req.path === '/api/auth/login' || (req.path === '/login' && req.method === 'POST'),
      },
      // Printing and zipping only; polling an export's progress is ordinary API traffic.
      {
        name: 'pdf',
        perMinute: Math.max(1, Math.ceil(perMinute / 10)),
        match: (req) => req.path.endsWith('/scorecard.pdf') || req.path.endsWith('/download') || (req.method === 'POST' && req.path.endsWith('/scorecards')),
      },
    ]),
  );
  // A body the parsers do not read would otherwise arrive as {} and "succeed" as an empty edit.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    // Import files come as multipart uploads, read (and bounded) by the imports' FileInterceptor only.
    const upload = req.method === 'POST' && req.path.startsWith('/api/imports/') && typeof req.is('multipart/form-data') === 'string';
    if (hasBody && !upload && !req.is(['application/json', 'application/x-www-form-urlencoded'])) {
      res.status(415).json({
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        error: 'Unsupported Media Type',
        message: `Send the body as application/json (got ${req.headers['content-type'] ?? 'no Content-Type'})`,
      });
      return;
    }
    next();
  });
  app.useBodyParser('json', { limit: config.bodyLimit });
  // The template editor posts one field per value: the largest template the API accepts (50 KPIs
  // on an 11-point scale, 20 bands) is about 2,500 fields, over the parser's default of 1,000. The
  // byte limit still bounds every body.
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false, parameterLimit: 5000 });
  const doc = createOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
}

export interface PrepareOptions {
  /** Load the demo data into an empty database (DEMO_DATA). */
  demoData?: boolean;
  /** Drop everything first and load the demo data again (demo:reset). */
  resetDemo?: boolean;
  log?: Pick<Logger, 'log'>;
}

/**
 * Brings the schema up to date and makes sure the default roles, the first admin and (when asked)
 * the demo data exist, under the start-up lock (src/database/bootstrap.ts). True when demo data was loaded.
 */
export async function prepareDatabase(app: INestApplication, options: PrepareOptions = {}): Promise<boolean> {
  const { seeded } = await bootstrap(app.get(DataSource), {
    dropSchema: options.resetDemo,
    log: options.log,
    seed: async () => {
      await app.get(KpiTemplatesService).ensureDefaults();
      await app.get(AuthService).bootstrapAdmin();
      const demo = app.get(DemoService);
      if (options.resetDemo) {
        await demo.seed();
        return true;
      }
      return options.demoData ? demo.seedIfEmpty() : false;
    },
  });
  return seeded ?? false;
}
