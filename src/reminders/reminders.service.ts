import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { stageDue, type StageDues } from '../review-stages/review-stages.js';
import { Mailer, messageOf } from '../mail/mailer.js';
import { planReminders, renderReminderMail, type PastNotice, type PlannedMail, type WaitingItem } from './reminder-plan.js';

/** What one pass did. */
export interface ReminderPassResult {
  /** The company's calendar day the pass sent for. */
  day: string;
  /** Mails the plan asked for. */
  planned: number;
  sent: number;
  /** Already sent (or being sent) today by this or another process. */
  skipped: number;
  failed: number;
  /** Not tried, because the SMTP server was away: the next pass tries them. */
  deferred: number;
  /** Why the pass stopped early (the database or the SMTP server away), null when it ran through. */
  error: string | null;
}

/** A waiting item as read, with every stage's due date (its own is picked from them). */
type WaitingRow = Omit<WaitingItem, 'due'> & StageDues;

/**
 * The reviews waiting for someone, and the person: the employee for their own self-assessment, the
 * direct manager for a report's manager assessment, every HR user for the HR stage. Only people who
 * can sign in (an enabled user) are mailed, at the address they sign in with.
 */
const WAITING_SQL = `
  WITH open_reviews AS (
    SELECT r.id, r.stage, r.employee_id, c.id AS cycle_id, c.name AS cycle_name,
           c.self_assessment_due::text AS "selfAssessmentDue", c.manager_assessment_due::text AS "managerAssessmentDue",
           c.hr_review_due::text AS "hrReviewDue", c.finalization_due::text AS "finalizationDue"
      FROM reviews r JOIN cycles c ON c.id = r.cycle_id
     WHERE c.status = 'open' AND r.stage IN ('self', 'manager', 'hr')
  )
  SELECT lower(u.email) AS "recipientEmail", o.id AS "reviewId", o.stage, o.cycle_id AS "cycleId", o.cycle_name AS "cycleName",
         e.name AS "employeeName", e.employee_no AS "employeeNo",
         o."selfAssessmentDue", o."managerAssessmentDue", o."hrReviewDue", o."finalizationDue"
    FROM open_reviews o
    JOIN employees e ON e.id = o.employee_id
    JOIN users u ON NOT u.disabled AND (
         (o.stage = 'self' AND u.employee_id = e.id)
      OR (o.stage = 'manager' AND u.employee_id = e.manager_id)
      OR (o.stage = 'hr' AND u.role = 'hr'))`;

