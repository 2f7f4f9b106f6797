import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Cycle } from '../cycles/cycle.entity.js';

export type ExportJobState = 'queued' | 'running' | 'done' | 'failed';
export const EXPORT_JOB_STATES: readonly ExportJobState[] = ['queued', 'running', 'done', 'failed'];

/** What the caller asked for: the reviews of the cycle are narrowed by these, all optional. */
export interface ExportFilters {
  department?: string;
  /** The role of the review's pinned template (what its scorecard shows). */
  roleCode?: string;
  /** Everyone below this manager (reports, their reports, …). */
  managerId?: string;
}

/**
 * One bulk export of scorecards: the reviews it covers are fixed when it is created (its items),
 * and the work is done by queue workers in any process sharing the database. Progress is the
 * count of its items by state, so it is exact at any moment and survives restarts.
 */
@Entity('export_jobs')
@Index('ix_export_jobs_creator', ['createdByUserId', 'createdAt'])
export class ExportJob {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'cycle_id', type: 'uuid' })
  cycleId: string;

  @ManyToOne(() => Cycle, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cycle_id' })
  cycle: Relation<Cycle>;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  filters: ExportFilters;

  @Column({ type: 'varchar', length: 8 })
  lang: string;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  state: ExportJobState;

  /** Reviews in the export (its items). */
  @Column({ type: 'integer' })
  total: number;

  /** The actor's name, as in the audit log. */
  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy: string;

  @Column({ name: 'created_by_user_id', type: 'uuid', nullable: true })
  createdByUserId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  /** Why the export failed, or a summary of the scorecards that could not be printed. */
  @Column({ type: 'text', nullable: true })
  error: string | null;
}
