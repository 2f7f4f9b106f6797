// The pages people open on their phones, at 390 × 844 (an iPhone 12-15), in a real browser against
// the real app: HR filling in a review, a manager reading the team's, an employee reading their
// own. No page scrolls sideways, the review's KPI table shows every column inside the screen (its
// rows become cards there, never a table to pan), list tables that are wider than the screen scroll
// inside a labelled, focusable region, and axe-core finds no WCAG 2.1 AA violation, in both languages.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, fullAccountManagerEntries, putScores, seedOpenCycle } from './fixtures.js';
import { boxedChinese, launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const OUTPUT = join(process.cwd(), 'test-output');
// axe's own bundle, evaluated in the page through DevTools (the CSP allows no inline script).
const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

type Lang = 'en' | 'zh-CN';

/** What one page looks like at phone width, measured in the page. */
interface Fit {
  scrollWidth: number;
  innerWidth: number;
  /** Elements of the page (outside scrolling regions) that reach past either edge of the screen. */
  outside: string[];
  /** Scrolling table regions that a keyboard cannot reach or a screen reader cannot name. */
  unreachableRegions: string[];
  /** Form controls narrower than a thumb can use. */
  tinyControls: string[];
}

describe('pages on a phone (390 × 844)', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let cycle: CycleDto;
  let draft: ReviewDto; // HR fills it in
  let submitted: ReviewDto; // the manager comments on it
  let finalized: ReviewDto; // the employee's own, to acknowledge
  const people = { hr: 'hr@test.example', manager: 'manager@phone.example', employee: 'employee@phone.example' };

  beforeAll(async () => {
    t = await createTestApp();
    cycle = await seedOpenCycle(t);
    const manager = await createEmployee(t, 'manager', { name: '陈经理' });
    const member = await createEmployee(t, 'account_manager', { managerId: manager.id, name: '王小明' });
    const teammate = await createEmployee(t, 'account_manager', { managerId: manager.id, name: 'Maria Fernanda Rodrigues da Silva' });
    const newcomer = await createEmployee(t, 'account_manager', { managerId: manager.id, name: '欧阳娜娜' });
    draft = await createReview(t, newcomer.id, cycle.id);
    // A draft with some inputs and a long comment: the cards must hold filled fields too.
    draft = await putScores(t, draft, [
      { kpiKey: 'sales_attainment', actual: 1_850_000, comment: '第三季度完成了华东区三家重点客户的续约，第四季度新签两家' },
      { kpiKey: 'communication', rating: 4 },
    ]);
    submitted = await transition(await putScores(t, await createReview(t, teammate.id, cycle.id), fullAccountManagerEntries()), 'submit');
    finalized = await transition(
      await transition(await putScores(t, await createReview(t, member.id, cycle.id), fullAccountManagerEntries()), 'submit'),
      'finalize',
    );
    await t.userFor('manager', manager.id, people.manager);
    await t.userFor('employee', member.id, people.employee);
    profile = mkdtempSync(join(tmpdir(), 'scorecard-phone-e2e-'));
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

  /** A phone-sized page in its own context, signed in and switched to the language with its own button. */
  async function signedIn(email: string, lang: Lang): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport(PHONE);
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', email);
    await page.type('#f-password', TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    expect(new URL(page.url()).pathname).not.toBe('/login');
    await Promise.all([page.waitForNavigation(), page.click(`.lang-switch button[value="${lang}"]`)]);
    expect(await page.$eval('html', (html) => html.lang)).toBe(lang);
    return { page, context };
  }

  /** Opens a page and waits until its fonts are in and its scripts have run (the review page fills in its figures). */
  async function open(page: Page, path: string): Promise<void> {
    const res = await page.goto(`${t.url}${path}`, { waitUntil: 'load' });
    expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
  }

  function measure(page: Page): Promise<Fit> {
    return page.evaluate((): Fit => {
      const width = window.innerWidth;
      const describe = (el: Element) => {
        const id = el.id ? `#${el.id}` : '';
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        return `${el.tagName.toLowerCase()}${id}${cls}`;
      };
      const visible = (el: Element) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && !el.closest('.sr-only, [hidden]');
      };
      // The skip link waits off-screen until it gets focus. A region that scrolls sideways on purpose holds its overflow; everything else must fit the screen.
      // The header's sections are such a strip on a phone too (a nav of links, reachable by Tab without a tabindex).
      const regions = Array.from(document.querySelectorAll('main *, header .nav')).filter((el) => {
        const style = getComputedStyle(el);
        return (style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
      });
      const outside = Array.from(document.querySelectorAll('body *'))
        .filter((el) => visible(el) && !el.matches('.skip:not(:focus)') && !regions.some((region) => region !== el && region.contains(el)))
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.left < -0.5 || r.right > width + 0.5;
        })
        .map((el) => `${describe(el)} ${Math.round(el.getBoundingClientRect().left)}…${Math.round(el.getBoundingClientRect().right)}`);
      const unreachableRegions = regions
        .filter((el) => !el.matches('header .nav'))
        .filter((el) => el.getAttribute('tabindex') !== '0' || !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
        .map((el) => `${describe(el)} ${el.scrollWidth}/${el.clientWidth}`);
      const tinyControls = Array.from(
        document.querySelectorAll('main input:not([type="hidden"], [type="radio"], [type="checkbox"]), main select, main textarea'),
      )
        .filter(visible)
        .filter((el) => el.getBoundingClientRect().width < 120)
        .map((el) => `${describe(el)} ${Math.round(el.getBoundingClientRect().width)}px`);
      return { scrollWidth: document.scrollingElement?.scrollWidth ?? 0, innerWidth: width, outside, unreachableRegions, tinyControls };
    });
  }

  /** The review page's own demands: every KPI row's cells, the result fields and the total, inside the screen. */
  async function reviewFits(page: Page): Promise<{ cellsOutside: string[]; totalRight: number; resultRights: number[]; kpiTableScrolls: boolean }> {
    return page.evaluate(() => {
      const width = window.innerWidth;
      const table = document.querySelector('.kpi-table');
      const cellsOutside = Array.from(document.querySelectorAll('.kpi-table td, .kpi-table th'))
        .filter((cell) => getComputedStyle(cell).display !== 'none' && !cell.closest('.sr-only'))
        .filter((cell) => {
          const r = cell.getBoundingClientRect();
          return r.left < -0.5 || r.right > width + 0.5;
        })
        .map((cell) => `${cell.closest('tr')?.getAttribute('data-kpi') ?? 'foot'}: ${(cell.textContent ?? '').trim().slice(0, 20)}`);
      const total = document.querySelector('#total-cell');
      return {
        cellsOutside,
        totalRight: total ? Math.round(total.getBoundingClientRect().right) : Number.NaN,
        resultRights: Array.from(document.querySelectorAll('.kpi-table td.result')).map((cell) => Math.round(cell.getBoundingClientRect().right)),
        kpiTableScrolls: table?.parentElement ? table.parentElement.scrollWidth > table.parentElement.clientWidth + 1 : true,
      };
    });
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

  /** Every page's findings, asserted together so that one failure shows them all. */
  async function checkPages(email: string, lang: Lang, paths: () => string[], name: string): Promise<void> {
    const { page, context } = await signedIn(email, lang);
    const found: object[] = [];
    const wanted: object[] = [];
    try {
      for (const path of paths()) {
        await open(page, path);
        const fit = await measure(page);
        const result: Record<string, unknown> = { path, ...fit, axe: await axeViolations(page) };
        const expected: Record<string, unknown> = {
          path,
          scrollWidth: PHONE.width,
          innerWidth: PHONE.width,
          outside: [],
          unreachableRegions: [],
          tinyControls: [],
          axe: [],
        };
        if (path.startsWith('/reviews/')) {
          const review = await reviewFits(page);
          Object.assign(result, {
            kpiRows: review.resultRights.length,
            cellsOutside: review.cellsOutside,
            resultsOutside: review.resultRights.filter((right) => right > PHONE.width),
            totalInView: review.totalRight <= PHONE.width,
            kpiTableScrolls: review.kpiTableScrolls,
          });
          Object.assign(expected, { kpiRows: 8, cellsOutside: [], resultsOutside: [], totalInView: true, kpiTableScrolls: false });
        }
        if (JSON.stringify(result) !== JSON.stringify(expected)) {
          mkdirSync(OUTPUT, { recursive: true });
          await page.screenshot({ path: join(OUTPUT, `phone-${name}-${lang}-${path.replace(/\W+/g, '_')}.png`), fullPage: true });
        }
        found.push(result);
        wanted.push(expected);
      }
    } finally {
      await context.close();
    }
    expect(found).toEqual(wanted);
  }

  it.each<Lang>(['en', 'zh-CN'])(
    'HR: dashboard, review list, imports and the review form (%s)',
    async (lang) => {
      await checkPages(
        people.hr,
        lang,
        () => ['/', `/reviews?cycleId=${cycle.id}`, '/imports', `/reviews/${draft.id}`, `/reviews/${submitted.id}`, `/reviews/${finalized.id}`],
        'hr',
      );
    },
    180_000,
  );

  it.each<Lang>(['en', 'zh-CN'])(
    'a manager: dashboard, team, own reviews and a submitted review (%s)',
    async (lang) => {
      await checkPages(people.manager, lang, () => ['/', `/team?cycleId=${cycle.id}`, '/my', `/reviews/${submitted.id}`], 'manager');
    },
    180_000,
  );

  it.each<Lang>(['en', 'zh-CN'])(
    'an employee: own reviews and the finalized review (%s)',
    async (lang) => {
      await checkPages(people.employee, lang, () => ['/', '/my', `/reviews/${finalized.id}`], 'employee');
    },
    180_000,
  );

  it('the review form can be filled in on a phone: every field in view and big enough to tap', async () => {
    const { page, context } = await signedIn(people.hr, 'en');
    try {
      await open(page, `/reviews/${draft.id}`);
      // Typing into the last KPI's fields works as on a desktop: the live total follows.
      await page.select('#rating-problem_solving', '4');
      await page.type('#actual-customer_satisfaction', '81');
      // 81 of a target of 90 → 90.00 → 13.50 points.
      await page.waitForFunction(() => document.querySelector('[data-kpi="customer_satisfaction"] [data-points]')?.textContent === '13.50');
      const fields = await page.$$eval('.kpi-table input, .kpi-table select', (els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          return { id: el.id, left: r.left >= 0, right: r.right <= window.innerWidth, tall: r.height >= 32 };
        }),
      );
      expect(fields.length).toBeGreaterThan(10);
      expect(fields.filter((f) => !f.left || !f.right || !f.tall)).toEqual([]);
      // The cards are still a table to a screen reader: a row per KPI (and the header and total rows), its cells named by the column headers.
      const table = await page.accessibility.snapshot({ root: (await page.$('.kpi-table')) ?? undefined, interestingOnly: false });
      const rows: string[] = [];
      const walk = (node: { role?: string; children?: unknown[] } | null | undefined): void => {
        if (!node) return;
        if (node.role === 'row') rows.push(node.role);
        (node.children as { role?: string; children?: unknown[] }[] | undefined)?.forEach(walk);
      };
      walk(table);
      expect({ role: table?.role, rows: rows.length }).toEqual({ role: 'table', rows: 10 });
    } finally {
      await context.close();
    }
  });

  it.each([
    { who: 'hr', paths: () => ['/imports', `/reviews/${draft.id}`] },
    { who: 'manager', paths: () => [`/team?cycleId=${cycle.id}`, `/reviews/${submitted.id}`] },
  ] as const)('every control and chart label takes the page font stack, whose bundled face covers 中文 ($who)', async ({ who, paths }) => {
    const { page, context } = await signedIn(people[who], 'en');
    try {
      for (const path of paths()) {
        await open(page, path);
        const fonts = await page.evaluate(() => {
          const body = getComputedStyle(document.body).fontFamily;
          const controls = Array.from(document.querySelectorAll('button, input:not([type="hidden"]), select, textarea, .button, svg text'));
          return {
            body,
            lang: getComputedStyle(document.querySelector('.lang-switch button[lang="zh-CN"]') as Element).fontFamily,
            controls: controls.length,
            others: controls
              .filter((el) => getComputedStyle(el).fontFamily !== body)
              .map((el) => `${el.tagName.toLowerCase()}#${el.id} ${getComputedStyle(el).fontFamily}`),
          };
        });
        expect(fonts.body).toContain('Noto Sans SC Web');
        expect({ path, lang: fonts.lang, others: fonts.others }).toEqual({ path, lang: fonts.body, others: [] });
        expect(fonts.controls).toBeGreaterThan(3);
      }
      // A face of that stack covering the button's 中文 loads (the bundled one here, where no
      // system font has Chinese; a machine with one draws it with that one instead).
      const faces = await page.evaluate(async () => {
        const button = getComputedStyle(document.querySelector('.lang-switch button[lang="zh-CN"]') as Element);
        return (await document.fonts.load(`${button.fontSize} ${button.fontFamily}`, '中文')).map((face) => `${face.family} ${face.weight} ${face.status}`);
      });
      expect(faces).toEqual(['Noto Sans SC Web 400 loaded']);
    } finally {
      await context.close();
    }
  });

  // This machine has no Chinese system font, so any Chinese drawn without the bundled face is boxes.
  // The CSS stack above always named that face; Chromium still drew boxes with system-ui first in it.
  it.each([
    { who: 'hr', lang: 'zh-CN', paths: () => ['/', '/reviews', '/cycles', '/employees', '/imports', `/reviews/${draft.id}`] },
    { who: 'manager', lang: 'zh-CN', paths: () => [`/team?cycleId=${cycle.id}`, `/reviews/${submitted.id}`] },
    { who: 'employee', lang: 'zh-CN', paths: () => ['/my', `/reviews/${finalized.id}`] },
    { who: 'hr', lang: 'en', paths: () => ['/', '/reviews'] },
  ] as const)('every Chinese character is drawn with a face that has it, no boxes ($who, $lang)', async ({ who, lang, paths }) => {
    const { page, context } = await signedIn(people[who], lang);
    try {
      for (const path of paths()) {
        await open(page, path);
        expect({ path, boxed: await boxedChinese(page) }).toEqual({ path, boxed: [] });
      }
    } finally {
      await context.close();
    }
  });
});
