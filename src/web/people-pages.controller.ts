import { Controller, Get, Query, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { ReviewQueryDto } from '../reviews/dto/review.dto.js';
import { ReviewReadModels } from '../reviews/review-read-models.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import type { RatingBand } from '../scoring/types.js';
import { bandChartSvg } from './band-chart.js';
import { checkForm } from './forms.js';
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
    private readonly reviews: ReviewsService,
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
    // The chart and the summary are about the whole team; the table shows the people searched for.
    const members = cycle ? await this.readModels.teamOverview(actor, cycle.id) : [];
    const shown = cycle && q ? await this.readModels.teamOverview(actor, cycle.id, q) : members;
    const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    const shownPage = Math.min(pages, Math.max(1, Number.parseInt(typeof rawPage === 'string' ? rawPage : '1', 10) || 1));
    const lang = locale.lang;
    const t = locale.t;
    const label = (b: RatingBand) => (lang === 'zh-CN' ? b.labelZh : b.labelEn);
    // Bands come from each review's pinned template; the same key means the same band.
    const bands = new Map<string, RatingBand>();
    for (const m of members) for (const b of m.review?.bands ?? []) if (!bands.has(b.key)) bands.set(b.key, b);
    const counts = new Map<string, number>();
    for (const m of members) if (m.review?.complete && m.review.bandKey) counts.set(m.review.bandKey, (counts.get(m.review.bandKey) ?? 0) + 1);
    const ordered = [...bands.values()].sort((a, b) => b.min - a.min);
    const rated = [...counts.values()].reduce((a, b) => a + b, 0);
    return page(
      'team',
      {
        cycle,
        cycles: cycleOptions(cycles, cycle),
        q,
        filtered: q !== '',
        hasTeam: members.length > 0,
        pager: pager('/team', { cycleId: cycle?.id, q }, shownPage, PAGE_SIZE, shown.length),
        shown: shown.slice((shownPage - 1) * PAGE_SIZE, shownPage * PAGE_SIZE).map((m) => ({
          ...m,
          bandLabel: m.review?.complete && m.review.bandKey && bands.has(m.review.bandKey) ? label(bands.get(m.review.bandKey) as RatingBand) : null,
          pdf: m.review ? `/api/reviews/${m.review.id}/scorecard.pdf?lang=${lang}` : null,
        })),
        chart: rated > 0 ? bandChartSvg(ordered.map((b) => ({ label: label(b), count: counts.get(b.key) ?? 0 })), { title: t('team.chartTitle') }) : null,
        withReviews: members.filter((m) => m.review).length,
        summary: {
          rated,
          incomplete: members.filter((m) => m.review && !m.review.complete).length,
          notStarted: members.filter((m) => !m.review).length,
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
      const { dto } = await checkForm(ReviewQueryDto, { employeeId: actor.employeeId, status: 'finalized', pageSize: '200' });
      const found = await this.reviews.list(actor, dto);
      // Each needs its acknowledgement and band: a handful of reviews per person, read one by one.
      const full = await Promise.all(found.items.map((r) => this.reviews.get(actor, r.id)));
      items = full.map((r) => ({
        id: r.id,
        cycleName: r.cycle.name,
        period: `${r.cycle.periodStart} – ${r.cycle.periodEnd}`,
        total: r.total,
        band: r.band,
        finalizedAt: r.finalizedAt,
        acknowledgedAt: r.acknowledgedAt,
        version: r.version,
        pdf: `/api/reviews/${r.id}/scorecard.pdf?lang=${lang}`,
      }));
    }
    return page('my', { items }, { title: 'my.title' });
  }
}
