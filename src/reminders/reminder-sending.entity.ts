import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique, type Relation } from 'typeorm';

/** `claimed` while a process sends it, then `sent`, or `failed` (a later pass may claim it again). */
export type ReminderSendingStatus = 'claimed' | 'sent' | 'failed';
/** Why a mail went out, the most pressing reason of its items. */
export type ReminderKind = 'opened' | 'due_soon' | 'overdue';

/**
 * One reminder mail: at most one per recipient and day. The row is claimed (inserted) before the
 * mail is sent, so two processes running a pass at once, or a pass after a restart, never send twice.
 */
@Entity('reminder_sendings')
@Unique('uq_reminder_sendings_recipient_day', ['recipientEmail', 'day'])
export class ReminderSending {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'recipient_email', type: 'varchar', length: 320 })
  recipientEmail: string;

  /** The company's calendar day (TIME_ZONE) the mail belongs to. */
  @Column({ type: 'date' })
  day: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ReminderKind;

  @Column({ type: 'varchar', length: 8 })
  status: ReminderSendingStatus;

  @Column({ name: 'claimed_at', type: 'timestamptz', default: () => 'now()' })
  claimedAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  /** The SMTP server's Message-ID, to find the mail in its logs. */
  @Column({ name: 'message_id', type: 'varchar', length: 998, nullable: true })
  messageId: string | null;

  /** Why the last attempt failed. */
  @Column({ type: 'text', nullable: true })
  error: string | null;
}

/**
 * What a sent mail told its recipient about: one review in one stage, and why. A stage "opens" for
 * a recipient until a mail has told them about it; the due-date reminder goes out once per stage.
 */
@Entity('reminder_items')
@Index('ix_reminder_items_review_stage', ['reviewId', 'stage'])
export class ReminderItem {
  @PrimaryColumn({ name: 'sending_id', type: 'uuid' })
  sendingId: string;

  @ManyToOne(() => ReminderSending, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sending_id', foreignKeyConstraintName: 'FK_reminder_items_sending' })
  sending: Relation<ReminderSending>;

  // No foreign key to reviews: this is a record of mails sent, which stays true if a review goes.
  @PrimaryColumn({ name: 'review_id', type: 'uuid' })
  reviewId: string;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  stage: string;

  @Column({ type: 'varchar', length: 16 })
  reason: string;
}
