import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { MaxDecimals } from '../../common/decimals.js';
import { lowerId } from '../../common/transforms.js';
import { RatingBandDto } from '../../kpi-templates/dto/kpi.dto.js';
import { ReviewEmployeeDto, ReviewStageDto } from '../../reviews/dto/review.dto.js';

export class CalibrationQueryDto {
  @ApiPropertyOptional({ description: 'Only reviews of this department' }) @IsOptional() @IsString() @Length(1, 200) department?: string;
  @ApiPropertyOptional({ description: 'Only reviews of this role (code of the pinned template)' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'roleCode must be a role code' })
  roleCode?: string;
  @ApiPropertyOptional({ description: "Only reviews of this manager's whole subtree (reports, their reports, …)" })
  @IsOptional()
  @Transform(lowerId)
  @IsUUID('4')
  managerId?: string;
}

const REASON = { message: 'reason must be 3 to 2000 characters' };

export class ClearCalibrationDto {
  @ApiProperty({ description: 'Why: shown on the scorecard for an adjustment, kept in the audit log' })
  @IsString()
  @Length(3, 2000, REASON)
  reason: string;

  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

/** The band (and optionally the total) HR sets; the reason and version are those of a clearing. */
export class CalibrateReviewDto extends ClearCalibrationDto {
  @ApiProperty({ type: String, nullable: true, description: "A band of the review's pinned template; null clears the adjustment" })
  @ValidateIf((o: CalibrateReviewDto) => o.bandKey !== null)
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'bandKey must be a band key of this review' })
  bandKey: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'A calibrated total, 0 to the highest total the template can give; leave out to calibrate only the band',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimals(2)
  @Min(0)
  @Max(10000)
  total?: number | null;
}

export class LockDepartmentDto {
  @ApiProperty({ example: 'Sales East' }) @IsString() @Length(1, 200) department: string;
}

export class ReopenDepartmentDto extends LockDepartmentDto {
  @ApiProperty({ description: 'Why the calibration is reopened; kept in the audit log' })
  @IsString()
  @Length(3, 2000, REASON)
  reason: string;
}

export class DepartmentLockDto {
  @ApiProperty() department: string;
  @ApiProperty({ type: 'integer', description: 'Reviews of the department in this cycle (all, whatever the filters)' }) reviews: number;
  @ApiProperty() locked: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) lockedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lockedBy: string | null;
}

export class DistributionRowDto {
  @ApiProperty() bandKey: string;
  @ApiProperty() labelZh: string;
  @ApiProperty() labelEn: string;
  @ApiProperty({ type: 'integer', description: 'Reviews in this band (calibrated band where set, else computed)' }) count: number;
  @ApiProperty({ description: 'Share of the reviews with a band, percent with two decimals' }) percent: number;
  @ApiPropertyOptional({ type: 'integer', nullable: true, description: "HR's target share; null without a target distribution" }) targetPercent: number | null;
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description: 'Whole people the target asks for: targetPercent × reviews with a band, rounded by largest remainder so the targets add up',
  })
  targetCount: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'count − targetCount' }) gap: number | null;
}

export class DistributionDto {
  @ApiProperty({ type: [DistributionRowDto], description: 'Best band first' }) rows: DistributionRowDto[];
  @ApiProperty({ type: 'integer', description: 'Reviews with a band: what percents and targets are of' }) banded: number;
  @ApiProperty({ type: 'integer', description: 'Reviews without a band yet (incomplete, not calibrated), counted apart' }) unbanded: number;
}

export class CalibrationReviewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: ReviewEmployeeDto }) employee: ReviewEmployeeDto;
  @ApiProperty() roleCode: string;
  @ApiProperty() roleNameZh: string;
  @ApiProperty() roleNameEn: string;
  @ApiProperty({ description: 'Computed total' }) total: number;
  @ApiProperty() complete: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Computed band; null while incomplete' }) bandKey: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) calibratedBandKey: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) calibratedTotal: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) calibrationReason: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The band that counts: calibrated where set, else computed' }) effectiveBandKey:
    string | null;
  @ApiProperty({ description: 'The total that counts: calibrated where set, else computed; the list is sorted by it, highest first' }) effectiveTotal: number;
  @ApiProperty({ description: 'The highest total the pinned template can give (the limit of a calibrated total)' }) maxTotal: number;
  @ApiProperty({ type: [String], description: "The pinned template's band keys, best first: what the band may be calibrated to" }) bandKeys: string[];
  @ApiProperty({ type: ReviewStageDto }) stage: ReviewStageDto;
  @ApiProperty({ enum: ['draft', 'submitted', 'finalized'] }) status: string;
  @ApiProperty({ description: "Whether its department's calibration is locked" }) locked: boolean;
  @ApiProperty({ type: 'integer' }) version: number;
}

export class CalibrationCycleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() status: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer' }, nullable: true }) targetDistribution: Record<string, number> | null;
}

export class CalibrationRoleDto {
  @ApiProperty() code: string;
  @ApiProperty() nameZh: string;
  @ApiProperty() nameEn: string;
}

export class CalibrationManagerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
}

export class CalibrationOptionsDto {
  @ApiProperty({ type: [String], description: 'Departments with reviews in the cycle' }) departments: string[];
  @ApiProperty({ type: [CalibrationRoleDto] }) roles: CalibrationRoleDto[];
  @ApiProperty({ type: [CalibrationManagerDto], description: 'Managers of people with reviews in the cycle' }) managers: CalibrationManagerDto[];
}

export class CalibrationDto {
  @ApiProperty({ type: CalibrationCycleDto }) cycle: CalibrationCycleDto;
  @ApiProperty({ type: [RatingBandDto], description: "The bands of the reviews' templates, best first" }) bands: RatingBandDto[];
  @ApiProperty({ type: DistributionDto }) distribution: DistributionDto;
  @ApiProperty({ type: [CalibrationReviewDto], description: 'The filtered reviews, highest total (that counts) first' }) reviews: CalibrationReviewDto[];
  @ApiProperty({ type: [DepartmentLockDto], description: 'Every department with reviews in the cycle and its calibration lock' })
  departments: DepartmentLockDto[];
  @ApiProperty({ type: CalibrationOptionsDto, description: 'What the filters can take' }) options: CalibrationOptionsDto;
}
