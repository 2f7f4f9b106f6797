import { describe, expect, it } from '@jest/globals';
import { daysBetween, planReminders, renderReminderMail, type PastNotice, type WaitingItem } from './reminder-plan.js';

const item = (over: Partial<WaitingItem> = {}): WaitingItem => ({
  recipientEmail: 'wang@example.com',
  reviewId: 'r1',
  stage: 'self',
  cycleId: 'c1',
  cycleName: '2026 H1',
  employeeName: '王伟',
  employeeNo: 'E-1',
  due: '2026-07-10',
  ...over,
});
const told = (reason: string, over: Partial<PastNotice> = {}): PastNotice => ({
  recipientEmail: 'wang@example.com',
  reviewId: 'r1',
  stage: 'self',
  reason,
  ...over,
});

describe('planReminders', () => {
  it('tells everyone once when a stage opens for them, then nothing until the due date comes near', () => {
    const plan = planReminders([item()], [], '2026-07-01', 3);
    expect(plan).toEqual([{ recipientEmail: 'wang@example.com', kind: 'opened', items: [expect.objectContaining({ reason: 'opened', daysLeft: 9 })] }]);
    expect(planReminders([item()], [told('opened')], '2026-07-02', 3)).toEqual([]);
    // The same review in the next stage opens again (for whoever it now waits for).
    expect(planReminders([item({ stage: 'manager' })], [told('opened')], '2026-07-02', 3)[0]?.kind).toBe('opened');
  });

  it('warns daysBefore days before the due date, once, and not a day earlier', () => {
    expect(planReminders([item()], [told('opened')], '2026-07-06', 3)).toEqual([]);
    expect(planReminders([item()], [told('opened')], '2026-07-07', 3)[0]).toMatchObject({ kind: 'due_soon', items: [{ reason: 'due_soon', daysLeft: 3 }] });
    // A pass that missed that day warns on the next one; once warned, not again.
    expect(planReminders([item()], [told('opened')], '2026-07-09', 3)[0]?.kind).toBe('due_soon');
    expect(planReminders([item()], [told('opened'), told('due_soon')], '2026-07-09', 3)).toEqual([]);
    // A stage that opens inside the window is announced with its due date (one reason, one mail).
    expect(planReminders([item()], [], '2026-07-08', 3)[0]?.items[0]?.reason).toBe('due_soon');
    // 0 days before: on the due date itself.
    expect(planReminders([item()], [told('opened')], '2026-07-09', 0)).toEqual([]);
    expect(planReminders([item()], [told('opened')], '2026-07-10', 0)[0]?.kind).toBe('due_soon');
  });

  it('reminds of overdue stages every day (the store keeps it to one mail a day)', () => {
    const past = [told('opened'), told('due_soon'), told('overdue')];
    expect(planReminders([item()], past, '2026-07-11', 3)[0]).toMatchObject({ kind: 'overdue', items: [{ reason: 'overdue', daysLeft: -1 }] });
    expect(planReminders([item()], past, '2026-07-20', 3)[0]?.kind).toBe('overdue');
  });

  it('never reminds of a due date a stage does not have, but still announces it', () => {
    expect(planReminders([item({ due: null })], [], '2026-07-01', 3)[0]).toMatchObject({ kind: 'opened', items: [{ daysLeft: null }] });
    expect(planReminders([item({ due: null })], [told('opened')], '2030-01-01', 3)).toEqual([]);
  });

  it('sends one mail per person listing everything waiting, with the most pressing reason, when anything has one', () => {
    const mgr = 'li@example.com';
    const waiting = [
      item({ recipientEmail: 'LI@example.com', reviewId: 'r2', stage: 'manager', employeeNo: 'E-3', due: '2026-07-17' }),
      item({ recipientEmail: mgr, reviewId: 'r3', stage: 'manager', employeeNo: 'E-2', due: '2026-07-17' }),
      item({ recipientEmail: mgr, reviewId: 'r4', stage: 'self', employeeNo: 'E-9', due: '2026-07-10' }),
    ];
    const past = [told('opened', { recipientEmail: mgr, reviewId: 'r2', stage: 'manager' }), told('opened', { recipientEmail: mgr, reviewId: 'r4' })];
    const [mail, ...rest] = planReminders(waiting, past, '2026-07-14', 3);
    expect(rest).toEqual([]);
    expect(mail?.recipientEmail).toBe(mgr);
    expect(mail?.kind).toBe('overdue');
    expect(mail?.items.map((i) => [i.reviewId, i.reason])).toEqual([
      ['r4', 'overdue'],
      ['r3', 'due_soon'],
      ['r2', 'due_soon'],
    ]);
    // Nothing new, nothing near, nothing late: no mail at all.
    expect(
      planReminders(
        waiting.slice(0, 2),
        [
          ...past,
          told('due_soon', { recipientEmail: mgr, reviewId: 'r2', stage: 'manager' }),
          told('due_soon', { recipientEmail: mgr, reviewId: 'r3', stage: 'manager' }),
        ],
        '2026-07-15',
        3,
      ),
    ).toEqual([]);
  });
});

describe('renderReminderMail', () => {
  it('writes Chinese and English in one plain-text mail: names for a manager, counts for HR, a link when the site address is known', () => {
    const mail = planReminders(
      [
        item({ recipientEmail: 'hr@example.com', stage: 'hr', reviewId: 'a', due: '2026-07-24' }),
        item({ recipientEmail: 'hr@example.com', stage: 'hr', reviewId: 'b', due: '2026-07-24' }),
        item({ recipientEmail: 'hr@example.com', stage: 'manager', reviewId: 'c', employeeName: '张三', employeeNo: 'E-7', due: '2026-07-17' }),
      ],
      [told('opened', { recipientEmail: 'hr@example.com', stage: 'hr', reviewId: 'a' })],
      '2026-07-20',
      3,
    )[0];
    if (!mail) throw new Error('no mail planned');
    const { subject, text } = renderReminderMail(mail, 'https://scorecard.example.com');
    expect(subject).toBe('绩效评估：待办已逾期 / Performance review: tasks overdue');
    expect(text).toContain('张三（E-7），2026 H1，已逾期 3 天（截止 2026-07-17）');
    expect(text).toContain('张三 (E-7), 2026 H1, overdue by 3 day(s) (due 2026-07-17)');
    expect(text).toContain('HR review: 2 review(s) of 2026 H1 wait for HR (1 new), due in 4 day(s) (2026-07-24)');
    expect(text).toContain('2026 H1 有 2 份评估等待 HR 审核（其中 1 份为新到）');
    expect(text).toContain('Sign in to do them: https://scorecard.example.com/');
    expect(renderReminderMail({ ...mail, items: mail.items.filter((i) => i.stage === 'manager') }, null).text).not.toContain('http');
  });

  it('points an employee to /my', () => {
    const mail = planReminders([item()], [], '2026-07-10', 3)[0];
    if (!mail) throw new Error('no mail planned');
    const { text } = renderReminderMail(mail, 'http://127.0.0.1:3000');
    expect(text).toContain('自评：2026 H1，今天截止（2026-07-10）');
    expect(text).toContain('Your self-assessment: 2026 H1, due today (2026-07-10)');
    expect(text).toContain('http://127.0.0.1:3000/my');
  });
});

describe('daysBetween', () => {
  it('counts calendar days across months and years', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toBe(3);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2026-07-11', '2026-07-10')).toBe(-1);
  });
});
