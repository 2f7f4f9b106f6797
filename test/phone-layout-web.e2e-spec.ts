// Every page of every role at 390 × 844, in both languages (issue 16 point 7): the test signs in as
// HR, an admin, a manager and an employee, starts at their home page and follows every link of the
// app it finds (one page per address shape, so a list of a hundred reviews costs one visit), and
// asserts on each page the four phone rules, listing the offenders by page and element:
// - the page never scrolls sideways (its scroll width is at most the screen's);
// - no table scrolls sideways inside its wrapper: where columns do not fit, rows become cards;
// - the header takes at most 64 px;
// - no button wraps a character per line: at most two text lines tall, and as wide as its longest word.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, fullAccountManagerEntries, putScores, seedOpenCycle, seedStagedCycle } from './fixtures.js';
import { seedManagerStage } from './support/assessments.js';
import { launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_ADMIN, TEST_PASSWORD, type TestApp } from './support/app.js';

const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const HEADER_MAX = 64;
/** A role's walk stops here: enough for every page shape the app has, a guard against a runaway crawl. */
const MAX_PAGES = 45;
const OUTPUT = join(process.cwd(), 'test-output');

type Lang = 'en' | 'zh-CN';

/** One page's breaches of the four rules, measured in the page; empty lists and nulls mean it passes. */
interface PhoneFindings {
  /** The document's scroll width when it is wider than the screen. */
  scrollWidth: number | null;
  /** Elements reaching past the screen's right or left edge (outside any scrolling strip), which cause the above. */
  outside: string[];
  /** Tables wider than their wrapper (they scroll sideways instead of stacking). */
  tables: string[];
  /** The header's height when it is taller than allowed. */
  header: number | null;
  /** Buttons taller than two lines of their text or narrower than their longest word. */
  buttons: string[];
}

/** An address reduced to its shape: ids and numbers as placeholders, the query's names without values. */
function pageShape(href: string): string {
  const url = new URL(href, 'http://x');
  const path = url.pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id').replace(/\/\d+(?=\/|$)/g, '/:n');
  const keys = [...new Set(url.searchParams.keys())].sort();
  return keys.length ? `${path}?${keys.join('&')}` : path;
}

