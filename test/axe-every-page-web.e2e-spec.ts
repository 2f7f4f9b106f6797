// axe-core (WCAG 2.0, 2.1 and 2.2, A and AA, and its best practices) on every page of the app, for each of the four roles
// (admin, HR, manager, employee) and for a visitor who is not signed in, in English and in Chinese:
// the lists, the forms, the review in each of its states and for each reader, the assessments,
// the calibration, an export in progress, the template editor, the password form, "forgot
// password" with its mailed link (working and used up), and the 403 and 404 pages. Every finding is listed by page, rule and element, all of them in one failure.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import { type A11yWorld, type Lang, type Person, seedA11yWorld, signedInPage } from './support/a11y-world.js';
import { createTestApp, type TestApp } from './support/app.js';
import { axeFindings, launchPageBrowser } from './support/browser.js';

/** A page to scan and the status it answers with. */
interface Visit {
  path: string;
  status: number;
}

const LANGS: Lang[] = ['en', 'zh-CN'];
const RESET_TOKEN = randomBytes(32).toString('base64url');
const UUID = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

describe('axe on every page, for every role, in both languages', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let w: A11yWorld;
  const scanned: string[] = [];

  beforeAll(async () => {
    // No workers: the export stays queued, so its page is the one that follows progress. A mail
    // server is configured (nothing listens there: no page here sends mail) so that "forgot
    // password" shows its form.
    t = await createTestApp({
      RUN_WORKERS: 'false',
      SMTP_URL: 'smtp://127.0.0.1:9',
      MAIL_FROM: 'axe@example.test',
      PUBLIC_URL: 'https://scorecard.example.test',
    });
    w = await seedA11yWorld(t);
    // A working reset link, as if mailed: only its hash is stored.
    await t.db.query(
      `INSERT INTO password_resets (email, user_id, token_hash, ip, expires_at)
       SELECT email, id, $1, 'axe', now() + interval '1 day' FROM users WHERE role = 'admin' LIMIT 1`,
      [createHash('sha256').update(RESET_TOKEN).digest('hex')],
    );
    profile = mkdtempSync(join(tmpdir(), 'scorecard-axe-e2e-'));
    browser = await launchPageBrowser(profile);
  }, 120_000);

  afterAll(async () => {
    console.log(`axe scanned ${scanned.length} pages: ${scanned.join(' | ')}`);
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  /** The first link on a list page to a record of its own (an id at the end of the path). */
  async function firstRecord(page: Page, list: string, prefix: string): Promise<string> {
    await page.goto(`${t.url}${list}`, { waitUntil: 'load' });
    const hrefs = await page.$$eval('main a[href]', (links) => links.map((a) => new URL(a.href).pathname));
    const found = hrefs.find((h) => h.startsWith(prefix) && UUID.test(h));
    if (!found) throw new Error(`no ${prefix}<id> link on ${list}`);
    return found;
  }

  function pagesOf(who: Person, records: { template: string; user: string }): Visit[] {
    const ok = (path: string): Visit => ({ path, status: 200 });
    const review = (r: { id: string }) => ok(`/reviews/${r.id}`);
    const notFound: Visit = { path: '/no-such-page', status: 404 };
    switch (who) {
      case 'hr':
        return [
          ok('/'),
          ok('/reviews'),
          ok(`/reviews?cycleId=${w.open.id}&status=draft`),
          ok(`/reviews?cycleId=${w.staged.id}&status=not_started`),
          ok('/cycles'),
          ok(`/cycles/${w.open.id}/calibration`),
          ok('/employees'),
          ok('/employees/new'),
          ok(`/employees/${w.employeeId}`),
          ok('/imports'),
          review(w.draft),
          review(w.submitted),
          review(w.finalized),
          review(w.managerStage),
          ok(`/exports/${w.exportId}`),
          ok('/password'),
          { path: '/admin/users', status: 403 },
          notFound,
        ];
      case 'admin':
        return [
          ok('/'),
          ok('/reviews'),
          ok('/cycles'),
          ok(`/cycles/${w.open.id}/calibration`),
          ok('/employees'),
          ok(`/employees/${w.employeeId}`),
          ok('/imports'),
          ok('/admin/templates'),
          ok(records.template),
          ok('/admin/users'),
          ok(records.user),
          review(w.finalized),
          ok(`/exports/${w.exportId}`),
          ok('/password'),
          { path: '/team', status: 403 },
          notFound,
        ];
      case 'manager':
        return [
          ok('/team'),
          ok(`/team?cycleId=${w.open.id}`),
          ok(`/team?cycleId=${w.staged.id}`),
          ok('/my'),
          ok(`/team/reviews/${w.managerStage.id}/assessment`),
          review(w.submitted),
          review(w.finalized),
          ok('/password'),
          { path: '/reviews', status: 403 },
          notFound,
        ];
      case 'employee':
        return [ok('/my'), ok(`/my/reviews/${w.selfStage.id}/self-assessment`), review(w.finalized), ok('/password'), { path: '/team', status: 403 }, notFound];
    }
  }

  /** Opens each page, lets its scripts and fonts settle, runs axe and looks for text naming the API; returns what fails, by page. */
  async function scan(page: Page, who: string, lang: Lang, visits: Visit[]): Promise<object[]> {
    const failures: object[] = [];
    for (const { path, status } of visits) {
      const res = await page.goto(`${t.url}${path}`, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const got = res?.status();
      scanned.push(`${who}/${lang} ${path}`);
      if (got !== status) failures.push({ path, status: got, expected: status });
      if ((await page.$eval('html', (html) => html.lang)) !== lang) failures.push({ path, lang: 'not switched' });
      for (const finding of await axeFindings(page)) failures.push({ path, ...finding });
      // Pages never send people to the API (issue 16 point 3): no visible text names it.
      const apiText = await page.evaluate(() => (document.querySelector('main')?.innerText ?? '').match(/\/api\b[^\s]*/g) ?? []);
      if (apiText.length > 0) failures.push({ path, apiText });
    }
    return failures;
  }

  it.each(LANGS)(
    'a visitor who is not signed in: sign-in, forgot password, a reset link and a missing page (%s)',
    async (lang) => {
      const context = await browser.createBrowserContext();
      try {
        const page = await context.newPage();
        await page.setViewport({ width: 1280, height: 900 });
        await page.goto(`${t.url}/login`);
        await Promise.all([page.waitForNavigation(), page.click(`.lang-switch button[value="${lang}"]`)]);
        expect(
          await scan(page, 'visitor', lang, [
            { path: '/login', status: 200 },
            { path: '/forgot-password', status: 200 },
            { path: `/reset-password?token=${RESET_TOKEN}`, status: 200 },
            { path: '/reset-password?token=used-or-unknown', status: 400 },
            { path: '/no-such-page', status: 404 },
          ]),
        ).toEqual([]);
      } finally {
        await context.close();
      }
    },
    120_000,
  );

  const cases = (['hr', 'admin', 'manager', 'employee'] as const).flatMap((who) => LANGS.map((lang) => ({ who, lang })));
  it.each(cases)(
    '$who: every page is free of axe findings ($lang)',
    async ({ who, lang }) => {
      const { page, context } = await signedInPage(browser, t.url, w, who, lang);
      try {
        const records =
          who === 'admin'
            ? { template: await firstRecord(page, '/admin/templates', '/admin/templates/'), user: await firstRecord(page, '/admin/users', '/admin/users/') }
            : { template: '', user: '' };
        expect(await scan(page, who, lang, pagesOf(who, records))).toEqual([]);
      } finally {
        await context.close();
      }
    },
    300_000,
  );
});
