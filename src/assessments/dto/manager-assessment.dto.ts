import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { AssessmentEntryDto } from './assessment-entry.dto.js';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { KpiDto } from '../../kpi-templates/dto/kpi.dto.js';
import { ReviewCycleDto, ReviewEmployeeDto, ReviewStageDto } from '../../reviews/dto/review.dto.js';
import { KPI_KEY_PATTERN } from '../../scoring/scoring.js';

/** The version of the manager's assessment you read: 0 while nothing was saved yet. */
class AssessmentVersionDto {
  @ApiPropertyOptional({ description: 'The version of the assessment you read, 0 before the first save (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  version?: number;
}

/** The manager's proposal for one KPI. */
export class ProposalEntryDto extends AssessmentEntryDto {}

export class SaveManagerAssessmentDto extends AssessmentVersionDto {
  @ApiProperty({ type: [ProposalEntryDto], description: 'The full set of proposals; a KPI left out has none' })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ProposalEntryDto)
  entries: ProposalEntryDto[];

  @ApiPropertyOptional({ description: "The manager's overall comment" })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  summary?: string;
}

export class SubmitManagerAssessmentDto extends AssessmentVersionDto {}

export class TakeProposalDto {
  @ApiPropertyOptional({ type: [String], description: 'Rating KPIs whose proposal becomes final; all the manager rated when left out' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(KPI_KEY_PATTERN, { each: true, message: 'each kpiKey must be a KPI key of this review' })
  kpiKeys?: string[];

  @ApiPropertyOptional({ description: 'The version of the review you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class AssessedKpiDto {
  @ApiPropertyOptional({ type: 'integer', nullable: true }) rating: number | null;
  @ApiProperty() comment: string;
}

/** A KPI of the review with the employee's submitted self-assessment and the manager's proposal beside it. */
export class AssessmentKpiDto extends KpiDto {
  @ApiPropertyOptional({ type: AssessedKpiDto, nullable: true, description: "The employee's submitted self-assessment; null when none was submitted" })
  self: AssessedKpiDto | null;
  @ApiProperty({ type: AssessedKpiDto, description: "The manager's proposal (empty while none was saved)" }) proposal: AssessedKpiDto;
}

export class SubmittedSelfDto {
  @ApiProperty() summary: string;
  @ApiPropertyOptional({ type: String, nullable: true }) author: string | null;
  @ApiProperty({ format: 'date-time' }) submittedAt: string;
}

/** The manager's assessment of a review, beside the employee's submitted self-assessment. */
export class ManagerAssessmentDto {
  @ApiProperty({ format: 'uuid' }) reviewId: string;
  @ApiProperty({ type: ReviewEmployeeDto }) employee: ReviewEmployeeDto;
  @ApiProperty({ type: ReviewCycleDto }) cycle: ReviewCycleDto;
  @ApiProperty({ type: ReviewStageDto }) stage: ReviewStageDto;
  @ApiProperty({ type: [AssessmentKpiDto] }) kpis: AssessmentKpiDto[];
  @ApiPropertyOptional({ type: SubmittedSelfDto, nullable: true, description: "The employee's submitted self-assessment summary" })
  self: SubmittedSelfDto | null;
  @ApiProperty({ description: "The manager's overall comment" }) summary: string;
  @ApiPropertyOptional({ type: String, nullable: true }) author: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time', description: 'Set once submitted; read-only from then on' }) submittedAt:
    string | null;
  @ApiProperty({ description: 'The caller may save and submit it now (a manager in scope, stage manager, not submitted)' }) editable: boolean;
  @ApiProperty({ type: 'integer', description: 'Optimistic-lock version; 0 while nothing was saved' }) version: number;
}
