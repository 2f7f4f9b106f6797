import { Controller, Get, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { contentDisposition } from '../common/content-disposition.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { langOf } from '../web/i18n.js';
import { ActualsTemplateQueryDto, SheetQueryDto } from './dto/spreadsheet.dto.js';
import type { SheetLang } from './result-rows.js';
import { ClientGone, CONTENT_TYPES, type SheetDownload, SpreadsheetsService } from './spreadsheets.service.js';

const DOWNLOAD_HEADERS = {
  'Content-Disposition': { description: '`attachment` with the file name', schema: { type: 'string' } },
  'Cache-Control': { description: '`no-store`: personal data', schema: { type: 'string' } },
} as const;
const XLSX_RESPONSE = {
  status: 200,
  description: 'The workbook (streamed)',
  headers: DOWNLOAD_HEADERS,
  content: { [CONTENT_TYPES.xlsx]: { schema: { type: 'string', format: 'binary' } } },
} as const;
const CSV_RESPONSE = {
  status: 200,
  description: 'UTF-8 with a BOM (streamed)',
  headers: DOWNLOAD_HEADERS,
  content: { 'text/csv': { schema: { type: 'string', format: 'binary' } } },
} as const;

@ApiTags('spreadsheets')
@Controller()
export class SpreadsheetsController {
  private readonly logger = new Logger(SpreadsheetsController.name);

  constructor(private readonly sheets: SpreadsheetsService) {}

  @Allow('admin', 'hr', 'manager')
  @Get('cycles/:id/results.xlsx')
  @ApiOperation({ summary: "A cycle's results, one row per review, one sheet per role; managers get their team. Audited" })
  @ApiProduces(CONTENT_TYPES.xlsx)
  @ApiResponse(XLSX_RESPONSE)
  @ApiErrors(400, 404)
  async resultsXlsx(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Query() q: SheetQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.send(res, await this.sheets.results(actor, id, 'xlsx', this.lang(q, req)));
  }

  @Allow('admin', 'hr', 'manager')
  @Get('cycles/:id/results.csv')
  @ApiOperation({ summary: "A cycle's results as CSV (every role's KPI columns, with a role column); managers get their team. Audited" })
  @ApiProduces('text/csv')
  @ApiResponse(CSV_RESPONSE)
  @ApiErrors(400, 404)
  async resultsCsv(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Query() q: SheetQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.send(res, await this.sheets.results(actor, id, 'csv', this.lang(q, req)));
  }

  @Allow('admin', 'hr', 'manager')
  @Get('employees.xlsx')
  @ApiOperation({ summary: 'The people on record (in scope) in the layout the employee import reads back. Audited' })
  @ApiProduces(CONTENT_TYPES.xlsx)
  @ApiResponse(XLSX_RESPONSE)
  @ApiErrors(400)
  async employeesXlsx(@CurrentActor() actor: Actor, @Query() q: SheetQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(res, await this.sheets.employeeSheet(actor, 'xlsx', this.lang(q, req)));
  }

  @Allow('admin', 'hr', 'manager')
  @Get('employees.csv')
  @ApiOperation({ summary: 'The people on record (in scope) as CSV, in the layout the employee import reads back. Audited' })
  @ApiProduces('text/csv')
  @ApiResponse(CSV_RESPONSE)
  @ApiErrors(400)
  async employeesCsv(@CurrentActor() actor: Actor, @Query() q: SheetQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.send(res, await this.sheets.employeeSheet(actor, 'csv', this.lang(q, req)));
  }

  @Allow('admin', 'hr')
  @Get('cycles/:id/actuals-template.xlsx')
  @ApiOperation({ summary: 'A workbook to fill in KPI actuals for the cycle: a sheet per role (or ?roleCode=), people filled in, rating validation' })
  @ApiProduces(CONTENT_TYPES.xlsx)
  @ApiResponse(XLSX_RESPONSE)
  @ApiErrors(400, 404, 409)
  async actualsTemplate(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Query() q: ActualsTemplateQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    await this.send(res, await this.sheets.actualsTemplate(actor, id, q.roleCode));
  }

  private lang(q: SheetQueryDto, req: Request): SheetLang {
    return q.lang ?? langOf(req, 'en');
  }

  /** Streams a download whose checks passed; a failure after the first byte can only cut the response. */
  private async send(res: Response, file: SheetDownload): Promise<void> {
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', contentDisposition('attachment', file.filename));
    res.setHeader('Cache-Control', 'no-store');
    try {
      await file.write(res);
      if (!res.writableEnded) res.end();
    } catch (err) {
      if (!res.headersSent) {
        // Nothing sent yet: the error filter answers in the one error shape, not as a download.
        res.removeHeader('Content-Disposition');
        res.removeHeader('Content-Type');
        throw err;
      }
      if (err instanceof ClientGone || res.destroyed) {
        this.logger.debug(`${file.filename}: the client left before the end`);
      } else {
        this.logger.error(`${file.filename} broke off: ${err instanceof Error ? err.message : String(err)}`);
      }
      res.destroy();
    }
  }
}
