import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { AccessScopeModule } from '../auth/access-scope.module.js';
import { KpiTemplatesModule } from '../kpi-templates/kpi-templates.module.js';
import { Employee } from './employee.entity.js';
import { EmployeesController } from './employees.controller.js';
import { EmployeeQueries } from './employee-queries.js';
import { EmployeesService } from './employees.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Employee]), KpiTemplatesModule, AuditModule, AccessScopeModule],
  controllers: [EmployeesController],
  providers: [EmployeesService, EmployeeQueries],
  exports: [EmployeesService],
})
export class EmployeesModule {}
