import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { KPI_KEY_PATTERN } from '../../scoring/scoring.js';

export const ASSESSMENT_COMMENT_MAX = 4000;

/**
 * One KPI as someone assesses it before HR decides: a rating (rating KPIs only) and a comment (any
 * KPI). The employee's self-assessment and the manager's proposal take the same entry.
 */
export class AssessmentEntryDto {
  @ApiProperty({ example: 'communication' })
  @IsString()
  @Matches(KPI_KEY_PATTERN, { message: 'kpiKey must be a KPI key of this review' })
  kpiKey: string;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: "Rating KPIs: a point of the KPI's scale; target KPIs take none" })
  @IsOptional()
  @IsInt({ message: 'rating must be a whole number' })
  @Min(0)
  @Max(10)
  rating?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: ASSESSMENT_COMMENT_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(ASSESSMENT_COMMENT_MAX, { message: `comment must be at most ${ASSESSMENT_COMMENT_MAX} characters` })
  comment?: string | null;
}
