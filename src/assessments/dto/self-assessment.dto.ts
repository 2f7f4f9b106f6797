import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { KpiDto } from '../../kpi-templates/dto/kpi.dto.js';
import { ReviewStageDto } from '../../reviews/dto/review.dto.js';
import { ASSESSMENT_COMMENT_MAX, AssessmentEntryDto } from './assessment-entry.dto.js';

export const SELF_COMMENT_MAX = ASSESSMENT_COMMENT_MAX;
export const SELF_SUMMARY_MAX = 10000;

/** One KPI as the employee assesses it. */
export class SelfAssessmentEntryDto extends AssessmentEntryDto {}

export class SubmitSelfAssessmentDto {
  @ApiPropertyOptional({ type: 'integer', description: 'The self-assessment version you read (0 before the first save), or send If-Match' })
  @IsOptional()
  @IsInt()
  @Min(0)
  version?: number;
}

export class SaveSelfAssessmentDto extends SubmitSelfAssessmentDto {
  @ApiProperty({ type: [SelfAssessmentEntryDto], description: 'Every KPI the employee assessed; a KPI left out has no rating and no comment' })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SelfAssessmentEntryDto)
  entries: SelfAssessmentEntryDto[];

  @ApiPropertyOptional({ description: 'The overall summary of the period in the employee’s words', maxLength: SELF_SUMMARY_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(SELF_SUMMARY_MAX, { message: `summary must be at most ${SELF_SUMMARY_MAX} characters` })
  summary?: string;
}

export class SelfAssessmentEntryViewDto {
  @ApiProperty() kpiKey: string;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) rating: number | null;
  @ApiProperty() comment: string;
}

export class SelfAssessmentPersonDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
}

export class SelfAssessmentCycleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() status: string;
  @ApiProperty({ description: 'Whether the cycle runs a self-assessment stage' }) selfAssessment: boolean;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) selfAssessmentDue: string | null;
}

/** The self-assessment of one review: the review's pinned KPIs (never HR's inputs) and the employee's entries. */
export class SelfAssessmentDto {
  @ApiProperty({ format: 'uuid' }) reviewId: string;
  @ApiProperty({ type: SelfAssessmentPersonDto }) employee: SelfAssessmentPersonDto;
  @ApiProperty({ type: SelfAssessmentCycleDto }) cycle: SelfAssessmentCycleDto;
  @ApiProperty({ type: ReviewStageDto, description: "Where the review stands; the employee writes while it is in stage 'self'" }) stage: ReviewStageDto;
  @ApiProperty({ type: [KpiDto], description: "The KPIs of the review's pinned template version" }) kpis: KpiDto[];
  @ApiProperty({ type: [SelfAssessmentEntryViewDto], description: 'One entry per KPI, in template order' }) entries: SelfAssessmentEntryViewDto[];
  @ApiProperty() summary: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) submittedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) updatedAt: string | null;
  @ApiProperty({ type: 'integer', description: 'Optimistic-lock version of the self-assessment; 0 while nothing is saved. Send it back on writes' })
  version: number;
  @ApiProperty({ description: 'Whether the caller may save and submit it now' }) editable: boolean;
}
