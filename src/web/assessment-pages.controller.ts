import { Body, Controller, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SaveManagerAssessmentDto } from '../assessments/dto/manager-assessment.dto.js';
import { ManagerAssessmentsService } from '../assessments/manager-assessments.service.js';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { str } from './forms.js';
import { formRefusal, type Problem, submitForm } from './page-form.js';
import { versionMissing } from './page-helpers.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type Locale, PageLocale } from './page-locale.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';
import { assessmentErrors, assessmentInput, assessmentRows, type TypedAssessment } from './assessment-page.js';

/** A manager assesses a report: proposed ratings and comments beside the employee's self-assessment, saved, then submitted. */
@ApiExcludeController()
@Controller('team/reviews')
@UseInterceptors(PageResponder)
export class AssessmentPagesController {
  constructor(private readonly assessments: ManagerAssessmentsService) {}

  @Get(':id/assessment')
  @Allow('manager')
  show(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @PageLocale() locale: Locale): Promise<PageView> {
    return this.render(actor, id, locale);
  }

  /** Save (intent=save) or save and submit (intent=submit), from one plain form; then see-other to the page. */
  @Post(':id/assessment')
  @Allow('manager')
  @HttpCode(200)
  async post(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const t = locale.t;
    const current = await this.assessments.get(actor, id);
    const typed: TypedAssessment = {
      ratings: Object.fromEntries(current.kpis.map((k) => [k.key, str(body, `rating.${k.key}`)])),
      comments: Object.fromEntries(current.kpis.map((k) => [k.key, str(body, `comment.${k.key}`)])),
      summary: str(body, 'summary'),
    };
    const refused = (problem: Problem) => {
      const errors = assessmentErrors(current, problem.errors, t);
      let message = problem.message;
      if (problem.code === 'STALE_VERSION') message = t('assessment.stale');
      else if (problem.code === 'INVALID_STATE') message = t('assessment.closed');
      else if (Object.keys(errors).length > 0) message = t(problem.code === undefined ? 'assessment.fixFields' : 'assessment.missing');
      return this.render(actor, id, locale, { ...problem, message, errors }, typed);
    };
    const rawVersion = str(body, 'version');
    if (!/^\d{1,9}$/.test(rawVersion)) return refused(formRefusal(versionMissing()));
    const version = Number(rawVersion);
    const submit = str(body, 'intent') === 'submit';
    const back = `/team/reviews/${id}/assessment`;
    return submitForm({
      wording: locale,
      dto: SaveManagerAssessmentDto,
      input: assessmentInput(current, typed, version),
      call: async (dto) => {
        const saved = await this.assessments.save(actor, id, version, dto);
        return submit ? this.assessments.submit(actor, id, saved.version) : saved;
      },
      refused,
      done: () => seeOther(back, submit ? 'assessmentSubmitted' : 'assessmentSaved'),
    });
  }

  private async render(actor: Actor, id: string, locale: Locale, problem?: Problem, typed?: TypedAssessment): Promise<PageView> {
    const a = await this.assessments.get(actor, id);
    return page(
      'assessment',
      {
        a,
        rows: assessmentRows(a, typed ?? null, problem?.errors ?? {}),
        summary: typed ? typed.summary : a.summary,
        problem: problem ?? null,
        summaryError: problem?.errors.summary ?? null,
      },
      { title: 'assessment.title', titleVars: { name: a.employee.name }, status: problem?.status },
    );
  }
}
