import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Cycle } from '../cycles/cycle.entity.js';
import { Employee } from '../employees/employee.entity.js';
import { KpiTemplateVersion } from '../kpi-templates/kpi-template.entity.js';
import type { ReviewStage } from '../review-stages/review-stages.js';
import type { KpiDefinition, KpiInput, RatingBand } from '../scoring/types.js';

export type ReviewStatus = 'draft' | 'submitted' | 'finalized';

/** The template version a review was created with, copied so later template edits never change it. */
export interface PinnedTemplate {
  templateId: string;
  templateVersionId: string;
  versionNumber: number;
  roleCode: string;
  roleNameZh: string;
  roleNameEn: string;
  kpis: KpiDefinition[];
  bands: RatingBand[];
}

/** numeric comes back from pg as a string; totals are two-decimal numbers in the API. */
const numeric = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

@Entity('reviews')
@Unique('uq_reviews_employee_cycle', ['employeeId', 'cycleId'])
@Index('ix_reviews_cycle_status', ['cycleId', 'status'])
@Index('ix_reviews_cycle_stage', ['cycleId', 'stage'])
// (cycle_id, employee_no) INCLUDE (id), written by hand: TypeORM cannot express INCLUDE.
@Index('ix_reviews_cycle_employee_no', { synchronize: false })
export class Review {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'employee_id', type: 'uuid' })
  employeeId: string;

  @ManyToOne(() => Employee, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'employee_id' })
  employee: Relation<Employee>;

  // A copy of the employee's number that triggers keep (migration ReviewEmployeeNo), so that a
  // review list is read in number order from one index: joining employees and sorting a whole
  // cycle took 15 ms per page at 10,000 reviews.
  @Column({ name: 'employee_no', type: 'varchar', length: 32, insert: false, update: false, select: false })
  employeeNo: string;

  @Column({ name: 'cycle_id', type: 'uuid' })
  cycleId: string;

  @ManyToOne(() => Cycle, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'cycle_id' })
  cycle: Relation<Cycle>;

  @Column({ name: 'template_version_id', type: 'uuid' })
  templateVersionId: string;

  // The pinned version must outlive its reviews (only unpublished drafts are ever discarded).
  @ManyToOne(() => KpiTemplateVersion, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'template_version_id' })
  templateVersion: Relation<KpiTemplateVersion>;

  @Column({ type: 'jsonb' })
  template: PinnedTemplate;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  inputs: Record<string, KpiInput>;

  @Column({ type: 'numeric', precision: 8, scale: 2, default: 0, transformer: numeric })
  total: number;

  @Column({ type: 'boolean', default: false })
  complete: boolean;

  @Column({ name: 'band_key', type: 'varchar', length: 64, nullable: true })
  bandKey: string | null;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: ReviewStatus;

  /** Where the review stands in its cycle's stages; `done` exactly when finalized. */
  @Column({ type: 'varchar', length: 16, default: 'hr' })
  stage: ReviewStage;

  /** Why a final KPI value differs from the manager's proposal, per KPI key. */
  @Column({ name: 'final_reasons', type: 'jsonb', default: () => `'{}'` })
  finalReasons: Record<string, string>;

  // A calibration adjustment sits beside the computed total and band, never instead of them, so
  // the scorecard can say "calibrated from X to Y: reason" and still explain the computed score.
  @Column({ name: 'calibrated_band_key', type: 'varchar', length: 64, nullable: true })
  calibratedBandKey: string | null;

  @Column({ name: 'calibrated_total', type: 'numeric', precision: 8, scale: 2, nullable: true, transformer: numeric })
  calibratedTotal: number | null;

  @Column({ name: 'calibration_reason', type: 'text', nullable: true })
  calibrationReason: string | null;

  @Column({ name: 'calibrated_at', type: 'timestamptz', nullable: true })
  calibratedAt: Date | null;

  @Column({ name: 'calibrated_by', type: 'varchar', length: 200, nullable: true })
  calibratedBy: string | null;

  @Column({ type: 'text', default: '' })
  strengths: string;

  @Column({ type: 'text', default: '' })
  challenges: string;

  @Column({ name: 'development_plan', type: 'text', default: '' })
  developmentPlan: string;

  @Column({ name: 'manager_comment', type: 'text', default: '' })
  managerComment: string;

  @Column({ name: 'hr_notes', type: 'text', default: '' })
  hrNotes: string;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'finalized_at', type: 'timestamptz', nullable: true })
  finalizedAt: Date | null;

  @Column({ name: 'finalized_by', type: 'varchar', length: 200, nullable: true })
  finalizedBy: string | null;

  @Column({ name: 'reopen_count', type: 'integer', default: 0 })
  reopenCount: number;

  @Column({ name: 'last_reopen_reason', type: 'text', nullable: true })
  lastReopenReason: string | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ name: 'acknowledged_by', type: 'varchar', length: 200, nullable: true })
  acknowledgedBy: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
