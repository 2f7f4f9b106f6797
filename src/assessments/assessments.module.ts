import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AccessScopeModule } from '../auth/access-scope.module.js';
import { CyclesModule } from '../cycles/cycles.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { ManagerAssessmentsController } from './manager-assessments.controller.js';
import { ManagerAssessmentsService } from './manager-assessments.service.js';
import { ReviewAssessment } from './review-assessment.entity.js';
import { SelfAssessmentsController } from './self-assessments.controller.js';
import { SelfAssessments } from './self-assessments.service.js';

/** The employee's self-assessment and the manager's proposal, beside HR's final values of a review. */
@Module({
  imports: [TypeOrmModule.forFeature([ReviewAssessment]), ReviewsModule, AccessScopeModule, CyclesModule, AuditModule],
  controllers: [SelfAssessmentsController, ManagerAssessmentsController],
  providers: [SelfAssessments, ManagerAssessmentsService],
  exports: [SelfAssessments, ManagerAssessmentsService],
})
export class AssessmentsModule {}
