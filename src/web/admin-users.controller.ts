import { Body, Controller, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto, type UserDto } from '../auth/dto/auth.dto.js';
import { USER_ROLES } from '../auth/user.entity.js';
import { UsersService } from '../auth/users.service.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { EmployeesService } from '../employees/employees.service.js';
import { type FieldErrors, str } from './forms.js';
import { type Problem, submitForm } from './page-form.js';
import { pager } from './page-helpers.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';

const PAGE_SIZE = 50;

interface UserForm {
  email: string;
  role: string;
  employeeNo: string;
  disabled: boolean;
}

/** Users: create, link to an employee record, change role, disable, reset password. */
@ApiExcludeController()
@Controller('admin/users')
@Allow('admin')
@UseInterceptors(PageResponder)
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly employees: EmployeesService,
  ) {}

  @Get()
  list(@CurrentActor() actor: Actor, @Query('q') q: unknown, @Query('role') role: unknown, @Query('page') page: unknown): Promise<PageView> {
    const filters = { q: typeof q === 'string' ? q.trim() : '', role: typeof role === 'string' ? role : '' };
    return this.renderList(actor, filters, undefined, Number.parseInt(typeof page === 'string' ? page : '1', 10) || 1);
  }

  @Post()
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @PageLocale() locale: Locale, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    const form: UserForm = { email: str(body, 'email').trim(), role: str(body, 'role'), employeeNo: str(body, 'employeeNo').trim(), disabled: false };
    const errors: FieldErrors = {};
    const employeeId = await this.employeeIdOf(actor, form.employeeNo, errors, locale);
    const t = locale.t;
    return submitForm({
      wording: locale,
      dto: CreateUserDto,
      input: { email: form.email, role: form.role, password: str(body, 'password'), ...(employeeId ? { employeeId } : {}) },
      errors,
      invalid: t('users.fixFields'),
      t,
      call: (dto) => this.users.create(actor, dto),
      refused: (problem) => this.renderList(actor, { q: '', role: '' }, { ...problem, form }),
      done: (user) => seeOther(`/admin/users/${user.id}`, 'userCreated'),
    });
  }

  @Get(':id')
  show(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string): Promise<PageView> {
    return this.renderUser(actor, id);
  }

  @Post(':id')
  @HttpCode(200)
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const form: UserForm = { email: '', role: str(body, 'role'), employeeNo: str(body, 'employeeNo').trim(), disabled: str(body, 'disabled') === 'on' };
    const errors: FieldErrors = {};
    const employeeId = await this.employeeIdOf(actor, form.employeeNo, errors, locale);
    return submitForm({
      wording: locale,
      dto: UpdateUserDto,
      input: { role: form.role, employeeId, disabled: form.disabled, version: Number(str(body, 'version')) || undefined },
      errors,
      invalid: locale.t('users.fixFields'),
      call: (dto) => this.users.update(actor, id, dto.version ?? 0, dto),
      refused: (problem) => this.renderUser(actor, id, { ...problem, form }),
      done: () => seeOther(`/admin/users/${id}`, 'userSaved'),
    });
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const t = locale.t;
    return submitForm({
      wording: locale,
      dto: ResetPasswordDto,
      input: { password: str(body, 'password'), version: Number(str(body, 'version')) || undefined },
      invalid: t('users.fixFields'),
      t,
      call: (dto) => this.users.resetPassword(actor, id, dto.version ?? 0, dto.password),
      // The page has two forms; the reset form's one field shows the message.
      refused: (problem) =>
        this.renderUser(actor, id, {
          ...problem,
          errors: { resetPassword: problem.errors.password ?? (problem.code ? problem.message : Object.values(problem.errors)[0]) },
        }),
      done: () => seeOther(`/admin/users/${id}`, 'passwordReset'),
    });
  }

  /** People link accounts by employee number, not by id; empty means "no link". */
  private async employeeIdOf(actor: Actor, employeeNo: string, errors: FieldErrors, locale: Locale): Promise<string | null> {
    if (!employeeNo) return null;
    const id = await this.employees.idByNumber(actor, employeeNo);
    if (!id) errors.employeeId = locale.t('users.noSuchEmployee', { no: employeeNo });
    return id;
  }

  private async renderList(actor: Actor, filters: { q: string; role: string }, problem?: Problem & { form: UserForm }, wantedPage = 1): Promise<PageView> {
    const all = await this.users.list();
    const q = filters.q.toLowerCase();
    const matching = all.filter(
      (u) => (!q || u.email.includes(q) || (u.employeeName ?? '').toLowerCase().includes(q)) && (!filters.role || u.role === filters.role),
    );
    const shownPage = Math.min(Math.max(1, Math.ceil(matching.length / PAGE_SIZE)), Math.max(1, wantedPage));
    const users = matching.slice((shownPage - 1) * PAGE_SIZE, shownPage * PAGE_SIZE);
    return page(
      'users',
      {
        users,
        total: all.length,
        pager: pager('/admin/users', filters, shownPage, PAGE_SIZE, matching.length),
        filters,
        filtered: Boolean(filters.q || filters.role),
        roles: USER_ROLES.map((r) => ({ value: r, selected: r === filters.role, formSelected: r === (problem?.form.role ?? 'employee') })),
        form: problem?.form ?? { email: '', role: 'employee', employeeNo: '', disabled: false },
        problem: problem ?? null,
        me: actor.userId,
      },
      { title: 'users.title', status: problem?.status },
    );
  }

  private async renderUser(actor: Actor, id: string, problem?: Problem & { form?: UserForm }): Promise<PageView> {
    const user: UserDto = await this.users.get(id);
    const linked = user.employeeId ? await this.employees.findById(user.employeeId).catch(() => null) : null;
    const form = problem?.form ?? { email: user.email, role: user.role, employeeNo: linked?.employeeNo ?? '', disabled: user.disabled };
    return page(
      'user',
      { user, linked, form, roles: USER_ROLES.map((r) => ({ value: r, selected: r === form.role })), problem: problem ?? null, self: actor.userId === id },
      { title: 'users.detailTitle', titleVars: { email: user.email }, status: problem?.status },
    );
  }
}
