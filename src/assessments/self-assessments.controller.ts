import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiErrors, ApiIfMatch } from '../common/api-errors.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { expectedVersion } from '../common/versioning.js';
import { SaveSelfAssessmentDto, SelfAssessmentDto, SubmitSelfAssessmentDto } from './dto/self-assessment.dto.js';
import { SelfAssessments } from './self-assessments.service.js';

// Every signed-in role: managers and HR people are employees with reviews of their own too. Whose
// self-assessment someone may read or write is the service's rule (out of scope: 404).
@ApiTags('assessments')
@Controller('reviews')
export class SelfAssessmentsController {
  constructor(private readonly service: SelfAssessments) {}

  @Allow('admin', 'hr', 'manager', 'employee')
  @Get(':id/self-assessment')
  @ApiOperation({ summary: "The employee's self-assessment of a review: the pinned KPIs, their ratings and comments, the summary, the stage" })
  @ApiOkResponse({ type: SelfAssessmentDto })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<SelfAssessmentDto> {
    return this.service.get(actor, id);
  }

  @Allow('admin', 'hr', 'manager', 'employee')
  @Put(':id/self-assessment')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Save the self-assessment draft (the employee, in stage self); the first save creates it from version 0' })
  @ApiOkResponse({ type: SelfAssessmentDto })
  @ApiErrors(400, 403, 404, 409, 428)
  save(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: SaveSelfAssessmentDto,
  ): Promise<SelfAssessmentDto> {
    return this.service.save(actor, id, expectedVersion(ifMatch, dto.version), dto);
  }

  @Allow('admin', 'hr', 'manager', 'employee')
  @Post(':id/self-assessment/submit')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({
    summary: 'Submit the self-assessment: every rating KPI needs a rating (409 names the missing); it becomes read-only and the review moves on',
  })
  @ApiOkResponse({ type: SelfAssessmentDto })
  @ApiErrors(400, 403, 404, 409, 428)
  submit(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: SubmitSelfAssessmentDto,
  ): Promise<SelfAssessmentDto> {
    return this.service.submit(actor, id, expectedVersion(ifMatch, dto.version));
  }
}
