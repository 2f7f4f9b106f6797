// When reminder passes run: a pg-boss cron schedule in the schema the export queue already keeps
// (`pgboss`), so however many app processes share the database, pg-boss starts each run once and
// one process takes it. The claims in reminder_sendings keep mails single even when two passes
// overlap anyway (a pass run by hand, a retried job).
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { QUEUE_SETUP_LOCK_KEY, withStartupLock } from '../database/bootstrap.js';
import { PGBOSS_SCHEMA } from '../exports/export-queue.js';
import { messageOf } from '../mail/mailer.js';
import { RemindersService } from './reminders.service.js';

export const REMINDER_QUEUE = 'scorecard-reminders';
export const REMINDER_POLL_SECONDS = 5;

/**
 * The first pass at REMINDER_HOUR, then hourly until 20:00 in the company's time zone: later passes
 * send only what failed earlier or what opened since, each person still at most once that day.
 */
export function reminderCron(hour: number): string {
  return hour >= 20 ? '0 20 * * *' : `0 ${hour}-20 * * *`;
}

@Injectable()
export class ReminderSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Reminders');
  private boss: PgBoss | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reminders: RemindersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.reminders.enabled || !this.config.reminders.schedule) return;
    try {
      await this.start();
    } catch (error) {
      // Reminders are a convenience: the app serves without them; readiness still reports the mailer.
      this.logger.error(`Reminders are not scheduled: ${messageOf(error)}`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    // Graceful: a pass in flight finishes its current mail and records it (SHUTDOWN_TIMEOUT_MS at most).
    await boss?.stop({ graceful: true, wait: true, timeout: this.config.shutdownTimeoutMs }).catch((error: unknown) => {
      this.logger.warn(`The reminder schedule did not stop cleanly: ${messageOf(error)}`);
    });
  }

  private async start(): Promise<void> {
    const options = this.dataSource.options;
    const connectionString = options.type === 'postgres' ? options.url : undefined;
    if (!connectionString) throw new Error('The reminder schedule needs the PostgreSQL connection URL of the data source');
    const boss = new PgBoss({
      connectionString,
      schema: PGBOSS_SCHEMA,
      application_name: 'scorecard-reminders',
      max: 2,
      // The export queue's instance maintains the shared schema (expiry, archiving) already.
      supervise: false,
      schedule: true,
    });
    boss.on('error', (error: Error) => this.logger.warn(`pg-boss (reminders): ${error.message}`));
    // The same lock as the export queue's set-up: two processes creating pg-boss' schema or a queue's
    // partition at once deadlock.
    await withStartupLock(
      connectionString,
      async () => {
        await boss.start();
        await boss.createQueue(REMINDER_QUEUE);
        await boss.schedule(REMINDER_QUEUE, reminderCron(this.config.reminders.hour), {}, { tz: this.config.scorecards.timeZone });
      },
      undefined,
      QUEUE_SETUP_LOCK_KEY,
    );
    this.boss = boss;
    // A pass never rejects (it logs and reports what failed), so pg-boss always completes the job;
    // the next hourly run is the retry. Polling every few seconds costs one indexed query.
    await boss.work(REMINDER_QUEUE, { pollingIntervalSeconds: REMINDER_POLL_SECONDS }, async () => {
      await this.reminders.runPass();
    });
    this.logger.log(`Reminders scheduled: ${reminderCron(this.config.reminders.hour)} (${this.config.scorecards.timeZone})`);
  }
}
