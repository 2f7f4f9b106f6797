import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Review } from '../reviews/review.entity.js';

/**
 * The PDF of a finalized review, printed once and kept: later downloads return these exact bytes,
 * whatever has changed in templates since. A reopened and re-finalized review is a new version,
 * so it gets a new issue.
 */
@Entity('issued_scorecards')
@Unique('uq_issued_scorecard', ['reviewId', 'lang', 'reviewVersion'])
export class IssuedScorecard {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'review_id', type: 'uuid' })
  reviewId: string;

  @ManyToOne(() => Review, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'review_id' })
  review: Relation<Review>;

  @Column({ type: 'varchar', length: 8 })
  lang: string;

  @Column({ name: 'review_version', type: 'integer' })
  reviewVersion: number;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'bytea' })
  pdf: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
