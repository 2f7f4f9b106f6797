import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Sign-in attempts, kept in the database so throttling holds across restarts and app instances. */
@Entity('login_attempts')
@Index('ix_login_attempts_email', ['email', 'at'])
@Index('ix_login_attempts_ip', ['ip', 'at'])
export class LoginAttempt {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ type: 'varchar', length: 64 })
  ip: string;

  @Column({ type: 'boolean' })
  success: boolean;
}
