import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { badRequest } from '../common/errors.js';
import { CyclesService } from '../cycles/cycles.service.js';
import type { CycleDto } from '../cycles/dto/cycle.dto.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { CreateReviewDto, REVIEW_STATUSES, ReviewQueryDto, type StartAllResultDto } from '../reviews/dto/review.dto.js';
import { ReviewReadModels } from '../reviews/review-read-models.js';
import { ReviewWorkflow } from '../reviews/review-workflow.service.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import type { RatingBand } from '../scoring/types.js';
import { homeOf } from './auth-pages.controller.js';
import { checkForm, formRefusal, str } from './forms.js';
import { PageIdPipe } from './page-id.pipe.js';
import { Pages } from './pages.js';

const PAGE_SIZE = 50;
const LIST_STATUSES = ['not_started', ...REVIEW_STATUSES] as const;

/** The cycle a page is about: the one asked for, else the newest open one, else the newest. */
export function pickCycle(cycles: CycleDto[], wanted: unknown): CycleDto | null {
  return cycles.find((c) => c.id === wanted) ?? cycles.find((c) => c.status === 'open') ?? cycles[0] ?? null;
}

/** Previous/next links that keep every filter. */
export function pager(base: string, params: Record<string, string | undefined>, page: number, pageSize: number, total: number) {
  const link = (p: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (p > 1) q.set('page', String(p));
    const s = q.toString();
    return s ? `${base}?${s}` : base;
  };
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return { page, pages, total, prev: page > 1 ? link(page - 1) : null, next: page < pages ? link(page + 1) : null, from: total === 0 ? 0 : (page - 1) * pageSize + 1, to: Math.min(total, page * pageSize) };
}

/** HR's start page (cycle progress per department) and the list of reviews behind its numbers. */
@ApiExcludeController()
@Controller()
export class HrPagesController {
  constructor(
    private readonly pages: Pages,
    private readonly cycles: CyclesService,
    private readonly reviews: ReviewsService,
    private readonly workflow: ReviewWorkflow,
    private readonly readModels: ReviewReadModels,
    private readonly templates: KpiTemplatesService,
  ) {}

  @Get()
  @Allow('admin', 'hr', 'manager', 'employee')
  async dashboard(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response, @Query('cycleId') cycleId: unknown): Promise<void> {
    if (actor.role === 'manager' || actor.role === 'employee') return res.redirect(303, homeOf(actor.role));
    await this.renderDashboard(actor, req, res, cycleId, null);
  }

  @Post('cycles/:id/start-reviews')
  @Allow('hr')
  @HttpCode(200)
  async startAll(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    let result: StartAllResultDto | null = null;
    let problem: string | null = null;
    try {
      result = await this.workflow.startAll(actor, id);
    } catch (err) {
      problem = formRefusal(err).message;
    }
    await this.renderDashboard(actor, req, res, id, { result, problem });
  }

  private async renderDashboard(actor: Actor, req: Request, res: Response, cycleId: unknown, started: { result: StartAllResultDto | null; problem: string | null } | null): Promise<void> {
    const cycles = await this.cycles.list({});
    const cycle = pickCycle(cycles, cycleId);
    const rows = cycle ? await this.readModels.progressByDepartment(actor, cycle.id) : [];
    const sum = (k: 'notStarted' | 'draft' | 'submitted' | 'finalized' | 'total') => rows.reduce((n, r) => n + r[k], 0);
    const totals = { notStarted: sum('notStarted'), draft: sum('draft'), submitted: sum('submitted'), finalized: sum('finalized'), total: sum('total') };
    const link = (status: string, department?: string) => {
      const q = new URLSearchParams({ cycleId: cycle?.id ?? '', status });
      if (department) q.set('department', department);
      return `/reviews?${q.toString()}`;
    };
    this.pages.render(
      req,
      res,
      'dashboard',
      {
        cycles: cycles.map((c) => ({ id: c.id, name: c.name, status: c.status, selected: c.id === cycle?.id })),
        cycle,
        rows: rows.map((r) => ({
          ...r,
          links: { notStarted: link('not_started', r.department), draft: link('draft', r.department), submitted: link('submitted', r.department), finalized: link('finalized', r.department) },
        })),
        totals,
        totalLinks: { notStarted: link('not_started'), draft: link('draft'), submitted: link('submitted'), finalized: link('finalized') },
        percentDone: totals.total ? Math.round((totals.finalized / totals.total) * 100) : 0,
        canStart: actor.role === 'hr' && cycle?.status === 'open' && totals.notStarted > 0,
        reviewCount: totals.draft + totals.submitted + totals.finalized,
        isOpen: cycle?.status === 'open',
        started,
      },
      { title: 'dashboard.title', status: started?.problem ? 409 : 200 },
    );
  }

