import { Inject, Injectable } from '@nestjs/common';
import { AccessScopes, covers } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { notFound } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import type { ReviewDto, ReviewQueryDto, ReviewSummaryDto } from './dto/review.dto.js';
import { type ListFilter, ReviewQueries, type ReviewHead } from './review-queries.js';
import type { DataSource, EntityManager } from 'typeorm';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Review } from './review.entity.js';
import { toReviewDto } from './review.mapper.js';
import { withPeopleNames } from './people-names.js';
import { canSeeReview, reviewViewOf } from './review.rules.js';

/** Reviews as the API reads them: a page of summaries, or one review, within the actor's scope. */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly scopes: AccessScopes,
    private readonly queries: ReviewQueries,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async list(actor: Actor, q: ReviewQueryDto): Promise<Page<ReviewSummaryDto>> {
    const scope = await this.scopes.of(actor);
    if (q.employeeId && !covers(scope, q.employeeId)) throw notFound('Employee', q.employeeId);
    if (q.managerId && !covers(scope, q.managerId)) throw notFound('Employee', q.managerId);
    return this.queries.list(scope, q, this.clock.today(this.config.scorecards.timeZone));
  }

  /**
   * The review after `review` in the list's order (employee number within its cycle) with these
   * filters and `status`: the review page's "next draft" and "next submitted". Past the last one it
   * starts again from the top, so the last draft of a list still leads to one left before it.
   */
  async nextInList(actor: Actor, review: ReviewDto, filter: Omit<ListFilter, 'cycleId' | 'status'>, status: 'draft' | 'submitted'): Promise<ReviewHead | null> {
    const scope = await this.scopes.of(actor);
    const today = this.clock.today(this.config.scorecards.timeZone);
    const q = { ...filter, cycleId: review.cycle.id, status };
    const next = (await this.queries.nextAfter(scope, q, today, review.employee.employeeNo)) ?? (await this.queries.nextAfter(scope, q, today, ''));
    return next && next.id !== review.id ? next : null;
  }

  /** One review, or 404 when it does not exist or is out of the actor's scope (the two look alike). */
  async get(actor: Actor, id: string): Promise<ReviewDto> {
    const r = await this.queries.load(id);
    if (!r) throw notFound('Review', id);
    const scope = await this.scopes.of(actor);
    if (!canSeeReview(scope, r)) throw notFound('Review', id);
    const [dto] = await withPeopleNames(this.dataSource, [toReviewDto(r, reviewViewOf(scope), this.clock.today(this.config.scorecards.timeZone))]);
    return dto;
  }

  /**
   * The review with its employee and cycle as an assessment reads it, or 404 when there is none;
   * who may see the assessment is the assessments' own rule, not the review's.
   */
  async forAssessment(id: string, m?: EntityManager): Promise<Review> {
    const r = await this.queries.load(id, m);
    if (!r) throw notFound('Review', id);
    return r;
  }
}
