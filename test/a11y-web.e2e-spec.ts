// Accessibility beyond what axe can see (issue 16, point 8), in a real browser against the real
// app: the team's band chart has a table of the same numbers; every comment field on the review
// and assessment pages is named with its KPI; the live total says only the total and the band,
// politely, once the typing pauses; the focus moves to the conflict box when it appears, to the
// first field to fix after a save the page refuses, and to the server's message after a refused
// form; the 403 and 404 pages keep the signed-in navigation. axe runs on each of these states too.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, putScores } from './fixtures.js';
import { type A11yWorld, type Lang, type Person, seedA11yWorld, signedInPage } from './support/a11y-world.js';
import { createTestApp, type TestApp } from './support/app.js';
import { axeFindings, launchPageBrowser } from './support/browser.js';

const OUTPUT = join(process.cwd(), 'test-output');

describe('accessibility beyond axe (issue 16.8)', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let w: A11yWorld;
  let spare: ReviewDto; // a draft of its own for the conflict and refused-save tests

  beforeAll(async () => {
    t = await createTestApp({ RUN_WORKERS: 'false' });
    w = await seedA11yWorld(t);
    spare = await createReview(t, (await createEmployee(t, 'account_manager', { name: 'Lena Schmidt' })).id, w.open.id);
    profile = mkdtempSync(join(tmpdir(), 'scorecard-a11y-e2e-'));
    browser = await launchPageBrowser(profile);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  /** Runs fn on a signed-in page; on failure keeps a screenshot in test-output/. */
  async function as(who: Person, lang: Lang, name: string, fn: (page: Page) => Promise<void>): Promise<void> {
    const { page, context } = await signedInPage(browser, t.url, w, who, lang);
    try {
      await fn(page);
    } catch (err) {
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, `a11y-${name}-${lang}.png`), fullPage: true }).catch(() => undefined);
      throw err;
    } finally {
      await context.close();
    }
  }

  async function open(page: Page, path: string, status = 200): Promise<void> {
    const res = await page.goto(`${t.url}${path}`, { waitUntil: 'load' });
    expect({ path, status: res?.status() }).toEqual({ path, status });
  }

  /** The name a screen reader gives the element (Chromium's accessibility tree). */
  async function accessibleName(page: Page, el: ElementHandle<Element>): Promise<string> {
    const node = await page.accessibility.snapshot({ root: el, interestingOnly: false });
    return node?.name ?? '';
  }

  function focused(page: Page): Promise<{ id: string; tag: string; text: string }> {
    return page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { id: el?.id ?? '', tag: el?.tagName.toLowerCase() ?? '', text: (el?.innerText ?? '').trim().slice(0, 200) };
    });
  }

  it.each<Lang>(['en', 'zh-CN'])('the team band chart has a table of the same counts, final apart from not final (%s)', async (lang) => {
    await as('manager', lang, 'band-table', async (page) => {
      await open(page, `/team?cycleId=${w.open.id}`);
      // Folded at first: a disclosure under the charts, named in the page's language.
      expect(await page.$eval('#team-band-table', (d) => (d as HTMLDetailsElement).open)).toBe(false);
      const toggle = await page.$eval('#team-band-table summary', (s) => s.textContent?.trim());
      expect(toggle).toBe(lang === 'en' ? 'Show the band counts as a table' : '以表格显示各评级人数');
      await page.click('#team-band-table summary');
      const table = await page.$eval('#team-band-table table', (tb) => ({
        caption: tb.querySelector('caption')?.textContent?.trim(),
        head: Array.from(tb.querySelectorAll('thead th')).map((th) => th.textContent?.trim()),
        rows: Array.from(tb.querySelectorAll('tbody tr')).map((tr) => ({
          band: tr.querySelector('th[scope="row"]')?.textContent?.trim() ?? '',
          final: Number(tr.querySelectorAll('td')[0]?.textContent),
          draft: Number(tr.querySelectorAll('td')[1]?.textContent),
        })),
      }));
      expect(table.caption).toBeTruthy();
      expect(table.head).toEqual(lang === 'en' ? ['Rating band', 'Finalized', 'Not final yet'] : [table.head[0], '已定稿', '尚未定稿']);
      // The same numbers as the charts: one finalized review, one complete but only submitted; the
      // draft is incomplete and in neither.
      const bandOf = (r: ReviewDto) => (lang === 'en' ? r.band?.labelEn : r.band?.labelZh);
      expect(table.rows.filter((r) => r.final > 0)).toEqual([
        { band: bandOf(w.finalized), final: 1, draft: bandOf(w.submitted) === bandOf(w.finalized) ? 1 : 0 },
      ]);
      expect(table.rows.reduce((n, r) => n + r.draft, 0)).toBe(1);
      expect(table.rows.find((r) => r.band === bandOf(w.submitted))?.draft).toBe(1);
      const chartCounts = (id: string) => page.$$eval(`#${id} svg text:not([text-anchor])`, (texts) => texts.map((x) => Number(x.textContent)));
      expect(await chartCounts('team-final-chart')).toEqual(table.rows.map((r) => r.final));
      expect(await chartCounts('team-provisional-chart')).toEqual(table.rows.map((r) => r.draft));
      // A screen reader finds a table named by its caption, with a row per band plus the header.
      const snapshot = await page.accessibility.snapshot({ root: (await page.$('#team-band-table table')) ?? undefined, interestingOnly: false });
      expect({ role: snapshot?.role, name: snapshot?.name }).toEqual({ role: 'table', name: table.caption });
      expect(await axeFindings(page)).toEqual([]);
    });
  });

  it.each<Lang>(['en', 'zh-CN'])('every comment field says which KPI it is about: the review and the manager assessment (%s)', async (lang) => {
    const check = async (page: Page): Promise<number> => {
      const fields = await page.$$('input.comment, textarea[name^="comment."]');
      const names: { kpi: string; name: string }[] = [];
      for (const field of fields) {
        const key = await field.evaluate((el) => el.id.replace(/^comment-/, ''));
        const kpi = await page.$eval(`#name-${key}`, (el) => el.textContent?.trim() ?? '');
        names.push({ kpi, name: await accessibleName(page, field) });
      }
      expect(names.filter((n) => n.kpi === '' || !n.name.includes(n.kpi))).toEqual([]);
      // No two fields share a name.
      expect(new Set(names.map((n) => n.name)).size).toBe(names.length);
      return names.length;
    };
    await as('hr', lang, 'comment-labels-review', async (page) => {
      await open(page, `/reviews/${w.draft.id}`);
      expect(await check(page)).toBe(8);
      const first = await page.$('#comment-sales_attainment');
      if (!first) throw new Error('no comment field');
      const kpi = w.draft.kpis.find((k) => k.key === 'sales_attainment');
      expect(await accessibleName(page, first)).toBe(lang === 'en' ? `Comment on ${kpi?.nameEn}` : `${kpi?.nameZh}的备注`);
    });
    await as('manager', lang, 'comment-labels-assessment', async (page) => {
      await open(page, `/team/reviews/${w.managerStage.id}/assessment`);
      expect(await check(page)).toBe(8);
    });
    await as('employee', lang, 'comment-labels-self', async (page) => {
      await open(page, `/my/reviews/${w.selfStage.id}/self-assessment`);
      expect(await check(page)).toBe(8);
    });
  });

  it('the live total is one polite, atomic line with the total and the band, said once the typing pauses', async () => {
    await as('hr', 'en', 'live-total', async (page) => {
      await open(page, `/reviews/${w.draft.id}`);
      const live = await page.$$eval('[aria-live], [role="status"], [role="alert"]', (els) =>
        els
          .filter((el) => !(el as HTMLElement).hidden)
          .map((el) => ({ id: el.id, live: el.getAttribute('aria-live'), atomic: el.getAttribute('aria-atomic') })),
      );
      // Only the announcement line and the save state are live; the totals box and its figures are not.
      expect(live).toEqual([
        { id: 'total-announce', live: 'polite', atomic: 'true' },
        { id: 'save-state', live: 'polite', atomic: null },
      ]);
      expect(await page.$eval('#total-announce', (el) => el.textContent)).toBe('');
      // Count what the line says while someone types a number digit by digit.
      await page.evaluate(() => {
        const said: string[] = [];
        (window as unknown as { said: string[] }).said = said;
        const el = document.getElementById('total-announce') as HTMLElement;
        new MutationObserver(() => said.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
      });
      await page.type('#actual-customer_satisfaction', '81', { delay: 80 });
      await page.type('#actual-customer_retention', '95', { delay: 80 });
      await page.waitForFunction(() => (window as unknown as { said: string[] }).said.length > 0, { timeout: 5000 });
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const said = await page.evaluate(() => (window as unknown as { said: string[] }).said);
      const shown = await page.evaluate(() => ({ total: document.getElementById('total')?.textContent, band: document.getElementById('band')?.textContent }));
      // Four keystrokes in quick succession, one announcement: the final total and band, nothing else.
      expect(said).toEqual([`Total ${shown.total}, band ${shown.band}`]);
      // The save state says "unsaved" once, not once per keystroke.
      expect(await page.$eval('#save-state', (el) => el.textContent)).toBe('Unsaved changes.');
    });
  });

  it('the focus goes to the first field to fix after a refused save, and to the conflict box when someone else saved', async () => {
    await as('hr', 'en', 'conflict-focus', async (page) => {
      await open(page, `/reviews/${spare.id}`);
      await page.type('#actual-sales_attainment', 'lots');
      await page.click('#save');
      expect(await focused(page)).toMatchObject({ id: 'actual-sales_attainment' });
      expect(await page.$eval('#actual-sales_attainment', (el) => el.getAttribute('aria-invalid'))).toBe('true');
      await page.$eval('#actual-sales_attainment', (el) => {
        (el as HTMLInputElement).value = '';
      });
      // Someone else saves in between; this page's save then meets the conflict.
      await putScores(t, spare, [{ kpiKey: 'communication', rating: 2, comment: 'theirs' }]);
      await page.type('#comment-communication', 'mine');
      await page.click('#save');
      await page.waitForSelector('#conflict:not([hidden])');
      await page.waitForFunction(() => document.activeElement?.id === 'conflict', { timeout: 5000 });
      const box = await page.$('#conflict');
      if (!box) throw new Error('no conflict box');
      expect(await accessibleName(page, box)).toBe('Someone else saved this review while you were editing.');
      // Tab goes on into the box's choices.
      const order: string[] = [];
      for (let i = 0; i < 2; i += 1) {
        await page.keyboard.press('Tab');
        order.push((await focused(page)).id);
      }
      expect(order).toEqual(['keep-mine', 'take-theirs']);
      expect(await axeFindings(page)).toEqual([]);
    });
  });

  it.each<Lang>(['en', 'zh-CN'])('a form the server refuses comes back with the focus on its message (%s)', async (lang) => {
    await as('hr', lang, 'refused-form', async (page) => {
      // A new employee without the required fields.
      await open(page, '/employees/new');
      await Promise.all([page.waitForNavigation(), page.click('#employee-form button[type="submit"].primary')]);
      await page.waitForFunction(() => document.activeElement?.id === 'problem', { timeout: 5000 });
      expect(await page.$eval('#problem', (el) => el.getAttribute('tabindex'))).toBe('-1');
      expect(await axeFindings(page)).toEqual([]);
      // Closing a cycle that still has open reviews (the button asks first; yes).
      page.on('dialog', (dialog) => void dialog.accept());
      await open(page, '/cycles');
      await Promise.all([page.waitForNavigation(), page.click(`form[action="/cycles/${w.open.id}/close"] button[type="submit"]`)]);
      await page.waitForFunction(() => document.activeElement?.id === 'problem', { timeout: 5000 });
      // Tab goes on to the message's first link (an open review), not back to the page's top.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => (document.activeElement as HTMLAnchorElement | null)?.closest('#problem') !== null)).toBe(true);
      expect(await axeFindings(page)).toEqual([]);
    });
    // A wrong password: the message, not the e-mail field the page autofocuses otherwise.
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      await page.goto(`${t.url}/login`);
      await Promise.all([page.waitForNavigation(), page.click(`.lang-switch button[value="${lang}"]`)]);
      expect((await focused(page)).id).toBe('f-email');
      await page.type('#f-email', w.emails.hr);
      await page.type('#f-password', 'not-the-password');
      await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
      await page.waitForFunction(() => document.activeElement?.matches('.alert[role="alert"]') === true, { timeout: 5000 });
      expect(await axeFindings(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each([
    { who: 'manager', path: '/reviews', status: 403, home: '/team' },
    { who: 'manager', path: '/no-such-page', status: 404, home: '/team' },
    { who: 'employee', path: '/team', status: 403, home: '/my' },
    { who: 'employee', path: `/reviews/00000000-0000-4000-8000-000000000000`, status: 404, home: '/my' },
    { who: 'hr', path: '/admin/users', status: 403, home: '/reviews' },
    { who: 'admin', path: '/admin/no/such/page', status: 404, home: '/admin/users' },
  ] as const)('the $status page keeps the navigation of the signed-in $who ($path)', async ({ who, path, status, home }) => {
    await as(who, 'zh-CN', `nav-${status}`, async (page) => {
      await open(page, path, status);
      const nav = await page.$$eval('header nav.nav a', (links) => links.map((a) => a.getAttribute('href')));
      expect(nav).toContain(home);
      expect(await page.$$eval('header form[action="/logout"]', (forms) => forms.length)).toBe(1);
      expect(await page.$eval('.status-code', (el) => el.textContent)).toBe(String(status));
    });
  });
});
