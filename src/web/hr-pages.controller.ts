import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { BULK_LIMIT, BulkReviewDto } from '../reviews/dto/review-bulk.dto.js';
import { CreateReviewDto, ReviewQueryDto } from '../reviews/dto/review.dto.js';
import { ReviewBulkActions } from '../reviews/review-bulk.service.js';
import { ReviewReadModels } from '../reviews/review-read-models.js';
import { ReviewBatchWrites } from '../reviews/review-batch-writes.service.js';
import { ReviewWorkflow } from '../reviews/review-workflow.service.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import { REVIEW_STAGES, type ReviewStage, standing } from '../review-stages/review-stages.js';
import type { RatingBand } from '../scoring/types.js';
import { checkForm, str } from './forms.js';
import { attempt, type Problem, submitForm } from './page-form.js';
import { cycleOptions, homeOf, pageNumber, pager, pickCycle } from './page-helpers.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';
import { LIST_STATUSES, listFiltersOf, listQuery } from './review-list-filter.js';
import { reviewListLink, stageBoard } from './stage-board.js';

const PAGE_SIZE = 50;

/** The bulk form given back after a refusal: why, what was chosen and typed. */
interface BulkForm {
  problem: Problem;
  typed: { action: string; choose: string; reason: string };
  ticked: string[];
}

