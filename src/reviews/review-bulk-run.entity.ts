import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { BulkAction, BulkDoneDto, BulkSkippedDto } from './dto/review-bulk.dto.js';

/**
 * The result of one bulk action, kept so that the page after it is a GET of this row
 * (POST-redirect-GET): a reload shows the result again and repeats nothing. The changes themselves
 * are in the audit log, one entry per review as a single action leaves.
 */
@Entity('review_bulk_runs')
export class ReviewBulkRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  action: BulkAction;

  /** Only who ran it sees the result page. */
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ name: 'cycle_id', type: 'uuid', nullable: true })
  cycleId: string | null;

  @Column({ type: 'jsonb' })
  done: BulkDoneDto[];

  @Column({ type: 'jsonb' })
  skipped: BulkSkippedDto[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
