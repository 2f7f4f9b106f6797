import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { IssuedScorecard } from './issued-scorecard.entity.js';
import { PDF_RENDERER_OPTIONS, type PdfRendererOptions } from './pdf-options.js';
import { PdfRenderer } from './pdf-renderer.js';
import { ScorecardSource } from './scorecard-source.js';
import { ScorecardsController } from './scorecards.controller.js';
import { ScorecardsService } from './scorecards.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([IssuedScorecard]), ReviewsModule, AuditModule],
  controllers: [ScorecardsController],
  providers: [
    {
      provide: PDF_RENDERER_OPTIONS,
      inject: [APP_CONFIG, MetricsService],
      useFactory: (config: AppConfig, metrics: MetricsService): PdfRendererOptions => ({
        launch: config.scorecards.pdfLaunchAtBoot ? 'boot' : 'lazy',
        poolSize: config.scorecards.pdfPoolSize,
        renderTimeoutMs: config.scorecards.pdfTimeoutMs,
        // The graceful shutdown has already waited SHUTDOWN_TIMEOUT_MS for the renders in flight
        // (requests and export chunks) before the renderer closes: no second wait here.
        shutdownGraceMs: 500,
        observer: metrics.pdfObserver,
        // The validated settings, where given, win over the process environment, so tests and callers can set them.
        env: {
          ...process.env,
          ...(config.scorecards.chromiumPath ? { CHROMIUM_PATH: config.scorecards.chromiumPath } : {}),
          ...(config.scorecards.chromiumIgnoreSystem ? { CHROMIUM_IGNORE_SYSTEM: 'true' } : {}),
          ...(config.scorecards.chromiumCacheDir ? { CHROMIUM_CACHE_DIR: config.scorecards.chromiumCacheDir } : {}),
        },
      }),
    },
    PdfRenderer,
    ScorecardSource,
    ScorecardsService,
  ],
  exports: [ScorecardsService, PdfRenderer],
})
export class ScorecardsModule {}
