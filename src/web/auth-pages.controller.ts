import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public, SignedIn } from '../auth/access.decorator.js';
import { tokenOf } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { ChangePasswordDto, ForgotPasswordDto, LoginDto, ResetWithLinkDto } from '../auth/dto/auth.dto.js';
import { PasswordResetService } from '../auth/password-reset.service.js';
import { clearSessionCookie, setSessionCookie } from '../auth/session-cookie.js';
import { type Actor, CurrentActor, type RequestWithActor } from '../common/actor.js';
import { isApiError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { checkForm, str } from './forms.js';
import { isLang, LANG_COOKIE, langOf } from './i18n.js';
import { formRefusal, submitForm } from './page-form.js';
import { homeOf } from './page-helpers.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';
import { Pages, safeNext } from './pages.js';

/** Sign-in, sign-out, language and password: the pages every user meets. */
@ApiExcludeController()
@Controller()
@UseInterceptors(PageResponder)
export class AuthPagesController {
  constructor(
    private readonly pages: Pages,
    private readonly auth: AuthService,
    private readonly resets: PasswordResetService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('login')
  @Public()
  login(@Req() req: RequestWithActor, @Query('next') next: unknown): PageAnswer {
    if (req.actor) return seeOther(safeNext(next, homeOf(req.actor.role)));
    return page('login', { email: '', next: safeNext(next, ''), errors: {}, message: null }, { title: 'login.title' });
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  async signIn(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const next = safeNext(str(body, 'next'), '');
    const { dto, errors } = await checkForm(LoginDto, { email: str(body, 'email'), password: str(body, 'password') });
    const again = (status: number, message: string | null, fieldErrors: Record<string, string>) =>
      this.pages.render(req, res, 'login', { email: dto.email ?? '', next, errors: fieldErrors, message }, { title: 'login.title', status });
    if (Object.keys(errors).length > 0) return again(400, null, errors);
    try {
      const s = await this.auth.login(dto.email, dto.password, req.ip ?? 'unknown');
      setSessionCookie(res, s.token, s.expiresAt, this.config.auth.cookieSecure);
      res.redirect(303, s.user.mustChangePassword ? '/password' : safeNext(next, homeOf(s.user.role)));
    } catch (err) {
      const refusal = formRefusal(err);
      const t = this.pages.t(req);
      if (refusal.code === 'THROTTLED') res.setHeader('Retry-After', String(refusal.retryAfterSeconds ?? 60));
      again(
        refusal.status,
        refusal.code === 'INVALID_CREDENTIALS' ? t('login.wrong') : refusal.code === 'THROTTLED' ? t('login.throttled') : refusal.message,
        refusal.errors,
      );
    }
  }

  @Post('logout')
  @Public()
  async logout(@Req() req: RequestWithActor, @Res() res: Response): Promise<void> {
    const token = tokenOf(req);
    if (token) await this.auth.logout(token);
    clearSessionCookie(res);
    this.pages.redirect(res, '/login', 'signedOut');
  }

  /** Remembered for a year in a cookie; not personal, so not tied to the account. */
  @Post('lang')
  @Public()
  setLang(@Res() res: Response, @Body() body: Record<string, unknown>): void {
    const lang = str(body, 'lang');
    if (isLang(lang))
      res.cookie(LANG_COOKIE, lang, { sameSite: 'lax', secure: this.config.auth.cookieSecure, path: '/', maxAge: 365 * 24 * 3600_000, httpOnly: true });
    res.redirect(303, safeNext(str(body, 'next')));
  }

  @Get('password')
  @SignedIn()
  password(@Req() req: RequestWithActor): PageView {
    return page('password', { errors: {}, message: null, forced: this.mustChange(req) }, { title: 'password.title' });
  }

  @Post('password')
  @SignedIn()
  @HttpCode(200)
  changePassword(@CurrentActor() actor: Actor, @Req() req: RequestWithActor, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    const t = this.pages.t(req);
    return submitForm({
      wording: { lang: this.pages.lang(req), section: (prefix) => this.pages.section(req, prefix) },
      dto: ChangePasswordDto,
      input: { currentPassword: str(body, 'currentPassword'), newPassword: str(body, 'newPassword') },
      check: (dto, errors) => {
        if (!errors.newPassword && dto.newPassword !== str(body, 'confirmPassword')) errors.confirmPassword = t('password.mismatch');
      },
      t,
      call: (dto) => this.auth.changePassword(actor, dto.currentPassword, dto.newPassword, tokenOf(req) ?? ''),
      refused: (problem) =>
        page(
          'password',
          { errors: problem.errors, message: problem.code ? problem.message : null, forced: this.mustChange(req) },
          { title: 'password.title', status: problem.status },
        ),
      done: () => seeOther(homeOf(actor.role), 'passwordChanged'),
    });
  }

  /** Without SMTP, MAIL_FROM and PUBLIC_URL the page says whom to ask instead of showing a form that cannot work. */
  @Get('forgot-password')
  @Public()
  forgotPassword(): PageView {
    return page(
      'forgot-password',
      { available: this.resets.available, resetMinutes: this.config.auth.passwordResetMinutes, email: '', errors: {}, message: null },
      { title: 'forgot.title' },
    );
  }

  @Post('forgot-password')
  @Public()
  @HttpCode(200)
  async requestReset(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    const t = this.pages.t(req);
    const email = str(body, 'email');
    const again = (status: number, message: string | null, errors: Record<string, string>) =>
      page(
        'forgot-password',
        { available: this.resets.available, resetMinutes: this.config.auth.passwordResetMinutes, email, errors, message },
        { title: 'forgot.title', status },
      );
    if (!this.resets.available) return again(404, null, {});
    return submitForm({
      wording: { lang: this.pages.lang(req), section: (prefix) => this.pages.section(req, prefix) },
      dto: ForgotPasswordDto,
      input: { email },
      t,
      call: async (dto) => {
        try {
          await this.resets.request(dto.email, req.ip ?? 'unknown', langOf(req, this.config.scorecards.defaultLang));
          return null;
        } catch (err) {
          // The form stays filled in and says so, instead of the generic error page.
          if (!isApiError(err, 'SERVICE_UNAVAILABLE')) throw err;
          res.setHeader('Retry-After', String(err.details?.retryAfterSeconds ?? 60));
          return again(503, t('forgot.mailDown'), {});
        }
      },
      refused: (problem) => {
        if (problem.code === 'THROTTLED') res.setHeader('Retry-After', String(problem.retryAfterSeconds ?? 60));
        return again(problem.status, problem.code === 'THROTTLED' ? t('forgot.throttled') : problem.message, problem.errors);
      },
      done: (refusal) => refusal ?? seeOther('/login', 'resetMailSent'),
    });
  }

  /** The mailed link. It is checked before the form is shown, so nobody types a new password into a dead link. */
  @Get('reset-password')
  @Public()
  async resetPassword(@Res({ passthrough: true }) res: Response, @Query('token') token: unknown): Promise<PageView> {
    // The token is in this page's address: no referrer may carry it to anyone, this site included.
    res.setHeader('Referrer-Policy', 'no-referrer');
    const value = typeof token === 'string' ? token : '';
    const valid = await this.resets.check(value);
    return page('reset-password', { token: valid ? value : '', valid, errors: {}, message: null }, { title: 'reset.title', status: valid ? 200 : 400 });
  }

  @Post('reset-password')
  @Public()
  @HttpCode(200)
  setPassword(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    res.setHeader('Referrer-Policy', 'no-referrer');
    const t = this.pages.t(req);
    const token = str(body, 'token');
    return submitForm({
      wording: { lang: this.pages.lang(req), section: (prefix) => this.pages.section(req, prefix) },
      dto: ResetWithLinkDto,
      input: { token, newPassword: str(body, 'newPassword') },
      check: (dto, errors) => {
        if (!errors.newPassword && dto.newPassword !== str(body, 'confirmPassword')) errors.confirmPassword = t('password.mismatch');
      },
      t,
      call: (dto) => this.resets.reset(dto.token, dto.newPassword, req.ip ?? 'unknown'),
      refused: (problem) => {
        const valid = !problem.errors.token;
        const errors = { ...problem.errors };
        delete errors.token;
        return page(
          'reset-password',
          { token: valid ? token : '', valid, errors, message: valid ? problem.message : null },
          { title: 'reset.title', status: problem.status },
        );
      },
      done: () => seeOther('/login', 'passwordSet'),
    });
  }

  private mustChange(req: RequestWithActor): boolean {
    const actor: (Actor & { mustChangePassword?: boolean }) | undefined = req.actor;
    return Boolean(actor?.mustChangePassword);
  }
}
