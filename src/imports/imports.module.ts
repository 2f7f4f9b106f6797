import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { CyclesModule } from '../cycles/cycles.module.js';
import { KpiTemplatesModule } from '../kpi-templates/kpi-templates.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { ImportRun } from './import-run.entity.js';
import { ImportsController } from './imports.controller.js';
import { ActualsImports } from './actuals-import.service.js';
import { EmployeeImports } from './employee-import.service.js';
import { ImportRuns } from './import-runs.js';
import { ImportUploadInterceptor } from './upload.interceptor.js';

@Module({
  imports: [TypeOrmModule.forFeature([ImportRun]), AuditModule, CyclesModule, KpiTemplatesModule, ReviewsModule],
  controllers: [ImportsController],
  providers: [ImportRuns, EmployeeImports, ActualsImports, ImportUploadInterceptor],
  exports: [EmployeeImports, ActualsImports],
})
export class ImportsModule {}
