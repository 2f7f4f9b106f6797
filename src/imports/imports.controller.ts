import { Controller, HttpCode, Param, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { badRequest } from '../common/errors.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { ActualsImportReportDto, EmployeeImportReportDto, ImportQueryDto, ImportUploadDto } from './dto/import.dto.js';
import { ActualsImports } from './actuals-import.service.js';
import { EmployeeImports } from './employee-import.service.js';
import type { UploadedImport } from './import-runs.js';
import { ImportUploadInterceptor } from './upload.interceptor.js';

function requireFile(file: UploadedImport | undefined): UploadedImport {
  if (!file)
    throw badRequest('Send the file as multipart/form-data in the field "file"', [{ field: 'file', code: 'required', message: 'is required' }], {
      messageZh: '请以 multipart/form-data 的 file 字段上传文件',
    });
  return file;
}

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly employeeImports: EmployeeImports,
    private readonly actualsImports: ActualsImports,
  ) {}

  @Allow('admin', 'hr')
  @Post('employees')
  @HttpCode(200)
  @UseInterceptors(ImportUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadDto })
  @ApiOperation({
    summary: 'Import employees from .xlsx or .csv: dry run first, then commit the same file',
    description:
      "Columns (English, Chinese or key headers): employee number, name, email, department, role code, manager's employee number, hire date, active. " +
      'Rows are matched by employee number. A commit needs a dry run of the very same file (SHA-256) without refusals, or skipRefused=true; it is all-or-nothing.',
  })
  @ApiOkResponse({ type: EmployeeImportReportDto })
  @ApiErrors(400, 409, 413, 415)
  employees(@CurrentActor() actor: Actor, @Query() q: ImportQueryDto, @UploadedFile() file: UploadedImport | undefined): Promise<EmployeeImportReportDto> {
    return this.employeeImports.importEmployees(actor, requireFile(file), q.mode, q.skipRefused ?? false);
  }

  @Allow('admin', 'hr')
  @Post('cycles/:id/actuals')
  @HttpCode(200)
  @UseInterceptors(ImportUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportUploadDto })
  @ApiOperation({
    summary: 'Import KPI actuals, personal targets, ratings and comments of a cycle from .xlsx or .csv',
    description:
      'Long layout: employee number, KPI key, actual, personal target, rating, comment. Wide layout: employee number, then one column per KPI, headed by its key, ' +
      'its Chinese or English name, or `… [key]`. Missing reviews are started as drafts; only drafts take values. Dry run first, then commit the same file.',
  })
  @ApiOkResponse({ type: ActualsImportReportDto })
  @ApiErrors(400, 404, 409, 413, 415)
  actuals(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) cycleId: string,
    @Query() q: ImportQueryDto,
    @UploadedFile() file: UploadedImport | undefined,
  ): Promise<ActualsImportReportDto> {
    return this.actualsImports.importActuals(actor, cycleId, requireFile(file), q.mode, q.skipRefused ?? false);
  }
}
