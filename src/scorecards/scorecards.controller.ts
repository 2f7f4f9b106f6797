import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ScorecardQueryDto } from './dto/scorecard.dto.js';
import { ScorecardsService } from './scorecards.service.js';
import { contentDisposition } from '../common/content-disposition.js';

@ApiTags('scorecards')
@Controller('reviews')
export class ScorecardsController {
  constructor(private readonly scorecards: ScorecardsService) {}

  @Get(':id/scorecard.pdf')
  @Allow('admin', 'hr', 'manager', 'employee')
  @ApiOperation({ summary: "A review's scorecard as PDF (or ?format=html to preview); a finalized review's PDF is issued once and never changes" })
  @ApiResponse({
    status: 200,
    description: 'The scorecard: a PDF, or with ?format=html its HTML preview',
    headers: {
      'X-Content-SHA256': { description: 'SHA-256 of the body, hex', schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      'Content-Disposition': { description: '`attachment` (PDF) or `inline` (HTML), with the file name', schema: { type: 'string' } },
    },
    content: {
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
      'text/html': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiResponse({ status: 503, description: 'No browser to print with, all busy, or too slow; or the database is away (SERVICE_UNAVAILABLE, Retry-After)' })
  @ApiErrors(400, 401, 403, 404)
  async scorecard(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Query() q: ScorecardQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.scorecards.download(actor, id, q.lang, q.format);
    res.setHeader('X-Content-SHA256', file.sha256);
    if (q.format === 'html') {
      // The preview is our own escaped markup: no script, nothing fetched from anywhere.
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:");
    }
    return new StreamableFile(file.body, {
      type: file.contentType,
      disposition: contentDisposition(q.format === 'html' ? 'inline' : 'attachment', file.filename),
      length: file.body.length,
    });
  }
}
