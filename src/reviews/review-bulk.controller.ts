import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { BULK_LIMIT, BulkResultDto, BulkReviewDto } from './dto/review-bulk.dto.js';
import { ReviewBulkActions } from './review-bulk.service.js';

@ApiTags('reviews')
@Controller('reviews')
export class ReviewBulkController {
  constructor(private readonly bulk: ReviewBulkActions) {}

  // HR only, as each single action is: a bulk run must not let anyone do what they could not do one review at a time.
  @Allow('hr')
  @Post('bulk')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start, submit, finalize or reopen many reviews at once',
    description:
      `Each review goes through the single action (its own transaction, version check and audit entry); one refused is listed in ` +
      `skipped with a code and the others go on. At most ${BULK_LIMIT} per request: more ids, or a filter matching more, is 400. ` +
      'reopen needs a reason (3 to 2000 characters).',
  })
  @ApiOkResponse({ type: BulkResultDto })
  @ApiErrors(400)
  run(@CurrentActor() actor: Actor, @Body() dto: BulkReviewDto): Promise<BulkResultDto> {
    return this.bulk.run(actor, dto);
  }
}
