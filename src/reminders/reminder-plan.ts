/**
 * Who gets a reminder today, and what it says. Pure: the service hands in what waits for whom and
 * what earlier mails already told them, and sends what comes out.
 *
 * Each recipient gets at most one mail a day, listing everything that waits for them. A mail goes
 * out when at least one of their items has a reason:
 *   - opened:   no mail has told them about this review in this stage yet (the stage opened for
 *               them since the last mail, or reminders were just turned on);
 *   - due_soon: the stage is due within `daysBefore` days and no mail has warned them of it yet;
 *   - overdue:  the stage's due date has passed (every day until it is done).
 */
import type { ReviewStage } from '../review-stages/review-stages.js';
import type { ReminderKind } from './reminder-sending.entity.js';

/** Stages someone has to act in. */
export type WaitingStage = Exclude<ReviewStage, 'done'>;

/** One review waiting for one person: the employee (self), their manager, or an HR user. */
export interface WaitingItem {
  recipientEmail: string;
  reviewId: string;
  stage: WaitingStage;
  cycleId: string;
  cycleName: string;
  employeeName: string;
  employeeNo: string;
  /** The stage's due date (YYYY-MM-DD), null when the cycle set none. */
  due: string | null;
}

/** What a sent mail told its recipient about a review in a stage (reminder_items). */
export interface PastNotice {
  recipientEmail: string;
  reviewId: string;
  stage: string;
  reason: string;
}

/** `waiting`: listed in the mail, but no reason to send one on its own. */
export type ItemReason = ReminderKind | 'waiting';

export interface PlannedItem extends WaitingItem {
  reason: ItemReason;
  /** Days from today to the due date (negative: overdue), null without one. */
  daysLeft: number | null;
}

export interface PlannedMail {
  recipientEmail: string;
  /** The most pressing reason among its items. */
  kind: ReminderKind;
  items: PlannedItem[];
}

const PRESSING: Record<ItemReason, number> = { waiting: 0, opened: 1, due_soon: 2, overdue: 3 };

