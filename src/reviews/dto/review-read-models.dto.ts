import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMetaDto } from '../../common/pagination.js';
import { RatingBandDto } from '../../kpi-templates/dto/kpi.dto.js';

/** Where a cycle stands in one department; "not started" counts active employees without a review. */
export class DepartmentProgressDto {
  @ApiProperty() department: string;
  @ApiProperty({ type: 'integer' }) notStarted: number;
  @ApiProperty({ type: 'integer' }) draft: number;
  @ApiProperty({ type: 'integer' }) submitted: number;
  @ApiProperty({ type: 'integer' }) finalized: number;
  @ApiProperty({ type: 'integer' }) total: number;
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
  @ApiPropertyOptional({ type: String, nullable: true }) bandKey: string | null;
  @ApiProperty({ type: [RatingBandDto], description: 'The bands of the pinned template' }) bands: RatingBandDto[];
}

/** One person in a manager's reporting subtree and their review in a cycle, if any. */
export class TeamMemberDto {
  @ApiProperty({ type: TeamMemberEmployeeDto }) employee: TeamMemberEmployeeDto;
  @ApiPropertyOptional({ type: TeamMemberReviewDto, nullable: true }) review: TeamMemberReviewDto | null;
}
