import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AccessScopeModule } from '../auth/access-scope.module.js';
import { CyclesModule } from '../cycles/cycles.module.js';
import { EmployeesModule } from '../employees/employees.module.js';
import { KpiTemplatesModule } from '../kpi-templates/kpi-templates.module.js';
import { Review } from './review.entity.js';
import { ReviewBulkController } from './review-bulk.controller.js';
import { ReviewBulkActions } from './review-bulk.service.js';
import { CycleReviewsController, ReviewsController } from './reviews.controller.js';
import { ReviewQueries } from './review-queries.js';
import { ReviewReadModels } from './review-read-models.js';
import { ReviewBatchWrites } from './review-batch-writes.service.js';
import { ReviewTransitions } from './review-transitions.service.js';
import { ReviewWorkflow } from './review-workflow.service.js';
import { ReviewWriteSteps } from './review-write-steps.js';
import { ReviewsService } from './reviews.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Review]), EmployeesModule, AccessScopeModule, CyclesModule, KpiTemplatesModule, AuditModule],
  controllers: [ReviewBulkController, ReviewsController, CycleReviewsController],
  providers: [ReviewsService, ReviewQueries, ReviewWriteSteps, ReviewWorkflow, ReviewTransitions, ReviewBatchWrites, ReviewReadModels, ReviewBulkActions],
  exports: [ReviewsService, ReviewWriteSteps, ReviewWorkflow, ReviewTransitions, ReviewBatchWrites, ReviewReadModels, ReviewBulkActions],
})
export class ReviewsModule {}
