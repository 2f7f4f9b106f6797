import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumberString, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { AuditEntry } from '../audit-entry.entity.js';

export const AUDITED_ENTITIES = ['role', 'kpi_template', 'kpi_template_version', 'employee', 'cycle', 'review', 'user', 'export', 'import'] as const;

export class AuditQueryDto {
  @ApiProperty({ enum: AUDITED_ENTITIES })
  @IsIn(AUDITED_ENTITIES)
  entity: string;

  @ApiProperty({ description: 'Id of the entity' })
  @IsString()
  @Length(1, 64)
  id: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;

  @ApiPropertyOptional({ description: 'Return entries older than this entry id (for paging back)' })
  @IsOptional()
  @IsNumberString({ no_symbols: true })
  beforeId?: string;
}

export class AuditEntryDto {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ description: 'Who made the change' }) actor: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) actorUserId: string | null;
  @ApiProperty({ example: 'update' }) action: string;
  @ApiProperty({ example: 'review' }) entity: string;
  @ApiProperty() entityId: string;
  @ApiPropertyOptional({ description: 'Values before the change', type: Object, nullable: true }) before: unknown;
  @ApiPropertyOptional({ description: 'Values after the change', type: Object, nullable: true }) after: unknown;

  static from(e: AuditEntry): AuditEntryDto {
    return Object.assign(new AuditEntryDto(), {
      id: e.id,
      at: e.at.toISOString(),
      actor: e.actor,
      actorUserId: e.actorUserId,
      action: e.action,
      entity: e.entity,
      entityId: e.entityId,
      before: e.before,
      after: e.after,
    });
  }
}
