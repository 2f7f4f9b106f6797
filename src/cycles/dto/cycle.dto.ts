import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, Min } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const dueDate = (field: string) => ({ message: `${field} must be a date like 2026-12-15, or null for none` });

/** The stages a cycle runs and their due dates; every field may be left out (create: stages off, no dates). */
export class CycleStagesDto {
  @ApiPropertyOptional({ description: 'Employees assess themselves first (default false)' })
  @IsOptional()
  @IsBoolean()
  selfAssessment?: boolean;

  @ApiPropertyOptional({ description: 'Managers propose ratings before HR decides (default false)' })
  @IsOptional()
  @IsBoolean()
  managerAssessment?: boolean;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, dueDate('selfAssessmentDue'))
  @Matches(DATE, dueDate('selfAssessmentDue'))
  selfAssessmentDue?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, dueDate('managerAssessmentDue'))
  @Matches(DATE, dueDate('managerAssessmentDue'))
  managerAssessmentDue?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, dueDate('hrReviewDue'))
  @Matches(DATE, dueDate('hrReviewDue'))
  hrReviewDue?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, dueDate('finalizationDue'))
  @Matches(DATE, dueDate('finalizationDue'))
  finalizationDue?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer' },
    nullable: true,
    description: 'Percent of reviews per band key that calibration aims for, adding up to 100, e.g. {"A":20,"B":70,"C":10}',
  })
  @IsOptional()
  @IsObject()
  targetDistribution?: Record<string, number> | null;

  @ApiPropertyOptional({ description: 'Printed scorecards show the self and manager columns (default false; pages always show them)' })
  @IsOptional()
  @IsBoolean()
  printAssessments?: boolean;
}

export class CreateCycleDto extends CycleStagesDto {
  @ApiProperty({ example: '2026 H2 / 2026 下半年' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '2026-07-01' })
  @IsISO8601({ strict: true }, { message: 'periodStart must be a date like 2026-07-01' })
  @Matches(DATE, { message: 'periodStart must be a date like 2026-07-01' })
  periodStart: string;

  @ApiProperty({ example: '2026-12-31' })
  @IsISO8601({ strict: true }, { message: 'periodEnd must be a date like 2026-12-31' })
  @Matches(DATE, { message: 'periodEnd must be a date like 2026-12-31' })
  periodEnd: string;
}

export class UpdateCycleDto extends PartialType(CreateCycleDto) {
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class CycleTransitionDto {
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class CycleQueryDto {
  @ApiPropertyOptional({ enum: ['planned', 'open', 'closed'] })
  @IsOptional()
  @IsIn(['planned', 'open', 'closed'])
  status?: 'planned' | 'open' | 'closed';
}

export class ReviewCountsDto {
  @ApiProperty({ type: 'integer' }) draft: number;
  @ApiProperty({ type: 'integer' }) submitted: number;
  @ApiProperty({ type: 'integer' }) finalized: number;
  @ApiProperty({ type: 'integer' }) total: number;
}

export class CycleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date' }) periodStart: string;
  @ApiProperty({ format: 'date' }) periodEnd: string;
  @ApiProperty({ enum: ['planned', 'open', 'closed'] }) status: string;
  @ApiProperty({ type: ReviewCountsDto }) reviews: ReviewCountsDto;
  @ApiProperty() selfAssessment: boolean;
  @ApiProperty() managerAssessment: boolean;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) selfAssessmentDue: string | null;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) managerAssessmentDue: string | null;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) hrReviewDue: string | null;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) finalizationDue: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer' }, nullable: true }) targetDistribution: Record<string, number> | null;
  @ApiProperty() printAssessments: boolean;
  @ApiProperty({ description: 'Optimistic-lock version; send it back on writes', type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
