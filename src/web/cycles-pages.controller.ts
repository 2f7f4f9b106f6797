import { Body, Controller, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { type CycleDto, CreateCycleDto, UpdateCycleDto } from '../cycles/dto/cycle.dto.js';
import { DEFAULT_BANDS } from '../kpi-templates/default-templates.js';
import type { StageDues } from '../review-stages/review-stages.js';
import { type CycleForm, cycleFormFrom, cycleFormOf, cycleInput, DUE_FIELDS, emptyCycleForm, localizeStageErrors, targetBands } from './cycle-form.js';
import { domainWord } from '../i18n/page-dictionary.js';
import { str } from './forms.js';
import { attempt, type Problem, submitForm } from './page-form.js';
import { formVersion } from './page-helpers.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';

type Transition = 'open' | 'close' | 'delete';

const BAND_KEYS = DEFAULT_BANDS.map((b) => b.key);

/** Review cycles: plan (with stages, due dates and a target distribution), edit, open, close, delete a planned one. */
@ApiExcludeController()
@Controller('cycles')
@UseInterceptors(PageResponder)
export class CyclesPagesController {
  constructor(private readonly cycles: CyclesService) {}

  /** The list; `?edit=<id>` shows that cycle's form instead of the new-cycle form. */
  @Get()
  @Allow('admin', 'hr')
  list(@CurrentActor() actor: Actor, @PageLocale() locale: Locale, @Query('edit') edit: unknown): Promise<PageView> {
    return this.render(actor, locale, { editId: typeof edit === 'string' ? edit : undefined });
  }

  @Post()
  @Allow('hr')
  @HttpCode(200)
  create(@CurrentActor() actor: Actor, @PageLocale() locale: Locale, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    const form = cycleFormOf(body, BAND_KEYS);
    const { input, errors } = cycleInput(form, locale.t);
    return submitForm({
      wording: locale,
      dto: CreateCycleDto,
      input,
      errors,
      check: (_dto, errs) => this.localize(form, errs, locale),
      invalid: locale.t('cycles.fixFields'),
      call: (dto) => this.cycles.create(actor, dto),
      refused: (problem) => this.render(actor, locale, { problem: this.localized(form, problem, locale), form }),
      done: () => seeOther('/cycles', 'cycleCreated'),
    });
  }

  /** Saves the edit form of a cycle (stages, dates, distribution, print setting, name and period). */
  @Post(':id')
  @Allow('hr')
  @HttpCode(200)
  save(
    @CurrentActor() actor: Actor,
    @PageLocale() locale: Locale,
    @Param('id', PageIdPipe) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const form = cycleFormOf(body, [...new Set([...BAND_KEYS, ...bandKeysIn(body)])]);
    const { input, errors } = cycleInput(form, locale.t);
    const version = formVersion(str(body, 'version'));
    return submitForm({
      wording: locale,
      dto: UpdateCycleDto,
      input: { ...input, version: version ?? 0 },
      errors,
      check: (_dto, errs) => this.localize(form, errs, locale),
      invalid: locale.t('cycles.fixFields'),
      call: (dto) => this.cycles.update(actor, id, version ?? 0, dto),
      refused: (problem) =>
        this.render(actor, locale, {
          problem: problem.code === 'STALE_VERSION' ? { ...problem, message: locale.t('cycles.stale') } : this.localized(form, problem, locale),
          form,
          editId: id,
          version: problem.currentVersion ?? version ?? undefined,
        }),
      done: () => seeOther('/cycles', 'cycleSaved'),
    });
  }

  @Post(':id/open')
  @Allow('hr')
  @HttpCode(200)
  open(
    @CurrentActor() actor: Actor,
    @PageLocale() locale: Locale,
    @Param('id', PageIdPipe) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    return this.transition('open', actor, locale, id, body);
  }

  @Post(':id/close')
  @Allow('hr')
  @HttpCode(200)
  close(
    @CurrentActor() actor: Actor,
    @PageLocale() locale: Locale,
    @Param('id', PageIdPipe) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    return this.transition('close', actor, locale, id, body);
  }

  @Post(':id/delete')
  @Allow('hr')
  @HttpCode(200)
  remove(
    @CurrentActor() actor: Actor,
    @PageLocale() locale: Locale,
    @Param('id', PageIdPipe) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    return this.transition('delete', actor, locale, id, body);
  }

  private transition(action: Transition, actor: Actor, locale: Locale, id: string, body: Record<string, unknown>): Promise<PageAnswer> {
    const version = Number(str(body, 'version')) || 0;
    return attempt({
      wording: locale,
      t: locale.t,
      call: (): Promise<unknown> =>
        action === 'open'
          ? this.cycles.open(actor, id, version)
          : action === 'close'
            ? this.cycles.close(actor, id, version)
            : this.cycles.remove(actor, id, version),
      refused: (problem) => this.render(actor, locale, { problem }),
      done: () => seeOther('/cycles', { open: 'cycleOpened', close: 'cycleClosed', delete: 'cycleDeleted' }[action]),
    });
  }

  private localize(form: CycleForm, errors: Record<string, string>, locale: Locale): void {
    localizeStageErrors(form, errors, locale.t, (f: keyof StageDues) => locale.t(`cycles.${f}`));
  }

  /** A refusal from the service, its due-date and distribution messages in the page's language. */
  private localized(form: CycleForm, problem: Problem, locale: Locale): Problem {
    // Without a code the page found the mistakes itself and already worded them.
    if (!problem.code || (!problem.errors.targetDistribution && !DUE_FIELDS.some((f) => problem.errors[f]))) return problem;
    const errors = { ...problem.errors };
    this.localize(form, errors, locale);
    if (errors.targetDistribution) errors.targetDistribution = locale.t('cycles.err.distribution');
    return { ...problem, message: locale.t('cycles.fixFields'), errors };
  }

  private async render(
    actor: Actor,
    locale: Locale,
    state: { problem?: Problem; form?: CycleForm; editId?: string; version?: number } = {},
  ): Promise<PageView> {
    const cycles = await this.cycles.list({});
    const editing: CycleDto | undefined = state.editId ? cycles.find((c) => c.id === state.editId && c.status !== 'closed') : undefined;
    const canEdit = actor.role === 'hr';
    const form = state.form ?? (editing ? cycleFormFrom(editing, BAND_KEYS) : emptyCycleForm(BAND_KEYS));
    const { problem } = state;
    return page(
      'cycles',
      {
        cycles: cycles.map((c) => ({ ...c, editable: canEdit && c.status !== 'closed', stages: stageSummary(c) })),
        canEdit,
        editing: canEdit && editing ? { id: editing.id, name: editing.name, version: state.version ?? editing.version } : null,
        form,
        bands: targetBands(DEFAULT_BANDS, form, locale.lang),
        problem: problem
          ? {
              ...problem,
              form: state.form,
              openReviews: problem.openReviews?.map((r) => ({ ...r, statusName: domainWord(locale.lang, 'status', r.status) })),
            }
          : null,
      },
      { title: 'cycles.title', status: problem?.status },
    );
  }
}

/** The band fields a posted form carries beyond the default bands (a distribution set through the API). */
function bandKeysIn(body: Record<string, unknown>): string[] {
  return Object.keys(body)
    .filter((k) => /^target_[a-z][a-z0-9_]{0,63}$/.test(k))
    .map((k) => k.slice('target_'.length));
}

/** The stages a cycle runs, with their due dates, for the list. */
function stageSummary(c: CycleDto): { key: string; due: string | null }[] {
  return [
    ...(c.selfAssessment ? [{ key: 'self', due: c.selfAssessmentDue }] : []),
    ...(c.managerAssessment ? [{ key: 'manager', due: c.managerAssessmentDue }] : []),
    { key: 'hr', due: c.hrReviewDue },
    { key: 'finalization', due: c.finalizationDue },
  ];
}
