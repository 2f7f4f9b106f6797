import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReviewAssessment } from './review-assessment.entity.js';

/** The employee's self-assessment and the manager's proposal, beside HR's final values of a review. */
@Module({
  imports: [TypeOrmModule.forFeature([ReviewAssessment])],
  controllers: [],
  providers: [],
  exports: [],
})
export class AssessmentsModule {}
