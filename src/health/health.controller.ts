import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/access.decorator.js';
import { DB_RETRY_AFTER_SECONDS } from '../common/db-unavailable.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ExportQueue } from '../exports/export-queue.js';
import { Mailer } from '../mail/mailer.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { PdfRenderer } from '../scorecards/pdf-renderer.js';
import { ShutdownState } from './shutdown-state.js';

/** One check's result: `up`, `degraded` (works with less, never fails readiness) or `down`, with its facts. */
export class HealthIndicatorDto {
  @ApiProperty({ enum: ['up', 'degraded', 'down'], example: 'up' }) status: 'up' | 'degraded' | 'down';
  @ApiPropertyOptional({ example: 'PostgreSQL answered in 2 ms' }) message?: string;
}

/** Terminus' health report: overall status, the checks that passed (`info`), failed (`error`), and all of them (`details`). */
export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'error', 'shutting_down'], example: 'ok' }) status: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorDto' } }) info?: Record<string, HealthIndicatorDto>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorDto' } }) error?: Record<
    string,
    HealthIndicatorDto
  >;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorDto' } }) details: Record<string, HealthIndicatorDto>;
}

/** A readiness probe must answer quickly even when PostgreSQL hangs; an orchestrator polls every few seconds. */
const CHECK_TIMEOUT_MS = 1500;

/**
 * Liveness (the process runs; never depends on PostgreSQL, so an orchestrator does not restart the
 * app for a database outage it recovers from by itself) and readiness (it can serve: PostgreSQL
 * answers, every migration is applied, the export queue runs). The PDF browser is reported but a
 * missing one only degrades readiness: everything but printing still works.
 */
@ApiTags('health')
@ApiExtraModels(HealthIndicatorDto)
@Controller('health')
@Public()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly queue: ExportQueue,
    private readonly renderer: PdfRenderer,
    private readonly shutdown: ShutdownState,
    private readonly reminders: RemindersService,
    private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop turns (no dependency is checked)' })
  @ApiOkResponse({ type: HealthDto })
  live(): Promise<HealthCheckResult> {
    return this.health.check([() => this.indicators.check('process').up({ pid: process.pid, uptimeSeconds: Math.round(process.uptime()) })]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL reachable, migrations applied, export queue running (503 otherwise; also while shutting down)' })
  @ApiOkResponse({ type: HealthDto, description: '`ok`, or `degraded` when only the PDF browser is missing' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'Not ready; `error` names what is down. Retry-After says when to ask again' })
  ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.readiness(res);
  }

  @Get()
  @ApiOperation({ summary: 'The same as /api/health/ready' })
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDto })
  check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.readiness(res);
  }

  private async readiness(res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.lifecycle(),
        () => this.database(),
        () => this.migrations(),
        () => this.exportQueue(),
        () => this.browser(),
        ...this.mailerCheck(),
      ]);
    } catch (error) {
      // Terminus reports "not ready" as a 503 exception carrying the report; answered here, not by
      // the exception filter, so that the body stays the report every probe and dashboard expects.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503).setHeader('Retry-After', String(DB_RETRY_AFTER_SECONDS));
      const report = error.getResponse() as HealthCheckResult;
      return this.shutdown.draining ? { ...report, status: 'shutting_down' as HealthCheckResult['status'] } : report;
    }
  }

  private lifecycle(): HealthIndicatorResult<'lifecycle'> {
    const check = this.indicators.check('lifecycle');
    return this.shutdown.draining ? check.down({ message: 'Shutting down: finishing the requests in flight' }) : check.up();
  }

  private database() {
    return this.indicators
      .check('database')
      .attempt(async () => {
        const started = Date.now();
        await this.dataSource.query('SELECT 1');
        return { responseMs: Date.now() - started };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  private migrations() {
    return this.indicators
      .check('migrations')
      .attempt(async () => {
        const known = this.dataSource.migrations.map((m) => m.name ?? m.constructor.name);
        const table = this.dataSource.options.migrationsTableName ?? 'migrations';
        const rows = await this.dataSource.query<{ name: string }[]>(`SELECT name FROM "${table}"`);
        const applied = new Set(rows.map((r) => r.name));
        const pending = known.filter((name) => !applied.has(name));
        if (pending.length > 0) throw new Error(`${pending.length} migration(s) not applied: ${pending.join(', ')}`);
        return { applied: known.length };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  private exportQueue() {
    return this.indicators
      .check('exportQueue')
      .attempt(async () => {
        const status = await this.queue.status();
        if (!status.running) throw new Error('The export queue (pg-boss) is not running');
        return { ...status };
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  /**
   * The SMTP server, when something sends mail (reminders, "forgot password"). Like the browser, a
   * mail server that is away makes the app `degraded`, never unready: everything else works.
   */
  private mailerCheck() {
    if (!this.reminders.enabled && !this.config.auth.passwordResetByMail) return [];
    return [
      async () => {
        const check = this.indicators.check('mailer');
        const status = await this.mailer.status();
        const facts = { message: status.message, checkedAt: status.at.toISOString() };
        return status.ok ? check.up(facts) : check.degraded(facts);
      },
    ];
  }

  /** Never launches the browser: it reports what printing would use. */
  private browser() {
    const check = this.indicators.check('pdfBrowser');
    const executable = this.renderer.executable();
    const stats = this.renderer.stats();
    const facts = {
      running: stats.browserRunning,
      pool: stats.poolSize,
      activeRenders: stats.activeRenders,
      queued: stats.queueLength,
      restarts: stats.restarts,
    };
    if (!executable) return check.degraded({ message: 'No Chromium found: PDF routes answer 503 until one is installed (see CHROMIUM_PATH)', ...facts });
    return check.up({ executable: executable.executablePath, source: executable.source, ...facts });
  }
}