/** HR's start page (cycle progress per department) and the list of reviews behind its numbers. */
@ApiExcludeController()
@Controller()
@UseInterceptors(PageResponder)
export class HrPagesController {
  constructor(
    private readonly cycles: CyclesService,
    private readonly reviews: ReviewsService,
    private readonly workflow: ReviewWorkflow,
    private readonly batch: ReviewBatchWrites,
    private readonly bulk: ReviewBulkActions,
    private readonly readModels: ReviewReadModels,
    private readonly templates: KpiTemplatesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Allow('admin', 'hr', 'manager', 'employee')
  async dashboard(@CurrentActor() actor: Actor, @Query('cycleId') cycleId: unknown, @Query('started') started: unknown): Promise<PageAnswer> {
    if (actor.role === 'manager' || actor.role === 'employee') return seeOther(homeOf(actor.role));
    const n = typeof started === 'string' && /^\d{1,6}$/.test(started) ? Number(started) : null;
    return this.renderDashboard(actor, cycleId, n === null ? null : { startedCount: n, problem: null });
  }

  /** POST-redirect-GET: the dashboard reached by GET shows how many started and who was skipped, so a reload starts nothing. */
  @Post('cycles/:id/start-reviews')
  @Allow('hr')
  @HttpCode(200)
  startAll(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string): Promise<PageAnswer> {
    return attempt({
      call: () => this.batch.startAll(actor, id),
      refused: (problem) => this.renderDashboard(actor, id, { startedCount: null, problem: problem.message }),
      done: (result) => seeOther(`/?${new URLSearchParams({ cycleId: id, started: String(result.created.length) }).toString()}`),
    });
  }

  private async renderDashboard(
    actor: Actor,
    cycleId: unknown,
    /** After start-all: the count it started (from the redirect's link) or why it refused. */
    start: { startedCount: number | null; problem: string | null } | null,
  ): Promise<PageView> {
    const cycles = await this.cycles.list({});
    const cycle = pickCycle(cycles, cycleId);
    const rows = cycle ? await this.readModels.progressByDepartment(actor, cycle.id) : [];
    const today = this.clock.today(this.config.scorecards.timeZone);
    const todo = actor.role === 'hr' ? await this.hrTodo(actor, today) : null;
    const sum = (k: 'notStarted' | 'draft' | 'submitted' | 'finalized' | 'total') => rows.reduce((n, r) => n + r[k], 0);
    const totals = { notStarted: sum('notStarted'), draft: sum('draft'), submitted: sum('submitted'), finalized: sum('finalized'), total: sum('total') };
    // Who still has no review and why is read now, not carried from the POST: reloading shows it again and starts nothing.
    const started =
      start && cycle && actor.role === 'hr'
        ? {
            problem: start.problem,
            result:
              start.startedCount === null
                ? null
                : {
                    createdCount: start.startedCount,
                    skipped: await this.batch.unstarted(cycle.id),
                    alreadyStarted: Math.max(0, totals.total - totals.notStarted - start.startedCount),
                  },
          }
        : null;
    const link = (status: string, department?: string) => {
      const q = new URLSearchParams({ cycleId: cycle?.id ?? '', status });
      if (department) q.set('department', department);
      return `/reviews?${q.toString()}`;
    };
    return page(
      'dashboard',
      {
        cycles: cycleOptions(cycles, cycle),
        cycle,
        rows: rows.map((r) => ({
          ...r,
          links: {
            notStarted: link('not_started', r.department),
            draft: link('draft', r.department),
            submitted: link('submitted', r.department),
            finalized: link('finalized', r.department),
          },
        })),
        totals,
        totalLinks: { notStarted: link('not_started'), draft: link('draft'), submitted: link('submitted'), finalized: link('finalized') },
        percentDone: totals.total ? Math.round((totals.finalized / totals.total) * 100) : 0,
        canStart: actor.role === 'hr' && cycle?.status === 'open' && totals.notStarted > 0,
        reviewCount: totals.draft + totals.submitted + totals.finalized,
        isOpen: cycle?.status === 'open',
        started,
        board: cycle && cycle.status !== 'planned' && rows.some((r) => r.total > r.notStarted) ? stageBoard(cycle, today, rows) : null,
        todo,
        canOpen: actor.role === 'hr' && cycle?.status === 'planned',
      },
      { title: 'dashboard.title', status: started?.problem ? 409 : 200 },
    );
  }

  /** HR's to-do: per open cycle, the reviews waiting in the HR stage, with that stage's due date. */
  private async hrTodo(actor: Actor, today: string) {
    const rows = await this.readModels.waitingForHr(actor);
    return rows.map((r) => {
      const dues = { selfAssessmentDue: null, managerAssessmentDue: null, hrReviewDue: r.hr_review_due, finalizationDue: r.finalization_due };
      return { cycleName: r.cycle_name, n: r.waiting, standing: standing(dues, 'hr', today), link: reviewListLink(r.cycle_id, ['hr']) };
    });
  }

  @Get('reviews')
  @Allow('admin', 'hr')
  list(@CurrentActor() actor: Actor, @PageLocale() locale: Locale, @Query() query: Record<string, unknown>): Promise<PageView> {
    return this.renderList(actor, locale, query, null);
  }

  /**
   * One action on the reviews ticked in the list, or on every review the list shows with its
   * filters (start: every person not started). Each goes through the single action; the answer is a
   * 303 to the stored result (POST-redirect-GET), so a reload repeats nothing.
   */
  @Post('reviews/bulk')
  @Allow('hr')
  @HttpCode(200)
  runBulk(@CurrentActor() actor: Actor, @PageLocale() locale: Locale, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    const filters = listFiltersOf(body);
    const action = str(body, 'action');
    const byFilter = str(body, 'choose') === 'filter';
    const ticked = ([] as unknown[]).concat(body.ids ?? []).filter((v): v is string => typeof v === 'string');
    const typed = { action, choose: byFilter ? 'filter' : 'selected', reason: str(body, 'reason') };
    const refused = (problem: Problem) => this.renderList(actor, locale, { ...filters }, { problem, typed, ticked });
    if (!byFilter && ticked.length === 0)
      return Promise.resolve(refused({ status: 400, message: locale.t('bulk.noneChosen'), errors: { ids: locale.t('bulk.noneChosen') } }));
    const start = action === 'start';
    // Start acts on people without a review, so only the filters of that list apply; the status filter names that list.
    const filter = {
      cycleId: filters.cycleId,
      department: filters.department || undefined,
      q: filters.q || undefined,
      ...(start ? {} : { status: filters.status || undefined, stage: filters.stage || undefined, overdue: filters.overdue || undefined }),
    };
    return submitForm({
      wording: locale,
      dto: BulkReviewDto,
      input: {
        action,
        reason: action === 'reopen' ? typed.reason.trim() : undefined,
        filter: byFilter || start ? filter : undefined,
        ...(byFilter ? {} : start ? { employeeIds: ticked } : { reviewIds: ticked }),
      },
      call: (dto) => this.bulk.run(actor, dto),
      refused,
      done: (result) => seeOther(`/reviews/bulk/${result.runId}?${listQuery(filters)}`),
    });
  }

  private async renderList(actor: Actor, locale: Locale, query: Record<string, unknown>, bulk: BulkForm | null): Promise<PageView> {
    const cycles = await this.cycles.list({});
    const cycle = pickCycle(cycles, query.cycleId);
    const { status, q, department, stage, overdue } = listFiltersOf(query);
    const stages = stage ? (stage.split(',') as ReviewStage[]) : [];
    const wanted = pageNumber(query.page);
    const departments = cycle ? (await this.readModels.progressByDepartment(actor, cycle.id)).map((d) => d.department) : [];
    const params = { cycleId: cycle?.id, status, stage, overdue, department, q };
    const carried = listQuery({ cycleId: cycle?.id, status, stage, overdue, department, q });
    const canBulk = actor.role === 'hr' && cycle?.status === 'open';
    let model: Record<string, unknown> = {};
    if (cycle && status === 'not_started') {
      const found = await this.readModels.notStarted(actor, {
        cycleId: cycle.id,
        department: department || undefined,
        q: q || undefined,
        page: wanted,
        pageSize: PAGE_SIZE,
      });
      model = {
        people: found.items.map((p) => ({ ...p, ticked: bulk?.ticked.includes(p.id) ?? false })),
        pager: pager('/reviews', params, wanted, PAGE_SIZE, found.meta.total),
        canStart: actor.role === 'hr' && cycle.status === 'open',
        bulkActions: canBulk && found.meta.total > 0 ? ['start'] : null,
      };
    } else if (cycle) {
      const { dto } = await checkForm(ReviewQueryDto, {
        cycleId: cycle.id,
        status: status || undefined,
        department: department || undefined,
        q: q || undefined,
        stage: stage || undefined,
        overdue: overdue || undefined,
        page: String(wanted),
        pageSize: String(PAGE_SIZE),
      });
      const found = await this.reviews.list(actor, dto);
      const labels = await this.bandLabels();
      const lang = locale.lang;
      model = {
        items: found.items.map((r) => ({
          ...r,
          // The review page's "next" links continue through this very list.
          url: `/reviews/${r.id}?${carried}`,
          ticked: bulk?.ticked.includes(r.id) ?? false,
          bandLabel: r.bandKey ? (labels.get(r.bandKey)?.[lang === 'zh-CN' ? 'labelZh' : 'labelEn'] ?? r.bandKey) : null,
        })),
        pager: pager('/reviews', params, wanted, PAGE_SIZE, found.meta.total),
        bulkActions: canBulk && found.meta.total > 0 ? ['submit', 'finalize', 'reopen'] : null,
      };
    }
    const total = (model.pager as { total?: number } | undefined)?.total ?? 0;
    return page(
      'reviews',
      {
        ...model,
        cycle,
        cycles: cycleOptions(cycles, cycle),
        statuses: LIST_STATUSES.map((s) => ({ value: s, selected: s === status })),
        departments: departments.map((d) => ({ value: d, selected: d === department })),
        stageOptions: REVIEW_STAGES.map((s) => ({ value: s, selected: s === stage })),
        severalStages: stages.length > 1 ? { value: stage, names: stages } : null,
        dueOptions: (['true', 'false'] as const).map((v) => ({ value: v, selected: v === overdue })),
        filters: { q, status, department, stage, overdue },
        filtered: Boolean(q || status || department || stage || overdue),
        bulk: model.bulkActions
          ? {
              actions: (model.bulkActions as string[]).map((a) => ({ value: a, selected: a === bulk?.typed.action })),
              byFilter: bulk?.typed.choose === 'filter',
              reason: bulk?.typed.reason ?? '',
              matching: total,
              tooMany: total > BULK_LIMIT,
              limit: BULK_LIMIT,
              problem: bulk?.problem ?? null,
            }
          : null,
      },
      { title: 'reviews.title', status: bulk?.problem.status },
    );
  }

  /** HR starts one person's review from the "not started" list, then goes straight to it. */
  @Post('reviews')
  @Allow('hr')
  @HttpCode(200)
  start(@CurrentActor() actor: Actor, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    return submitForm({
      dto: CreateReviewDto,
      input: { employeeId: str(body, 'employeeId'), cycleId: str(body, 'cycleId') },
      // The list's hidden fields are wrong only if the list is stale.
      invalid: 'Reload the list and try again',
      call: (dto) => this.workflow.create(actor, dto),
      refused: (problem) =>
        page(
          'error',
          { status: problem.status, kind: problem.status === 409 ? 'conflict' : 'badRequest', detail: problem.message, fieldErrors: [] },
          { title: 'errors.conflict.title', status: problem.status },
        ),
      done: (review) => seeOther(`/reviews/${review.id}`, 'started'),
    });
  }

  /** Band labels by key, from every role's current template (a review's own pinned bands are on its page). */
  private async bandLabels(): Promise<Map<string, RatingBand>> {
    const map = new Map<string, RatingBand>();
    for (const t of await this.templates.listTemplates()) for (const b of t.current?.bands ?? []) if (!map.has(b.key)) map.set(b.key, b);
    return map;
  }
}
