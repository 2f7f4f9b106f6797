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
  @ApiProperty() id: string;
  @ApiProperty() code: string;
  @ApiProperty() nameZh: string;
  @ApiProperty() nameEn: string;
  @ApiProperty() version: number;
  @ApiProperty() templateId: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Number of the published version new reviews pin' })
  currentVersionNumber: number | null;
}

export class TemplateVersionDto {
  @ApiProperty() id: string;
  @ApiProperty() templateId: string;
  @ApiProperty() number: number;
  @ApiProperty({ enum: ['draft', 'published'] }) status: string;
  @ApiProperty({ type: [KpiDto] }) kpis: KpiDto[];
  @ApiProperty({ type: [RatingBandDto] }) bands: RatingBandDto[];
  @ApiProperty() notes: string;
  @ApiProperty({ description: 'Sum of KPI weights' }) weightSum: number;
  @ApiPropertyOptional({ type: String, nullable: true }) publishedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) publishedBy: string | null;
  @ApiProperty({ description: 'Optimistic-lock version; send it back on writes' }) version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class TemplateVersionSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty() number: number;
  @ApiProperty({ enum: ['draft', 'published'] }) status: string;
  @ApiProperty() kpiCount: number;
  @ApiPropertyOptional({ type: String, nullable: true }) publishedAt: string | null;
  @ApiProperty() notes: string;
}

export class TemplateDto {
  @ApiProperty() id: string;
  @ApiProperty({ type: RoleDto }) role: RoleDto;
  @ApiPropertyOptional({ type: TemplateVersionDto, nullable: true, description: 'The published version new reviews pin' })
  current: TemplateVersionDto | null;
  @ApiPropertyOptional({ type: String, nullable: true }) draftVersionId: string | null;
  @ApiProperty({ type: [TemplateVersionSummaryDto] }) versions: TemplateVersionSummaryDto[];
}
