import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../common/actor.js';
import { Allow } from '../auth/access.decorator.js';
import { ApiCreated } from '../common/created.js';
import { ApiErrors, ApiIfMatch } from '../common/api-errors.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { expectedVersion } from '../common/versioning.js';
import {
  CreateReviewDto,
  ManagerCommentDto,
  PutScoresDto,
  ReopenDto,
  ReviewDto,
  ReviewPageDto,
  ReviewQueryDto,
  SaveReviewDto,
  SkipStageDto,
  StartAllResultDto,
  TransitionDto,
  UpdateReviewDto,
} from './dto/review.dto.js';
import { ReviewBatchWrites } from './review-batch-writes.service.js';
import { ReviewTransitions } from './review-transitions.service.js';
import { ReviewWorkflow } from './review-workflow.service.js';
import { ReviewsService } from './reviews.service.js';

@ApiTags('reviews')
@Controller('reviews')
export class ReviewsController {
  constructor(
    private readonly service: ReviewsService,
    private readonly workflow: ReviewWorkflow,
    private readonly transitions: ReviewTransitions,
  ) {}

  @Allow('admin', 'hr', 'manager', 'employee')
  @Get()
  @ApiOperation({ summary: 'Reviews, filtered and a page at a time' })
  @ApiOkResponse({ type: ReviewPageDto })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() q: ReviewQueryDto): Promise<ReviewPageDto> {
    return this.service.list(actor, q);
  }

  @Allow('admin', 'hr', 'manager', 'employee')
  @Get(':id')
  @ApiOperation({ summary: 'A review with its pinned KPIs, inputs, scores, total and band' })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<ReviewDto> {
    return this.service.get(actor, id);
  }

  @Allow('hr')
  @Post()
  @ApiOperation({ summary: "Start a review; it pins the role's current published template version" })
  @ApiCreated(ReviewDto)
  @ApiErrors(400, 409)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateReviewDto): Promise<ReviewDto> {
    return this.workflow.create(actor, dto);
  }

  @Allow('hr')
  @Put(':id/scores')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Replace the KPI inputs (actuals, ratings, comments) of a draft review' })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404, 409, 428)
  putScores(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: PutScoresDto,
  ): Promise<ReviewDto> {
    return this.workflow.putScores(actor, id, expectedVersion(ifMatch, dto.version), dto.entries);
  }

  @Allow('hr')
  @Put(':id')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Save a draft in one write: every KPI input (as PUT …/scores) and the texts (as PATCH); texts left out keep their value' })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404, 409, 428)
  save(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: SaveReviewDto,
  ): Promise<ReviewDto> {
    return this.workflow.saveDraft(actor, id, expectedVersion(ifMatch, dto.version), dto);
  }

  @Allow('hr')
  @Patch(':id')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Strengths, challenges, development plan, HR notes of a draft review' })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404, 409, 428)
  update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateReviewDto,
  ): Promise<ReviewDto> {
    return this.workflow.update(actor, id, expectedVersion(ifMatch, dto.version), dto);
  }

  @Allow('hr')
  @Post(':id/submit')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'draft → submitted; every KPI needs its input (409 lists the missing)' })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404, 409, 428)
  submit(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: TransitionDto,
  ): Promise<ReviewDto> {
    return this.transitions.submit(actor, id, expectedVersion(ifMatch, dto.version));
  }

  @Allow('hr')
  @Post(':id/finalize')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'submitted → finalized; the review becomes immutable' })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404, 409, 428)
  finalize(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: TransitionDto,
  ): Promise<ReviewDto> {
    return this.transitions.finalize(actor, id, expectedVersion(ifMatch, dto.version));
  }

  @Allow('manager')
  @Post(':id/manager-comment')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: "A manager's comment on a submitted review of someone in their team" })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 401, 403, 404, 409, 428)
  managerComment(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: ManagerCommentDto,
  ): Promise<ReviewDto> {
    return this.transitions.managerComment(actor, id, expectedVersion(ifMatch, dto.version), dto.comment);
  }

  @Allow('employee', 'manager')
  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'The employee acknowledges their finalized review (recorded with time)' })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 401, 403, 404, 409, 428)
  acknowledge(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: TransitionDto,
  ): Promise<ReviewDto> {
    return this.transitions.acknowledge(actor, id, expectedVersion(ifMatch, dto.version));
  }

  @Allow('hr')
  @Post(':id/reopen')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'submitted or finalized → draft, with a reason kept in the audit log' })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404, 409, 428)
  reopen(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: ReopenDto,
  ): Promise<ReviewDto> {
    return this.transitions.reopen(actor, id, expectedVersion(ifMatch, dto.version), dto.reason);
  }

  @Allow('hr')
  @Post(':id/skip-stage')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Move a review past its self or manager stage without that assessment, with a reason kept in the audit log' })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404, 409, 428)
  skipStage(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: SkipStageDto,
  ): Promise<ReviewDto> {
    return this.transitions.skipStage(actor, id, expectedVersion(ifMatch, dto.version), dto.reason);
  }
}

/** Reviews of a cycle as a whole; here rather than in the cycles module, which reviews depend on. */
@ApiTags('reviews')
@Controller('cycles')
export class CycleReviewsController {
  constructor(private readonly batch: ReviewBatchWrites) {}

  @Allow('hr')
  @Post(':id/reviews')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start a draft review for every active employee without one in this open cycle; reports who was skipped and why' })
  @ApiOkResponse({ type: StartAllResultDto })
  @ApiErrors(400, 404, 409)
  startAll(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<StartAllResultDto> {
    return this.batch.startAll(actor, id);
  }
}
