import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { KpiDto, RatingBandDto, VersionContentDto } from './kpi.dto.js';

export class CreateRoleDto {
  @ApiProperty({ example: 'key_account_manager' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{1,63}$/, { message: 'code must be lower_snake_case, 2 to 64 characters' })
  code: string;

  @ApiProperty({ example: '大客户经理' })
  @IsString()
  @Length(1, 200)
  nameZh: string;

  @ApiProperty({ example: 'Key-account manager' })
  @IsString()
  @Length(1, 200)
  nameEn: string;
}

export class UpdateRoleDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) nameZh?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) nameEn?: string;

  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class CreateDraftDto {
  @ApiPropertyOptional({ type: VersionContentDto, description: 'Content of the draft; omitted, the draft copies the current published version' })
  @IsOptional()
  @ValidateNested()
  @Type(() => VersionContentDto)
  content?: VersionContentDto;
}

export class UpdateDraftDto extends VersionContentDto {
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class VersionOnlyDto {
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class RoleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() nameZh: string;
  @ApiProperty() nameEn: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'Number of the published version new reviews pin' })
  currentVersionNumber: number | null;
}

export class TemplateVersionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty({ type: 'integer' }) number: number;
  @ApiProperty({ enum: ['draft', 'published'] }) status: string;
  @ApiProperty({ type: [KpiDto] }) kpis: KpiDto[];
  @ApiProperty({ type: [RatingBandDto] }) bands: RatingBandDto[];
  @ApiProperty() notes: string;
  @ApiProperty({ description: 'Sum of KPI weights' }) weightSum: number;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) publishedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) publishedBy: string | null;
  @ApiProperty({ description: 'Optimistic-lock version; send it back on writes', type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class TemplateVersionSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer' }) number: number;
  @ApiProperty({ enum: ['draft', 'published'] }) status: string;
  @ApiProperty({ type: 'integer' }) kpiCount: number;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) publishedAt: string | null;
  @ApiProperty() notes: string;
}

export class TemplateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: RoleDto }) role: RoleDto;
  @ApiPropertyOptional({ type: TemplateVersionDto, nullable: true, description: 'The published version new reviews pin' })
  current: TemplateVersionDto | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) draftVersionId: string | null;
  @ApiProperty({ type: [TemplateVersionSummaryDto] }) versions: TemplateVersionSummaryDto[];
}
