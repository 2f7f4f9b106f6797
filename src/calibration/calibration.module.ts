import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AccessScopeModule } from '../auth/access-scope.module.js';
import { CyclesModule } from '../cycles/cycles.module.js';
import { EmployeesModule } from '../employees/employees.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { CalibrationLock } from './calibration-lock.entity.js';
import { CalibrationController } from './calibration.controller.js';
import { CalibrationService } from './calibration.service.js';

/** HR's calibration of a cycle: band distribution against the target, adjustments, department locks. */
@Module({
  imports: [TypeOrmModule.forFeature([CalibrationLock]), CyclesModule, EmployeesModule, ReviewsModule, AccessScopeModule, AuditModule],
  controllers: [CalibrationController],
  providers: [CalibrationService],
  exports: [CalibrationService],
})
export class CalibrationModule {}
