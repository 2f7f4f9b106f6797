import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto, type UserDto } from '../auth/dto/auth.dto.js';
import { USER_ROLES } from '../auth/user.entity.js';
import { UsersService } from '../auth/users.service.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { EmployeesService } from '../employees/employees.service.js';
import { checkForm, type FieldErrors, formRefusal, str } from './forms.js';
import { PageIdPipe } from './page-id.pipe.js';
import { pager } from './hr-pages.controller.js';
import { Pages } from './pages.js';

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
export class AdminUsersController {
  constructor(
    private readonly pages: Pages,
    private readonly users: UsersService,
    private readonly employees: EmployeesService,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
    @Query('q') q: unknown,
    @Query('role') role: unknown,
    @Query('page') page: unknown,
  ): Promise<void> {
    const filters = { q: typeof q === 'string' ? q.trim() : '', role: typeof role === 'string' ? role : '' };
    await this.renderList(actor, req, res, filters, undefined, Number.parseInt(typeof page === 'string' ? page : '1', 10) || 1);
  }

  @Post()
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const form: UserForm = { email: str(body, 'email').trim(), role: str(body, 'role'), employeeNo: str(body, 'employeeNo').trim(), disabled: false };
    const errors: FieldErrors = {};
    const employeeId = await this.employeeIdOf(actor, form.employeeNo, errors, req);
    const { dto, errors: invalid } = await checkForm(CreateUserDto, { email: form.email, role: form.role, password: str(body, 'password'), ...(employeeId ? { employeeId } : {}) });
    Object.assign(errors, invalid);
    const again = (status: number, message: string, fieldErrors: FieldErrors) => this.renderList(actor, req, res, { q: '', role: '' }, { form, status, message, errors: fieldErrors });
    if (Object.keys(errors).length > 0) return again(400, this.pages.t(req)('users.fixFields'), errors);
    try {
      const user = await this.users.create(actor, dto);
      this.pages.redirect(res, `/admin/users/${user.id}`, 'userCreated');
    } catch (err) {
      const refusal = formRefusal(err, this.pages.t(req));
      await again(refusal.status, refusal.message, refusal.errors);
    }
  }

  @Get(':id')
  async show(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.renderUser(actor, id, req, res);
  }

  @Post(':id')
  @HttpCode(200)
  async update(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const form: UserForm = { email: '', role: str(body, 'role'), employeeNo: str(body, 'employeeNo').trim(), disabled: str(body, 'disabled') === 'on' };
    const errors: FieldErrors = {};
    const employeeId = await this.employeeIdOf(actor, form.employeeNo, errors, req);
    const { dto, errors: invalid } = await checkForm(UpdateUserDto, { role: form.role, employeeId, disabled: form.disabled, version: Number(str(body, 'version')) || undefined });
    Object.assign(errors, invalid);
    if (Object.keys(errors).length > 0) return this.renderUser(actor, id, req, res, { form, status: 400, message: this.pages.t(req)('users.fixFields'), errors });
    try {
      await this.users.update(actor, id, dto.version ?? 0, dto);
    } catch (err) {
      const refusal = formRefusal(err);
      return this.renderUser(actor, id, req, res, { form, status: refusal.status, message: refusal.message, errors: refusal.errors });
    }
    this.pages.redirect(res, `/admin/users/${id}`, 'userSaved');
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  async resetPassword(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const { dto, errors } = await checkForm(ResetPasswordDto, { password: str(body, 'password'), version: Number(str(body, 'version')) || undefined });
    if (Object.keys(errors).length > 0) return this.renderUser(actor, id, req, res, { status: 400, message: this.pages.t(req)('users.fixFields'), errors: { resetPassword: errors.password ?? Object.values(errors)[0] } });
    try {
      await this.users.resetPassword(actor, id, dto.version ?? 0, dto.password);
    } catch (err) {
      const refusal = formRefusal(err, this.pages.t(req));
      return this.renderUser(actor, id, req, res, { status: refusal.status, message: refusal.message, errors: { resetPassword: refusal.errors.password ?? refusal.message } });
    }
    this.pages.redirect(res, `/admin/users/${id}`, 'passwordReset');
  }

  /** People link accounts by employee number, not by id; empty means "no link". */
  private async employeeIdOf(actor: Actor, employeeNo: string, errors: FieldErrors, req: Request): Promise<string | null> {
    if (!employeeNo) return null;
    const id = await this.employees.idByNumber(actor, employeeNo);
    if (!id) errors.employeeId = this.pages.t(req)('users.noSuchEmployee', { no: employeeNo });
    return id;
  }

  private async renderList(
    actor: Actor,
    req: Request,
    res: Response,
    filters: { q: string; role: string },
    problem?: { form: UserForm; status: number; message: string; errors: FieldErrors },
    wantedPage = 1,
  ): Promise<void> {
    const all = await this.users.list();
    const q = filters.q.toLowerCase();
    const matching = all.filter((u) => (!q || u.email.includes(q) || (u.employeeName ?? '').toLowerCase().includes(q)) && (!filters.role || u.role === filters.role));
    const page = Math.min(Math.max(1, Math.ceil(matching.length / PAGE_SIZE)), Math.max(1, wantedPage));
    const users = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    this.pages.render(
      req,
      res,
      'users',
      {
        users,
        total: all.length,
        pager: pager('/admin/users', filters, page, PAGE_SIZE, matching.length),
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

  private async renderUser(actor: Actor, id: string, req: Request, res: Response, problem?: { form?: UserForm; status: number; message: string; errors: FieldErrors }): Promise<void> {
    const user: UserDto = await this.users.get(id);
    const linked = user.employeeId ? await this.employees.findById(user.employeeId).catch(() => null) : null;
    const form = problem?.form ?? { email: user.email, role: user.role, employeeNo: linked?.employeeNo ?? '', disabled: user.disabled };
    this.pages.render(
      req,
      res,
      'user',
      { user, linked, form, roles: USER_ROLES.map((r) => ({ value: r, selected: r === form.role })), problem: problem ?? null, self: actor.userId === id },
      { title: 'users.detailTitle', titleVars: { email: user.email }, status: problem?.status },
    );
  }
}
