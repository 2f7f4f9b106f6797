import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiErrors, ApiIfMatch } from '../common/api-errors.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { expectedVersion } from '../common/versioning.js';
import { ReviewDto } from '../reviews/dto/review.dto.js';
import { ReviewWorkflow } from '../reviews/review-workflow.service.js';
import { ManagerAssessmentDto, SaveManagerAssessmentDto, SubmitManagerAssessmentDto, TakeProposalDto } from './dto/manager-assessment.dto.js';
import { ManagerAssessmentsService } from './manager-assessments.service.js';

@ApiTags('assessments')
@Controller('reviews')
export class ManagerAssessmentsController {
  constructor(
    private readonly service: ManagerAssessmentsService,
    private readonly workflow: ReviewWorkflow,
  ) {}

  // The employee may ask like anyone else, and is answered that nothing is there (404).
  @Allow('admin', 'hr', 'manager', 'employee')
  @Get(':id/manager-assessment')
  @ApiOperation({ summary: "The manager's assessment of a review, beside the employee's submitted self-assessment (managers in scope and HR)" })
  @ApiOkResponse({ type: ManagerAssessmentDto })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<ManagerAssessmentDto> {
    return this.service.get(actor, id);
  }

  @Allow('manager', 'employee')
  @Put(':id/manager-assessment')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Save the draft of proposed ratings and comments (a manager of the employee, during the manager stage)' })
  @ApiOkResponse({ type: ManagerAssessmentDto })
  @ApiErrors(400, 404, 409, 428)
  save(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: SaveManagerAssessmentDto,
  ): Promise<ManagerAssessmentDto> {
    return this.service.save(actor, id, expectedVersion(ifMatch, dto.version), dto);
  }

  @Allow('manager', 'employee')
  @Post(':id/manager-assessment/submit')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Submit the assessment (every rating KPI needs a proposed rating); the review moves on to HR and the assessment is read-only' })
  @ApiOkResponse({ type: ManagerAssessmentDto })
  @ApiErrors(400, 404, 409, 428)
  submit(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: SubmitManagerAssessmentDto,
  ): Promise<ManagerAssessmentDto> {
    return this.service.submit(actor, id, expectedVersion(ifMatch, dto.version));
  }

  @Allow('hr')
  @Post(':id/take-proposal')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: "Take the manager's proposed ratings (all, or the listed KPIs) as the review's final ratings; scored and audited like a save" })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404, 409, 428)
  takeProposal(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: TakeProposalDto,
  ): Promise<ReviewDto> {
    return this.workflow.takeProposal(actor, id, expectedVersion(ifMatch, dto.version), dto.kpiKeys);
  }
}
