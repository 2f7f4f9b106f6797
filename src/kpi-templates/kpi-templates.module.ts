import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { KpiTemplate, KpiTemplateVersion } from './kpi-template.entity.js';
import { KpiTemplatesController, RolesController } from './kpi-templates.controller.js';
import { KpiTemplatesService } from './kpi-templates.service.js';
import { Role } from './role.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([Role, KpiTemplate, KpiTemplateVersion]), AuditModule],
  controllers: [RolesController, KpiTemplatesController],
  providers: [KpiTemplatesService],
  exports: [KpiTemplatesService],
})
export class KpiTemplatesModule {}
