import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { lowerId } from '../../common/transforms.js';
import { LANGS as SCORECARD_LANGS, type Lang as ScorecardLang } from '../../i18n/langs.js';
import { EXPORT_JOB_STATES, type ExportJobState } from '../export-job.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** POST /api/cycles/:id/scorecards: which reviews of the cycle, in which language. */
export class CreateExportDto {
  @ApiPropertyOptional({ description: 'Only employees of this department (exact name)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  department?: string;

  @ApiPropertyOptional({ example: 'account_manager', description: "Only reviews of this role (the role code of the review's template)" })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'roleCode must be a role code like account_manager' })
  roleCode?: string;

  @ApiPropertyOptional({ description: "Only this manager's whole reporting subtree (reports, their reports, …)" })
  @IsOptional()
  @Transform(lowerId)
  @IsUUID('4')
  managerId?: string;

  @ApiPropertyOptional({ enum: SCORECARD_LANGS, description: 'Language; default from settings (DEFAULT_LANG)' })
  @IsOptional()
  @IsIn(SCORECARD_LANGS)
  lang?: ScorecardLang;
}

export class ExportFiltersDto {
  @ApiPropertyOptional() department?: string;
  @ApiPropertyOptional() roleCode?: string;
  @ApiPropertyOptional({ format: 'uuid' }) managerId?: string;
}

export class ExportCreatedDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: EXPORT_JOB_STATES }) state: ExportJobState;
  @ApiProperty({ description: 'Scorecards in the export', type: 'integer' }) total: number;
}

export class ExportRetriedDto extends ExportCreatedDto {
  @ApiProperty({ description: 'Failed scorecards put back in the queue' }) retried: number;
}

export class ExportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: EXPORT_JOB_STATES, description: 'queued → running → done (or failed); done may include failed scorecards' })
  state: ExportJobState;
  @ApiProperty({ description: 'Scorecards in the export', type: 'integer' }) total: number;
  @ApiProperty({ description: 'Scorecards printed so far', type: 'integer' }) done: number;
  @ApiProperty({ description: 'Scorecards that could not be printed', type: 'integer' }) failed: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) finishedAt: string | null;
  @ApiProperty({ format: 'uuid' }) cycleId: string;
  @ApiProperty({ type: ExportFiltersDto }) filters: ExportFiltersDto;
  @ApiProperty({ enum: SCORECARD_LANGS }) lang: string;
  @ApiPropertyOptional({ type: String, nullable: true }) error: string | null;
}