  @Get('reviews')
  @Allow('admin', 'hr')
  async list(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const cycles = await this.cycles.list({});
    const cycle = pickCycle(cycles, query.cycleId);
    const status = LIST_STATUSES.find((s) => s === query.status) ?? '';
    const q = typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
    const department = typeof query.department === 'string' ? query.department : '';
    const page = Math.max(1, Math.min(100000, Math.floor(Number(query.page)) || 1));
    const departments = cycle ? (await this.readModels.progressByDepartment(actor, cycle.id)).map((d) => d.department) : [];
    const params = { cycleId: cycle?.id, status, department, q };
    let model: Record<string, unknown> = {};
    if (cycle && status === 'not_started') {
      const found = await this.readModels.notStarted(actor, { cycleId: cycle.id, department: department || undefined, q: q || undefined, page, pageSize: PAGE_SIZE });
      model = { people: found.items, pager: pager('/reviews', params, page, PAGE_SIZE, found.meta.total), canStart: actor.role === 'hr' && cycle.status === 'open' };
    } else if (cycle) {
      const { dto } = await checkForm(ReviewQueryDto, { cycleId: cycle.id, status: status || undefined, department: department || undefined, q: q || undefined, page: String(page), pageSize: String(PAGE_SIZE) });
      const found = await this.reviews.list(actor, dto);
      const labels = await this.bandLabels();
      const lang = this.pages.lang(req);
      model = {
        items: found.items.map((r) => ({ ...r, bandLabel: r.bandKey ? (labels.get(r.bandKey)?.[lang === 'zh-CN' ? 'labelZh' : 'labelEn'] ?? r.bandKey) : null })),
        pager: pager('/reviews', params, page, PAGE_SIZE, found.meta.total),
      };
    }
    this.pages.render(
      req,
      res,
      'reviews',
      {
        ...model,
        cycle,
        cycles: cycles.map((c) => ({ id: c.id, name: c.name, status: c.status, selected: c.id === cycle?.id })),
        statuses: LIST_STATUSES.map((s) => ({ value: s, selected: s === status })),
        departments: departments.map((d) => ({ value: d, selected: d === department })),
        filters: { q, status, department },
        filtered: Boolean(q || status || department),
      },
      { title: 'reviews.title' },
    );
  }

  /** HR starts one person's review from the "not started" list, then goes straight to it. */
  @Post('reviews')
  @Allow('hr')
  @HttpCode(200)
  async start(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    try {
      const { dto, errors } = await checkForm(CreateReviewDto, { employeeId: str(body, 'employeeId'), cycleId: str(body, 'cycleId') });
      if (Object.keys(errors).length > 0) throw badRequest('Reload the list and try again', Object.entries(errors).map(([field, message]) => ({ field, message })));
      const review = await this.workflow.create(actor, dto);
      this.pages.redirect(res, `/reviews/${review.id}`, 'started');
    } catch (err) {
      const refusal = formRefusal(err);
      this.pages.render(req, res, 'error', { status: refusal.status, kind: refusal.status === 409 ? 'conflict' : 'badRequest', detail: refusal.message, fieldErrors: [] }, { title: 'errors.conflict.title', status: refusal.status });
    }
  }

  /** Band labels by key, from every role's current template (a review's own pinned bands are on its page). */
  private async bandLabels(): Promise<Map<string, RatingBand>> {
    const map = new Map<string, RatingBand>();
    for (const t of await this.templates.listTemplates()) for (const b of t.current?.bands ?? []) if (!map.has(b.key)) map.set(b.key, b);
    return map;
  }
}
