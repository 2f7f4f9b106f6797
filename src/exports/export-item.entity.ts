import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Review } from '../reviews/review.entity.js';
import { IssuedScorecard } from '../scorecards/issued-scorecard.entity.js';
import { ExportJob } from './export-job.entity.js';

export type ExportItemState = 'pending' | 'done' | 'failed';

/** One review's scorecard in an export: pending until a worker prints it, then its PDF. */
@Entity('export_items')
@Index('ix_export_items_job_position', ['jobId', 'position'], { unique: true })
@Index('ix_export_items_job_state', ['jobId', 'state'])
@Index('ix_export_items_issued_scorecard', ['issuedScorecardId'])
@Check('ck_export_items_one_copy', 'pdf IS NULL OR issued_scorecard_id IS NULL')
export class ExportItem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @ManyToOne(() => ExportJob, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id' })
  job: Relation<ExportJob>;

  @Column({ name: 'review_id', type: 'uuid' })
  reviewId: string;

  @ManyToOne(() => Review, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'review_id' })
  review: Relation<Review>;

  /** Order in the zip (by employee number). */
  @Column({ type: 'integer' })
  position: number;

  /** `<employee number>-<name>-<cycle>.pdf`, set when printed. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  filename: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  state: ExportItemState;

  /** Failed attempts so far; an item is given up after a few. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** The printed bytes of a draft's scorecard; null for an issued one, which {@link issuedScorecardId} names. */
  @Column({ type: 'bytea', nullable: true })
  pdf: Buffer | null;

  /**
   * The issued scorecard this item's PDF is, when its review is finalized: the export names that
   * row instead of keeping a second copy of its bytes (an ~80 kB write per scorecard, as much of the
   * database's work in an export of finalized reviews as issuing it: issue 17).
   */
  @Column({ name: 'issued_scorecard_id', type: 'uuid', nullable: true })
  issuedScorecardId: string | null;

  @ManyToOne(() => IssuedScorecard, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'issued_scorecard_id', foreignKeyConstraintName: 'FK_export_items_issued_scorecard' })
  issuedScorecard: Relation<IssuedScorecard> | null;

  @Column({ type: 'integer', nullable: true })
  size: number | null;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
