import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { type Actor, CurrentActor, type RequestWithActor } from '../common/actor.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Public, SignedIn } from './access.decorator.js';
import { tokenOf } from './auth.guard.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordDto, ForgotPasswordDto, LoginDto, LoginResponseDto, ResetWithLinkDto, UserDto } from './dto/auth.dto.js';
import { PasswordResetService } from './password-reset.service.js';
import { toUserDto } from './users.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly resets: PasswordResetService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in: returns a bearer token and sets it as an httpOnly cookie' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiErrors(400, 401, 429)
  async login(@Body() dto: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<LoginResponseDto> {
    const s = await this.auth.login(dto.email, dto.password, req.ip ?? 'unknown');
    setSessionCookie(res, s.token, s.expiresAt, this.config.auth.cookieSecure);
    return { token: s.token, expiresAt: s.expiresAt.toISOString(), user: toUserDto(s.user) };
  }

  @Post('logout')
  @SignedIn()
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session' })
  @ApiNoContentResponse({ description: 'Signed out; the session cookie is cleared' })
  async logout(@Req() req: RequestWithActor, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token = tokenOf(req);
    if (token) await this.auth.logout(token);
    clearSessionCookie(res);
  }

  @Get('me')
  @SignedIn()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(401)
  async me(@CurrentActor() actor: Actor): Promise<UserDto> {
    return toUserDto(await this.auth.me(actor.userId ?? ''));
  }

  @Post('change-password')
  @SignedIn()
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your password; your other sessions end' })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiErrors(400, 401)
  async changePassword(@CurrentActor() actor: Actor, @Req() req: RequestWithActor, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(actor, dto.currentPassword, dto.newPassword, tokenOf(req) ?? '');
  }

  @Post('forgot-password')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Mail a one-time password-reset link to an address, when it has an account',
    description:
      'The answer is the same whether the address has an account or not. Needs SMTP, MAIL_FROM and PUBLIC_URL (404 without them); 503 while the mail server is away.',
  })
  @ApiAcceptedResponse({ description: 'If the address has an account, a link is on its way' })
  @ApiErrors(400, 404, 429, 503)
  async forgotPassword(@Body() dto: ForgotPasswordDto, @Req() req: Request): Promise<void> {
    await this.resets.request(dto.email, req.ip ?? 'unknown', dto.lang ?? this.config.scorecards.defaultLang);
  }

  @Post('reset-password')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: "Set a new password with a mailed link's token; the link is used up and every session of the account ends" })
  @ApiNoContentResponse({ description: 'The password is set; sign in with it' })
  @ApiErrors(400)
  async resetPassword(@Body() dto: ResetWithLinkDto, @Req() req: Request): Promise<void> {
    await this.resets.reset(dto.token, dto.newPassword, req.ip ?? 'unknown');
  }
}
