// The HR review list's bulk actions and the review page's "next" links in a real browser (Chromium
// through Puppeteer) against the real app and database: HR ticks reviews, finalizes them, and the
// post answers 303 to a stored result page that lists each review done and each skipped with its
// reason, in English and in Chinese; a reload repeats nothing; a reopen without a reason comes back
// with the field marked. Every page is scanned with axe (WCAG 2.2 AA and best practices). A failing step leaves a screenshot in test-output/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, HTTPResponse, Page } from 'puppeteer-core';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { auditOf, createEmployee, createReview, fullAccountManagerEntries, getReview, putScores, seedOpenCycle, uniq } from './fixtures.js';
import { axeFindings, launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

const OUTPUT = join(process.cwd(), 'test-output');

/** axe's findings (WCAG 2.2 AA and best practices) as "rule: elements" lines. */
async function axeViolations(page: Page): Promise<string[]> {
  return (await axeFindings(page)).map((f) => `${f.rule}: ${f.nodes.join(', ')}`);
}

describe('bulk actions and the next review, in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let cycle: CycleDto;
  let dept: string;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    cycle = await seedOpenCycle(t, `Bulk web ${uniq()}`);
    dept = `Bulk web ${uniq()}`;
    profile = mkdtempSync(join(tmpdir(), 'scorecard-bulk-web-e2e-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  /** A complete draft of a new person in the department; submitted when asked. */
  async function review(name: string, submit: boolean): Promise<ReviewDto> {
    const e = await createEmployee(t, 'account_manager', { department: dept, name, employeeNo: `BW-${uniq()}` });
    const draft = await putScores(t, await createReview(t, e.id, cycle.id), fullAccountManagerEntries());
    if (!submit) return draft;
    return (await t.http.post(`/api/reviews/${draft.id}/submit`).set(t.as('hr')).send({ version: draft.version }).expect(200)).body as ReviewDto;
  }

  async function signedInAsHr(lang: 'en' | 'zh-CN'): Promise<{ page: Page; posts: string[] }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on('dialog', (dialog) => void dialog.accept());
    page.on('pageerror', (err) => problems.push(`script error: ${err instanceof Error ? err.message : String(err)}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', 'hr@test.example');
    await page.type('#f-password', TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    await page.setCookie({ name: 'scorecard_lang', value: lang, url: t.url });
    const posts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST') posts.push(new URL(req.url()).pathname);
    });
    return { page, posts };
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

  const listUrl = () => `${t.url}/reviews?${new URLSearchParams({ cycleId: cycle.id, department: dept }).toString()}`;

  /** Ticks these reviews in the list, picks the action and runs it; the answer the browser ends on. */
  async function runBulk(page: Page, ids: string[], action: string, reason = ''): Promise<HTTPResponse | null> {
    for (const id of ids) await page.click(`#pick-${id}`);
    await page.select('#bulk-action', action);
    if (reason) await page.type('#bulk-reason', reason);
    return (await Promise.all([page.waitForNavigation(), page.click('#bulk-run')]))[0];
  }

  const skippedRows = (page: Page) =>
    page.$$eval('#bulk-skipped tbody tr', (rows) =>
      rows.map((r) => ({ code: r.getAttribute('data-code'), text: (r.textContent ?? '').replace(/\s+/g, ' ').trim() })),
    );
  const doneNames = (page: Page) => page.$$eval('#bulk-done tbody tr td:nth-child(2)', (cells) => cells.map((c) => (c.textContent ?? '').trim()));

  it('HR ticks reviews, finalizes them, sees each done and each skip with its reason (en), a reload repeats nothing, and the review page leads to the next one', async () => {
    const a = await review(`Alpha ${uniq()}`, true);
    const b = await review(`Bravo ${uniq()}`, true);
    const c = await review(`Charlie ${uniq()}`, false);
    const { page, posts } = await signedInAsHr('en');

    const result = await step(page, 'bulk-en-finalize', async () => {
      await page.goto(listUrl());
      expect(await axeViolations(page)).toEqual([]);
      // "Choose all on this page" ticks and clears every row, and shows partly ticked when only some are.
      const ticked = () => page.$$eval('input[name="ids"]', (boxes) => boxes.map((b) => b.checked));
      await page.click('#pick-all');
      expect(await ticked()).toEqual([true, true, true]);
      await page.click(`#pick-${b.id}`);
      expect(await page.$eval('#pick-all', (el) => (el as HTMLInputElement).indeterminate)).toBe(true);
      await page.click(`#pick-${b.id}`);
      await page.click('#pick-all');
      expect(await ticked()).toEqual([false, false, false]);
      const answer = await runBulk(page, [a.id, c.id], 'finalize');
      // POST-redirect-GET: the result is a page read by GET after a 303.
      expect(answer?.request().method()).toBe('GET');
      expect(answer?.status()).toBe(200);
      expect(
        answer
          ?.request()
          .redirectChain()
          .map((r) => [r.method(), new URL(r.url()).pathname, r.response()?.status()]),
      ).toEqual([['POST', '/reviews/bulk', 303]]);
      expect(new URL(page.url()).pathname).toMatch(/^\/reviews\/bulk\/[0-9a-f-]{36}$/);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('Finalize: result');
      expect(await page.$eval('#bulk-summary', (p) => p.textContent)).toBe('1 done, 1 skipped.');
      expect(await doneNames(page)).toEqual([a.employee.name]);
      const skipped = await skippedRows(page);
      expect(skipped).toHaveLength(1);
      expect(skipped[0].code).toBe('wrong_status');
      expect(skipped[0].text).toContain(c.employee.name);
      expect(skipped[0].text).toMatch(/It is draft; this action does not apply to it\./i);
      expect(await axeViolations(page)).toEqual([]);
      return page.url();
    });

    await step(page, 'bulk-en-reload', async () => {
      const before = posts.length;
      const reloaded = await page.reload();
      expect(reloaded?.request().method()).toBe('GET');
      expect(page.url()).toBe(result);
      expect(posts.slice(before)).toEqual([]);
      expect((await auditOf(t, 'review', a.id)).filter((x) => x.action === 'finalize')).toHaveLength(1);
      expect((await getReview(t, a.id)).status).toBe('finalized');
      expect((await getReview(t, c.id)).status).toBe('draft');
    });

    await step(page, 'bulk-en-reopen-no-reason', async () => {
      await Promise.all([page.waitForNavigation(), page.click('#bulk-back')]);
      expect(new URL(page.url()).searchParams.get('department')).toBe(dept);
      const answer = await runBulk(page, [b.id], 'reopen');
      expect(answer?.status()).toBe(400);
      expect(await page.$eval('#bulk-problem', (el) => el.textContent)).toMatch(/reason/i);
      expect(await page.$eval('#bulk-reason', (el) => el.closest('.field')?.querySelector('.field-error')?.textContent ?? '')).toMatch(/reason/i);
      // What was ticked is still ticked; nothing changed.
      expect(await page.$eval(`#pick-${b.id}`, (el) => (el as HTMLInputElement).checked)).toBe(true);
      expect((await getReview(t, b.id)).status).toBe('submitted');
      expect(await axeViolations(page)).toEqual([]);
    });

    await step(page, 'bulk-en-next', async () => {
      await page.goto(listUrl());
      // The list's link carries its filters; the review page's next links follow the list's order within them.
      await Promise.all([page.waitForNavigation(), page.click(`a[href^="/reviews/${a.id}?"]`)]);
      expect(new URL(page.url()).searchParams.get('department')).toBe(dept);
      expect(await page.$eval('#next-draft', (el) => el.textContent)).toBe(`Next draft: ${c.employee.name}`);
      expect(await page.$eval('#next-submitted', (el) => el.textContent)).toBe(`Next submitted: ${b.employee.name}`);
      const next = new URL(await page.$eval('#next-submitted', (el) => (el as HTMLAnchorElement).href));
      expect(next.pathname).toBe(`/reviews/${b.id}`);
      expect(next.searchParams.get('department')).toBe(dept);
      expect(await axeViolations(page)).toEqual([]);
      // Finalizing on the review page keeps the list: back on the page, the next submitted is offered (none is left here).
      await Promise.all([page.waitForNavigation(), page.click('#next-submitted')]);
      await Promise.all([page.waitForNavigation(), page.click('#finalize')]);
      const after = new URL(page.url());
      expect(after.pathname).toBe(`/reviews/${b.id}`);
      expect(after.searchParams.get('notice')).toBe('finalized');
      expect(after.searchParams.get('department')).toBe(dept);
      expect(await page.$eval('#next-draft', (el) => el.textContent)).toBe(`Next draft: ${c.employee.name}`);
      expect(await page.$('#no-next-submitted')).not.toBeNull();
    });
    expect(problems).toEqual([]);
  }, 180_000);

  it('the result page says each skip in Chinese', async () => {
    const d = await review(`丁 ${uniq()}`, true);
    const e = await review(`戊 ${uniq()}`, false);
    const { page } = await signedInAsHr('zh-CN');
    await step(page, 'bulk-zh-finalize', async () => {
      await page.goto(listUrl());
      expect(await page.$eval('#bulk-title', (el) => el.textContent)).toBe('批量处理评估');
      const answer = await runBulk(page, [d.id, e.id], 'finalize');
      expect(
        answer
          ?.request()
          .redirectChain()
          .map((r) => r.response()?.status()),
      ).toEqual([303]);
      expect(await page.$eval('h1', (h) => h.textContent)).toBe('定稿：结果');
      expect(await page.$eval('#bulk-summary', (p) => p.textContent)).toBe('已完成 1 项，跳过 1 项。');
      expect(await doneNames(page)).toEqual([d.employee.name]);
      const skipped = await skippedRows(page);
      expect(skipped.map((s) => s.code)).toEqual(['wrong_status']);
      expect(skipped[0].text).toContain(e.employee.name);
      expect(skipped[0].text).toMatch(/当前状态为「.+」，不适用此操作。/);
      expect(skipped[0].text).not.toMatch(/draft|cannot/i);
      expect(await axeViolations(page)).toEqual([]);
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
