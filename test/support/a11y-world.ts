// Data for the accessibility browser tests: one of everything a page can show. An open cycle with
// a draft, a submitted and a finalized review in a manager's team (so the team chart has final and
// not-final bands), a staged cycle with a self-assessment and a manager assessment waiting, and a
// queued bulk export (the app runs no workers, so it stays queued and its page keeps following it).
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { CycleDto } from '../../src/cycles/dto/cycle.dto.js';
import type { ReviewDto } from '../../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, fullAccountManagerEntries, putScores, seedOpenCycle, seedStagedCycle } from '../fixtures.js';
import { TEST_ADMIN, TEST_PASSWORD, type TestApp } from './app.js';
import { seedSubmittedSelf } from './assessments.js';

export type Lang = 'en' | 'zh-CN';
export type Person = 'admin' | 'hr' | 'manager' | 'employee';

export interface A11yWorld {
  open: CycleDto;
  staged: CycleDto;
  draft: ReviewDto;
  submitted: ReviewDto;
  finalized: ReviewDto;
  /** The employee's review in the staged cycle, waiting for their self-assessment. */
  selfStage: ReviewDto;
  /** A teammate's review in the staged cycle, waiting for the manager's assessment. */
  managerStage: ReviewDto;
  employeeId: string;
  exportId: string;
  emails: Record<Person, string>;
  passwords: Record<Person, string>;
}

async function transition(t: TestApp, review: ReviewDto, action: 'submit' | 'finalize'): Promise<ReviewDto> {
  const res = await t.http.post(`/api/reviews/${review.id}/${action}`).set(t.as('hr')).send({ version: review.version });
  if (res.status !== 200 && res.status !== 201) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ReviewDto;
}

export async function seedA11yWorld(t: TestApp): Promise<A11yWorld> {
  const open = await seedOpenCycle(t);
  const staged = await seedStagedCycle(t);
  const manager = await createEmployee(t, 'manager', { name: '陈经理' });
  const member = await createEmployee(t, 'account_manager', { managerId: manager.id, name: '王小明' });
  const teammate = await createEmployee(t, 'account_manager', { managerId: manager.id, name: 'Maria Rodrigues' });
  const newcomer = await createEmployee(t, 'account_manager', { managerId: manager.id, name: '欧阳娜娜' });
  const draft = await putScores(t, await createReview(t, newcomer.id, open.id), [
    { kpiKey: 'sales_attainment', actual: 1_850_000, comment: '第三季度完成了三家重点客户的续约' },
    { kpiKey: 'communication', rating: 4 },
  ]);
  const submitted = await transition(t, await putScores(t, await createReview(t, teammate.id, open.id), fullAccountManagerEntries()), 'submit');
  const finalized = await transition(
    t,
    await transition(t, await putScores(t, await createReview(t, member.id, open.id), fullAccountManagerEntries()), 'submit'),
    'finalize',
  );
  const selfStage = await createReview(t, member.id, staged.id);
  const managerStage = await createReview(t, teammate.id, staged.id);
  await seedSubmittedSelf(t, managerStage.id, teammate.name);
  const emails: Record<Person, string> = {
    admin: TEST_ADMIN.email,
    hr: 'hr@test.example',
    manager: 'manager@a11y.example',
    employee: 'employee@a11y.example',
  };
  await t.userFor('manager', manager.id, emails.manager);
  await t.userFor('employee', member.id, emails.employee);
  const exported = await t.http.post(`/api/cycles/${open.id}/scorecards`).set(t.as('hr')).send({ lang: 'en' });
  if (exported.status !== 202) throw new Error(`export: ${exported.status} ${JSON.stringify(exported.body)}`);
  return {
    open,
    staged,
    draft,
    submitted,
    finalized,
    selfStage,
    managerStage,
    employeeId: member.id,
    exportId: (exported.body as { id: string }).id,
    emails,
    passwords: { admin: TEST_ADMIN.password, hr: TEST_PASSWORD, manager: TEST_PASSWORD, employee: TEST_PASSWORD },
  };
}

/** A page in a context of its own, signed in through the form and switched to the language with its own button. */
export async function signedInPage(browser: Browser, url: string, world: A11yWorld, who: Person, lang: Lang): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${url}/login`);
  await page.type('#f-email', world.emails[who]);
  await page.type('#f-password', world.passwords[who]);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
  if (new URL(page.url()).pathname === '/login') throw new Error(`sign-in of ${who} failed`);
  await Promise.all([page.waitForNavigation(), page.click(`.lang-switch button[value="${lang}"]`)]);
  return { page, context };
}
