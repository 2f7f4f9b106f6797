import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiCreated } from '../common/created.js';
import { ApiErrors, ApiIfMatch } from '../common/api-errors.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import { expectedVersion } from '../common/versioning.js';
import { Allow } from './access.decorator.js';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto, UserDto } from './dto/auth.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('users')
@Allow('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOkResponse({ type: [UserDto] })
  @ApiErrors(401, 403)
  list(): Promise<UserDto[]> {
    return this.users.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(400, 401, 403, 404)
  get(@Param('id', ParseIdPipe) id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a user; they must change the password at first sign-in' })
  @ApiCreated(UserDto)
  @ApiErrors(400, 401, 403, 409)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(actor, dto);
  }

  @Patch(':id')
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change role, employee link, or disable (ends their sessions)' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(400, 401, 403, 404, 409, 428)
  update(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateUserDto,
  ): Promise<UserDto> {
    return this.users.update(actor, id, expectedVersion(ifMatch, dto.version), dto);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiIfMatch()
  @ApiOperation({ summary: 'Set a temporary password; sessions end and the user must change it at next sign-in' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(400, 401, 403, 404, 409, 428)
  resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: ResetPasswordDto,
  ): Promise<UserDto> {
    return this.users.resetPassword(actor, id, expectedVersion(ifMatch, dto.version), dto.password);
  }
}
