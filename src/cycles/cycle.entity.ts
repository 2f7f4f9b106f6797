import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { TargetDistribution } from '../review-stages/review-stages.js';

export type CycleStatus = 'planned' | 'open' | 'closed';

@Entity('cycles')
export class Cycle {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string;

  @Column({ name: 'period_start', type: 'date' })
  periodStart: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd: string;

  @Column({ type: 'varchar', length: 16, default: 'planned' })
  status: CycleStatus;

  // Stages the cycle runs besides HR review and finalization, and the due date of each (see review-stages.ts).
  @Column({ name: 'self_assessment', type: 'boolean', default: false })
  selfAssessment: boolean;

  @Column({ name: 'manager_assessment', type: 'boolean', default: false })
  managerAssessment: boolean;

  @Column({ name: 'self_assessment_due', type: 'date', nullable: true })
  selfAssessmentDue: string | null;

  @Column({ name: 'manager_assessment_due', type: 'date', nullable: true })
  managerAssessmentDue: string | null;

  @Column({ name: 'hr_review_due', type: 'date', nullable: true })
  hrReviewDue: string | null;

  @Column({ name: 'finalization_due', type: 'date', nullable: true })
  finalizationDue: string | null;

  /** Band shares (percent per band key) that calibration aims for; null: none set. */
  @Column({ name: 'target_distribution', type: 'jsonb', nullable: true })
  targetDistribution: TargetDistribution | null;

  /** Whether printed scorecards show the self and manager columns (pages always do). */
  @Column({ name: 'print_assessments', type: 'boolean', default: false })
  printAssessments: boolean;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
