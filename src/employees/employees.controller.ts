import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../common/actor.js';
import { Allow } from '../auth/access.decorator.js';
import { ApiCreated } from '../common/created.js';
import { ApiErrors, ApiIfMatch, ApiIfMatchRequired } from '../common/api-errors.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { expectedVersion } from '../common/versioning.js';
import { CreateEmployeeDto, EmployeeDto, EmployeePageDto, EmployeeQueryDto, UpdateEmployeeDto } from './dto/employee.dto.js';
import { EmployeesService } from './employees.service.js';

@ApiTags('employees')
@Controller('employees')
export class EmployeesController {
  constructor(private readonly service: EmployeesService) {}

  @Allow('admin', 'hr', 'manager')
  @Get()
  @ApiOperation({ summary: 'Search and filter employees, a page at a time' })
  @ApiOkResponse({ type: EmployeePageDto })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() q: EmployeeQueryDto): Promise<EmployeePageDto> {
    return this.service.list(actor, q);
  }

  @Allow('admin', 'hr', 'manager')
  @Get(':id')
  @ApiOkResponse({ type: EmployeeDto })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string): Promise<EmployeeDto> {
    return this.service.get(actor, id);
  }

  @Allow('hr')
  @Post()
  @ApiCreated(EmployeeDto)
  @ApiErrors(400, 409)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateEmployeeDto): Promise<EmployeeDto> {
    return this.service.create(actor, dto);
  }

  @Allow('hr')
  @Patch(':id')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change an employee; deactivate with "active": false' })
  @ApiOkResponse({ type: EmployeeDto })
  @ApiErrors(400, 404, 409, 428)
  update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateEmployeeDto,
  ): Promise<EmployeeDto> {
    return this.service.update(actor, id, expectedVersion(ifMatch, dto.version), dto);
  }

  @Allow('hr')
  @Delete(':id')
  @HttpCode(204)
  @ApiIfMatchRequired()
  @ApiOperation({ summary: 'Delete a mistaken entry; anyone with reviews or reports is kept (409): deactivate them instead' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404, 409, 428)
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.service.remove(actor, id, expectedVersion(ifMatch, undefined));
  }
}
