import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiCreated } from '../common/created.js';
import { ApiErrors, ApiIfMatch } from '../common/api-errors.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { expectedVersion } from '../common/versioning.js';
import {
  CreateDraftDto,
  CreateRoleDto,
  RoleDto,
  TemplateDto,
  TemplateVersionDto,
  TemplateVersionSummaryDto,
  UpdateDraftDto,
  UpdateRoleDto,
  VersionOnlyDto,
} from './dto/template.dto.js';
import { KpiTemplatesService } from './kpi-templates.service.js';
import { Allow } from '../auth/access.decorator.js';

const uuid = ParseIdPipe;

@ApiTags('roles')
@Controller('roles')
export class RolesController {
  constructor(private readonly service: KpiTemplatesService) {}

  @Allow('admin', 'hr')
  @Get()
  @ApiOperation({ summary: 'All roles with their current template version' })
  @ApiOkResponse({ type: [RoleDto] })
  list(): Promise<RoleDto[]> {
    return this.service.listRoles();
  }

  @Allow('admin', 'hr')
  @Get(':id')
  @ApiOkResponse({ type: RoleDto })
  @ApiErrors(400, 404)
  get(@Param('id', uuid) id: string): Promise<RoleDto> {
    return this.service.getRole(id);
  }

  @Allow('admin')
  @Post()
  @ApiOperation({ summary: 'Add a role; it starts with an empty KPI template' })
  @ApiCreated(RoleDto)
  @ApiErrors(400, 409)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateRoleDto): Promise<RoleDto> {
    return this.service.createRole(actor, dto);
  }

  @Allow('admin')
  @Patch(':id')
  @ApiIfMatch()
  @ApiOkResponse({ type: RoleDto })
  @ApiErrors(400, 404, 409, 428)
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateRoleDto,
  ): Promise<RoleDto> {
    return this.service.updateRole(actor, id, expectedVersion(ifMatch, dto.version), dto);
  }
}

@ApiTags('kpi-templates')
@Controller('kpi-templates')
export class KpiTemplatesController {
  constructor(private readonly service: KpiTemplatesService) {}

  @Allow('admin', 'hr')
  @Get()
  @ApiOperation({ summary: "Every role's template with its current version and history" })
  @ApiOkResponse({ type: [TemplateDto] })
  list(): Promise<TemplateDto[]> {
    return this.service.listTemplates();
  }

  @Allow('admin', 'hr')
  @Get(':id')
  @ApiOkResponse({ type: TemplateDto })
  @ApiErrors(400, 404)
  get(@Param('id', uuid) id: string): Promise<TemplateDto> {
    return this.service.getTemplate(id);
  }

  @Allow('admin', 'hr')
  @Get(':id/versions')
  @ApiOkResponse({ type: [TemplateVersionSummaryDto] })
  @ApiErrors(400, 404)
  versions(@Param('id', uuid) id: string): Promise<TemplateVersionSummaryDto[]> {
    return this.service.listVersions(id);
  }

  @Allow('admin', 'hr')
  @Get(':id/versions/:versionId')
  @ApiOkResponse({ type: TemplateVersionDto })
  @ApiErrors(400, 404)
  version(@Param('id', uuid) id: string, @Param('versionId', uuid) versionId: string): Promise<TemplateVersionDto> {
    return this.service.getVersion(id, versionId);
  }

  @Allow('admin')
  @Post(':id/versions')
  @ApiOperation({ summary: 'Start a draft version (a copy of the current one unless content is given)' })
  @ApiCreated(TemplateVersionDto)
  @ApiErrors(400, 404, 409)
  createDraft(@CurrentActor() actor: Actor, @Param('id', uuid) id: string, @Body() dto: CreateDraftDto): Promise<TemplateVersionDto> {
    return this.service.createDraft(actor, id, dto.content);
  }

  @Allow('admin')
  @Put(':id/versions/:versionId')
  @ApiIfMatch()
  @ApiOperation({
    summary: 'Replace the KPIs and bands of a draft; the weights may add up to anything while it is a draft (weightSum says what they add up to)',
  })
  @ApiOkResponse({ type: TemplateVersionDto })
  @ApiErrors(400, 404, 409, 428)
  updateDraft(
    @CurrentActor() actor: Actor,
    @Param('id', uuid) id: string,
    @Param('versionId', uuid) versionId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateDraftDto,
  ): Promise<TemplateVersionDto> {
    return this.service.updateDraft(actor, id, versionId, expectedVersion(ifMatch, dto.version), dto);
  }

  @Allow('admin')
  @Delete(':id/versions/:versionId')
  @HttpCode(204)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Discard a draft (published versions stay forever)' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404, 409, 428)
  async discardDraft(
    @CurrentActor() actor: Actor,
    @Param('id', uuid) id: string,
    @Param('versionId', uuid) versionId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.service.discardDraft(actor, id, versionId, expectedVersion(ifMatch, undefined));
  }

  @Allow('admin')
  @Post(':id/versions/:versionId/publish')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Publish a draft: it freezes and becomes the version new reviews pin; its weights must add up to exactly 100' })
  @ApiOkResponse({ type: TemplateVersionDto })
  @ApiErrors(400, 404, 409, 428)
  publish(
    @CurrentActor() actor: Actor,
    @Param('id', uuid) id: string,
    @Param('versionId', uuid) versionId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: VersionOnlyDto,
  ): Promise<TemplateVersionDto> {
    return this.service.publish(actor, id, versionId, expectedVersion(ifMatch, dto.version));
  }
}
