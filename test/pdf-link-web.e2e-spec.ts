// A PDF link in a real browser (Chromium through Puppeteer) against the real app, which prints the
// scorecard in its own Chromium: while the file is being prepared the link says so, and a second
// click does not print it again (the requests to the PDF address are counted); a printer that stays
// down is retried after its Retry-After and then said so in the page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import { createEmployee, createReview, seedOpenCycle } from './fixtures.js';
import { boxedChinese, launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

describe('PDF link in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;

  beforeAll(async () => {
    // A loaded machine must not turn the first print (Chromium starting) into a timeout's 503 here: the
    // retry after a 503 is the last test's subject.
    t = await createTestApp({ PDF_TIMEOUT_MS: '60000' });
    profile = mkdtempSync(join(tmpdir(), 'scorecard-pdf-link-e2e-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  it.each([
    ['en', 'Preparing the PDF…'],
    ['zh-CN', '正在生成 PDF…'],
  ])(
    '%s: a double click prints once and the link says it is working meanwhile',
    async (lang, busy) => {
      const cycle = await seedOpenCycle(t);
      const manager = await createEmployee(t, 'manager');
      const member = await createEmployee(t, 'account_manager', { managerId: manager.id });
      const review = await createReview(t, member.id, cycle.id);
      const email = `pdf-${lang}-${manager.employeeNo.toLowerCase()}@web.example`;
      await t.userFor('manager', manager.id, email);
      const context = await browser.createBrowserContext();
      try {
        const page = await context.newPage();
        await page.setExtraHTTPHeaders({ 'Accept-Language': lang === 'en' ? 'en' : 'zh-CN,zh' });
        const errors: string[] = [];
        page.on('pageerror', (err) => errors.push(err instanceof Error ? err.message : String(err)));
        await page.goto(`${t.url}/login`);
        await page.type('#f-email', email);
        await page.type('#f-password', TEST_PASSWORD);
        await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
        await page.goto(`${t.url}/team?cycleId=${cycle.id}`);
        // The first request to the PDF address is held until the link's busy state has been read: the
        // server prints in ~50 ms, faster than two clicks and a look at the link (CI once saw it done).
        const held = await holdFirstPdfRequest(page, review.id);
        const pdf = watchPdfRequests(page, review.id);
        const link = 'a.scorecard-link';
        await page.click(link);
        await page.click(link);
        await held.arrived;
        expect(await page.$eval(link, (a) => [a.textContent, a.getAttribute('aria-busy')])).toEqual([busy, 'true']);
        expect(pdf.requests).toHaveLength(1);
        held.release();
        await page.waitForFunction((sel: string) => document.querySelector(sel)?.getAttribute('aria-busy') === null, { timeout: 90_000 }, link);
        // A loaded machine may answer 503 (print timeout) and the link then asks again after Retry-After:
        // every request but the last was such a refusal, and exactly one file came back.
        expect(pdf.statuses.at(-1)).toBe(200);
        expect(pdf.statuses.slice(0, -1).every((status) => status === 503)).toBe(true);
        expect(pdf.requests).toHaveLength(pdf.statuses.length);
        expect(await page.$$('.pdf-unavailable')).toHaveLength(0);
        expect(await page.$eval(link, (a) => a.getAttribute('href'))).toContain('scorecard.pdf');
        expect(await boxedChinese(page)).toEqual([]);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    120_000,
  );

  it('with the printer down the link asks three times, then says so in the page instead of leaving it', async () => {
    const broken = await createTestApp({ CHROMIUM_PATH: '/nonexistent/chrome' });
    const context = await browser.createBrowserContext();
    try {
      const cycle = await seedOpenCycle(broken);
      const manager = await createEmployee(broken, 'manager');
      const member = await createEmployee(broken, 'account_manager', { managerId: manager.id });
      const review = await createReview(broken, member.id, cycle.id);
      const email = `pdf-down-${manager.employeeNo.toLowerCase()}@web.example`;
      await broken.userFor('manager', manager.id, email);
      const page = await context.newPage();
      await page.setExtraHTTPHeaders({ 'Accept-Language': 'zh-CN,zh' });
      await page.goto(`${broken.url}/login`);
      await page.type('#f-email', email);
      await page.type('#f-password', TEST_PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
      const teamUrl = `${broken.url}/team?cycleId=${cycle.id}`;
      await page.goto(teamUrl);
      const pdf = watchPdfRequests(page, review.id);
      await page.click('a.scorecard-link');
      await page.waitForSelector('.pdf-unavailable[role="alert"]', { timeout: 60_000 });
      expect(pdf.statuses).toEqual([503, 503, 503]);
      // A browser that is not there is looked for again on the next print, so even this 503 says when.
      expect(pdf.retryAfter).toEqual(['10', '10', '10']);
      expect(await page.$eval('.pdf-unavailable', (el) => el.textContent)).toBe('PDF 生成服务正忙，请一分钟后再试。');
      expect(page.url()).toBe(teamUrl);
      expect(await page.$eval('a.scorecard-link', (a) => a.getAttribute('aria-busy'))).toBeNull();
    } finally {
      await context.close();
      await broken.close();
    }
  }, 120_000);
});

function isPdfOf(url: string, reviewId: string): boolean {
  return url.includes(`/api/reviews/${reviewId}/scorecard.pdf`);
}

// Holds the browser's first request to the review's PDF until release(); the server sees it only then.
async function holdFirstPdfRequest(page: Page, reviewId: string): Promise<{ arrived: Promise<void>; release: () => void }> {
  let arrive!: () => void;
  let release!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let first = true;
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    if (first && isPdfOf(req.url(), reviewId)) {
      first = false;
      arrive();
      void released.then(() => req.continue());
      return;
    }
    void req.continue();
  });
  return { arrived, release };
}

function watchPdfRequests(page: Page, reviewId: string): { requests: string[]; statuses: number[]; retryAfter: (string | undefined)[] } {
  const seen = { requests: [] as string[], statuses: [] as number[], retryAfter: [] as (string | undefined)[] };
  const ours = (url: string) => isPdfOf(url, reviewId);
  page.on('request', (req) => {
    if (ours(req.url())) seen.requests.push(req.url());
  });
  page.on('response', (res) => {
    if (!ours(res.url())) return;
    seen.statuses.push(res.status());
    seen.retryAfter.push(res.headers()['retry-after']);
  });
  return seen;
}
