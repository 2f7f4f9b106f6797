import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMetaDto } from '../../common/pagination.js';
import { RatingBandDto } from '../../kpi-templates/dto/kpi.dto.js';

/** How many reviews are in each stage. */
export class StageCountsDto {
  @ApiProperty({ type: 'integer' }) self: number;
  @ApiProperty({ type: 'integer' }) manager: number;
  @ApiProperty({ type: 'integer' }) hr: number;
  @ApiProperty({ type: 'integer' }) done: number;
}

/** Where a cycle stands in one department; "not started" counts active employees without a review. */
export class DepartmentProgressDto {
  @ApiProperty() department: string;
  @ApiProperty({ type: 'integer' }) notStarted: number;
  @ApiProperty({ type: 'integer' }) draft: number;
  @ApiProperty({ type: 'integer' }) submitted: number;
  @ApiProperty({ type: 'integer' }) finalized: number;
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: StageCountsDto, description: "The department's reviews per stage" }) stages: StageCountsDto;
}

/** An active employee without a review in a cycle. */
export class NotStartedEmployeeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
  @ApiProperty() department: string;
  @ApiPropertyOptional({ type: String, nullable: true }) managerName: string | null;
  @ApiProperty() roleCode: string;
}

export class NotStartedPageDto {
  @ApiProperty({ type: [NotStartedEmployeeDto] }) items: NotStartedEmployeeDto[];
  @ApiProperty({ type: PageMetaDto }) meta: PageMetaDto;
}

/** Active employees without a review in a cycle, a page at a time. */
export interface NotStartedQuery {
  cycleId: string;
  department?: string;
  q?: string;
  page: number;
  pageSize: number;
}

export class TeamMemberEmployeeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
  @ApiProperty() department: string;
  @ApiPropertyOptional({ type: String, nullable: true }) managerName: string | null;
  @ApiProperty() active: boolean;
}

export class TeamMemberReviewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() status: string;
  @ApiProperty() total: number;
  @ApiProperty() complete: boolean;
  @ApiProperty({ description: "Submitted and still without the manager's comment" }) awaitingComment: boolean;
  @ApiPropertyOptional({ type: String, nullable: true }) bandKey: string | null;
  @ApiPropertyOptional({ type: RatingBandDto, nullable: true, description: 'The band of a complete review, as the team overview names it' })
  band: RatingBandDto | null;
}

/** One person in a manager's reporting subtree and their review in a cycle, if any. */
export class TeamMemberDto {
  @ApiProperty({ type: TeamMemberEmployeeDto }) employee: TeamMemberEmployeeDto;
  @ApiPropertyOptional({ type: TeamMemberReviewDto, nullable: true }) review: TeamMemberReviewDto | null;
}

/** How many of a team fall in one band. */
export class TeamBandCountDto {
  @ApiProperty({ type: RatingBandDto }) band: RatingBandDto;
  @ApiProperty({ type: 'integer', description: 'Complete reviews in the band, drafts included' }) count: number;
  @ApiProperty({ type: 'integer', description: 'Finalized reviews in the band' }) final: number;
}

/** What a manager's team page shows of a cycle: counts over the whole team, and one page of the people searched for. */
export class TeamOverviewDto {
  @ApiProperty({ type: 'integer', description: 'People in the team (deactivated ones only with a review)' }) members: number;
  @ApiProperty({ type: 'integer' }) withReviews: number;
  @ApiProperty({ type: 'integer', description: 'Complete reviews with a band' }) rated: number;
  @ApiProperty({ type: 'integer', description: 'Finalized reviews with a band (final results)' }) final: number;
  @ApiProperty({ type: 'integer' }) incomplete: number;
  @ApiProperty({ type: 'integer' }) notStarted: number;
  @ApiProperty({ type: 'integer', description: "Submitted reviews still without the manager's comment" }) awaitingComment: number;
  @ApiProperty({ type: [TeamBandCountDto], description: "The bands of the team's pinned templates, highest first, with their counts" })
  bands: TeamBandCountDto[];
  @ApiProperty({ type: [TeamMemberDto] }) items: TeamMemberDto[];
  @ApiProperty({ type: PageMetaDto, description: 'The page shown (a page past the end shows the last one) and how many match the search' })
  meta: PageMetaDto;
}

export interface TeamOverviewQuery {
  search?: string;
  page: number;
  pageSize: number;
}

/** One of an employee's own finalized reviews. */
export class OwnReviewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() cycleName: string;
  @ApiProperty({ format: 'date' }) periodStart: string;
  @ApiProperty({ format: 'date' }) periodEnd: string;
  @ApiProperty() total: number;
  @ApiPropertyOptional({ type: RatingBandDto, nullable: true }) band: RatingBandDto | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) finalizedAt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) acknowledgedAt: string | null;
  @ApiProperty({ type: 'integer' }) version: number;
}

/** A review waiting for a manager's assessment, as the team page lists it. */
export interface ManagerTodo {
  reviewId: string;
  employeeName: string;
  employeeNo: string;
  cycleName: string;
  due: string | null;
  overdue: boolean;
}

/** A self-assessment waiting for its author. */
export interface SelfAssessmentTodo {
  reviewId: string;
  cycleName: string;
  due: string | null;
  overdue: boolean;
  /** A draft is saved. */
  started: boolean;
}
