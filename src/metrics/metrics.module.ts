import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

/** Global, so the renderer's options, the export runner and the HTTP set-up reach the one registry. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
