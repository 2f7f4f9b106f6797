import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { AuditService } from './audit.service.js';
import { AuditEntryDto, AuditQueryDto } from './dto/audit.dto.js';

@ApiTags('audit')
@Controller('audit')
@Allow('admin', 'hr')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Audit trail of one entity, newest first' })
  @ApiOkResponse({ type: [AuditEntryDto] })
  @ApiErrors(400)
  async list(@Query() q: AuditQueryDto): Promise<AuditEntryDto[]> {
    const rows = await this.audit.list(q.entity, q.id, q.limit, q.beforeId);
    return rows.map((r) => AuditEntryDto.from(r));
  }
}
