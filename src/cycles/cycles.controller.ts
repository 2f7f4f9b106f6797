import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../common/actor.js';
import { Allow } from '../auth/access.decorator.js';
import { ApiCreated } from '../common/created.js';
import { ApiErrors, ApiIfMatch, ApiIfMatchRequired } from '../common/api-errors.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { expectedVersion } from '../common/versioning.js';
import { CyclesService } from './cycles.service.js';
import { CreateCycleDto, CycleDto, CycleQueryDto, CycleTransitionDto, UpdateCycleDto } from './dto/cycle.dto.js';

@ApiTags('cycles')
@Controller('cycles')
export class CyclesController {
  constructor(private readonly service: CyclesService) {}

  @Allow('admin', 'hr', 'manager')
  @Get()
  @ApiOkResponse({ type: [CycleDto] })
  @ApiErrors(400)
  list(@Query() q: CycleQueryDto): Promise<CycleDto[]> {
    return this.service.list(q);
  }

  @Allow('admin', 'hr', 'manager')
  @Get(':id')
  @ApiOkResponse({ type: CycleDto })
  @ApiErrors(400, 404)
  get(@Param('id', ParseIdPipe) id: string): Promise<CycleDto> {
    return this.service.get(id);
  }

  @Allow('hr')
  @Post()
  @ApiOperation({ summary: 'Plan a review cycle' })
  @ApiCreated(CycleDto)
  @ApiErrors(400, 409)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateCycleDto): Promise<CycleDto> {
    return this.service.create(actor, dto);
  }

  @Allow('hr')
  @Patch(':id')
  @ApiIfMatch()
  @ApiOkResponse({ type: CycleDto })
  @ApiErrors(400, 404, 409, 428)
  update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateCycleDto,
  ): Promise<CycleDto> {
    return this.service.update(actor, id, expectedVersion(ifMatch, dto.version), dto);
  }

  @Allow('hr')
  @Post(':id/open')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'planned → open: reviews can now be created' })
  @ApiOkResponse({ type: CycleDto })
  @ApiErrors(400, 404, 409, 428)
  open(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: CycleTransitionDto,
  ): Promise<CycleDto> {
    return this.service.open(actor, id, expectedVersion(ifMatch, dto.version));
  }

  @Allow('hr')
  @Post(':id/close')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'open → closed, once every review is finalized (409 lists those that are not)' })
  @ApiOkResponse({ type: CycleDto })
  @ApiErrors(400, 404, 409, 428)
  close(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: CycleTransitionDto,
  ): Promise<CycleDto> {
    return this.service.close(actor, id, expectedVersion(ifMatch, dto.version));
  }

  @Allow('hr')
  @Delete(':id')
  @HttpCode(204)
  @ApiIfMatchRequired()
  @ApiOperation({ summary: 'Delete a planned cycle' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404, 409, 428)
  async remove(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.service.remove(actor, id, expectedVersion(ifMatch, undefined));
  }
}
