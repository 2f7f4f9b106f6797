import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ImportKind = 'employees' | 'actuals';
export type ImportMode = 'dry-run' | 'commit';

/**
 * One dry run or commit of an import file. A commit looks up the dry run of the very same file (by
 * its SHA-256) to know it was seen without refusals; its id goes into the audit of every change.
 */
@Entity('import_runs')
@Index('ix_import_runs_hash', ['kind', 'fileHash', 'createdAt'])
export class ImportRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ImportKind;

  @Column({ type: 'varchar', length: 8 })
  mode: ImportMode;

  /** The cycle of an actuals import; null for employees. */
  @Column({ name: 'cycle_id', type: 'uuid', nullable: true })
  cycleId: string | null;

  @Column({ name: 'file_hash', type: 'char', length: 64 })
  fileHash: string;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName: string;

  @Column({ name: 'actor', type: 'varchar', length: 200 })
  actor: string;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'integer' })
  created: number;

  @Column({ type: 'integer' })
  updated: number;

  @Column({ type: 'integer' })
  unchanged: number;

  @Column({ type: 'integer' })
  refused: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
