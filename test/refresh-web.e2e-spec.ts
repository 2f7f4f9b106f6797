// Posts that change something (submit, finalize, reopen, closing a cycle) answer with a redirect to
// a page read by GET, so the browser's refresh asks for that page again and never repeats the post.
// Proof in a real browser: after each action the page was reached by GET through a 303, a reload
// sends no POST, and the audit trail holds the action once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, HTTPResponse, Page } from 'puppeteer-core';
import { auditOf, createEmployee, createReview, fullAccountManagerEntries, getReview, putScores, seedOpenCycle } from './fixtures.js';
import { launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

describe('a refresh after an action does not repeat it', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;

  beforeAll(async () => {
    t = await createTestApp();
    profile = mkdtempSync(join(tmpdir(), 'scorecard-refresh-e2e-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  async function signedInAsHr(): Promise<{ page: Page; context: BrowserContext; posts: string[] }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'en' });
    // Confirmations (submit, finalize, close) are accepted, as a person would.
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', 'hr@test.example');
    await page.type('#f-password', TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    const posts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST') posts.push(new URL(req.url()).pathname);
    });
    return { page, context, posts };
  }

  /** The action's answer: a page that was reached by GET after a 303 from the post. */
  function expectRedirectedToGet(response: HTTPResponse | null, postedTo: string): void {
    expect(response?.request().method()).toBe('GET');
    const chain = response?.request().redirectChain() ?? [];
    expect(chain.map((r) => [r.method(), new URL(r.url()).pathname, r.response()?.status()])).toEqual([['POST', postedTo, 303]]);
  }

  /** A reload of the page the action led to sends no post. */
  async function reloadSendsNoPost(page: Page, posts: string[]): Promise<void> {
    const before = posts.length;
    const reloaded = await page.reload();
    expect(reloaded?.request().method()).toBe('GET');
    expect(reloaded?.status()).toBe(200);
    expect(posts.slice(before)).toEqual([]);
  }

  it('submit, finalize and reopen of a review', async () => {
    const cycle = await seedOpenCycle(t);
    const member = await createEmployee(t, 'account_manager');
    const review = await createReview(t, member.id, cycle.id);
    await putScores(t, review, fullAccountManagerEntries());
    const { page, context, posts } = await signedInAsHr();
    try {
      await page.goto(`${t.url}/reviews/${review.id}`);
      const submitted = (await Promise.all([page.waitForNavigation(), page.click('#submit-review')]))[0];
      expectRedirectedToGet(submitted, `/reviews/${review.id}/submit`);
      await reloadSendsNoPost(page, posts);

      const finalized = (await Promise.all([page.waitForNavigation(), page.click('#finalize')]))[0];
      expectRedirectedToGet(finalized, `/reviews/${review.id}/finalize`);
      await reloadSendsNoPost(page, posts);

      await page.click('details.card > summary');
      await page.type('#f-reason', 'A KPI actual was entered for the wrong quarter');
      const reopened = (await Promise.all([page.waitForNavigation(), page.click('form[action$="/reopen"] button[type="submit"]')]))[0];
      expectRedirectedToGet(reopened, `/reviews/${review.id}/reopen`);
      await reloadSendsNoPost(page, posts);

      expect(posts).toEqual([`/reviews/${review.id}/submit`, `/reviews/${review.id}/finalize`, `/reviews/${review.id}/reopen`]);
      const actions = (await auditOf(t, 'review', review.id)).map((a) => a.action);
      for (const action of ['submit', 'finalize', 'reopen']) expect(actions.filter((a) => a === action)).toHaveLength(1);
      expect((await getReview(t, review.id)).status).toBe('draft');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('closing a cycle', async () => {
    const cycle = await seedOpenCycle(t);
    const { page, context, posts } = await signedInAsHr();
    try {
      await page.goto(`${t.url}/cycles`);
      const closed = (await Promise.all([page.waitForNavigation(), page.click(`form[action="/cycles/${cycle.id}/close"] button[type="submit"]`)]))[0];
      expectRedirectedToGet(closed, `/cycles/${cycle.id}/close`);
      await reloadSendsNoPost(page, posts);
      expect((await auditOf(t, 'cycle', cycle.id)).map((a) => a.action).filter((a) => a === 'close')).toHaveLength(1);
    } finally {
      await context.close();
    }
  }, 60_000);
});
