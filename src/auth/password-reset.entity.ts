import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from './user.entity.js';

/**
 * One "forgot password" request. A row is kept for every request, also for an unknown address
 * (then without user or token), because the throttle counts requests per address and per client.
 * Only the SHA-256 of the link's token is stored: a database leak leaks no working link.
 */
@Entity('password_resets')
@Index('ix_password_resets_email', ['email', 'createdAt'])
@Index('ix_password_resets_ip', ['ip', 'createdAt'])
export class PasswordReset {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user: Relation<User> | null;

  @Column({ name: 'token_hash', type: 'char', length: 64, nullable: true, unique: true })
  tokenHash: string | null;

  @Column({ type: 'varchar', length: 64 })
  ip: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** Set when the link was used, or when a newer link or a password change made it void. */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
