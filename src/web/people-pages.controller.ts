import { Controller, Get, Query, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { ReviewReadModels } from '../reviews/review-read-models.js';
import type { RatingBand } from '../scoring/types.js';
import { bandChartSvg } from './band-chart.js';
import { cycleOptions, pager, pickCycle, searchText } from './page-helpers.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageResponder, type PageView, page } from './page-response.js';

const PAGE_SIZE = 50;

/** A manager's team in one cycle, and anyone's own finalized reviews. */
@ApiExcludeController()
@Controller()
@UseInterceptors(PageResponder)
export class PeoplePagesController {
  constructor(
    private readonly cycles: CyclesService,
    private readonly readModels: ReviewReadModels,
  ) {}

  @Get('team')
  @Allow('manager')
  async team(
    @CurrentActor() actor: Actor,
    @PageLocale() locale: Locale,
    @Query('cycleId') cycleId: unknown,
    @Query('q') rawQ: unknown,
    @Query('page') rawPage: unknown,
  ): Promise<PageView> {
    const cycles = await this.cycles.list({});
    const cycle = pickCycle(cycles, cycleId);
    const q = searchText(rawQ);
    const lang = locale.lang;
    const t = locale.t;
    const label = (b: RatingBand) => (lang === 'zh-CN' ? b.labelZh : b.labelEn);
    // The chart and the summary are about the whole team; the table shows the people searched for.
    const requested = Number.parseInt(typeof rawPage === 'string' ? rawPage : '1', 10) || 1;
    const todo = await this.readModels.managerTodo(actor);
    const team = cycle ? await this.readModels.teamOverview(actor, cycle.id, { search: q, page: requested, pageSize: PAGE_SIZE }) : null;
    return page(
      'team',
      {
        todo,
        cycle,
        cycles: cycleOptions(cycles, cycle),
        q,
        filtered: q !== '',
        hasTeam: (team?.members ?? 0) > 0,
        pager: pager('/team', { cycleId: cycle?.id, q }, team?.meta.page ?? 1, PAGE_SIZE, team?.meta.total ?? 0),
        shown: (team?.items ?? []).map((m) => ({
          ...m,
          bandLabel: m.review?.band ? label(m.review.band) : null,
          pdf: m.review ? `/api/reviews/${m.review.id}/scorecard.pdf?lang=${lang}` : null,
        })),
        // Final results apart from drafts: finalized reviews in one chart, the rest of the complete ones in another.
        chart:
          team && team.final > 0
            ? bandChartSvg(
                team.bands.map((b) => ({ label: label(b.band), count: b.final })),
                { title: t('team.chartTitle') },
              )
            : null,
        provisionalChart:
          team && team.rated > team.final
            ? bandChartSvg(
                team.bands.map((b) => ({ label: label(b.band), count: b.count - b.final })),
                { title: t('team.provisionalChartTitle') },
              )
            : null,
        // The charts' numbers as a table (a chart is an image to a screen reader), while any review is rated.
        bandRows: team && team.rated > 0 ? team.bands.map((b) => ({ label: label(b.band), final: b.final, draft: b.count - b.final })) : [],
        withReviews: team?.withReviews ?? 0,
        summary: {
          final: team?.final ?? 0,
          provisional: (team?.rated ?? 0) - (team?.final ?? 0),
          incomplete: team?.incomplete ?? 0,
          notStarted: team?.notStarted ?? 0,
          awaitingComment: team?.awaitingComment ?? 0,
        },
      },
      { title: 'team.title' },
    );
  }

  @Get('my')
  @Allow('employee', 'manager')
  async mine(@CurrentActor() actor: Actor, @PageLocale() locale: Locale): Promise<PageView> {
    const lang = locale.lang;
    let items: unknown[] = [];
    if (actor.employeeId) {
      const own = await this.readModels.ownFinalized(actor);
      items = own.map((r) => ({
        id: r.id,
        cycleName: r.cycleName,
        period: `${r.periodStart} – ${r.periodEnd}`,
        total: r.total,
        band: r.band,
        finalizedAt: r.finalizedAt,
        acknowledgedAt: r.acknowledgedAt,
        version: r.version,
        pdf: `/api/reviews/${r.id}/scorecard.pdf?lang=${lang}`,
      }));
    }
    // What is theirs to do now: self-assessments waiting in open cycles, soonest due first.
    const todos = (await this.readModels.selfTodo(actor)).map((d) => ({ ...d, href: `/my/reviews/${d.reviewId}/self-assessment` }));
    return page('my', { items, todos }, { title: 'my.title' });
  }
}
