import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { badRequest } from '../common/errors.js';
import { ReviewWorkflow } from '../reviews/review-workflow.service.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import { type FieldErrors, formRefusal, str } from './forms.js';
import { PageIdPipe } from './page-id.pipe.js';
import { Pages, safeNext } from './pages.js';
import { reviewPage, reviewScriptData } from './review-page.js';

type Action = 'submit' | 'finalize' | 'reopen' | 'comment' | 'acknowledge';

/** One review: HR enters and moves it along; managers read and comment; the employee acknowledges. */
@ApiExcludeController()
@Controller('reviews')
export class ReviewPagesController {
  constructor(
    private readonly pages: Pages,
    private readonly reviews: ReviewsService,
    private readonly workflow: ReviewWorkflow,
  ) {}

  @Get(':id')
  @Allow('admin', 'hr', 'manager', 'employee')
  async show(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.renderReview(actor, id, req, res);
  }

  @Post(':id/submit')
  @Allow('hr')
  @HttpCode(200)
  submit(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    return this.act('submit', actor, id, req, res, body);
  }

  @Post(':id/finalize')
  @Allow('hr')
  @HttpCode(200)
  finalize(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    return this.act('finalize', actor, id, req, res, body);
  }

  @Post(':id/reopen')
  @Allow('hr')
  @HttpCode(200)
  reopen(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    return this.act('reopen', actor, id, req, res, body);
  }

  @Post(':id/comment')
  @Allow('manager')
  @HttpCode(200)
  comment(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    return this.act('comment', actor, id, req, res, body);
  }

  @Post(':id/acknowledge')
  @Allow('employee', 'manager')
  @HttpCode(200)
  acknowledge(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    return this.act('acknowledge', actor, id, req, res, body);
  }

  /** A state change from a plain form carrying the version read; on refusal the page comes back saying why. */
  private async act(action: Action, actor: Actor, id: string, req: Request, res: Response, body: Record<string, unknown>): Promise<void> {
    const version = Number(str(body, 'version'));
    const t = this.pages.t(req);
    try {
      if (!Number.isInteger(version) || version < 1) throw formVersionMissing();
      if (action === 'submit') await this.workflow.submit(actor, id, version);
      else if (action === 'finalize') await this.workflow.finalize(actor, id, version);
      else if (action === 'acknowledge') await this.workflow.acknowledge(actor, id, version);
      else if (action === 'reopen') {
        const reason = str(body, 'reason').trim();
        if (reason.length < 3) return await this.renderReview(actor, id, req, res, { status: 400, message: t('review.reasonRequired'), errors: { reason: t('review.reasonRequired') }, typed: { reason } });
        await this.workflow.reopen(actor, id, version, reason);
      } else {
        const comment = str(body, 'comment').trim();
        if (!comment) return await this.renderReview(actor, id, req, res, { status: 400, message: t('review.commentRequired'), errors: { comment: t('review.commentRequired') }, typed: { comment } });
        await this.workflow.managerComment(actor, id, version, comment);
      }
    } catch (err) {
      const refusal = formRefusal(err);
      const stale = /changed by someone else/.test(refusal.message);
      return this.renderReview(actor, id, req, res, {
        status: refusal.status,
        message: stale ? t('review.staleAction') : refusal.message,
        errors: refusal.errors,
        typed: { reason: str(body, 'reason'), comment: str(body, 'comment') },
      });
    }
    // A form elsewhere (the "my reviews" list) may ask to come back to itself.
    this.pages.redirect(res, safeNext(str(body, 'back'), `/reviews/${id}`), { submit: 'submitted', finalize: 'finalized', reopen: 'reopened', comment: 'commented', acknowledge: 'acknowledged' }[action]);
  }

  private async renderReview(
    actor: Actor,
    id: string,
    req: Request,
    res: Response,
    problem?: { status: number; message: string; errors: FieldErrors; typed: { reason?: string; comment?: string } },
  ): Promise<void> {
    const review = await this.reviews.get(actor, id);
    const lang = this.pages.lang(req);
    const page = reviewPage(actor, review, lang, problem?.errors);
    this.pages.render(
      req,
      res,
      'review',
      {
        ...page,
        problem: problem ?? null,
        scorecardUrl: `/api/reviews/${review.id}/scorecard.pdf?lang=${lang}`,
        previewUrl: `/api/reviews/${review.id}/scorecard.pdf?lang=${lang}&format=html`,
      },
      {
        title: 'review.title',
        titleVars: { name: review.employee.name, cycle: review.cycle.name },
        status: problem?.status,
        scripts: page.editable ? ['scoring.js', 'review.js'] : [],
        data: page.editable ? { ...reviewScriptData(review), strings: this.pages.section(req, 'reviewJs'), lang } : undefined,
      },
    );
  }
}

const formVersionMissing = () => badRequest('The form lacks the version it was read at; reload the page and try again', [{ field: 'version', message: 'is required' }]);
