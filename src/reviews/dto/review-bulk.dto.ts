import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { lowerId } from '../../common/transforms.js';
import { REVIEW_STAGES } from '../../review-stages/review-stages.js';
import { REVIEW_STATUSES, STAGE_LIST } from './review.dto.js';

export const BULK_ACTIONS = ['start', 'submit', 'finalize', 'reopen'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** At most this many reviews (or people, for start) per bulk request: one transaction each, so the request's time grows with it. */
export const BULK_LIMIT = 500;

/** The review list's filters (as on the HR list page); the cycle is required, so a filter never reaches past one cycle. */
export class BulkReviewFilterDto {
  @ApiProperty({ format: 'uuid' }) @Transform(lowerId) @IsUUID('4') cycleId: string;
  @ApiPropertyOptional({ enum: REVIEW_STATUSES, description: 'Ignored by start, which acts on people without a review' })
  @IsOptional()
  @IsIn(REVIEW_STATUSES)
  status?: (typeof REVIEW_STATUSES)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) department?: string;
  @ApiPropertyOptional({ description: 'Part of the employee name or the start of the number' }) @IsOptional() @IsString() @Length(1, 100) q?: string;
  @ApiPropertyOptional({ description: 'One stage or several separated by commas; ignored by start', example: 'hr' })
  @IsOptional()
  @IsString()
  @Matches(STAGE_LIST, { message: `stage must be one or more of ${REVIEW_STAGES.join(', ')}, separated by commas` })
  stage?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Ignored by start' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';
}

export class BulkReviewDto {
  @ApiProperty({
    enum: BULK_ACTIONS,
    description: 'start: a draft for each person (employeeIds or the filter); the others act on reviews (reviewIds or the filter)',
  })
  @IsIn(BULK_ACTIONS)
  action: BulkAction;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: BULK_LIMIT, description: 'submit, finalize, reopen: the reviews chosen one by one' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_LIMIT)
  @IsUUID('4', { each: true })
  reviewIds?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: BULK_LIMIT, description: 'start: the people chosen one by one (with filter.cycleId)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BULK_LIMIT)
  @IsUUID('4', { each: true })
  employeeIds?: string[];

  @ApiPropertyOptional({
    type: BulkReviewFilterDto,
    description: 'Every review (start: every person without one) the list shows with these filters; at most 500',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => BulkReviewFilterDto)
  filter?: BulkReviewFilterDto;

  @ApiPropertyOptional({ description: 'reopen: why, kept in the audit entry of each review (required then)' })
  @ValidateIf((o: BulkReviewDto) => o.action === 'reopen' || o.reason !== undefined)
  @IsString()
  @Length(3, 2000, { message: 'reason must be 3 to 2000 characters' })
  reason?: string;
}

export class BulkDoneDto {
  @ApiProperty({ format: 'uuid' }) reviewId: string;
  @ApiProperty({ format: 'uuid' }) employeeId: string;
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: 'integer', description: 'The review version after the change' }) version: number;
}

export const BULK_SKIP_CODES = [
  'not_found',
  'changed_meanwhile',
  'already_started',
  'wrong_status',
  'wrong_stage',
  'missing_inputs',
  'cycle_not_open',
  'calibration_locked',
  'inactive',
  'no_published_template',
  'refused',
] as const;
export type BulkSkipCode = (typeof BULK_SKIP_CODES)[number];

export class BulkSkippedDto {
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'null for a start that made no review' }) reviewId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', description: 'null for an id that matches no review' }) employeeId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) employeeNo: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ enum: BULK_SKIP_CODES, description: 'Why it was left as it was' }) code: BulkSkipCode;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'What the code needs to be said in words (status, stage, missing count…)',
  })
  params: Record<string, string>;
  @ApiProperty({ description: 'The reason in English' }) message: string;
}

export class BulkResultDto {
  @ApiProperty({ format: 'uuid', description: 'The stored result; HR pages show it at /reviews/bulk/{runId}' }) runId: string;
  @ApiProperty({ enum: BULK_ACTIONS }) action: BulkAction;
  @ApiProperty({ type: [BulkDoneDto], description: 'Each changed in its own transaction, audited as a single change' }) done: BulkDoneDto[];
  @ApiProperty({ type: [BulkSkippedDto] }) skipped: BulkSkippedDto[];
}
