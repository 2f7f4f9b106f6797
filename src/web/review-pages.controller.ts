import { Body, Controller, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SelfAssessments } from '../assessments/self-assessments.service.js';
import { TakeProposalDto } from '../assessments/dto/manager-assessment.dto.js';
import { ManagerAssessmentsService } from '../assessments/manager-assessments.service.js';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { isApiError } from '../common/errors.js';
import { ManagerCommentDto, ReopenDto, type ReviewDto, TransitionDto } from '../reviews/dto/review.dto.js';
import { ReviewTransitions } from '../reviews/review-transitions.service.js';
import { ReviewWorkflow } from '../reviews/review-workflow.service.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import { str } from './forms.js';
import { formRefusal, type Problem, submitForm } from './page-form.js';
import { formVersion, versionMissing } from './page-helpers.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';
import { safeNext } from './pages.js';
import { type ListFilters, listFiltersOf, listFiltersOfUrl, listQuery } from './review-list-filter.js';
import { reviewPage, reviewScriptData } from './review-page.js';
import { selfSection } from './self-assessment-page.js';

type Action = 'submit' | 'finalize' | 'reopen' | 'comment' | 'acknowledge';

const NOTICE: Record<Action, string> = { submit: 'submitted', finalize: 'finalized', reopen: 'reopened', comment: 'commented', acknowledge: 'acknowledged' };

/** One review: HR enters and moves it along; managers read and comment; the employee acknowledges. */
@ApiExcludeController()
@Controller('reviews')
@UseInterceptors(PageResponder)
export class ReviewPagesController {
  constructor(
    private readonly reviews: ReviewsService,
    private readonly workflow: ReviewWorkflow,
    private readonly transitions: ReviewTransitions,
    private readonly selfAssessments: SelfAssessments,
    private readonly assessments: ManagerAssessmentsService,
  ) {}

  @Get(':id')
  @Allow('admin', 'hr', 'manager', 'employee')
  show(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Query() query: Record<string, unknown>,
  ): Promise<PageView> {
    return this.renderReview(actor, id, locale, undefined, undefined, listFiltersOf(query));
  }

  @Post(':id/submit')
  @Allow('hr')
  @HttpCode(200)
  submit(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    return this.act('submit', actor, id, locale, body);
  }

