import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AccessScopeModule } from '../auth/access-scope.module.js';
import { CyclesModule } from '../cycles/cycles.module.js';
import { ScorecardsModule } from '../scorecards/scorecards.module.js';
import { ExportItem } from './export-item.entity.js';
import { ExportJob } from './export-job.entity.js';
import { ExportQueue } from './export-queue.js';
import { ExportRetention } from './export-retention.js';
import { ExportRunner } from './export-runner.js';
import { ExportsController } from './exports.controller.js';
import { ExportsService } from './exports.service.js';

/**
 * Bulk export of scorecards: jobs and their items in our tables, the work in a pg-boss queue in
 * the same database, done by workers in the app (RUN_WORKERS) and in `npm run worker` processes.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ExportJob, ExportItem]), ScorecardsModule, AccessScopeModule, CyclesModule, AuditModule],
  controllers: [ExportsController],
  providers: [ExportQueue, ExportRetention, ExportRunner, ExportsService],
  exports: [ExportsService, ExportRunner, ExportQueue],
})
export class ExportsModule {}
