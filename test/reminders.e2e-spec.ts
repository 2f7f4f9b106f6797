// E-mail reminders of review stages against a real SMTP server (the smtp-server package, on a free
// port): who gets which mail when a stage opens, before it is due and while it is overdue; one mail
// a person a day, also with two app instances on one database; an SMTP server that goes away.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import PgBoss from 'pg-boss';
import { Clock } from '../src/common/clock.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import { MetricsService } from '../src/metrics/metrics.service.js';
import { REMINDER_QUEUE } from '../src/reminders/reminder-schedule.js';
import { RemindersService, type ReminderPassResult } from '../src/reminders/reminders.service.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, recordStatuses, seedStagedCycle } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';
import { withDatabase } from './support/database.js';
import { Inbox } from './support/inbox.js';

describe('e-mail reminders', () => {
  const inbox = new Inbox();
  let port: number;
  let env: Record<string, string>;
  let t: TestApp;
  let second: TestApp | null = null;
  let statuses: { method: string; url: string; status: number }[];
  let cycle: CycleDto;
  let manager: EmployeeDto;
  const emails = { employee: '', manager: '', hr: 'hr@test.example' };
  const names: Record<string, string> = {};

  const travel = (day: string) => {
    for (const app of [t, second]) app?.app.get(Clock).travelTo(new Date(`${day}T12:00:00+08:00`));
  };
  const pass = (app: TestApp = t): Promise<ReminderPassResult> => app.app.get(RemindersService).runPass();
  const skip = async (r: ReviewDto, times: number): Promise<ReviewDto> => {
    let review = r;
    for (let i = 0; i < times; i++) {
      const res = await t.http.post(`/api/reviews/${review.id}/skip-stage`).set(t.as('hr')).send({ version: review.version, reason: 'reminder test' });
      expect(res.status).toBe(200);
      review = res.body as ReviewDto;
    }
    return review;
  };
  /** A report of the manager with a review in the cycle, moved on `skips` stages; a user of their own when `email`. */
  const report = async (label: string, skips: number, email?: string): Promise<ReviewDto> => {
    const e = await createEmployee(t, 'account_manager', { managerId: manager.id, name: `${label} ${Math.random().toString(36).slice(2, 6)}` });
    names[label] = e.name;
    if (email) await t.userFor('employee', e.id, email);
    return skip(await createReview(t, e.id, cycle.id), skips);
  };

  beforeAll(async () => {
    port = await inbox.start();
    env = {
      REMINDERS_ENABLED: 'true',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: 'Scorecard <hr@scorecard.test>',
      REMINDER_DAYS_BEFORE: '3',
      PUBLIC_URL: 'https://scorecard.test',
      // These tests run each pass themselves, on a moved clock; the schedule has its own tests below.
      REMINDER_SCHEDULE: 'false',
    };
    t = await createTestApp(env);
    statuses = recordStatuses(t);
    travel('2026-07-01');
    cycle = await seedStagedCycle(t);
    manager = await createEmployee(t, 'manager', { name: `经理 ${Math.random().toString(36).slice(2, 6)}` });
    emails.manager = `boss-${manager.employeeNo.toLowerCase()}@test.example`;
    await t.userFor('manager', manager.id, emails.manager);
    emails.employee = `self-${manager.employeeNo.toLowerCase()}@test.example`;
    await report('自评员工', 0, emails.employee);
    await report('Bob', 1, `bob-${manager.employeeNo.toLowerCase()}@test.example`);
    // No user: cannot sign in, so never mailed; their manager still is.
    await report('Carol', 1);
    await report('HR1', 2, `hr1-${manager.employeeNo.toLowerCase()}@test.example`);
    await report('HR2', 2);
  });
  afterEach(() => {
    for (const app of [t, second]) app?.app.get(Clock).travelTo(null);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
    await inbox.stop();
  });

  it('mails each person waited for once when their stages open: the employee, the manager naming the reports, HR with the count', async () => {
    travel('2026-07-01');
    expect(await pass()).toMatchObject({ day: '2026-07-01', planned: 3, sent: 3, skipped: 0, failed: 0, error: null });
    expect(inbox.mails.map((m) => m.to).sort()).toEqual([[emails.employee], [emails.hr], [emails.manager]].sort());

    const [self] = inbox.to(emails.employee);
    expect(self?.subject).toBe('绩效评估：有新的待办 / Performance review: new tasks for you');
    expect(self?.text).toContain(`【新】自评：${cycle.name}，9 天后截止（2026-07-10）`);
    expect(self?.text).toContain(`[new] Your self-assessment: ${cycle.name}, due in 9 day(s) (2026-07-10)`);
    expect(self?.text).toContain('https://scorecard.test/my');

    const [boss] = inbox.to(emails.manager);
    expect(boss?.text).toContain('Manager assessments of your direct reports (2):');
    expect(boss?.text).toContain(`${names.Bob}`);
    expect(boss?.text).toContain(`${names.Carol}`);
    expect(boss?.text).not.toContain(names['自评员工'] ?? '?');
    expect(boss?.text).toContain('due in 16 day(s) (2026-07-17)');

    const [hr] = inbox.to(emails.hr);
    expect(hr?.text).toContain(`HR review: 2 review(s) of ${cycle.name} wait for HR (2 new), due in 23 day(s) (2026-07-24)`);
    expect(hr?.text).not.toContain(names.HR1 ?? '?');
  });

  it('sends nothing more the same day, even for a stage that opened since; the next day tells of it', async () => {
    travel('2026-07-01');
    expect(await pass()).toMatchObject({ planned: 0, sent: 0 });
    await report('Dave', 1);
    expect(await pass()).toMatchObject({ planned: 1, sent: 0, skipped: 1 });
    expect(inbox.mails).toHaveLength(3);

    travel('2026-07-02');
    expect(await pass()).toMatchObject({ day: '2026-07-02', planned: 1, sent: 1 });
    const latest = inbox.to(emails.manager).at(-1);
    expect(latest?.text).toContain('Manager assessments of your direct reports (3):');
    expect(latest?.text).toContain(`[new] ${names.Dave}`);
    expect(latest?.text).not.toContain(`[new] ${names.Bob}`);
    expect(inbox.mails).toHaveLength(4);
  });

  it('reminds REMINDER_DAYS_BEFORE days before a stage is due, not a day earlier', async () => {
    travel('2026-07-06');
    expect(await pass()).toMatchObject({ planned: 0, sent: 0 });
    travel('2026-07-07');
    expect(await pass()).toMatchObject({ planned: 1, sent: 1 });
    const latest = inbox.mails.at(-1);
    expect(latest?.to).toEqual([emails.employee]);
    expect(latest?.subject).toBe('绩效评估：待办即将截止 / Performance review: tasks due soon');
    expect(latest?.text).toContain(`Your self-assessment: ${cycle.name}, due in 3 day(s) (2026-07-10)`);
    travel('2026-07-08');
    expect(await pass()).toMatchObject({ planned: 0, sent: 0 });
  });

  it('two app instances on one database running a pass at once still send one mail per person', async () => {
    second = await createTestApp(env, { database: t.database, keepDatabase: true });
    // The manager stage is due on the 17th (3 days), the employee's self-assessment is overdue.
    travel('2026-07-14');
    const before = inbox.mails.length;
    const results = await Promise.all([pass(t), pass(second)]);
    expect(results.map((r) => r.planned)).toEqual([2, 2]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(2);
    expect(results.reduce((n, r) => n + r.skipped, 0)).toBe(2);
    expect(results.every((r) => r.failed === 0 && r.error === null)).toBe(true);
    const sent = inbox.mails.slice(before);
    expect(sent.map((m) => m.to[0]).sort()).toEqual([emails.employee, emails.manager].sort());
    expect(sent.find((m) => m.to[0] === emails.employee)?.text).toContain('overdue by 4 day(s) (due 2026-07-10)');
    expect(sent.find((m) => m.to[0] === emails.manager)?.subject).toBe('绩效评估：待办即将截止 / Performance review: tasks due soon');
    const [rows] = await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM reminder_sendings WHERE day = '2026-07-14' AND status = 'sent'`);
    expect(rows?.n).toBe(2);
  });

  it('with the SMTP server away a pass fails softly (readiness degraded, no 5xx), and a later pass sends', async () => {
    travel('2026-07-15');
    await inbox.stop();
    const failedBefore = await counter('failed');
    const result = await pass();
    expect(result).toMatchObject({ planned: 1, sent: 0, failed: 1 });
    expect(result.error).toContain(emails.employee);
    expect(await counter('failed')).toBe(failedBefore + 1);

    const ready = await t.http.get('/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'degraded', details: { mailer: { status: 'degraded' }, database: { status: 'up' } } });
    expect((await t.http.get(`/api/reviews?cycleId=${cycle.id}`).set(t.as('hr'))).status).toBe(200);

    await inbox.start(port);
    const before = inbox.mails.length;
    expect(await pass()).toMatchObject({ planned: 1, sent: 1, failed: 0, error: null });
    expect(inbox.mails.slice(before).map((m) => m.to)).toEqual([[emails.employee]]);
    const rows = await t.db.query<{ status: string; message_id: string | null }[]>(
      `SELECT status, message_id FROM reminder_sendings WHERE day = '2026-07-15' AND recipient_email = $1`,
      [emails.employee],
    );
    expect(rows).toEqual([{ status: 'sent', message_id: expect.stringMatching(/^<.+>$/) }]);
    expect((await t.http.get('/api/health/ready')).body).toMatchObject({ status: 'ok', details: { mailer: { status: 'up' } } });
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });

  async function counter(outcome: 'sent' | 'failed'): Promise<number> {
    const metric = await t.app.get(MetricsService).registry.getSingleMetric('scorecard_reminders_total')?.get();
    return metric?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  }
});

describe('the reminder schedule (pg-boss)', () => {
  const inbox = new Inbox();
  let env: Record<string, string>;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    const port = await inbox.start();
    env = { REMINDERS_ENABLED: 'true', SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Scorecard <hr@scorecard.test>', REMINDER_HOUR: '8' };
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await inbox.stop();
  });

  const start = async (extra: Record<string, string> = {}): Promise<TestApp> => {
    const app = await createTestApp({ ...env, ...extra });
    apps.push(app);
    return app;
  };
  /** What pg-boss' clock would do at 08:00: a job on the reminder queue, sent from outside the app. */
  const sendJob = async (app: TestApp): Promise<string> => {
    const serverUrl = process.env.E2E_SERVER_URL ?? '';
    const boss = new PgBoss({ connectionString: withDatabase(serverUrl, app.database), schema: 'pgboss', supervise: false, schedule: false, migrate: false });
    await boss.start();
    try {
      const id = await boss.send(REMINDER_QUEUE, {});
      if (!id) throw new Error('pg-boss took no job');
      return id;
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  };
  const jobState = async (app: TestApp, id: string): Promise<string | undefined> => {
    const rows = await app.db.query<{ state: string }[]>(
      `SELECT state FROM pgboss.job WHERE id = $1 UNION ALL SELECT state FROM pgboss.archive WHERE id = $1`,
      [id],
    );
    return rows[0]?.state;
  };
  /** An employee with a user and a review waiting for their self-assessment, on 2026-07-01. */
  const waitingEmployee = async (app: TestApp): Promise<string> => {
    app.app.get(Clock).travelTo(new Date('2026-07-01T12:00:00+08:00'));
    const cycle = await seedStagedCycle(app);
    const e = await createEmployee(app, 'account_manager');
    const email = `self-${e.employeeNo.toLowerCase()}@schedule.test`;
    await app.userFor('employee', e.id, email);
    await createReview(app, e.id, cycle.id);
    return email;
  };

  it('registers one cron at REMINDER_HOUR in TIME_ZONE, and the job it starts runs a pass that mails', async () => {
    const t = await start();
    const [a, b] = [t, await createTestApp(env, { database: t.database, keepDatabase: true })];
    apps.push(b);
    // Two processes on one database: one schedule, so each run is one job.
    const rows = await t.db.query<{ cron: string; timezone: string }[]>(`SELECT cron, timezone FROM pgboss.schedule WHERE name = $1`, [REMINDER_QUEUE]);
    expect(rows).toEqual([{ cron: '0 8-20 * * *', timezone: 'Asia/Shanghai' }]);

    const email = await waitingEmployee(a);
    b.app.get(Clock).travelTo(new Date('2026-07-01T12:00:00+08:00'));
    const job = await sendJob(a);
    const deadline = Date.now() + 30_000;
    while (inbox.to(email).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(inbox.to(email).map((m) => m.subject)).toEqual(['绩效评估：有新的待办 / Performance review: new tasks for you']);
    while ((await jobState(a, job)) !== 'completed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await jobState(a, job)).toBe('completed');
    const [sent] = await a.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM reminder_sendings WHERE recipient_email = $1`, [email]);
    expect(sent?.n).toBe(1);
  });

  it('with REMINDER_SCHEDULE=false the process creates no reminder schedule and no queue to take its jobs from', async () => {
    const off = await start({ REMINDER_SCHEDULE: 'false' });
    const [tables] = await off.db.query<{ schedule: string | null; queue: string | null }[]>(
      `SELECT to_regclass('pgboss.schedule')::text AS schedule, to_regclass('pgboss.queue')::text AS queue`,
    );
    const rows = async (table: string | null | undefined) =>
      table ? off.db.query<{ name: string }[]>(`SELECT name FROM ${table} WHERE name = $1`, [REMINDER_QUEUE]) : [];
    expect(await rows(tables?.schedule)).toEqual([]);
    expect(await rows(tables?.queue)).toEqual([]);
  });
});
