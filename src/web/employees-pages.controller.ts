import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { ApiError } from '../common/errors.js';
import { CreateEmployeeDto, EmployeeQueryDto, UpdateEmployeeDto } from '../employees/dto/employee.dto.js';
import { EmployeesService } from '../employees/employees.service.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { changedFields, type EmployeeForm, employeeFormFrom, employeeFormOf } from './employee-form.js';
import { checkForm, type FieldErrors, formRefusal, str } from './forms.js';
import { pager } from './hr-pages.controller.js';
import { PageIdPipe } from './page-id.pipe.js';
import { Pages } from './pages.js';

const PAGE_SIZE = 50;
const ACTIVE = ['true', 'false', 'all'] as const;

interface Problem {
  status: number;
  message: string;
  errors: FieldErrors;
  /** After a stale save: the fields someone else changed meanwhile. */
  changed?: string[];
}

/** The people on record: searched, added and changed by HR. */
@ApiExcludeController()
@Controller('employees')
@Allow('admin', 'hr')
export class EmployeesPagesController {
  constructor(
    private readonly pages: Pages,
    private readonly employees: EmployeesService,
    private readonly templates: KpiTemplatesService,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
    const department = typeof query.department === 'string' ? query.department : '';
    const active = ACTIVE.find((a) => a === query.active) ?? 'true';
    const page = Math.max(1, Math.min(100000, Math.floor(Number(query.page)) || 1));
    const { dto } = await checkForm(EmployeeQueryDto, {
      ...(q ? { q } : {}),
      ...(department ? { department } : {}),
      active,
      page: String(page),
      pageSize: String(PAGE_SIZE),
    });
    const [found, departments] = await Promise.all([this.employees.list(actor, dto), this.employees.departments(actor)]);
    this.pages.render(
      req,
      res,
      'employees',
      {
        items: found.items,
        pager: pager('/employees', { q, department, active: active === 'true' ? '' : active }, page, PAGE_SIZE, found.meta.total),
        departments: departments.map((d) => ({ value: d, selected: d === department })),
        actives: ACTIVE.map((a) => ({ value: a, selected: a === active })),
        filters: { q },
        filtered: Boolean(q || department || active !== 'true'),
      },
      { title: 'employees.title' },
    );
  }

  @Get('new')
  async newForm(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form: EmployeeForm = { employeeNo: '', name: '', email: '', roleId: '', department: '', managerNo: '', hireDate: '', active: true };
    await this.renderForm(actor, req, res, null, form);
  }

  @Post()
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const form = employeeFormOf(body);
    const errors: FieldErrors = {};
    const managerId = await this.managerIdOf(actor, form.managerNo, errors, req);
    const { dto, errors: invalid } = await checkForm(CreateEmployeeDto, { ...this.fields(form), ...(managerId ? { managerId } : {}) });
    Object.assign(errors, invalid);
    if (Object.keys(errors).length > 0) return this.renderForm(actor, req, res, null, form, { status: 400, message: this.pages.t(req)('employees.fixFields'), errors });
    try {
      const created = await this.employees.create(actor, dto);
      this.pages.redirect(res, `/employees/${created.id}`, 'employeeCreated');
    } catch (err) {
      await this.renderForm(actor, req, res, null, form, this.problemOf(err));
    }
  }

  @Get(':id')
  async show(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const e = await this.employees.get(actor, id);
    await this.renderForm(actor, req, res, e.id, employeeFormFrom(e), undefined, e.version);
  }

  @Post(':id')
  @HttpCode(200)
  async update(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const form = employeeFormOf(body);
    const version = Number(str(body, 'version')) || 0;
    const errors: FieldErrors = {};
    const managerId = await this.managerIdOf(actor, form.managerNo, errors, req);
    const { dto, errors: invalid } = await checkForm(UpdateEmployeeDto, { ...this.fields(form), managerId, version });
    Object.assign(errors, invalid);
    if (Object.keys(errors).length > 0) return this.renderForm(actor, req, res, id, form, { status: 400, message: this.pages.t(req)('employees.fixFields'), errors }, version);
    try {
      await this.employees.update(actor, id, version, dto);
    } catch (err) {
      const problem = this.problemOf(err);
      if (problem.status !== 409 || !(err instanceof ApiError) || err.details?.currentVersion === undefined) return this.renderForm(actor, req, res, id, form, problem, version);
      // Someone saved first: keep what was typed, say what they changed, and carry the new
      // version so that saving again is a deliberate choice over their change.
      const saved = await this.employees.get(actor, id);
      const t = this.pages.t(req);
      const changed = changedFields(form, employeeFormFrom(saved)).map((f) => t(`employees.field.${f}`));
      return this.renderForm(actor, req, res, id, form, { ...problem, message: t('employees.stale'), changed }, saved.version);
    }
    this.pages.redirect(res, `/employees/${id}`, 'employeeSaved');
  }

  /** The DTO's fields from the form; empty strings stay for the validator to name. */
  private fields(form: EmployeeForm): Record<string, unknown> {
    return { employeeNo: form.employeeNo, name: form.name, email: form.email, roleId: form.roleId, department: form.department, hireDate: form.hireDate, active: form.active };
  }

  private problemOf(err: unknown): Problem {
    const refusal = formRefusal(err);
    // The form asks for the manager's number; the service speaks of managerId.
    if (refusal.errors.managerId) refusal.errors.managerNo = refusal.errors.managerId;
    return refusal;
  }

  /** A manager is named by employee number; empty means none. */
  private async managerIdOf(actor: Actor, managerNo: string, errors: FieldErrors, req: Request): Promise<string | null> {
    if (!managerNo) return null;
    const id = await this.employees.idByNumber(actor, managerNo);
    if (!id) errors.managerNo = this.pages.t(req)('employees.noSuchManager', { no: managerNo });
    return id;
  }

  private async renderForm(actor: Actor, req: Request, res: Response, id: string | null, form: EmployeeForm, problem?: Problem, version?: number): Promise<void> {
    const [roles, departments] = await Promise.all([this.templates.listRoles(), this.employees.departments(actor)]);
    const lang = this.pages.lang(req);
    this.pages.render(
      req,
      res,
      'employee',
      {
        id,
        form,
        version,
        roles: roles.map((r) => ({ value: r.id, label: lang === 'zh-CN' ? r.nameZh : r.nameEn, selected: r.id === form.roleId })),
        departments,
        problem: problem ?? null,
      },
      { title: id ? 'employees.editTitle' : 'employees.newTitle', titleVars: { name: form.name }, status: problem?.status },
    );
  }
}
