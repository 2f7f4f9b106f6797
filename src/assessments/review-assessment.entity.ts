import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Review } from '../reviews/review.entity.js';

export type AssessmentKind = 'self' | 'manager';

/** One KPI as the employee or manager assessed it: a rating (rating KPIs only) and a comment. */
export interface AssessedKpi {
  rating: number | null;
  comment: string;
}

/**
 * The employee's self-assessment or the manager's proposal for one review. It sits beside the
 * review's final inputs, which stay HR's: HR may take a proposal, never has it forced on them.
 */
@Entity('review_assessments')
@Unique('uq_review_assessments_review_kind', ['reviewId', 'kind'])
export class ReviewAssessment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'review_id', type: 'uuid' })
  reviewId: string;

  @ManyToOne(() => Review, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'review_id' })
  review: Relation<Review>;

  @Column({ type: 'varchar', length: 16 })
  kind: AssessmentKind;

  /** Per KPI key. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  entries: Record<string, AssessedKpi>;

  @Column({ type: 'text', default: '' })
  summary: string;

  /** Who wrote it last (name as signed in), for the page and the audit. */
  @Column({ name: 'author', type: 'varchar', length: 200, nullable: true })
  author: string | null;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