  /** HR takes the manager's proposal for one KPI (kpiKey) or for all of them. */
  @Post(':id/take-proposal')
  @Allow('hr')
  @HttpCode(200)
  takeProposal(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const version = formVersion(str(body, 'version'));
    const key = str(body, 'kpiKey');
    const refused = (problem: Problem) =>
      this.renderReview(actor, id, locale, { ...problem, message: problem.code === 'STALE_VERSION' ? locale.t('review.staleAction') : problem.message });
    if (version === null) return Promise.resolve(refused(formRefusal(versionMissing())));
    return submitForm({
      wording: locale,
      dto: TakeProposalDto,
      input: key ? { version, kpiKeys: [key] } : { version },
      call: (dto) => this.workflow.takeProposal(actor, id, version, dto.kpiKeys),
      refused,
      done: () => seeOther(`/reviews/${id}${key ? `#kpi-${key}` : ''}`, 'proposalTaken'),
    });
  }

  @Post(':id/finalize')
  @Allow('hr')
  @HttpCode(200)
  finalize(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    return this.act('finalize', actor, id, locale, body);
  }

  @Post(':id/reopen')
  @Allow('hr')
  @HttpCode(200)
  reopen(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    return this.act('reopen', actor, id, locale, body);
  }

  @Post(':id/comment')
  @Allow('manager')
  @HttpCode(200)
  comment(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    return this.act('comment', actor, id, locale, body);
  }

  @Post(':id/acknowledge')
  @Allow('employee', 'manager')
  @HttpCode(200)
  acknowledge(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    return this.act('acknowledge', actor, id, locale, body);
  }

  /**
   * A state change from a plain form carrying the version read, checked with the API's DTO of that
   * change (a reopen's reason and a comment have the API's length limits); on refusal the page
   * comes back saying why, with what was typed.
   */
  private async act(action: Action, actor: Actor, id: string, locale: Locale, body: Record<string, unknown>): Promise<PageAnswer> {
    const t = locale.t;
    const typed = { reason: str(body, 'reason'), comment: str(body, 'comment') };
    const reason = typed.reason.trim();
    const comment = typed.comment.trim();
    const list = listFiltersOfUrl(str(body, 'back'));
    const refused = (problem: Problem) => {
      if (problem.code === 'STALE_VERSION') return this.renderReview(actor, id, locale, { ...problem, message: t('review.staleAction') }, typed, list);
      if (problem.code === undefined) {
        // The form failed the DTO; its messages are English, these two fields get theirs in the page's language.
        if (problem.errors.reason) problem.errors.reason = reason.length < 3 ? t('review.reasonRequired') : t('review.reasonTooLong');
        if (problem.errors.comment) problem.errors.comment = comment ? t('review.commentTooLong') : t('review.commentRequired');
        problem.message = problem.errors.reason ?? problem.errors.comment ?? problem.message;
      }
      return this.renderReview(actor, id, locale, problem, typed, list);
    };
    const done = () => seeOther(safeNext(str(body, 'back'), `/reviews/${id}`), NOTICE[action]);
    const version = formVersion(str(body, 'version'));
    if (version === null) return refused(formRefusal(versionMissing()));
    if (action === 'reopen')
      return submitForm({
        wording: locale,
        dto: ReopenDto,
        input: { version, reason },
        call: (dto) => this.transitions.reopen(actor, id, version, dto.reason),
        refused,
        done,
      });
    if (action === 'comment')
      return submitForm({
        wording: locale,
        dto: ManagerCommentDto,
        input: { version, comment },
        call: (dto) => this.transitions.managerComment(actor, id, version, dto.comment),
        refused,
        done,
      });
    const call =
      action === 'submit'
        ? () => this.transitions.submit(actor, id, version)
        : action === 'finalize'
          ? () => this.transitions.finalize(actor, id, version)
          : () => this.transitions.acknowledge(actor, id, version);
    return submitForm({ wording: locale, dto: TransitionDto, input: { version }, call, refused, done });
  }

  private async renderReview(
    actor: Actor,
    id: string,
    locale: Locale,
    problem?: Problem,
    typed?: { reason: string; comment: string },
    list?: ListFilters,
  ): Promise<PageView> {
    const review = await this.reviews.get(actor, id);
    const flow = actor.role === 'hr' || actor.role === 'admin' ? await this.flow(actor, review, list) : null;
    const lang = locale.lang;
    // HR compares the employee's, the manager's and its own final values.
    const assessment = actor.role === 'hr' || actor.role === 'admin' ? await this.assessments.get(actor, id) : null;
    const view = reviewPage(actor, review, lang, problem?.errors, assessment);
    // Who may see the self-assessment is its own rule (managers: once submitted); not seeing it is no error here.
    const self = await this.selfAssessments.get(actor, id).catch((err: unknown) => {
      if (isApiError(err, 'NOT_FOUND')) return null;
      throw err;
    });
    return page(
      'review',
      {
        ...view,
        selfAssessment: selfSection(self, lang),
        problem: problem ? { ...problem, typed } : null,
        flow,
        back: flow?.back ?? null,
        scorecardUrl: `/api/reviews/${review.id}/scorecard.pdf?lang=${lang}`,
        previewUrl: `/api/reviews/${review.id}/scorecard.pdf?lang=${lang}&format=html`,
      },
      {
        title: 'review.title',
        titleVars: { name: review.employee.name, cycle: review.cycle.name },
        status: problem?.status,
        scripts: view.editable ? ['scoring.js', 'review-proposal.js', 'review-conflict.js', 'review.js'] : [],
        data: view.editable
          ? { ...reviewScriptData(review, assessment), strings: locale.section('reviewJs'), validation: locale.section('validation'), lang }
          : undefined,
      },
    );
  }

  /**
   * HR's way on through the list it came from: the next draft and the next submitted review in the
   * list's order, with the list's filters carried along (the review's own cycle when it came from
   * elsewhere), so each review page leads to the next one of the same list.
   */
  private async flow(actor: Actor, review: ReviewDto, list: ListFilters | undefined) {
    const f = { ...(list ?? listFiltersOf({})), cycleId: review.cycle.id };
    const carried = listQuery(f);
    const filter = { department: f.department || undefined, q: f.q || undefined, stage: f.stage || undefined, overdue: f.overdue || undefined };
    const link = (next: { id: string; name: string; employee_no: string } | null) =>
      next ? { name: next.name, employeeNo: next.employee_no, url: `/reviews/${next.id}?${carried}` } : null;
    return {
      draft: link(await this.reviews.nextInList(actor, review, filter, 'draft')),
      submitted: link(await this.reviews.nextInList(actor, review, filter, 'submitted')),
      listUrl: `/reviews?${carried}`,
      back: `/reviews/${review.id}?${carried}`,
    };
  }
}
