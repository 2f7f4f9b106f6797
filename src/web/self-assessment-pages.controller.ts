import { Body, Controller, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SaveSelfAssessmentDto, type SelfAssessmentDto } from '../assessments/dto/self-assessment.dto.js';
import { SelfAssessments } from '../assessments/self-assessments.service.js';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { str } from './forms.js';
import { formRefusal, type Problem, submitForm } from './page-form.js';
import { versionMissing } from './page-helpers.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type Locale, PageLocale } from './page-locale.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';
import { errorsByKpi, kpiRows, saveInput, type TypedSelf, typedFrom, typedOf } from './self-assessment-page.js';

/** The employee's own self-assessment: a plain form (no script needed) to save and submit. */
@ApiExcludeController()
@Controller('my/reviews')
@UseInterceptors(PageResponder)
export class SelfAssessmentPagesController {
  constructor(private readonly assessments: SelfAssessments) {}

  @Get(':id/self-assessment')
  @Allow('employee', 'manager')
  async show(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @PageLocale() locale: Locale): Promise<PageView> {
    const sa = await this.assessments.get(actor, id);
    return this.render(sa, locale, typedOf(sa));
  }

  /** Saves what the form holds; with `intent=submit` it then submits that version (POST-redirect-GET either way). */
  @Post(':id/self-assessment')
  @Allow('employee', 'manager')
  @HttpCode(200)
  async save(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const sa = await this.assessments.get(actor, id);
    const typed = typedFrom(sa, body);
    const submit = str(body, 'intent') === 'submit';
    // The form says which version it read; the page never assumes the latest, or a stale tab would overwrite.
    const raw = str(body, 'version');
    const version = /^\d{1,9}$/.test(raw) ? Number(raw) : null;
    // A refusal shows the form again with what was typed, at the version there is now.
    const refused = async (problem: Problem) => this.render(await this.assessments.get(actor, id), locale, typed, problem);
    if (version === null) return refused(formRefusal(versionMissing()));
    return submitForm({
      wording: locale,
      dto: SaveSelfAssessmentDto,
      input: saveInput(sa, typed, version),
      call: async (dto) => {
        const saved = await this.assessments.save(actor, id, version, dto);
        return submit ? this.assessments.submit(actor, id, saved.version) : saved;
      },
      refused,
      done: () => seeOther(`/my/reviews/${id}/self-assessment`, submit ? 'selfSubmitted' : 'selfSaved'),
    });
  }

  private render(sa: SelfAssessmentDto, locale: Locale, typed: TypedSelf, problem?: Problem): PageView {
    const { t, lang } = locale;
    const errors = problem ? errorsByKpi(sa, problem.errors, t) : {};
    let message: string | null = null;
    if (problem) {
      const missing = problem.code === 'INVALID_STATE' && Object.keys(problem.errors).some((f) => f.startsWith('entries.'));
      if (problem.code === 'STALE_VERSION') message = t('selfAssessment.stale');
      else if (missing) {
        const names = sa.kpis.filter((k) => errors[`rating.${k.key}`]).map((k) => (lang === 'zh-CN' ? k.nameZh : k.nameEn));
        message = t('selfAssessment.missing', { list: names.join(lang === 'zh-CN' ? '、' : ', ') });
      } else if (problem.code === 'INVALID_STATE') message = t('selfAssessment.closed');
      else if (Object.keys(errors).length > 0) message = t('selfAssessment.invalid');
      else message = problem.message;
    }
    return page(
      'self-assessment',
      {
        sa,
        rows: kpiRows(sa, typed, errors, lang),
        summary: typed.summary,
        summaryError: errors.summary ?? null,
        problem: message ? { message } : null,
        editable: sa.editable,
      },
      { title: 'selfAssessment.title', titleVars: { cycle: sa.cycle.name }, status: problem?.status },
    );
  }
}
