// A PDF link in a real browser (Chromium through Puppeteer) against the real app, which prints the
// scorecard in its own Chromium: while the file is being prepared the link says so, and a second
// click does not print it again (the requests to the PDF address are counted).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'puppeteer-core';
import { createEmployee, createReview, seedOpenCycle } from './fixtures.js';
import { boxedChinese, launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

describe('PDF link in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;

  beforeAll(async () => {
    t = await createTestApp();
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
  ])('%s: a double click prints once and the link says it is working meanwhile', async (lang, busy) => {
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
      const pdfRequests: string[] = [];
      const finished: string[] = [];
      page.on('request', (req) => {
        if (req.url().includes(`/api/reviews/${review.id}/scorecard.pdf`)) pdfRequests.push(req.url());
      });
      page.on('requestfinished', (req) => {
        if (req.url().includes(`/api/reviews/${review.id}/scorecard.pdf`)) finished.push(req.url());
      });
      const link = 'a.scorecard-link';
      await page.click(link);
      await page.click(link);
      expect(await page.$eval(link, (a) => [a.textContent, a.getAttribute('aria-busy')])).toEqual([busy, 'true']);
      await page.waitForFunction((sel: string) => document.querySelector(sel)?.getAttribute('aria-busy') === null, { timeout: 60_000 }, link);
      expect(pdfRequests).toHaveLength(1);
      expect(finished).toHaveLength(1);
      expect(await page.$eval(link, (a) => a.getAttribute('href'))).toContain('scorecard.pdf');
      expect(await boxedChinese(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
