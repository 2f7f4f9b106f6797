// The import page in a real browser (Chromium through Puppeteer) against the real app and database:
// HR uploads a KPI actuals file with a mistake, sees the refusal beside its row, uploads the fixed
// file, confirms, and the review's total changes. A failing step leaves a screenshot in test-output/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ReviewDto, ReviewSummaryDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, seedOpenCycle } from './fixtures.js';
import { launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

const OUTPUT = join(process.cwd(), 'test-output');
const LONG = 'Employee number,KPI key,Actual,Personal target,Rating,Comment';

describe('import page in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let cycle: CycleDto;
  let person: EmployeeDto;
  let review: ReviewDto;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    cycle = await seedOpenCycle(t);
    person = await createEmployee(t, 'account_manager', { name: '赵导入' });
    review = await createReview(t, person.id, cycle.id);
    profile = mkdtempSync(join(tmpdir(), 'scorecard-imports-web-e2e-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  async function signedIn(email: string): Promise<Page> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on('pageerror', (err) => problems.push(`script error: ${err instanceof Error ? err.message : String(err)}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', email);
    await page.type('#f-password', TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    expect(new URL(page.url()).pathname).not.toBe('/login');
    return page;
  }

  async function step<T>(page: Page, name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true }).catch(() => undefined);
      throw err;
    }
  }

  const text = (page: Page, selector: string) => page.$eval(selector, (el) => (el.textContent ?? '').trim());
  const hidden = (page: Page, selector: string) => page.$eval(selector, (el) => (el as HTMLElement).hidden);

  /** Picks `lines` as a CSV file in the page's file input and asks for the dry run. */
  async function check(page: Page, name: string, lines: string[]): Promise<void> {
    const file = join(profile, name);
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const input = (await page.$('#import-file')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(file);
    await page.click('#import-check');
  }

  async function reviewTotal(): Promise<number> {
    const res = await t.http.get('/api/reviews').query({ cycleId: cycle.id, pageSize: 100 }).set(t.as('hr')).expect(200);
    const row = (res.body as { items: ReviewSummaryDto[] }).items.find((r) => r.id === review.id);
    if (!row) throw new Error('the review is not listed');
    return row.total;
  }

  it('HR checks an actuals file, sees the refused row, fixes it, confirms, and the total changes', async () => {
    const page = await signedIn('hr@test.example');
    await step(page, 'imports-open', async () => {
      await Promise.all([page.waitForNavigation(), page.click('nav a[href="/imports"]')]);
      expect(await text(page, 'h1')).toBe('Import from a spreadsheet');
      expect(await hidden(page, '#import-cycle-field')).toBe(true);
      await page.click('#import-kind-actuals');
      expect(await hidden(page, '#import-cycle-field')).toBe(false);
      await page.select('#import-cycle', cycle.id);
    });
    const before = await reviewTotal();
    expect(before).toBe(0);

    const lines = (rating: string) => [LONG, `${person.employeeNo},relationship_upkeep,42,40,,`, `${person.employeeNo},selling,,,${rating},电话沟通`];
    await step(page, 'imports-refused', async () => {
      await check(page, 'actuals-bad.csv', lines('7'));
      const row = await page.waitForSelector('#import-refused tbody tr[data-row="3"]', { visible: true });
      const cells = await row!.$$eval('td', (tds) => tds.map((td) => (td.textContent ?? '').trim()));
      expect(cells).toEqual(['3', 'Rating', 'selling: rating must be from 1 to 5']);
      expect(await page.$$eval('#import-refused tbody tr', (trs) => trs.length)).toBe(1);
      // The upload went all the way; a file with a refusal cannot be confirmed as it is.
      expect(await page.$eval('#import-progress', (el) => (el as HTMLProgressElement).value)).toBe(100);
      expect(await hidden(page, '#import-confirm')).toBe(true);
    });
    expect(await reviewTotal()).toBe(0);

    const after = await step(page, 'imports-fixed', async () => {
      await check(page, 'actuals-good.csv', lines('4'));
      await page.waitForSelector('#import-confirm', { visible: true });
      expect(await hidden(page, '#import-refused-box')).toBe(true);
      const row = `#import-changes tbody tr[data-employee="${person.employeeNo}"]`;
      expect(await text(page, `${row} td:first-child`)).toBe(`${person.employeeNo} 赵导入`);
      expect(await text(page, `${row} td.change del`)).toBe('0.00');
      const total = Number(await text(page, `${row} td.change ins`));
      expect(total).toBeGreaterThan(0);
      // The KPI lines read before → after, the new input highlighted.
      expect(await page.$$eval(`${row} td:last-child div.change ins`, (els) => els.length)).toBe(2);
      return total;
    });
    expect(await reviewTotal()).toBe(0);

    await step(page, 'imports-commit', async () => {
      await page.click('#import-confirm');
      await page.waitForSelector('#import-result', { visible: true });
      expect(await text(page, '#import-report-title')).toBe('Import result');
      const audit = await page.$eval('#import-audit', (a) => (a as HTMLAnchorElement).getAttribute('href'));
      expect(audit).toMatch(/^\/api\/audit\?/);
      expect(await hidden(page, '#import-confirm')).toBe(true);
      // The audit link works for the same signed-in browser.
      const res = await page.evaluate(async (href) => (await fetch(href!, { headers: { Accept: 'application/json' } })).status, audit);
      expect(res).toBe(200);
    });
    expect((await reviewTotal()).toFixed(2)).toBe(after.toFixed(2));

    await step(page, 'imports-reviews', async () => {
      await Promise.all([page.waitForNavigation(), page.click('#import-reviews')]);
      expect(new URL(page.url()).pathname).toBe('/reviews');
    });
    expect(problems).toEqual([]);
  });

  it('shows refusals in Chinese on the Chinese page', async () => {
    const page = await signedIn('hr@test.example');
    await step(page, 'imports-zh', async () => {
      await page.goto(`${t.url}/imports`);
      await Promise.all([page.waitForNavigation(), page.click('.lang-switch button[value="zh-CN"]')]);
      expect(await text(page, 'h1')).toBe('从表格导入');
      await page.click('#import-kind-actuals');
      await page.select('#import-cycle', cycle.id);
      await check(page, 'actuals-zh.csv', [LONG, `${person.employeeNo},relationship_upkeep,forty-two,,,`]);
      const row = await page.waitForSelector('#import-refused tbody tr[data-row="2"]', { visible: true });
      const cells = await row!.$$eval('td', (tds) => tds.map((td) => (td.textContent ?? '').trim()));
      // The API's messageZh, not its English message.
      expect(cells).toEqual(['2', 'Actual', '"forty-two" 不是数字']);
    });
    expect(problems).toEqual([]);
  });
});
