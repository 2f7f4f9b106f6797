// The manager's and HR's paths of issue 15 in a real browser (Chromium through Puppeteer) against
// the real app and database: a manager finds the assessment on /team, assesses a report with the
// self-assessment beside it, saves and submits; HR compares the self, manager and final columns,
// takes the manager's proposal for one KPI and overrides another with a reason. Every page is
// checked with axe-core (WCAG 2.1 AA) and, at 390 px wide, for sideways overflow, in both languages.
// A failing step leaves a screenshot in test-output/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { Clock } from '../src/common/clock.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { fullAccountManagerEntries, getReview, putScores } from './fixtures.js';
import { type ManagerStage, seedManagerStage } from './support/assessments.js';
import { launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

const OUTPUT = join(process.cwd(), 'test-output');
// axe's own bundle, evaluated in the page through DevTools (the CSP allows no inline script).
const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
type Lang = 'en' | 'zh-CN';

describe('manager assessment and HR comparison in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let s: ManagerStage;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    s = await seedManagerStage(t);
    profile = mkdtempSync(join(tmpdir(), 'scorecard-assessment-web-e2e-'));
    browser = await launchPageBrowser(profile);
  });
  afterEach(() => t.app.get(Clock).travelTo(null));
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  async function signedIn(email: string, lang: Lang, width = 1280): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width, height: 844 });
    page.on('pageerror', (err) => problems.push(`script error: ${err instanceof Error ? err.message : String(err)}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', email);
    await page.type('#f-password', TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    expect(new URL(page.url()).pathname).not.toBe('/login');
    await Promise.all([page.waitForNavigation(), page.click(`.lang-switch button[value="${lang}"]`)]);
    expect(await page.$eval('html', (html) => html.lang)).toBe(lang);
    return { page, context };
  }

  async function step<T>(page: Page, name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, `assessment-${name}.png`), fullPage: true }).catch(() => undefined);
      throw err;
    }
  }

  async function open(page: Page, path: string): Promise<void> {
    const res = await page.goto(`${t.url}${path}`, { waitUntil: 'load' });
    expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
  }

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

  /** How far the page reaches sideways at the viewport's width, and the elements that stick out. */
  function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; outside: string[] }> {
    return page.evaluate(() => {
      const width = window.innerWidth;
      const outside = Array.from(document.querySelectorAll('main *'))
        .filter((el) => {
          const r = el.getBoundingClientRect();
          // A region that scrolls sideways on purpose (the team list's table) holds its overflow.
          let up = el.parentElement;
          while (up && up !== document.body) {
            const x = getComputedStyle(up).overflowX;
            if (x === 'auto' || x === 'scroll') return false;
            up = up.parentElement;
          }
          return r.width > 0 && r.right > width + 1 && !el.closest('.sr-only') && getComputedStyle(el).position !== 'absolute';
        })
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className}`);
      return { scrollWidth: document.scrollingElement?.scrollWidth ?? 0, innerWidth: width, outside };
    });
  }

  /** axe at desktop width, then no sideways overflow and axe again at 390 px, for each path. */
  async function checkPages(email: string, lang: Lang, paths: string[]): Promise<void> {
    const { page, context } = await signedIn(email, lang);
    const found: object[] = [];
    const wanted: object[] = [];
    try {
      for (const path of paths) {
        await page.setViewport({ width: 1280, height: 844 });
        await open(page, path);
        const wide = await axeViolations(page);
        await page.setViewport({ width: 390, height: 844 });
        await open(page, path);
        const fit = await overflow(page);
        console.log(`MEASURE ${lang} ${path} at 390 px: scrollWidth=${fit.scrollWidth}`);
        found.push({ path, wide, narrow: await axeViolations(page), scrollWidth: fit.scrollWidth, outside: fit.outside });
        wanted.push({ path, wide: [], narrow: [], scrollWidth: 390, outside: [] });
      }
    } finally {
      await context.close();
    }
    expect(found).toEqual(wanted);
  }

  const assessmentPath = () => `/team/reviews/${s.review.id}/assessment`;

  it('a manager finds the assessment on /team, sees the self-assessment beside the form, saves a draft and submits', async () => {
    t.app.get(Clock).travelTo(new Date('2026-07-20T10:00:00+08:00'));
    const { page, context } = await signedIn(s.managerEmail, 'en');
    try {
      await step(page, 'team', async () => {
        await open(page, '/team');
        const todo = await page.$eval(`#team-todo li[data-review="${s.review.id}"]`, (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
        expect(todo).toContain(`Assess ${s.report.name}, due 2026-07-17`);
        expect(todo).toContain('Overdue');
        await Promise.all([page.waitForNavigation(), page.click(`#team-todo a[href="${assessmentPath()}"]`)]);
      });
      await step(page, 'assess', async () => {
        expect(await page.$eval('#self-summary', (el) => el.textContent ?? '')).toContain('A good half year; I want to lead a team next.');
        expect(await page.$eval('tr[data-kpi="communication"] .self-cell', (el) => (el.textContent ?? '').replace(/\s+/g, ' '))).toContain('5 ·');
        expect(await page.$eval('tr[data-kpi="communication"] .self-cell', (el) => el.textContent ?? '')).toContain('I ran the customer workshops');
        // Save only two proposals first: a draft keeps what was typed.
        await page.select('#rating-communication', '4');
        await page.select('#rating-selling', '5');
        await page.type('#comment-selling', 'Closed the two largest renewals');
        await page.type('#f-summary', 'Ready to lead a small team.');
        await Promise.all([page.waitForNavigation(), page.click('#save-assessment')]);
        expect(new URL(page.url()).searchParams.get('notice')).toBe('assessmentSaved');
        expect(await page.$eval('#rating-selling', (el) => (el as HTMLSelectElement).value)).toBe('5');
        // Submitting with ratings missing names them, in the page's language; the draft stays saved.
        await Promise.all([page.waitForNavigation(), page.click('#submit-assessment')]);
        expect(await page.$eval('#problem', (el) => el.textContent ?? '')).toMatch(/cannot be submitted yet/);
        expect(await page.$eval('#err-customer_service', (el) => el.textContent ?? '')).toBe('Choose a proposed rating before submitting.');
        await page.select('#rating-customer_service', '3');
        await page.select('#rating-problem_solving', '4');
        await Promise.all([page.waitForNavigation(), page.click('#submit-assessment')]);
        expect(new URL(page.url()).searchParams.get('notice')).toBe('assessmentSubmitted');
        expect(await page.$('#assessment-form select')).toBeNull();
        expect(await page.$eval('tr[data-kpi="selling"]', (el) => el.textContent ?? '')).toContain('Closed the two largest renewals');
      });
    } finally {
      await context.close();
    }
    expect((await getReview(t, s.review.id)).stage.stage).toBe('hr');
    expect(problems).toEqual([]);
  }, 240_000);

  it("HR compares the columns, takes the manager's proposal for one KPI and overrides another with a reason", async () => {
    // HR's own inputs: the target KPIs' actuals, and ratings still open for the rating KPIs.
    let review: ReviewDto = await getReview(t, s.review.id);
    review = await putScores(
      t,
      review,
      fullAccountManagerEntries().map((e) => (e.rating === undefined ? e : { kpiKey: e.kpiKey, rating: null })),
    );
    const { page, context } = await signedIn('hr@test.example', 'en');
    try {
      await step(page, 'hr-compare', async () => {
        await open(page, `/reviews/${review.id}`);
        const heads = await page.$$eval('.kpi-table thead th', (ths) => ths.map((th) => (th.textContent ?? '').trim()));
        expect(heads).toEqual(expect.arrayContaining(['Self-assessment', "Manager's proposal", 'Final']));
        expect(await page.$eval('tr[data-kpi="communication"] [data-self]', (el) => el.textContent ?? '')).toContain('5 ·');
        expect(await page.$eval('tr[data-kpi="communication"] [data-proposal]', (el) => el.getAttribute('data-proposal'))).toBe('4');
        await Promise.all([page.waitForNavigation(), page.click('#take-communication')]);
        expect(new URL(page.url()).searchParams.get('notice')).toBe('proposalTaken');
        expect(await page.$eval('#rating-communication', (el) => (el as HTMLSelectElement).value)).toBe('4');
        expect(await page.$('#take-communication')).toBeNull();
      });
      await step(page, 'hr-override', async () => {
        expect(await page.$eval('[data-reason-for="selling"]', (el) => (el as HTMLElement).hidden)).toBe(true);
        await page.select('#rating-selling', '3');
        expect(await page.$eval('[data-reason-for="selling"]', (el) => (el as HTMLElement).hidden)).toBe(false);
        await page.click('#save');
        await page.waitForFunction(() => !(document.getElementById('err-selling') as HTMLElement).hidden, { timeout: 20_000 });
        expect(await page.$eval('#err-selling', (el) => el.textContent ?? '')).toBe('Give a reason: the manager proposed 5.');
        await page.type('#reason-selling', 'Two of the renewals were signed by her predecessor');
        await page.click('#save');
        await page.waitForFunction(() => /Saved/.test(document.getElementById('save-state')?.textContent ?? ''), { timeout: 20_000 });
      });
    } finally {
      await context.close();
    }
    const after = await getReview(t, review.id);
    expect(after.kpis.find((k) => k.key === 'communication')?.input.rating).toBe(4);
    expect(after.kpis.find((k) => k.key === 'selling')).toMatchObject({
      input: { rating: 3 },
      finalReason: 'Two of the renewals were signed by her predecessor',
    });
    expect(problems).toEqual([]);
  });

  it('the new and changed pages have no axe violations and fit 390 px, in both languages', async () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      await checkPages(s.managerEmail, lang, ['/team', assessmentPath()]);
      await checkPages('hr@test.example', lang, [`/reviews/${s.review.id}`]);
    }
    // A draft assessment's form (selects, inputs, the textarea) too.
    const other = await seedManagerStage(t, s.cycle);
    await checkPages(other.managerEmail, 'en', [`/team/reviews/${other.review.id}/assessment`]);
    expect(problems).toEqual([]);
  }, 480_000);
});
