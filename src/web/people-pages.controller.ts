import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { ReviewReadModels } from '../reviews/review-read-models.js';
import type { RatingBand } from '../scoring/types.js';
import { bandChartSvg } from './band-chart.js';
import { pager, pickCycle } from './hr-pages.controller.js';
import { Pages } from './pages.js';

const PAGE_SIZE = 50;

/** A manager's team in one cycle, and anyone's own finalized reviews. */
@ApiExcludeController()
@Controller()
export class PeoplePagesController {
  constructor(
    private readonly pages: Pages,
    private readonly cycles: CyclesService,
    private readonly readModels: ReviewReadModels,
  ) {}

  @Get('team')
  @Allow('manager')
  async team(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
    @Query('cycleId') cycleId: unknown,
    @Query('q') rawQ: unknown,
    @Query('page') rawPage: unknown,
  ): Promise<void> {
    const cycles = await this.cycles.list({});
    const cycle = pickCycle(cycles, cycleId);
    const q = typeof rawQ === 'string' ? rawQ.trim().slice(0, 100) : '';
    const lang = this.pages.lang(req);
    const t = this.pages.t(req);
    const label = (b: RatingBand) => (lang === 'zh-CN' ? b.labelZh : b.labelEn);
    // The chart and the summary are about the whole team; the table shows the people searched for.
    const requested = Number.parseInt(typeof rawPage === 'string' ? rawPage : '1', 10) || 1;
    const team = cycle ? await this.readModels.teamOverview(actor, cycle.id, { search: q, page: requested, pageSize: PAGE_SIZE }) : null;
    this.pages.render(
      req,
      res,
      'team',
      {
        cycle,
        cycles: cycles.map((c) => ({ id: c.id, name: c.name, status: c.status, selected: c.id === cycle?.id })),
        q,
        filtered: q !== '',
        hasTeam: (team?.members ?? 0) > 0,
        pager: pager('/team', { cycleId: cycle?.id, q }, team?.meta.page ?? 1, PAGE_SIZE, team?.meta.total ?? 0),
        shown: (team?.items ?? []).map((m) => ({
          ...m,
          bandLabel: m.review?.band ? label(m.review.band) : null,
          pdf: m.review ? `/api/reviews/${m.review.id}/scorecard.pdf?lang=${lang}` : null,
        })),
        chart: team && team.rated > 0 ? bandChartSvg(team.bands.map((b) => ({ label: label(b.band), count: b.count })), { title: t('team.chartTitle') }) : null,
        withReviews: team?.withReviews ?? 0,
        summary: { rated: team?.rated ?? 0, incomplete: team?.incomplete ?? 0, notStarted: team?.notStarted ?? 0 },
      },
      { title: 'team.title' },
    );
  }

  @Get('my')
  @Allow('employee', 'manager')
  async mine(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = this.pages.lang(req);
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
    this.pages.render(req, res, 'my', { items }, { title: 'my.title' });
  }
}
