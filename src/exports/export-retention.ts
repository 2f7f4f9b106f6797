import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ExportsService } from './exports.service.js';

const EVERY_MS = 60 * 60 * 1000;

/**
 * Hourly, in every process that runs export workers (the app, `npm run worker`), old exports are
 * deleted. Several processes doing it at once is harmless: the delete is idempotent.
 */
@Injectable()
export class ExportRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ExportRetention');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly exports: ExportsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scorecards.runWorkers) return;
    const sweep = () => {
      this.exports
        .purgeExpired()
        .then((n) => n > 0 && this.logger.log(`Deleted ${n} export(s) older than ${this.config.scorecards.exportRetentionHours} h`))
        .catch((error: unknown) => this.logger.warn(`Could not delete old exports: ${error instanceof Error ? error.message : String(error)}`));
    };
    sweep();
    this.timer = setInterval(sweep, EVERY_MS);
    // Never the reason a process stays alive.
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
