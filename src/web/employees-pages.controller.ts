import { Body, Controller, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { CreateEmployeeDto, EmployeeQueryDto, UpdateEmployeeDto } from '../employees/dto/employee.dto.js';
import { EmployeesService } from '../employees/employees.service.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { changedFields, type EmployeeForm, employeeFormFrom, employeeFormOf } from './employee-form.js';
import { checkForm, type FieldErrors, str } from './forms.js';
import { type Problem, submitForm } from './page-form.js';
import { pageNumber, pager, searchText } from './page-helpers.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';

const PAGE_SIZE = 50;
const ACTIVE = ['true', 'false', 'all'] as const;

/** The people on record: searched, added and changed by HR. */
@ApiExcludeController()
@Controller('employees')
@Allow('admin', 'hr')
@UseInterceptors(PageResponder)
export class EmployeesPagesController {
  constructor(
    private readonly employees: EmployeesService,
    private readonly templates: KpiTemplatesService,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>): Promise<PageView> {
    const q = searchText(query.q);
    const department = typeof query.department === 'string' ? query.department : '';
    const active = ACTIVE.find((a) => a === query.active) ?? 'true';
    const wanted = pageNumber(query.page);
    const { dto } = await checkForm(EmployeeQueryDto, {
      ...(q ? { q } : {}),
      ...(department ? { department } : {}),
      active,
      page: String(wanted),
      pageSize: String(PAGE_SIZE),
    });
    const [found, departments] = await Promise.all([this.employees.list(actor, dto), this.employees.departments(actor)]);
    return page(
      'employees',
      {
        items: found.items,
        pager: pager('/employees', { q, department, active: active === 'true' ? '' : active }, wanted, PAGE_SIZE, found.meta.total),
        departments: departments.map((d) => ({ value: d, selected: d === department })),
        actives: ACTIVE.map((a) => ({ value: a, selected: a === active })),
        filters: { q },
        filtered: Boolean(q || department || active !== 'true'),
      },
      { title: 'employees.title' },
    );
  }

  @Get('new')
  newForm(@CurrentActor() actor: Actor, @PageLocale() locale: Locale): Promise<PageView> {
    const form: EmployeeForm = { employeeNo: '', name: '', email: '', roleId: '', department: '', managerNo: '', hireDate: '', active: true };
    return this.renderForm(actor, locale, null, form);
  }

  @Post()
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @PageLocale() locale: Locale, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    const form = employeeFormOf(body);
    const errors: FieldErrors = {};
    const managerId = await this.managerIdOf(actor, form.managerNo, errors, locale);
    return submitForm({
      wording: locale,
      dto: CreateEmployeeDto,
      input: { ...this.fields(form), ...(managerId ? { managerId } : {}) },
      errors,
      invalid: locale.t('employees.fixFields'),
      call: (dto) => this.employees.create(actor, dto),
      refused: (problem) => this.renderForm(actor, locale, null, form, managerNo(problem)),
      done: (created) => seeOther(`/employees/${created.id}`, 'employeeCreated'),
    });
  }

  @Get(':id')
  async show(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @PageLocale() locale: Locale): Promise<PageView> {
    const e = await this.employees.get(actor, id);
    return this.renderForm(actor, locale, e.id, employeeFormFrom(e), undefined, e.version);
  }

  @Post(':id')
  @HttpCode(200)
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const form = employeeFormOf(body);
    const version = Number(str(body, 'version')) || 0;
    const errors: FieldErrors = {};
    const managerId = await this.managerIdOf(actor, form.managerNo, errors, locale);
    return submitForm({
      wording: locale,
      dto: UpdateEmployeeDto,
      input: { ...this.fields(form), managerId, version },
      errors,
      invalid: locale.t('employees.fixFields'),
      call: (dto) => this.employees.update(actor, id, version, dto),
      refused: async (problem) => {
        if (problem.code !== 'STALE_VERSION' || problem.currentVersion === undefined)
          return this.renderForm(actor, locale, id, form, managerNo(problem), version);
        // Someone saved first: keep what was typed, say what they changed, and carry the new
        // version so that saving again is a deliberate choice over their change.
        const saved = await this.employees.get(actor, id);
        const t = locale.t;
        const changed = changedFields(form, employeeFormFrom(saved)).map((f) => t(`employees.field.${f}`));
        return this.renderForm(actor, locale, id, form, { ...managerNo(problem), message: t('employees.stale'), changed }, saved.version);
      },
      done: () => seeOther(`/employees/${id}`, 'employeeSaved'),
    });
  }

  /** The DTO's fields from the form; empty strings stay for the validator to name. */
  private fields(form: EmployeeForm): Record<string, unknown> {
    return {
      employeeNo: form.employeeNo,
      name: form.name,
      email: form.email,
      roleId: form.roleId,
      department: form.department,
      hireDate: form.hireDate,
      active: form.active,
    };
  }

  /** A manager is named by employee number; empty means none. */
  private async managerIdOf(actor: Actor, managerNo: string, errors: FieldErrors, locale: Locale): Promise<string | null> {
    if (!managerNo) return null;
    const id = await this.employees.idByNumber(actor, managerNo);
    if (!id) errors.managerNo = locale.t('employees.noSuchManager', { no: managerNo });
    return id;
  }

  private async renderForm(actor: Actor, locale: Locale, id: string | null, form: EmployeeForm, problem?: Problem, version?: number): Promise<PageView> {
    const [roles, departments] = await Promise.all([this.templates.listRoles(), this.employees.departments(actor)]);
    const lang = locale.lang;
    return page(
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

/** The form asks for the manager's number; the service speaks of managerId. */
function managerNo(problem: Problem): Problem {
  if (problem.errors.managerId) problem.errors.managerNo = problem.errors.managerId;
  return problem;
}
