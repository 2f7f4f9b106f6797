// Review stages as HR sees them: the review list filtered by stage and overdue (API and page), the
// dashboard's per-department stage board with its links and HR's to-do, and the cycle form with
// stages, due dates and a target distribution, refusing out-of-order dates per field in zh-CN. In
// a real browser at phone width (390 px): no sideways scrolling and no axe WCAG 2.1 AA violation.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { Clock } from '../src/common/clock.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import { DemoService } from '../src/demo/demo.service.js';
import type { ReviewDto, ReviewPageDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, errorFields, expectError, fullAccountManagerEntries, putScores, seedStagedCycle, uniq } from './fixtures.js';
import { launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 1 };
// axe's own bundle, evaluated in the page through DevTools (the CSP allows no inline script).
const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const HR = 'hr@test.example';

describe('review stages on the pages', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let cycle: CycleDto;
  const department = `Stages ${uniq()}`;
  /** The department's reviews by the stage they are put in. */
  const at: Record<'self' | 'manager' | 'hr' | 'done', string[]> = { self: [], manager: [], hr: [], done: [] };

  const clock = () => t.app.get(Clock);
  const hr = () => t.as('hr');

  async function skip(r: { id: string; version: number }): Promise<ReviewDto> {
    const res = await t.http.post(`/api/reviews/${r.id}/skip-stage`).set(hr()).send({ version: r.version, reason: 'on leave this period' });
    expect(res.status).toBe(200);
    return res.body as ReviewDto;
  }
  async function act(r: { id: string; version: number }, action: 'submit' | 'finalize'): Promise<ReviewDto> {
    const res = await t.http.post(`/api/reviews/${r.id}/${action}`).set(hr()).send({ version: r.version });
    expect(res.status).toBe(200);
    return res.body as ReviewDto;
  }

  beforeAll(async () => {
    t = await createTestApp();
    cycle = await seedStagedCycle(t);
    // Two in self, one in manager, one with HR, one finalized; all in one department.
    for (const stage of ['self', 'self', 'manager', 'hr', 'done'] as const) {
      const e = await createEmployee(t, 'account_manager', { department });
      let r = await createReview(t, e.id, cycle.id);
      if (stage !== 'self') r = await skip(r);
      if (stage === 'hr' || stage === 'done') r = await skip(r);
      if (stage === 'done') r = await act(await act(await putScores(t, r, fullAccountManagerEntries()), 'submit'), 'finalize');
      expect(r.stage.stage).toBe(stage);
      at[stage].push(r.id);
    }
    profile = mkdtempSync(join(tmpdir(), 'scorecard-stages-e2e-'));
    browser = await launchPageBrowser(profile);
  });
  afterEach(() => clock().travelTo(null));
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  async function list(query: Record<string, string>): Promise<ReviewPageDto> {
    const res = await t.http
      .get('/api/reviews')
      .query({ cycleId: cycle.id, department, ...query })
      .set(hr());
    expect(res.status).toBe(200);
    return res.body as ReviewPageDto;
  }
  const ids = (p: ReviewPageDto) => p.items.map((r) => r.id).sort();

  describe('GET /api/reviews by stage and overdue', () => {
    it('filters by one stage or several, and each summary says where the review stands', async () => {
      clock().travelTo(new Date('2026-07-10T12:00:00+08:00'));
      expect(ids(await list({ stage: 'self' }))).toEqual([...at.self].sort());
      expect(ids(await list({ stage: 'manager,hr,done' }))).toEqual([...at.manager, ...at.hr, ...at.done].sort());
      const page = await list({ stage: 'hr' });
      expect(page.meta.total).toBe(1);
      expect(page.items[0].stage).toEqual({ stage: 'hr', due: '2026-07-24', overdue: false });
      expect((await list({ stage: 'done' })).items[0].stage).toEqual({ stage: 'done', due: null, overdue: false });
    });

    it("overdue: past the stage's due date in the company's time zone, on the app's clock", async () => {
      clock().travelTo(new Date('2026-07-10T23:30:00+08:00'));
      expect((await list({ overdue: 'true' })).meta.total).toBe(0);
      expect((await list({ overdue: 'false' })).meta.total).toBe(5);
      // 00:30 on the 11th in Shanghai is still the 10th in UTC: the self stage is late all the same.
      clock().travelTo(new Date('2026-07-11T00:30:00+08:00'));
      const late = await list({ overdue: 'true' });
      expect(ids(late)).toEqual([...at.self].sort());
      expect(late.items.every((r) => r.stage.overdue && r.stage.due === '2026-07-10')).toBe(true);
      expect(ids(await list({ overdue: 'false' }))).toEqual([...at.manager, ...at.hr, ...at.done].sort());
      clock().travelTo(new Date('2026-07-25T12:00:00+08:00'));
      expect(ids(await list({ overdue: 'true', stage: 'manager,hr' }))).toEqual([...at.manager, ...at.hr].sort());
      // Without a cycle the list still reads every cycle's reviews, with the same filter.
      const everywhere = await t.http.get('/api/reviews').query({ overdue: 'true', department, pageSize: 100 }).set(hr()).expect(200);
      expect(ids(everywhere.body as ReviewPageDto)).toEqual([...at.self, ...at.manager, ...at.hr].sort());
    });

    it('refuses unknown stages and overdue values, naming the parameter', async () => {
      for (const [query, field] of [
        [{ stage: 'review' }, 'stage'],
        [{ stage: 'self,' }, 'stage'],
        [{ stage: 'self;hr' }, 'stage'],
        [{ overdue: 'yes' }, 'overdue'],
        [{ overdue: '' }, 'overdue'],
      ] as const) {
        const res = await t.http.get('/api/reviews').query(query).set(hr());
        expect(errorFields(expectError(res, 400))).toEqual([field]);
      }
    });
  });

  async function signedIn(lang: 'en' | 'zh-CN'): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport(PHONE);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', HR);
    await page.type('#f-password', TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    if ((await page.$eval('html', (html) => html.lang)) !== lang) {
      await Promise.all([page.waitForNavigation(), page.click(`.lang-switch button[value="${lang}"]`)]);
    }
    expect(await page.$eval('html', (html) => html.lang)).toBe(lang);
    return { page, context };
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
  const fits = (page: Page) => page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));

  /** The dashboard's board cell of the department (or the totals, '') and column: each count with its link. */
  function boardCell(page: Page, dept: string, col: string) {
    return page.evaluate(
      (d: string, c: string) => {
        const row = [...document.querySelectorAll('#stage-board tr[data-department]')].find((tr) => tr.getAttribute('data-department') === d);
        const cell = row?.querySelector(`td[data-col="${c}"]`);
        if (!cell) return null;
        const out: Record<string, { text: string; href: string | null }> = {};
        for (const el of cell.querySelectorAll('[data-count]')) {
          out[el.getAttribute('data-count') ?? ''] = { text: (el.textContent ?? '').trim(), href: el.getAttribute('href') };
        }
        return out;
      },
      dept,
      col,
    );
  }

  it('the dashboard counts each stage per department, links every count to exactly those reviews, and counts overdue once the clock passes a due date', async () => {
    clock().travelTo(new Date('2026-07-10T12:00:00+08:00'));
    const { page, context } = await signedIn('en');
    try {
      await page.goto(`${t.url}/?cycleId=${cycle.id}`);
      const columns = await page.$$eval('#stage-board thead th[data-col]', (ths) => ths.map((th) => th.getAttribute('data-col')));
      expect(columns).toEqual(['self', 'manager', 'hr', 'finalization']);
      const texts = async (col: string) => {
        const cell = await boardCell(page, department, col);
        return cell && Object.fromEntries(Object.entries(cell).map(([k, v]) => [k, v.text]));
      };
      expect(await texts('self')).toEqual({ open: '2 open', done: '3 done', overdue: '0 overdue' });
      expect(await texts('manager')).toEqual({ open: '1 open', done: '2 done', overdue: '0 overdue' });
      expect(await texts('hr')).toEqual({ open: '1 open', done: '1 done', overdue: '0 overdue' });
      expect(await texts('finalization')).toEqual({ open: '4 open', done: '1 done', overdue: '0 overdue' });
      const self = await boardCell(page, department, 'self');
      // Each link opens the list of exactly the reviews it counts.
      for (const [kind, expected] of [
        ['open', at.self],
        ['done', [...at.manager, ...at.hr, ...at.done]],
      ] as const) {
        const href = self?.[kind].href ?? '';
        const q = Object.fromEntries(new URL(href, t.url).searchParams);
        expect(q).toMatchObject({ cycleId: cycle.id, department });
        expect(ids(await list(q))).toEqual([...expected].sort());
        await page.goto(`${t.url}${href}`);
        const rows = await page.$$eval('#review-list tbody tr', (trs) => trs.length);
        expect(rows).toBe(expected.length);
      }
      // HR's to-do: the review waiting in the HR stage, with its due date.
      expect(await page.goto(`${t.url}/`).then(() => page.$eval('#hr-todo', (s) => (s.textContent ?? '').replace(/\s+/g, ' ')))).toContain(
        `1 review(s) wait for you (HR review) in ${cycle.name}`,
      );
      expect(await page.$eval('#hr-todo a', (a) => a.getAttribute('href'))).toBe(`/reviews?cycleId=${cycle.id}&stage=hr`);

      // The next day the self-assessments are late: counted, marked and linked.
      clock().travelTo(new Date('2026-07-11T09:00:00+08:00'));
      await page.goto(`${t.url}/?cycleId=${cycle.id}`);
      const late = await boardCell(page, department, 'self');
      expect(late?.overdue.text).toBe('2 overdue');
      const overdueHref = late?.overdue.href ?? '';
      expect(Object.fromEntries(new URL(overdueHref, t.url).searchParams)).toEqual({ cycleId: cycle.id, stage: 'self', overdue: 'true', department });
      await page.goto(`${t.url}${overdueHref}`);
      expect(await page.$$eval('#review-list tbody tr .stage-badge[data-overdue]', (els) => els.length)).toBe(2);
      expect(await page.$eval('#f-overdue', (s) => (s as HTMLSelectElement).value)).toBe('true');
      // After the finalization date every review not finalized is late for it.
      clock().travelTo(new Date('2026-08-01T09:00:00+08:00'));
      await page.goto(`${t.url}/?cycleId=${cycle.id}`);
      expect((await boardCell(page, department, 'finalization'))?.overdue.text).toBe('4 overdue');
      expect((await boardCell(page, department, 'hr'))?.overdue.text).toBe('1 overdue');
      expect(await page.$eval('#hr-todo .stage-badge', (b) => (b.textContent ?? '').trim())).toBe('HR review · due 2026-07-24 · overdue');
      // The review page says where the review stands, in its header.
      await page.goto(`${t.url}/reviews/${at.manager[0]}`);
      expect(await page.$eval('#stage-standing', (li) => (li.textContent ?? '').trim())).toBe('Manager assessment · due 2026-07-17 · overdue');
    } finally {
      await context.close();
    }
  });

  it('HR plans a cycle with stages in zh-CN: out-of-order dates are refused beside their fields, then it is created with them', async () => {
    const { page, context } = await signedIn('zh-CN');
    const name = `2027 上半年 ${uniq()}`;
    try {
      await page.goto(`${t.url}/cycles`);
      const details = await page.$('details.card');
      if (details && !(await details.evaluate((d) => d.open))) await page.click('details.card summary');
      // The manager assessment is on by default on a new cycle's form.
      expect(await page.$eval('#cycle-new input[name="managerAssessment"]', (i) => i.checked)).toBe(true);
      await page.type('#f-name', name);
      const setDate = (field: string, value: string) =>
        page.$eval(
          `#f-${field}`,
          (i, v) => {
            (i as HTMLInputElement).value = v;
          },
          value,
        );
      await setDate('periodStart', '2027-01-01');
      await setDate('periodEnd', '2027-06-30');
      await page.click('#cycle-new input[name="selfAssessment"]');
      await setDate('selfAssessmentDue', '2027-07-10');
      await setDate('managerAssessmentDue', '2027-07-05');
      await setDate('hrReviewDue', '2026-12-01');
      await page.type('#f-target_outstanding', '20');
      await page.type('#f-target_meets', '60');
      await Promise.all([page.waitForNavigation(), page.click('#cycle-new button[type="submit"]')]);
      const error = (field: string) => page.$eval(`#e-${field}`, (p) => (p.textContent ?? '').trim()).catch(() => null);
      expect(await error('managerAssessmentDue')).toBe('不能早于“自评截止日”（2027-07-10）。');
      expect(await error('hrReviewDue')).toBe('不能早于考核期开始日（2027-01-01）。');
      expect(await error('targetDistribution')).toBe('百分比合计必须为 100，当前合计为 80。');
      expect(await error('selfAssessmentDue')).toBeNull();
      expect(await page.$eval('#f-managerAssessmentDue', (i) => i.getAttribute('aria-invalid'))).toBe('true');
      // What was typed is still there.
      expect(await page.$eval('#f-name', (i) => (i as HTMLInputElement).value)).toBe(name);
      expect(await page.$eval('#f-target_meets', (i) => (i as HTMLInputElement).value)).toBe('60');
      expect(await page.$eval('#cycle-new input[name="selfAssessment"]', (i) => i.checked)).toBe(true);
      expect((await axeViolations(page)).join('\n')).toBe('');
      expect(await fits(page)).toEqual({ scrollWidth: PHONE.width, innerWidth: PHONE.width });

      await setDate('managerAssessmentDue', '2027-07-17');
      await setDate('hrReviewDue', '2027-07-24');
      await setDate('finalizationDue', '2027-07-31');
      await page.$eval('#f-target_meets', (i) => {
        (i as HTMLInputElement).value = '70';
      });
      await page.type('#f-target_needs_improvement', '10');
      await page.click('#cycle-new input[name="printAssessments"]');
      await Promise.all([page.waitForNavigation(), page.click('#cycle-new button[type="submit"]')]);
      expect(new URL(page.url()).pathname).toBe('/cycles');
      const cycles = (await t.http.get('/api/cycles').set(hr()).expect(200)).body as CycleDto[];
      expect(cycles.find((c) => c.name === name)).toMatchObject({
        status: 'planned',
        selfAssessment: true,
        managerAssessment: true,
        selfAssessmentDue: '2027-07-10',
        managerAssessmentDue: '2027-07-17',
        hrReviewDue: '2027-07-24',
        finalizationDue: '2027-07-31',
        targetDistribution: { outstanding: 20, exceeds: 0, meets: 70, needs_improvement: 10, unsatisfactory: 0 },
        printAssessments: true,
      });
      // Editing it shows what was saved; switching the self-assessment off is kept.
      const planned = cycles.find((c) => c.name === name) as CycleDto;
      await page.goto(`${t.url}/cycles?edit=${planned.id}`);
      expect(await page.$eval('#f-hrReviewDue', (i) => (i as HTMLInputElement).value)).toBe('2027-07-24');
      await page.click('#cycle-edit input[name="selfAssessment"]');
      await Promise.all([page.waitForNavigation(), page.click('#cycle-edit button[type="submit"]')]);
      const saved = (await t.http.get(`/api/cycles/${planned.id}`).set(hr()).expect(200)).body as CycleDto;
      expect(saved).toMatchObject({ selfAssessment: false, managerAssessment: true, selfAssessmentDue: '2027-07-10', version: planned.version + 1 });
      // A stale edit form is refused and says so.
      await page.goto(`${t.url}/cycles?edit=${planned.id}`);
      await t.http.patch(`/api/cycles/${planned.id}`).set(hr()).send({ version: saved.version, printAssessments: false }).expect(200);
      await Promise.all([page.waitForNavigation(), page.click('#cycle-edit button[type="submit"]')]);
      expect(await page.$eval('#problem', (p) => (p.textContent ?? '').trim())).toContain('此周期已被他人修改');
      // The dashboard of the planned cycle offers to set its stages and to open it.
      await page.goto(`${t.url}/?cycleId=${planned.id}`);
      expect(await page.$eval('#planned-cycle a', (a) => a.getAttribute('href'))).toBe(`/cycles?edit=${planned.id}`);
      await Promise.all([page.waitForNavigation(), page.click('#open-cycle')]);
      expect(((await t.http.get(`/api/cycles/${planned.id}`).set(hr()).expect(200)).body as CycleDto).status).toBe('open');
    } finally {
      await context.close();
    }
  });

  it("the demo's open cycle runs every stage with due dates and a target distribution, with reviews in each stage", async () => {
    await t.app.get(DemoService).seed();
    const cycles = (await t.http.get('/api/cycles').set(hr()).expect(200)).body as CycleDto[];
    const demo = cycles.find((c) => c.name === '2026 上半年 / 2026 H1') as CycleDto;
    expect(demo).toMatchObject({ status: 'open', selfAssessment: true, managerAssessment: true, targetDistribution: expect.any(Object) });
    expect([demo.selfAssessmentDue, demo.managerAssessmentDue, demo.hrReviewDue, demo.finalizationDue].every((d) => typeof d === 'string')).toBe(true);
    const counts: Record<string, number> = {};
    for (const stage of ['self', 'manager', 'hr', 'done']) {
      counts[stage] = ((await t.http.get('/api/reviews').query({ cycleId: demo.id, stage }).set(hr()).expect(200)).body as ReviewPageDto).meta.total;
    }
    expect(counts).toEqual({ self: 5, manager: 5, hr: 10, done: 5 });
    const withAssessments = await t.db.query<{ kind: string; n: number }[]>(
      `SELECT a.kind, count(*)::int AS n FROM review_assessments a JOIN reviews r ON r.id = a.review_id WHERE r.cycle_id = $1 GROUP BY a.kind ORDER BY a.kind`,
      [demo.id],
    );
    expect(withAssessments).toEqual([
      { kind: 'manager', n: 15 },
      { kind: 'self', n: 20 },
    ]);
    // Every stage move of the demo is in the audit log, signed by whoever made it, as through the pages.
    const moves = await t.db.query<{ action: string; actor: string; n: number }[]>(
      `SELECT a.action, CASE WHEN a.actor LIKE '%@%' THEN 'a person' ELSE a.actor END AS actor, count(*)::int AS n
         FROM audit_log a JOIN reviews r ON r.id::text = a.entity_id WHERE r.cycle_id = $1
          AND a.action IN ('submit_self_assessment', 'manager_assessment_submit', 'skip_stage') GROUP BY 1, 2 ORDER BY 1, 2`,
      [demo.id],
    );
    expect(moves).toEqual([
      { action: 'manager_assessment_submit', actor: 'a person', n: 15 },
      { action: 'submit_self_assessment', actor: 'a person', n: 20 },
    ]);
  });

  it('at 390 px the dashboard, the cycles page and the filtered list fit the screen with no axe WCAG 2.1 AA violation, in both languages', async () => {
    clock().travelTo(new Date('2026-07-11T09:00:00+08:00'));
    for (const lang of ['en', 'zh-CN'] as const) {
      const { page, context } = await signedIn(lang);
      try {
        const found: object[] = [];
        const wanted: object[] = [];
        for (const path of [`/?cycleId=${cycle.id}`, '/cycles', `/cycles?edit=${cycle.id}`, `/reviews?cycleId=${cycle.id}&stage=self&overdue=true`]) {
          await page.goto(`${t.url}${path}`);
          found.push({ lang, path, ...(await fits(page)), axe: await axeViolations(page) });
          wanted.push({ lang, path, scrollWidth: PHONE.width, innerWidth: PHONE.width, axe: [] });
        }
        expect(found).toEqual(wanted);
      } finally {
        await context.close();
      }
    }
  });
});
