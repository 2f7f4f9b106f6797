import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';
import { MaxDecimals } from '../../common/decimals.js';
import { lowerId } from '../../common/transforms.js';
import { KpiDto, RatingBandDto } from '../../kpi-templates/dto/kpi.dto.js';
import { REVIEW_STAGES, type ReviewStage } from '../../review-stages/review-stages.js';
import { KPI_KEY_PATTERN } from '../../scoring/scoring.js';

export class CreateReviewDto {
  @ApiProperty() @Transform(lowerId) @IsUUID('4') employeeId: string;
  @ApiProperty() @Transform(lowerId) @IsUUID('4') cycleId: string;
}

export class KpiEntryDto {
  @ApiProperty({ example: 'sales_attainment' })
  @IsString()
  @Matches(KPI_KEY_PATTERN, { message: 'kpiKey must be a KPI key of this review' })
  kpiKey: string;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Target KPIs: the actual result' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimals(4)
  @Min(-1e12)
  @Max(1e12)
  actual?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: "Target KPIs: this person's own target, replacing the template's" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimals(4)
  @Min(0)
  @Max(1e12)
  target?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Rating KPIs: a point of the scale' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  rating?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: "Rating KPIs: why the final rating differs from the manager's submitted proposal (required then; kept while the rating stays)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string | null;
}

export class PutScoresDto {
  @ApiProperty({ type: [KpiEntryDto], description: 'The full set of KPI inputs; a KPI left out has no input' })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => KpiEntryDto)
  entries: KpiEntryDto[];

  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class UpdateReviewDto {
  @ApiPropertyOptional({ description: 'Strengths shown this period' }) @IsOptional() @IsString() @MaxLength(10000) strengths?: string;
  @ApiPropertyOptional({ description: 'Challenges faced (工作挑战)' }) @IsOptional() @IsString() @MaxLength(10000) challenges?: string;
  @ApiPropertyOptional({ description: 'Development plan for the next period (职业发展)' }) @IsOptional() @IsString() @MaxLength(10000) developmentPlan?: string;
  @ApiPropertyOptional({ description: 'Notes for HR only' }) @IsOptional() @IsString() @MaxLength(10000) hrNotes?: string;

  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

/** One write for everything HR edits on a draft: every KPI input and the texts, under one version. */
export class SaveReviewDto extends IntersectionType(PutScoresDto, UpdateReviewDto) {}

export class TransitionDto {
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ReopenDto extends TransitionDto {
  @ApiProperty({ description: 'Why the review is reopened; kept in the audit log' })
  @IsString()
  @Length(3, 2000, { message: 'reason must be 3 to 2000 characters' })
  reason: string;
}

export class ManagerCommentDto extends TransitionDto {
  @ApiProperty({ description: "The manager's comment, shown on the scorecard" })
  @IsString()
  @Length(1, 10000)
  comment: string;
}

export const REVIEW_STATUSES = ['draft', 'submitted', 'finalized'] as const;

// One stage or several, comma-separated: the dashboard links "done" counts to the stages after one.
export const STAGE_LIST = new RegExp(`^(${REVIEW_STAGES.join('|')})(,(${REVIEW_STAGES.join('|')})){0,3}$`);

export class ReviewQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Transform(lowerId) @IsUUID('4') cycleId?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(lowerId) @IsUUID('4') employeeId?: string;
  @ApiPropertyOptional({ enum: REVIEW_STATUSES }) @IsOptional() @IsIn(REVIEW_STATUSES) status?: (typeof REVIEW_STATUSES)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) department?: string;
  @ApiPropertyOptional({ description: "Reviews of this manager's direct reports" }) @IsOptional() @Transform(lowerId) @IsUUID('4') managerId?: string;
  @ApiPropertyOptional({ description: 'Part of the employee name or the start of the number' }) @IsOptional() @IsString() @Length(1, 100) q?: string;

  @ApiPropertyOptional({
    description: 'Reviews in this stage, or in any of several separated by commas (e.g. manager,hr,done: past the self-assessment)',
    example: 'hr',
  })
  @IsOptional()
  @IsString()
  @Matches(STAGE_LIST, { message: `stage must be one or more of ${REVIEW_STAGES.join(', ')}, separated by commas` })
  stage?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: "true: only reviews past their stage's due date (today in the company's time zone); false: only those on time",
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'overdue must be true or false' })
  overdue?: 'true' | 'false';
}

/** The stages a list's `stage` filter names, each once. */
export function stagesOf(filter: string | undefined): ReviewStage[] {
  return filter ? [...new Set(filter.split(',') as ReviewStage[])] : [];
}

export class ReviewEmployeeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
  @ApiProperty() department: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) managerId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) managerName: string | null;
}

export class ReviewCycleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date' }) periodStart: string;
  @ApiProperty({ format: 'date' }) periodEnd: string;
  @ApiProperty() status: string;
}

export class PinnedTemplateDto {
  @ApiProperty({ format: 'uuid' }) templateId: string;
  @ApiProperty({ format: 'uuid' }) templateVersionId: string;
  @ApiProperty({ type: 'integer' }) versionNumber: number;
  @ApiProperty() roleCode: string;
  @ApiProperty() roleNameZh: string;
  @ApiProperty() roleNameEn: string;
}

export class KpiInputDto {
  @ApiPropertyOptional({ type: Number, nullable: true }) actual: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) target: number | null;
  @ApiPropertyOptional({ nullable: true, type: 'integer', minimum: 0, maximum: 10 }) rating: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) comment: string | null;
}

