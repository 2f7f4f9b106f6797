import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiErrors, ApiIfMatch } from '../common/api-errors.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { expectedVersion } from '../common/versioning.js';
import { ReviewDto } from '../reviews/dto/review.dto.js';
import { CalibrationService } from './calibration.service.js';
import {
  CalibrateReviewDto,
  CalibrationDto,
  CalibrationQueryDto,
  ClearCalibrationDto,
  DepartmentLockDto,
  LockDepartmentDto,
  ReopenDepartmentDto,
} from './dto/calibration.dto.js';

@ApiTags('calibration')
@Controller()
export class CalibrationController {
  constructor(private readonly service: CalibrationService) {}

  @Allow('admin', 'hr')
  @Get('cycles/:id/calibration')
  @ApiOperation({ summary: "A cycle's band distribution against its target, and every review by total, filtered by department, role and manager's subtree" })
  @ApiOkResponse({ type: CalibrationDto })
  @ApiErrors(400, 404)
  overview(@Param('id', ParseIdPipe) id: string, @Query() q: CalibrationQueryDto): Promise<CalibrationDto> {
    return this.service.overview(id, q);
  }

  @Allow('hr')
  @Put('reviews/:id/calibration')
  @ApiIfMatch()
  @ApiOperation({
    summary: "Calibrate a review's band (and optionally its total) with a reason, beside the computed result; bandKey null withdraws it",
    description: "Only while HR has the review (stage hr, not finalized) and its department's calibration is not locked (409 with details.calibrationLocked).",
  })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404, 409, 428)
  calibrate(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: CalibrateReviewDto,
  ): Promise<ReviewDto> {
    return this.service.calibrate(actor, id, expectedVersion(ifMatch, dto.version), dto);
  }

  @Allow('hr')
  @Delete('reviews/:id/calibration')
  @ApiIfMatch()
  @ApiOperation({ summary: "Withdraw a review's calibration adjustment, with a reason kept in the audit log" })
  @ApiOkResponse({ type: ReviewDto })
  @ApiErrors(400, 404, 409, 428)
  clear(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: ClearCalibrationDto,
  ): Promise<ReviewDto> {
    return this.service.calibrate(actor, id, expectedVersion(ifMatch, dto.version), { bandKey: null, reason: dto.reason });
  }

  @Allow('hr')
  @Post('cycles/:id/calibration/locks')
  @HttpCode(200)
  @ApiOperation({ summary: "Lock a department's calibration in this open cycle; afterwards only a reopen changes it" })
  @ApiOkResponse({ type: DepartmentLockDto })
  @ApiErrors(400, 404, 409)
  lock(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Body() dto: LockDepartmentDto): Promise<DepartmentLockDto> {
    return this.service.lock(actor, id, dto.department);
  }

  @Allow('hr')
  @Post('cycles/:id/calibration/locks/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: "Reopen a locked department's calibration, with a reason kept in the audit log" })
  @ApiOkResponse({ type: DepartmentLockDto })
  @ApiErrors(400, 404, 409)
  reopen(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Body() dto: ReopenDepartmentDto): Promise<DepartmentLockDto> {
    return this.service.reopen(actor, id, dto.department, dto.reason);
  }
}
