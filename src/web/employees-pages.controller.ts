import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { EmployeeQueryDto } from '../employees/dto/employee.dto.js';
import { EmployeesService } from '../employees/employees.service.js';
import { checkForm } from './forms.js';
import { pager } from './hr-pages.controller.js';
import { Pages } from './pages.js';

const PAGE_SIZE = 50;
const ACTIVE = ['true', 'false', 'all'] as const;

/** The people on record, searchable; changes to them go through the API. */
@ApiExcludeController()
@Controller('employees')
export class EmployeesPagesController {
  constructor(
    private readonly pages: Pages,
    private readonly employees: EmployeesService,
  ) {}

  @Get()
  @Allow('admin', 'hr')
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
}