export class ReviewKpiDto extends KpiDto {
  @ApiProperty({ type: KpiInputDto }) input: KpiInputDto;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Score from the rule; null while the input is missing' }) score: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'score × weight / 100' }) points: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Target KPIs: % of target reached' }) attainment: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Target KPIs: the target used' }) targetUsed: number | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Rating KPIs: label of the chosen point (en)' }) ratingLabelEn: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Rating KPIs: label of the chosen point (zh-CN)' }) ratingLabelZh: string | null;
  @ApiProperty({ description: 'How the score came about' }) explanation: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "HR only: why the final rating differs from the manager's proposal" })
  finalReason?: string | null;
}

export class ReviewStageDto {
  @ApiProperty({
    enum: REVIEW_STAGES,
    description: "self: the employee's self-assessment; manager: the manager's; hr: HR decides and calibrates; done: finalized",
  })
  stage: ReviewStage;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, description: "The stage's due date in the cycle" }) due: string | null;
  @ApiProperty({ description: 'Past the due date and still in this stage' }) overdue: boolean;
}

export class SkipStageDto extends TransitionDto {
  @ApiProperty({ description: 'Why the review moves on without the self or manager assessment; kept in the audit log' })
  @IsString()
  @Length(3, 2000, { message: 'reason must be 3 to 2000 characters' })
  reason: string;
}

/** HR's calibration adjustment, beside the computed total and band (which stay as computed). */
export class ReviewCalibrationDto {
  @ApiProperty({ description: 'The calibrated band, a band of the pinned template' }) bandKey: string;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'The calibrated total; null when only the band was calibrated' }) total: number | null;
  @ApiProperty({ description: 'Why HR calibrated' }) reason: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ description: 'Who calibrated' }) by: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The computed band it was calibrated from; null while incomplete' }) fromBandKey:
    string | null;
  @ApiProperty({ description: 'The computed total it was calibrated from' }) fromTotal: number;
}

export class ReviewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: ReviewEmployeeDto }) employee: ReviewEmployeeDto;
  @ApiProperty({ type: ReviewCycleDto }) cycle: ReviewCycleDto;
  @ApiProperty({ enum: REVIEW_STATUSES }) status: string;
  @ApiProperty({ type: ReviewStageDto }) stage: ReviewStageDto;
  @ApiProperty({ type: PinnedTemplateDto }) template: PinnedTemplateDto;
  @ApiProperty({ type: [ReviewKpiDto] }) kpis: ReviewKpiDto[];
  @ApiProperty({ description: 'Sum of points' }) total: number;
  @ApiProperty() complete: boolean;
  @ApiProperty({ type: [String], description: 'Keys of KPIs without input' }) missing: string[];
  @ApiPropertyOptional({ type: RatingBandDto, nullable: true, description: 'Band of the total; null while incomplete' }) band: RatingBandDto | null;
  @ApiProperty({ type: [RatingBandDto] }) bands: RatingBandDto[];
  @ApiPropertyOptional({ type: ReviewCalibrationDto, nullable: true, description: "HR's calibration of band (and total); null when not calibrated" })
  calibration: ReviewCalibrationDto | null;
  @ApiProperty() strengths: string;
  @ApiProperty() challenges: string;
  @ApiProperty() developmentPlan: string;
  @ApiProperty() managerComment: string;
  @ApiPropertyOptional({ description: 'HR only' }) hrNotes?: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) submittedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) finalizedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) finalizedBy: string | null;
  @ApiProperty({ type: 'integer' }) reopenCount: number;
  @ApiPropertyOptional({ type: String, nullable: true }) lastReopenReason: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) acknowledgedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) acknowledgedBy: string | null;
  @ApiProperty({ description: 'Optimistic-lock version; send it back on writes', type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ReviewSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: ReviewEmployeeDto }) employee: ReviewEmployeeDto;
  @ApiProperty({ format: 'uuid' }) cycleId: string;
  @ApiProperty() cycleName: string;
  @ApiProperty({ enum: REVIEW_STATUSES }) status: string;
  @ApiProperty({ type: ReviewStageDto, description: "Where the review stands: its stage, that stage's due date and whether it is overdue" })
  stage: ReviewStageDto;
  @ApiProperty() roleCode: string;
  @ApiProperty({ type: 'integer' }) templateVersionNumber: number;
  @ApiProperty() total: number;
  @ApiProperty() complete: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The band that counts: calibrated where HR set one, else computed' }) bandKey:
    string | null;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ReviewPageDto {
  @ApiProperty({ type: [ReviewSummaryDto] }) items: ReviewSummaryDto[];
  @ApiProperty({ type: PageMetaDto }) meta: PageMetaDto;
}

export class StartedReviewDto {
  @ApiProperty({ format: 'uuid' }) reviewId: string;
  @ApiProperty({ format: 'uuid' }) employeeId: string;
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
}

export const START_SKIP_REASONS = ['inactive', 'no_published_template'] as const;
export type StartSkipReason = (typeof START_SKIP_REASONS)[number];

export class SkippedEmployeeDto {
  @ApiProperty({ format: 'uuid' }) employeeId: string;
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: START_SKIP_REASONS }) reason: StartSkipReason;
  @ApiProperty({ description: 'The reason, in words' }) message: string;
}

export class StartAllResultDto {
  @ApiProperty({ type: [StartedReviewDto], description: 'Reviews created now (drafts pinning the current template of each role)' })
  created: StartedReviewDto[];
  @ApiProperty({ type: [SkippedEmployeeDto], description: 'Employees without a review who did not get one, and why' })
  skipped: SkippedEmployeeDto[];
  @ApiProperty({ type: 'integer', description: 'Employees who already had a review in this cycle' })
  alreadyStarted: number;
}
