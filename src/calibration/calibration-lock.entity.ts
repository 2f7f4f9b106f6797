import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Cycle } from '../cycles/cycle.entity.js';

/** A department whose calibration HR has locked in a cycle: only a reopen (with a reason) changes it. */
@Entity('calibration_locks')
@Unique('uq_calibration_locks_cycle_department', ['cycleId', 'department'])
export class CalibrationLock {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'cycle_id', type: 'uuid' })
  cycleId: string;

  @ManyToOne(() => Cycle, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cycle_id' })
  cycle: Relation<Cycle>;

  @Column({ type: 'varchar', length: 200 })
  department: string;

  @Column({ name: 'locked_at', type: 'timestamptz', default: () => 'now()' })
  lockedAt: Date;

  @Column({ name: 'locked_by', type: 'varchar', length: 200 })
  lockedBy: string;
}
