import { Body, Controller, Get, HttpCode, Param, Post, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { CreateExportDto, ExportCreatedDto, ExportDto, ExportRetriedDto } from './dto/export.dto.js';
import { ExportsService } from './exports.service.js';
import { contentDisposition } from '../common/content-disposition.js';

@ApiTags('exports')
@Controller()
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Post('cycles/:id/scorecards')
  @HttpCode(202)
  @Allow('admin', 'hr', 'manager')
  @ApiOperation({
    summary: "Start a bulk export of the cycle's scorecards (HR, admins: all reviews; managers: their subtree), printed in the background",
  })
  @ApiAcceptedResponse({
    type: ExportCreatedDto,
    description: 'Queued; follow it at GET /api/exports/{id} (the `Location`)',
    headers: { Location: { description: 'Path of the export', schema: { type: 'string' } } },
  })
  @ApiErrors(400, 404)
  async create(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) cycleId: string,
    @Body() dto: CreateExportDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ExportCreatedDto> {
    const created = await this.exports.create(actor, cycleId, dto);
    res.setHeader('Location', `/api/exports/${created.id}`);
    return created;
  }

  @Get('exports/:id')
  @Allow('admin', 'hr', 'manager')
  @ApiOperation({ summary: 'State and progress of an export (its creator, HR and admins)' })
  @ApiOkResponse({ type: ExportDto })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<ExportDto> {
    return this.exports.get(actor, id);
  }

  @Post('exports/:id/retry-failed')
  @HttpCode(202)
  @Allow('admin', 'hr', 'manager')
  @ApiOperation({ summary: "Print a finished export's failed scorecards again (its creator, HR and admins); the export runs again until they are done" })
  @ApiAcceptedResponse({
    type: ExportRetriedDto,
    description: 'Queued again; follow it at GET /api/exports/{id} (the `Location`)',
    headers: { Location: { description: 'Path of the export', schema: { type: 'string' } } },
  })
  @ApiErrors(400, 404, 409)
  async retryFailed(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Res({ passthrough: true }) res: Response): Promise<ExportRetriedDto> {
    const retried = await this.exports.retryFailed(actor, id);
    res.setHeader('Location', `/api/exports/${retried.id}`);
    return retried;
  }

  @Get('exports/:id/download')
  @Allow('admin', 'hr', 'manager')
  @ApiOperation({ summary: 'The finished export as a zip: one PDF per review, `<employee number>-<name>-<cycle>.pdf`' })
  @ApiResponse({
    status: 200,
    description: 'The zip (FAILED.txt inside lists scorecards that could not be printed, if any)',
    headers: { 'Content-Disposition': { description: '`attachment` with the file name', schema: { type: 'string' } } },
    content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors(400, 404, 409)
  async download(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Res({ passthrough: true }) _res: Response): Promise<StreamableFile> {
    const file = await this.exports.download(actor, id);
    return new StreamableFile(file.stream, {
      type: 'application/zip',
      disposition: contentDisposition('attachment', file.filename),
      ...(file.length >= 0 ? { length: file.length } : {}),
    });
  }
}
