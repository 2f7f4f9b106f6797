import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { domainWord } from '../i18n/page-dictionary.js';
import type { BulkSkippedDto } from '../reviews/dto/review-bulk.dto.js';
import { ReviewBulkActions } from '../reviews/review-bulk.service.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageIdPipe } from './page-id.pipe.js';
import { PageResponder, type PageView, page } from './page-response.js';
import { listFiltersOf, listQuery } from './review-list-filter.js';

/**
 * The result of a bulk action, read by GET from where it was stored: the page the action's post
 * redirects to, so a reload shows it again and repeats nothing.
 */
@ApiExcludeController()
@Controller('reviews/bulk')
@UseInterceptors(PageResponder)
export class BulkResultPagesController {
  constructor(private readonly bulk: ReviewBulkActions) {}

  @Get(':runId')
  @Allow('hr')
  async show(
    @CurrentActor() actor: Actor,
    @Param('runId', PageIdPipe) runId: string,
    @PageLocale() locale: Locale,
    @Query() query: Record<string, unknown>,
  ): Promise<PageView> {
    const run = await this.bulk.result(actor, runId);
    const filters = listFiltersOf(query);
    const back = `/reviews?${listQuery({ ...filters, cycleId: filters.cycleId || run.cycleId || '' })}`;
    return page(
      'bulk-result',
      {
        action: run.action,
        actionName: locale.t(`bulk.action.${run.action}`),
        done: run.done,
        skipped: run.skipped.map((s) => ({ ...s, why: skipText(locale, s) })),
        back,
      },
      { title: 'bulk.resultTitle', titleVars: { action: locale.t(`bulk.action.${run.action}`) } },
    );
  }
}

/** Why a review was skipped, in the page's language, its parameters said in words too. */
export function skipText(locale: Locale, s: Pick<BulkSkippedDto, 'code' | 'params'>): string {
  const p = s.params;
  const vars: Record<string, string> = { ...p };
  if (p.status) vars.status = s.code === 'cycle_not_open' ? locale.t(`cycleStatus.${p.status}`) : domainWord(locale.lang, 'status', p.status);
  if (p.stage) vars.stage = locale.t(`stage.name.${p.stage}`);
  return locale.t(`bulk.skip.${s.code}`, vars);
}