@Injectable()
export class RemindersService {
  private readonly logger = new Logger('Reminders');
  private running: Promise<ReminderPassResult> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
    private readonly metrics: MetricsService,
  ) {}

  get enabled(): boolean {
    return this.config.reminders.enabled;
  }

  /**
   * One pass: plan today's mails, claim each (recipient, day) in reminder_sendings, send, record.
   * Never rejects: a database or SMTP server that is away ends the pass early, logged and reported
   * in the result; what was not sent is tried again by the next pass. One pass at a time per process
   * (other processes are kept off by the claims).
   */
  runPass(): Promise<ReminderPassResult> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<ReminderPassResult> {
    const day = this.clock.today(this.config.scorecards.timeZone);
    const result: ReminderPassResult = { day, planned: 0, sent: 0, skipped: 0, failed: 0, deferred: 0, error: null };
    let mails: PlannedMail[];
    try {
      mails = await this.plan(day);
    } catch (error) {
      result.error = `Could not plan reminders: ${messageOf(error)}`;
      this.logger.warn(result.error);
      return result;
    }
    result.planned = mails.length;
    for (const [index, mail] of mails.entries()) {
      try {
        const outcome = await this.deliver(mail, day);
        result[outcome] += 1;
      } catch (error) {
        // The claim was released (marked failed) where the database allowed; an SMTP server or
        // database that is away fails every mail alike, so the rest wait for the next pass.
        result.failed += 1;
        this.metrics.reminder('failed');
        const envelope = (error as { code?: string }).code === 'EENVELOPE';
        if (!envelope) {
          result.deferred = mails.length - index - 1;
          result.error = `Reminder to ${mail.recipientEmail} failed, ${result.deferred} more left for the next pass: ${messageOf(error)}`;
          this.logger.warn(result.error);
          break;
        }
        this.logger.warn(`Reminder to ${mail.recipientEmail} refused: ${messageOf(error)}`);
      }
    }
    if (result.planned > 0) this.logger.log(`Reminder pass for ${day}: ${JSON.stringify(result)}`);
    return result;
  }

  private async plan(day: string): Promise<PlannedMail[]> {
    const rows = await this.dataSource.query<WaitingRow[]>(WAITING_SQL);
    const waiting: WaitingItem[] = rows.map((r) => ({
      recipientEmail: r.recipientEmail,
      reviewId: r.reviewId,
      stage: r.stage,
      cycleId: r.cycleId,
      cycleName: r.cycleName,
      employeeName: r.employeeName,
      employeeNo: r.employeeNo,
      due: stageDue(r, r.stage),
    }));
    if (waiting.length === 0) return [];
    const past = await this.dataSource.query<PastNotice[]>(
      `SELECT s.recipient_email AS "recipientEmail", i.review_id AS "reviewId", i.stage, i.reason
         FROM reminder_items i JOIN reminder_sendings s ON s.id = i.sending_id
        WHERE s.status = 'sent' AND i.review_id = ANY($1::uuid[])`,
      [[...new Set(waiting.map((w) => w.reviewId))]],
    );
    return planReminders(waiting, past, day, this.config.reminders.daysBefore);
  }

  /**
   * Claims the day's mail for the recipient, sends it, records what it said. The claim commits
   * before the mail goes, so whoever claims second sends nothing; a failed mail's claim may be taken
   * again by a later pass. A claim left by a process that died while sending is never taken again
   * that day: better one reminder fewer than one twice.
   */
  private async deliver(mail: PlannedMail, day: string): Promise<'sent' | 'skipped'> {
    const claimed = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO reminder_sendings (recipient_email, day, kind, status) VALUES ($1, $2, $3, 'claimed')
       ON CONFLICT (recipient_email, day) DO UPDATE SET status = 'claimed', kind = EXCLUDED.kind, claimed_at = now(), error = NULL
        WHERE reminder_sendings.status = 'failed'
       RETURNING id`,
      [mail.recipientEmail, day, mail.kind],
    );
    const id = claimed[0]?.id;
    if (!id) return 'skipped';
    const { subject, text } = renderReminderMail(mail, this.config.reminders.publicUrl);
    let messageId: string;
    try {
      messageId = await this.mailer.send(mail.recipientEmail, subject, text);
    } catch (error) {
      await this.dataSource
        .query(`UPDATE reminder_sendings SET status = 'failed', error = $2 WHERE id = $1`, [id, messageOf(error).slice(0, 2000)])
        .catch((e: unknown) => this.logger.warn(`Could not release the reminder claim ${id}: ${messageOf(e)}`));
      throw error;
    }
    this.metrics.reminder('sent');
    // The mail is gone whatever happens now: a record that fails to be written leaves the claim in
    // place, so nobody sends it again today; tomorrow's mail tells them again.
    await this.dataSource
      .transaction(async (m) => {
        await m.query(`UPDATE reminder_sendings SET status = 'sent', sent_at = now(), message_id = $2, error = NULL WHERE id = $1`, [id, messageId]);
        await m.query(
          `INSERT INTO reminder_items (sending_id, review_id, stage, reason)
         SELECT $1, review_id, stage, reason FROM unnest($2::uuid[], $3::text[], $4::text[]) AS t(review_id, stage, reason)`,
          [id, mail.items.map((i) => i.reviewId), mail.items.map((i) => i.stage), mail.items.map((i) => i.reason)],
        );
      })
      .catch((error: unknown) => this.logger.error(`Reminder ${id} to ${mail.recipientEmail} was sent but not recorded: ${messageOf(error)}`));
    return 'sent';
  }
}
