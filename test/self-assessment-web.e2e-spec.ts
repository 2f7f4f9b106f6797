// The employee's self-assessment in a real browser (Chromium through Puppeteer) against the real
// app: the to-do on /my, the form saved, refused with the missing rating named beside its KPI,
// submitted and then read-only; HR then reads it on the review page. At desktop width and at
// 390 px (no sideways scrolling), with axe-core finding no WCAG 2.1 AA violation on the new page.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { SelfAssessmentDto } from '../src/assessments/dto/self-assessment.dto.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, getReview, seedStagedCycle } from './fixtures.js';
import { launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

const OUTPUT = join(process.cwd(), 'test-output');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
// axe's own bundle, evaluated in the page through DevTools (the CSP allows no inline script).
const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const RATED = ['communication', 'selling', 'customer_service', 'problem_solving'];

describe('self-assessment in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let cycle: CycleDto;
  let manager: EmployeeDto;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    // Due dates in July 2026: on today's clock the stage is overdue, which the to-do must say.
    cycle = await seedStagedCycle(t);
    manager = await createEmployee(t, 'manager', { name: '李经理' });
    profile = mkdtempSync(join(tmpdir(), 'scorecard-self-e2e-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  /** An employee of the manager's team with a review waiting for their self-assessment, and their sign-in. */
  async function employeeWithReview(name: string): Promise<{ email: string; review: ReviewDto }> {
    const e = await createEmployee(t, 'account_manager', { managerId: manager.id, name });
    const review = await createReview(t, e.id, cycle.id);
    const email = `self-${e.employeeNo.toLowerCase()}@web.example`;
    await t.userFor('employee', e.id, email);
    return { email, review };
  }

  async function signedIn(email: string, viewport: typeof DESKTOP | typeof PHONE, lang: 'en' | 'zh-CN'): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport(viewport);
    await page.setExtraHTTPHeaders({ 'Accept-Language': lang === 'en' ? 'en' : 'zh-CN,zh' });
    page.on('pageerror', (err) => problems.push(`script error: ${err instanceof Error ? err.message : String(err)}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    // The submit button asks for confirmation; a person says yes.
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', email);
    await page.type('#f-password', TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    expect(new URL(page.url()).pathname).toBe('/my');
    return { page, context };
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

  const text = (page: Page, selector: string) => page.$eval(selector, (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
  const clickAndWait = async (page: Page, selector: string) => {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  };
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  async function axeViolations(page: Page): Promise<string[]> {
    await page.evaluate(AXE_SOURCE);
    return page.evaluate(async (tags: string[]) => {
      const axe = (
        window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } }
      ).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }, WCAG_21_AA);
  }

  it('desktop, English: to-do on /my, save, a refused submit naming the missing rating, submit, read-only; HR reads it', async () => {
    const { email, review } = await employeeWithReview('王小明');
    const { page, context } = await signedIn(email, DESKTOP, 'en');
    try {
      await step(page, 'self-todo', async () => {
        const todo = `#my-todos li[data-review="${review.id}"]`;
        expect(await text(page, todo)).toBe(`Self-assessment for ${cycle.name} due 2026-07-10 overdue`);
        await clickAndWait(page, `${todo} a`);
        expect(new URL(page.url()).pathname).toBe(`/my/reviews/${review.id}/self-assessment`);
        expect(await text(page, 'h1')).toBe(`Self-assessment: ${cycle.name}`);
        expect(await text(page, '#self-due')).toBe('Due 2026-07-10 overdue');
        expect(await page.$$eval('fieldset.self-kpi', (f) => f.length)).toBe(8);
        // Target KPIs take no rating from the employee: HR enters their actuals.
        expect(await page.$('#rating-sales_attainment')).toBeNull();
        expect(await axeViolations(page)).toEqual([]);
      });

      await step(page, 'self-save', async () => {
        for (const [i, key] of RATED.slice(0, 3).entries()) await page.select(`#rating-${key}`, String(i + 3));
        await page.type('#comment-sales_attainment', 'Closed the two largest deals of the region');
        await page.type('#comment-selling', '签约三家大客户');
        await page.type('#f-summary', 'A good half-year.');
        await clickAndWait(page, '#save-self');
        expect(new URL(page.url()).search).toBe('?notice=selfSaved');
        expect(await page.$eval('#rating-selling', (s) => (s as HTMLSelectElement).value)).toBe('4');
        expect(await page.$eval('#comment-selling', (s) => (s as HTMLTextAreaElement).value)).toBe('签约三家大客户');
      });

      await step(page, 'self-submit-refused', async () => {
        await clickAndWait(page, '#submit-self');
        expect(await text(page, '#problem')).toBe('Rate every rating KPI before you submit: Problem solving.');
        expect(await text(page, '#err-rating-problem_solving')).toBe('Rate this KPI before you submit.');
        expect(await page.$eval('#rating-problem_solving', (s) => s.getAttribute('aria-invalid'))).toBe('true');
        expect(await page.$eval('#f-summary', (s) => (s as HTMLTextAreaElement).value)).toBe('A good half-year.');
        expect(await axeViolations(page)).toEqual([]);
      });

      await step(page, 'self-submit', async () => {
        await page.select('#rating-problem_solving', '2');
        await clickAndWait(page, '#submit-self');
        expect(new URL(page.url()).search).toBe('?notice=selfSubmitted');
        expect(await text(page, '#read-only')).toMatch(/^Your self-assessment is submitted and can no longer change\. Submitted /);
        expect(await page.$('#save-self')).toBeNull();
        expect(await page.$('select')).toBeNull();
        expect(await text(page, '#rating-selling')).toBe('4 · Exceeds expectations');
        expect(await axeViolations(page)).toEqual([]);
        await page.goto(`${t.url}/my`);
        expect(await page.$(`#my-todos li[data-review="${review.id}"]`)).toBeNull();
      });
    } finally {
      await context.close();
    }
    const after = await getReview(t, review.id);
    expect(after.stage.stage).toBe('manager');
    const sa = (await t.http.get(`/api/reviews/${review.id}/self-assessment`).set(t.as('hr')).expect(200)).body as SelfAssessmentDto;
    expect(sa.entries.filter((e) => e.rating !== null).map((e) => [e.kpiKey, e.rating])).toEqual([
      ['communication', 3],
      ['selling', 4],
      ['customer_service', 5],
      ['problem_solving', 2],
    ]);
    // HR's review page shows it, read-only, at its end.
    const hrPage = await t.http.get(`/reviews/${review.id}`).set(t.as('hr')).set('Accept-Language', 'en').expect(200);
    expect(hrPage.text).toContain('id="self-assessment"');
    expect(hrPage.text).toMatch(/<tr data-kpi="selling"><td>Selling<\/td><td>4 · Exceeds expectations<\/td><td>签约三家大客户<\/td><\/tr>/);
    expect(problems).toEqual([]);
  });

  it('at 390 px, in Chinese: the form fits the screen, and submits in one go', async () => {
    const { email, review } = await employeeWithReview('陈静');
    const { page, context } = await signedIn(email, PHONE, 'zh-CN');
    try {
      await step(page, 'self-phone', async () => {
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        await clickAndWait(page, `#my-todos li[data-review="${review.id}"] a`);
        expect(await text(page, 'h1')).toBe(`自评：${cycle.name}`);
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        expect(await axeViolations(page)).toEqual([]);
        for (const key of RATED) await page.select(`#rating-${key}`, '4');
        await page.type('#comment-communication', '每周与客户沟通');
        await clickAndWait(page, '#submit-self');
        expect(new URL(page.url()).search).toBe('?notice=selfSubmitted');
        expect(await text(page, '#read-only')).toMatch(/^您的自评已提交，不能再修改。/);
        expect(await overflow(page)).toBeLessThanOrEqual(0);
        expect(await axeViolations(page)).toEqual([]);
      });
    } finally {
      await context.close();
    }
    expect((await getReview(t, review.id)).stage.stage).toBe('manager');
    expect(problems).toEqual([]);
  });
});