/** Whole days from `from` to `to` (YYYY-MM-DD each). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function itemReason(item: WaitingItem, told: readonly string[], today: string, daysBefore: number): ItemReason {
  const daysLeft = item.due === null ? null : daysBetween(today, item.due);
  if (daysLeft !== null && daysLeft < 0) return 'overdue';
  if (daysLeft !== null && daysLeft <= daysBefore && !told.some((r) => r === 'due_soon' || r === 'overdue')) return 'due_soon';
  if (told.length === 0) return 'opened';
  return 'waiting';
}

/** The mails to send today, one per recipient with a reason, items in a stable order. */
export function planReminders(waiting: readonly WaitingItem[], past: readonly PastNotice[], today: string, daysBefore: number): PlannedMail[] {
  const toldKey = (email: string, reviewId: string, stage: string) => `${email.toLowerCase()}\u0000${reviewId}\u0000${stage}`;
  const told = new Map<string, string[]>();
  for (const p of past) {
    const key = toldKey(p.recipientEmail, p.reviewId, p.stage);
    told.set(key, [...(told.get(key) ?? []), p.reason]);
  }
  const byRecipient = new Map<string, PlannedItem[]>();
  for (const item of waiting) {
    const email = item.recipientEmail.toLowerCase();
    const reason = itemReason(item, told.get(toldKey(email, item.reviewId, item.stage)) ?? [], today, daysBefore);
    const planned: PlannedItem = { ...item, recipientEmail: email, reason, daysLeft: item.due === null ? null : daysBetween(today, item.due) };
    byRecipient.set(email, [...(byRecipient.get(email) ?? []), planned]);
  }
  const mails: PlannedMail[] = [];
  for (const [recipientEmail, items] of [...byRecipient.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const top = items.reduce<ItemReason>((best, i) => (PRESSING[i.reason] > PRESSING[best] ? i.reason : best), 'waiting');
    if (top === 'waiting') continue;
    items.sort(
      (a, b) => stageOrder(a.stage) - stageOrder(b.stage) || (a.due ?? '9999').localeCompare(b.due ?? '9999') || a.employeeNo.localeCompare(b.employeeNo),
    );
    mails.push({ recipientEmail, kind: top, items });
  }
  return mails;
}

function stageOrder(stage: WaitingStage): number {
  return stage === 'self' ? 0 : stage === 'manager' ? 1 : 2;
}

export interface MailText {
  subject: string;
  text: string;
}

/** How a due date reads in each language. */
function dueText(item: PlannedItem): { zh: string; en: string } {
  if (item.due === null || item.daysLeft === null) return { zh: '未设截止日期', en: 'no due date' };
  if (item.daysLeft < 0) return { zh: `已逾期 ${-item.daysLeft} 天（截止 ${item.due}）`, en: `overdue by ${-item.daysLeft} day(s) (due ${item.due})` };
  if (item.daysLeft === 0) return { zh: `今天截止（${item.due}）`, en: `due today (${item.due})` };
  return { zh: `${item.daysLeft} 天后截止（${item.due}）`, en: `due in ${item.daysLeft} day(s) (${item.due})` };
}

const NEW = { zh: '【新】', en: '[new] ' };

/**
 * The mail, in Chinese then English (users have no stored language, and a reminder must be read by
 * whoever opens it). Plain text: nothing to escape, and every mail client shows it the same.
 */
export function renderReminderMail(mail: PlannedMail, publicUrl: string | null): MailText {
  const self = mail.items.filter((i) => i.stage === 'self');
  const manager = mail.items.filter((i) => i.stage === 'manager');
  const hr = mail.items.filter((i) => i.stage === 'hr');
  const zh: string[] = ['您好，', '', '以下绩效评估事项等待您处理：', ''];
  const en: string[] = ['Hello,', '', 'These performance review tasks are waiting for you:', ''];
  const mark = (i: PlannedItem, lang: 'zh' | 'en') => (i.reason === 'opened' ? NEW[lang] : '');

  for (const i of self) {
    zh.push(`- ${mark(i, 'zh')}自评：${i.cycleName}，${dueText(i).zh}`);
    en.push(`- ${mark(i, 'en')}Your self-assessment: ${i.cycleName}, ${dueText(i).en}`);
  }
  if (manager.length > 0) {
    zh.push(`- 您的直属下属的上级评估（${manager.length} 份）：`);
    en.push(`- Manager assessments of your direct reports (${manager.length}):`);
    for (const i of manager) {
      zh.push(`    ${mark(i, 'zh')}${i.employeeName}（${i.employeeNo}），${i.cycleName}，${dueText(i).zh}`);
      en.push(`    ${mark(i, 'en')}${i.employeeName} (${i.employeeNo}), ${i.cycleName}, ${dueText(i).en}`);
    }
  }
  // HR may have hundreds waiting: counts per cycle, not names.
  const cycles = new Map<string, PlannedItem[]>();
  for (const i of hr) cycles.set(i.cycleId, [...(cycles.get(i.cycleId) ?? []), i]);
  for (const items of cycles.values()) {
    const first = items[0];
    if (!first) continue;
    const overdue = items.filter((i) => i.reason === 'overdue').length;
    const fresh = items.filter((i) => i.reason === 'opened').length;
    zh.push(`- HR 审核：${first.cycleName} 有 ${items.length} 份评估等待 HR 审核${fresh > 0 ? `（其中 ${fresh} 份为新到）` : ''}，${dueText(first).zh}`);
    en.push(`- HR review: ${items.length} review(s) of ${first.cycleName} wait for HR${fresh > 0 ? ` (${fresh} new)` : ''}, ${dueText(first).en}`);
    if (overdue > 0 && overdue !== items.length) {
      zh.push(`    其中 ${overdue} 份已逾期`);
      en.push(`    ${overdue} of them overdue`);
    }
  }
  if (publicUrl !== null) {
    const page = self.length > 0 && manager.length === 0 && hr.length === 0 ? '/my' : manager.length > 0 && hr.length === 0 ? '/team' : '/';
    zh.push('', `请登录处理：${publicUrl}${page}`);
    en.push('', `Sign in to do them: ${publicUrl}${page}`);
  }
  zh.push('', '此邮件由绩效系统自动发送，每人每天最多一封。');
  en.push('', 'Sent automatically by Scorecard, at most one mail a day.');

  const subjects: Record<ReminderKind, { zh: string; en: string }> = {
    opened: { zh: '绩效评估：有新的待办', en: 'Performance review: new tasks for you' },
    due_soon: { zh: '绩效评估：待办即将截止', en: 'Performance review: tasks due soon' },
    overdue: { zh: '绩效评估：待办已逾期', en: 'Performance review: tasks overdue' },
  };
  const s = subjects[mail.kind];
  return { subject: `${s.zh} / ${s.en}`, text: [...zh, '', '----', '', ...en, ''].join('\n') };
}