describe('every page on a phone (390 × 844): no sideways scroll, stacked tables, a short header, buttons that do not wrap per character', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let cycle: CycleDto;
  const people = {
    hr: 'hr@test.example',
    admin: TEST_ADMIN.email,
    manager: 'manager@phone-layout.example',
    employee: 'employee@phone-layout.example',
    assessor: '',
  };
  const extra: Record<string, string[]> = {};

  beforeAll(async () => {
    t = await createTestApp();
    cycle = await seedOpenCycle(t);
    const manager = await createEmployee(t, 'manager', { name: '陈经理' });
    const member = await createEmployee(t, 'account_manager', { managerId: manager.id, name: '王小明' });
    const teammate = await createEmployee(t, 'account_manager', { managerId: manager.id, name: 'Maria Fernanda Rodrigues da Silva' });
    const newcomer = await createEmployee(t, 'account_manager', { managerId: manager.id, name: '欧阳娜娜' });
    const draft = await putScores(t, await createReview(t, newcomer.id, cycle.id), [
      { kpiKey: 'sales_attainment', actual: 1_850_000, comment: '第三季度完成了华东区三家重点客户的续约，第四季度新签两家' },
      { kpiKey: 'communication', rating: 4 },
    ]);
    const submitted = await transition(await putScores(t, await createReview(t, teammate.id, cycle.id), fullAccountManagerEntries()), 'submit');
    const finalized = await transition(
      await transition(await putScores(t, await createReview(t, member.id, cycle.id), fullAccountManagerEntries()), 'submit'),
      'finalize',
    );
    await t.userFor('manager', manager.id, people.manager);
    await t.userFor('employee', member.id, people.employee);
    // A staged cycle: the employee's own self-assessment, and another manager's assessment to write.
    const staged = await seedStagedCycle(t);
    const selfReview = await createReview(t, member.id, staged.id);
    const stage = await seedManagerStage(t, staged);
    people.assessor = stage.managerEmail;
    // An export page (of nobody, so nothing is printed).
    const started = await t.http.post(`/api/cycles/${cycle.id}/scorecards`).set(t.as('hr')).send({ department: 'phone: nobody' });
    if (started.status !== 202) throw new Error(`export: ${started.status} ${JSON.stringify(started.body)}`);
    const exportPath = `/exports/${(started.body as { id: string }).id}`;
    extra.hr = [
      '/password',
      exportPath,
      `/?cycleId=${staged.id}`,
      `/cycles/${cycle.id}/calibration`,
      `/reviews/${draft.id}`,
      `/reviews/${submitted.id}`,
      `/reviews/${finalized.id}`,
      `/reviews/${stage.review.id}`,
      `/reviews?cycleId=${cycle.id}&status=not_started`,
      '/no-such-page',
    ];
    extra.admin = ['/password', '/employees/new', `/cycles/${cycle.id}/calibration`];
    extra.manager = ['/password', `/team?cycleId=${cycle.id}`, `/reviews/${submitted.id}`, `/reviews/${finalized.id}`, '/no-such-page'];
    extra.employee = ['/password', `/my/reviews/${selfReview.id}/self-assessment`, `/reviews/${finalized.id}`];
    extra.assessor = ['/password', `/team/reviews/${stage.review.id}/assessment`];
    profile = mkdtempSync(join(tmpdir(), 'scorecard-phone-layout-e2e-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  async function transition(review: ReviewDto, action: 'submit' | 'finalize'): Promise<ReviewDto> {
    const res = await t.http.post(`/api/reviews/${review.id}/${action}`).set(t.as('hr')).send({ version: review.version });
    if (res.status !== 200 && res.status !== 201) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as ReviewDto;
  }

  async function phonePage(): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport(PHONE);
    return { page, context };
  }

  async function signIn(page: Page, email: string, password: string, lang: Lang): Promise<void> {
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', email);
    await page.type('#f-password', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    expect(new URL(page.url()).pathname).not.toBe('/login');
    await Promise.all([page.waitForNavigation(), page.click(`.lang-switch button[value="${lang}"]`)]);
    expect(await page.$eval('html', (html) => html.lang)).toBe(lang);
  }

  function findings(page: Page): Promise<PhoneFindings> {
    return page.evaluate((limit: number): PhoneFindings => {
      const width = window.innerWidth;
      const describe = (el: Element) => {
        const id = el.id ? `#${el.id}` : '';
        const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 24);
        return `${el.tagName.toLowerCase()}${id}${cls}${text ? ` "${text}"` : ''}`;
      };
      const shown = (el: Element) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && !el.closest('.sr-only, [hidden], thead') && getComputedStyle(el).visibility !== 'hidden';
      };
      const scrolls = (el: Element) => {
        const x = getComputedStyle(el).overflowX;
        return (x === 'auto' || x === 'scroll' || x === 'hidden') && el.scrollWidth > el.clientWidth + 1;
      };
      const strips = Array.from(document.querySelectorAll('body *')).filter(scrolls);
      const outside = Array.from(document.querySelectorAll('body *'))
        .filter((el) => shown(el) && !el.matches('.skip:not(:focus)') && !strips.some((s) => s !== el && s.contains(el)))
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.left < -0.5 || r.right > width + 0.5;
        })
        // The innermost offenders name the cause; their ancestors only follow them out.
        .filter((el, _, all) => !all.some((other) => other !== el && el.contains(other)))
        .map((el) => `${describe(el)} ${Math.round(el.getBoundingClientRect().left)}…${Math.round(el.getBoundingClientRect().right)}`);
      const tables = Array.from(document.querySelectorAll('main table'))
        .filter(shown)
        .filter((table) => {
          const wrap = table.parentElement;
          return (wrap !== null && wrap.scrollWidth > wrap.clientWidth + 1) || table.getBoundingClientRect().right > width + 0.5;
        })
        .map((table) => `${describe(table).split(' "')[0]} ${Math.round(table.scrollWidth)}/${table.parentElement?.clientWidth ?? 0}px`);
      const header = document.querySelector('header.top')?.getBoundingClientRect().height ?? 0;
      const words = new Intl.Segmenter(document.documentElement.lang, { granularity: 'word' });
      const canvas = document.createElement('canvas').getContext('2d');
      const buttons = Array.from(document.querySelectorAll('button, a.button, input[type="submit"], summary.button'))
        .filter(shown)
        .flatMap((el) => {
          const style = getComputedStyle(el);
          const px = (v: string) => Number.parseFloat(v) || 0;
          const line = style.lineHeight === 'normal' ? px(style.fontSize) * 1.2 : px(style.lineHeight);
          const frame = px(style.paddingTop) + px(style.paddingBottom) + px(style.borderTopWidth) + px(style.borderBottomWidth);
          const r = el.getBoundingClientRect();
          const text = el instanceof HTMLInputElement ? el.value : (el.textContent ?? '').trim();
          if (canvas) canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const longest = Math.max(
            0,
            ...Array.from(words.segment(text))
              .filter((s) => s.isWordLike)
              .map((s) => (canvas ? canvas.measureText(s.segment).width : 0)),
          );
          const inner = r.width - px(style.paddingLeft) - px(style.paddingRight) - px(style.borderLeftWidth) - px(style.borderRightWidth);
          const problems: string[] = [];
          if (r.height > 2 * line + frame + 1) problems.push(`${Math.round(r.height)}px tall (2 lines: ${Math.round(2 * line + frame)})`);
          if (inner + 1 < longest) problems.push(`${Math.round(inner)}px wide for a ${Math.round(longest)}px word`);
          // A box that clips (the language switch's rounded frame) can hide half a button without any overflow to see.
          for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
            if (getComputedStyle(box).overflowX === 'visible') continue;
            const b = box.getBoundingClientRect();
            const x = getComputedStyle(box).overflowX;
            // A strip that scrolls shows the rest on a swipe; one that clips never does.
            if ((x === 'hidden' || x === 'clip') && (r.right > b.right + 0.5 || r.left < b.left - 0.5))
              problems.push(`cut off by ${describe(box).split(' "')[0]}`);
          }
          return problems.length ? [`${describe(el)}: ${problems.join(', ')}`] : [];
        });
      const scrollWidth = document.documentElement.scrollWidth;
      return {
        scrollWidth: scrollWidth > width ? scrollWidth : null,
        outside,
        tables,
        header: header > limit ? Math.round(header) : null,
        buttons,
      };
    }, HEADER_MAX);
  }

  /** Links of the app on the page worth visiting: pages, not downloads, the API or signing out. */
  function links(page: Page): Promise<string[]> {
    return page.$$eval('a[href]', (anchors) =>
      anchors
        .filter((a) => !a.hasAttribute('download'))
        .map((a) => new URL(a.href))
        .filter((u) => u.origin === location.origin && !/^\/(api|assets|logout)(\/|$)/.test(u.pathname) && !/\.(pdf|csv|xlsx|zip)$/.test(u.pathname))
        .map((u) => `${u.pathname}${u.search}`),
    );
  }

  /** Walks a signed-in role's pages breadth first; returns every page's findings that are not clean. */
  async function walk(
    page: Page,
    seeds: string[],
    name: string,
    lang: Lang,
  ): Promise<{ visited: string[]; offenders: Record<string, Partial<PhoneFindings>> }> {
    // The seeds are pages of their own (a draft and a finalized review share an address shape but not a layout).
    const queue = seeds.map((path) => ({ path, seed: true }));
    const seen = new Set<string>();
    const visited: string[] = [];
    const offenders: Record<string, Partial<PhoneFindings>> = {};
    while (queue.length && visited.length < MAX_PAGES) {
      const { path, seed } = queue.shift() as { path: string; seed: boolean };
      const shape = pageShape(path);
      if (seen.has(seed ? path : shape)) continue;
      seen.add(shape);
      seen.add(path);
      const res = await page.goto(`${t.url}${path}`, { waitUntil: 'load' });
      // A redirect (an employee's home is /my) lands on a page whose shape counts as seen too.
      seen.add(pageShape(page.url()));
      // A link that leads to a refusal is a page too (the 403 and 404 pages have the header); a sign-in page means the walk signed itself out.
      expect({ path, signedIn: new URL(page.url()).pathname !== '/login' }).toEqual({ path, signedIn: true });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      visited.push(`${path} ${res?.status() ?? 0}`);
      const found = await findings(page);
      const bad = Object.fromEntries(Object.entries(found).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : v !== null))) as Partial<PhoneFindings>;
      if (Object.keys(bad).length) {
        offenders[path] = bad;
        mkdirSync(OUTPUT, { recursive: true });
        await page.screenshot({ path: join(OUTPUT, `phone-layout-${name}-${lang}-${pageShape(path).replace(/\W+/g, '_')}.png`), fullPage: true });
      }
      for (const next of await links(page)) if (!seen.has(pageShape(next))) queue.push({ path: next, seed: false });
    }
    return { visited, offenders };
  }

  const roles = ['hr', 'admin', 'manager', 'employee', 'assessor'] as const;
  it.each(roles.flatMap((who) => (['en', 'zh-CN'] as const).map((lang) => ({ who, lang }))))(
    'every page $who reaches, in $lang',
    async ({ who, lang }) => {
      const { page, context } = await phonePage();
      try {
        await signIn(page, people[who], who === 'admin' ? TEST_ADMIN.password : TEST_PASSWORD, lang);
        const { visited, offenders } = await walk(page, ['/', ...extra[who]], who, lang);
        // Printed so a run shows what was covered; the assertion lists only the pages that break a rule.
        const count = Object.values(offenders).reduce((n, f) => n + Object.values(f).reduce<number>((m, v) => m + (Array.isArray(v) ? v.length : 1), 0), 0);
        process.stdout.write(
          `phone layout ${who} ${lang}: ${visited.length} pages, ${Object.keys(offenders).length} with offenders (${count} findings)\n  ${visited.join('\n  ')}\n`,
        );
        expect(visited.length).toBeGreaterThan(3);
        expect(offenders).toEqual({});
      } finally {
        await context.close();
      }
    },
    300_000,
  );

  it.each(['en', 'zh-CN'] as const)('the sign-in page (%s)', async (lang) => {
    const { page, context } = await phonePage();
    try {
      await page.goto(`${t.url}/login`);
      await Promise.all([page.waitForNavigation(), page.click(`.lang-switch button[value="${lang}"]`)]);
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      expect(await findings(page)).toEqual({ scrollWidth: null, outside: [], tables: [], header: null, buttons: [] });
    } finally {
      await context.close();
    }
  });
});
