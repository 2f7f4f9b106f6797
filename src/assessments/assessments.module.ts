import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AccessScopeModule } from '../auth/access-scope.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { ReviewAssessment } from './review-assessment.entity.js';
import { SelfAssessmentsController } from './self-assessments.controller.js';
import { SelfAssessments } from './self-assessments.service.js';

/** The employee's self-assessment and the manager's proposal, beside HR's final values of a review. */
@Module({
  imports: [TypeOrmModule.forFeature([ReviewAssessment]), ReviewsModule, AccessScopeModule, AuditModule],
  controllers: [SelfAssessmentsController],
  providers: [SelfAssessments],
  exports: [SelfAssessments],
})
export class AssessmentsModule {}
