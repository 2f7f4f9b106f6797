import { Controller, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { ExportsService } from '../exports/exports.service.js';
import { exportPage } from './export-page.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type PageRedirect, PageResponder, type PageView, page, seeOther } from './page-response.js';

/**
 * All scorecards of a cycle as one zip, from the pages: a plain form starts the export, a status
 * page follows it (by itself with JavaScript, by its refresh link without) and links the zip.
 * Who gets which reviews and who may follow an export is the exports service's rule.
 */
@ApiExcludeController()
@Controller()
@UseInterceptors(PageResponder)
export class ExportsPagesController {
  constructor(
    private readonly exports: ExportsService,
    private readonly cycles: CyclesService,
  ) {}

  // The API's path without /api: the rate limit for printing (POST …/scorecards) covers both.
  @Post('cycles/:id/scorecards')
  @Allow('admin', 'hr', 'manager')
  @HttpCode(200)
  async start(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) cycleId: string, @PageLocale() locale: Locale): Promise<PageRedirect> {
    // No filters: a manager gets their whole team, HR and admins the whole cycle; the PDFs are in
    // the language the person reads the pages in.
    const created = await this.exports.create(actor, cycleId, { lang: locale.lang });
    return seeOther(`/exports/${created.id}`);
  }

  // Refused (finished without failures, or still running) → the 409 page, which says why.
  @Post('exports/:id/retry-failed')
  @Allow('admin', 'hr', 'manager')
  @HttpCode(200)
  async retryFailed(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string): Promise<PageRedirect> {
    await this.exports.retryFailed(actor, id);
    return seeOther(`/exports/${id}`, 'exportRetried');
  }

  @Get('exports/:id')
  @Allow('admin', 'hr', 'manager')
  async show(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @PageLocale() locale: Locale): Promise<PageView> {
    const job = await this.exports.get(actor, id);
    const cycle = await this.cycles.findById(job.cycleId);
    const model = exportPage(job, { id: cycle.id, name: cycle.name }, actor.role, locale.t);
    const following = !model.view.finished;
    return page('export', model, {
      title: 'export.title',
      titleVars: { cycle: cycle.name },
      scripts: following ? ['export-progress.js'] : [],
      data: following
        ? {
            statusUrl: `/api/exports/${job.id}`,
            job: { state: job.state, total: job.total, done: job.done, failed: job.failed },
            strings: locale.section('export'),
          }
        : undefined,
    });
  }
}
