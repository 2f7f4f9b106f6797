import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CyclesModule } from '../cycles/cycles.module.js';
import { AccessScopeModule } from '../auth/access-scope.module.js';
import { SpreadsheetsController } from './spreadsheets.controller.js';
import { SpreadsheetsQuery } from './spreadsheets.query.js';
import { SpreadsheetsService } from './spreadsheets.service.js';

@Module({
  imports: [CyclesModule, AccessScopeModule, AuditModule],
  controllers: [SpreadsheetsController],
  providers: [SpreadsheetsService, SpreadsheetsQuery],
  exports: [SpreadsheetsService],
})
export class SpreadsheetsModule {}
