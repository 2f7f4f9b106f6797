// The pages in a real browser (Chromium through Puppeteer) against the real app and database:
// what HR, a manager, an admin and an employee do, click by click. One browser for the file, a
// fresh incognito context (own cookies) per test; a failing step leaves a screenshot in test-output/.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { TemplateDto } from '../src/kpi-templates/dto/template.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { scorecardFilename } from '../src/scorecards/scorecards.service.js';
import { createEmployee, createReview, fullAccountManagerEntries, getReview, type KpiEntry, seedOpenCycle } from './fixtures.js';
import { launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';
import { expectValidPdfs } from './support/pdf.js';
import { holdExportPrinting } from './support/print-gate.js';
import { readZip } from './support/zip.js';

const OUTPUT = join(process.cwd(), 'test-output');
const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 768, height: 1024 };

describe('pages in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let cycle: CycleDto;
  let manager: EmployeeDto;
  let member: EmployeeDto; // reports to the manager; the employee persona
  let outsider: EmployeeDto; // reports to someone else
  let teammate: EmployeeDto; // reports to the manager too
  let draft: ReviewDto; // member's review: HR fills it in
  let outsiderReview: ReviewDto;
  let contested: ReviewDto; // another draft, for the stale save
  const people = { hr: 'hr@test.example', manager: 'manager@web.example', employee: 'employee@web.example', admin: 'admin@test.example' };
  const problems: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    cycle = await seedOpenCycle(t);
    manager = await createEmployee(t, 'manager', { name: '李经理' });
    const otherManager = await createEmployee(t, 'manager');
    member = await createEmployee(t, 'account_manager', { managerId: manager.id, name: '王小明' });
    outsider = await createEmployee(t, 'account_manager', { managerId: otherManager.id });
    teammate = await createEmployee(t, 'account_manager', { managerId: manager.id });
    draft = await createReview(t, member.id, cycle.id);
    outsiderReview = await createReview(t, outsider.id, cycle.id);
    contested = await createReview(t, teammate.id, cycle.id);
    await t.userFor('manager', manager.id, people.manager);
    await t.userFor('employee', member.id, people.employee);
    profile = mkdtempSync(join(tmpdir(), 'scorecard-web-e2e-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  /**
   * A signed-in page in its own context; CSP violations and script errors are collected. With
   * `downloads`, files the page downloads are saved there (otherwise headless Chromium drops them).
   */
  async function signedIn(email: string, password: string, viewport = DESKTOP, downloads?: string): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.createBrowserContext(downloads ? { downloadBehavior: { policy: 'allow', downloadPath: downloads } } : {});
    const page = await context.newPage();
    await page.setViewport(viewport);
    page.on('pageerror', (err) => problems.push(`script error: ${err instanceof Error ? err.message : String(err)}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    // Confirmations (submit, finalize, publish) are accepted, as a person would.
    // A leave-page warning is answered by the test that expects it; anything else is accepted.
    page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? undefined : dialog.accept()));
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', email);
    await page.type('#f-password', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    expect(new URL(page.url()).pathname).not.toBe('/login');
    return { page, context };
  }

  /** Runs a step; when it fails, the page as it was goes to test-output/<name>.png. */
  async function step<T>(page: Page, name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage: true }).catch(() => undefined);
      throw err;
    }
  }

  /** The file Chromium finished saving into `dir` (it writes *.crdownload until the end). */
  async function downloaded(dir: string, timeoutMs = 30_000): Promise<{ name: string; data: Buffer }> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const files = readdirSync(dir);
      const complete = files.filter((f) => !f.endsWith('.crdownload'));
      if (complete.length > 0 && complete.length === files.length) return { name: complete[0], data: readFileSync(join(dir, complete[0])) };
      if (Date.now() > until) throw new Error(`nothing downloaded into ${dir} within ${timeoutMs} ms (${files.join(', ') || 'empty'})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const text = (page: Page, selector: string) => page.$eval(selector, (el) => (el.textContent ?? '').trim());
  const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
  /**
   * Where `autofocus` put the focus after a navigation. Chromium applies autofocus at the page's first
   * rendering update, which may come after `load` (CI once read an empty focus there): wait up to 5 s
   * for the focus to leave the body, then read it, so a wrong or missing focus still fails.
   */
  async function autofocusedId(page: Page): Promise<string> {
    await page.waitForFunction(() => document.activeElement != null && document.activeElement !== document.body, { timeout: 5_000 }).catch(() => undefined);
    return activeId(page);
  }

  async function clickAndWait(page: Page, selector: string): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  }

  it('HR enters every KPI, sees the live total the server then saves, submits and finalizes', async () => {
    const { page, context } = await signedIn(people.hr, TEST_PASSWORD);
    try {
      await step(page, 'hr-enter', async () => {
        await page.goto(`${t.url}/reviews/${draft.id}`);
        expect(await text(page, '#total')).toBe('0.00');
        const entries: KpiEntry[] = fullAccountManagerEntries();
        for (const e of entries) {
          if (e.rating != null) {
            await page.select(`#rating-${e.kpiKey}`, String(e.rating));
          } else {
            await page.type(`#actual-${e.kpiKey}`, String(e.actual));
            if (e.target != null) await page.type(`#target-${e.kpiKey}`, String(e.target));
          }
          if (e.comment) await page.type(`#comment-${e.kpiKey}`, e.comment);
        }
        // Score and points of a row follow the typing: sales 2,300,000 of 2,000,000 → 115 → 40.25 points.
        const sales = await page.$eval('tr[data-kpi="sales_attainment"]', (row) => [
          row.querySelector('[data-score]')?.textContent,
          row.querySelector('[data-points]')?.textContent,
        ]);
        expect(sales).toEqual(['115.00', '40.25']);
        expect(await text(page, '#missing')).toBe('Every KPI has its input.');
      });

      await step(page, 'hr-keyboard', async () => {
        // Tab follows the table: actual → personal target → comment → the next row's actual.
        await page.focus('#actual-customer_satisfaction');
        await page.keyboard.press('Tab');
        expect(await activeId(page)).toBe('target-customer_satisfaction');
        await page.keyboard.press('Tab');
        expect(await activeId(page)).toBe('comment-customer_satisfaction');
        await page.keyboard.press('Tab');
        expect(await activeId(page)).toBe('actual-customer_retention');
        // Enter moves on and never posts anything.
        const before = page.url();
        await page.keyboard.press('Enter');
        expect(await activeId(page)).toBe('target-customer_retention');
        expect(page.url()).toBe(before);
        expect((await getReview(t, draft.id)).version).toBe(draft.version);
      });

      const liveTotal = await step(page, 'hr-save', async () => {
        await page.type('#text-strengths', 'Closed three key accounts');
        await page.type('#text-developmentPlan', '带领新人');
        const live = await text(page, '#total');
        await page.click('#save');
        await page.waitForFunction(() => /Saved at/.test(document.getElementById('save-state')?.textContent ?? ''));
        const saved = await getReview(t, draft.id);
        expect(saved.version).toBe(draft.version + 1);
        expect(saved.complete).toBe(true);
        expect(saved.strengths).toBe('Closed three key accounts');
        expect(saved.total.toFixed(2)).toBe(live);
        expect(await text(page, '#total')).toBe(live);
        return live;
      });
      expect(Number(liveTotal)).toBeGreaterThan(0);

      await step(page, 'hr-submit', async () => {
        await Promise.all([page.waitForNavigation(), page.click('#submit-review')]);
        expect(await text(page, '.notice')).toMatch(/Submitted/);
        expect(await text(page, '#status-badge')).toBe('Submitted');
      });

      await step(page, 'hr-finalize', async () => {
        await clickAndWait(page, '#finalize');
        expect(await text(page, '#status-badge')).toBe('Finalized');
        const final = await getReview(t, draft.id);
        expect(final.status).toBe('finalized');
        expect(final.total.toFixed(2)).toBe(liveTotal);
      });
    } finally {
      await context.close();
    }
  });

  it('a manager downloads the scorecard of someone in their team', async () => {
    const { page, context } = await signedIn(people.manager, TEST_PASSWORD);
    try {
      await step(page, 'manager-team', async () => {
        expect(new URL(page.url()).pathname).toBe('/team');
        const row = `#team tr[data-employee="${member.employeeNo}"]`;
        expect(await text(page, `${row} .badge`)).toBe('Finalized');
        expect(await page.$(`#team tr[data-employee="${outsider.employeeNo}"]`)).toBeNull();
        expect(await page.$('svg.chart[role="img"]')).not.toBeNull();
        const href = await page.$eval(`${row} a.scorecard-link`, (a) => a.getAttribute('href'));
        // The link as the browser follows it: same cookie, a PDF comes back.
        const got = await page.evaluate(async (url) => {
          const res = await fetch(url ?? '', { credentials: 'same-origin' });
          const bytes = new Uint8Array(await res.arrayBuffer());
          return {
            status: res.status,
            type: res.headers.get('content-type'),
            magic: String.fromCharCode(...bytes.slice(0, 5)),
            disposition: res.headers.get('content-disposition'),
          };
        }, href);
        expect(got).toMatchObject({ status: 200, type: 'application/pdf', magic: '%PDF-' });
        expect(got.disposition).toMatch(/^attachment/);
      });
    } finally {
      await context.close();
    }
  });

  it('a manager downloads the whole team as one zip, watching the progress bar fill up', async () => {
    const downloads = mkdtempSync(join(tmpdir(), 'scorecard-web-downloads-'));
    // Printing waits for the test: the bar is seen at 0, 1 and 2 of 2 whatever the machine's speed.
    const gate = holdExportPrinting(t);
    const { page, context } = await signedIn(people.manager, TEST_PASSWORD, DESKTOP, downloads);
    const bar = () =>
      page.$eval('#export-progress', (p) => ({
        value: (p as HTMLProgressElement).value,
        max: (p as HTMLProgressElement).max,
        text: p.getAttribute('aria-valuetext'),
      }));
    const hidden = (selector: string) => page.$eval(selector, (el) => (el as HTMLElement).hidden);
    try {
      const withReview = await step(page, 'team-zip-start', async () => {
        expect(new URL(page.url()).pathname).toBe('/team');
        const numbers = await page.$$eval('#team tr[data-employee]', (rows) =>
          rows.filter((r) => r.querySelector('a.scorecard-link')).map((r) => r.getAttribute('data-employee') ?? ''),
        );
        await clickAndWait(page, '#team-zip');
        expect(new URL(page.url()).pathname).toMatch(/^\/exports\/[0-9a-f-]{36}$/);
        return numbers;
      });
      // One scorecard per team member with a review in the cycle; the other team's is not in it.
      expect(withReview.sort()).toEqual([member.employeeNo, teammate.employeeNo].sort());

      await step(page, 'team-zip-progress', async () => {
        expect(await bar()).toEqual({ value: 0, max: 2, text: '0 of 2 scorecard(s) processed' });
        expect(await hidden('#export-download')).toBe(true);
        // The script polls, so the no-JavaScript refresh link is out of the way.
        expect(await hidden('#export-refresh')).toBe(true);
        gate.release(1);
        await page.waitForFunction(() => (document.getElementById('export-progress') as HTMLProgressElement | null)?.value === 1);
        expect(await bar()).toEqual({ value: 1, max: 2, text: '1 of 2 scorecard(s) processed' });
        expect(await text(page, '#export-counts')).toBe('1 of 2 scorecard(s) processed');
        expect(await text(page, '#export-state')).toBe('Printing the scorecards…');
        expect(await hidden('#export-download')).toBe(true);
        gate.release(1);
        await page.waitForSelector('#export-download:not([hidden])');
        expect(await bar()).toEqual({ value: 2, max: 2, text: '2 of 2 scorecard(s) processed' });
        expect(await text(page, '#export-state')).toBe('Ready: 2 scorecard(s) in the zip.');
        expect(await page.$eval('#export-state', (el) => el.getAttribute('role'))).toBe('status');
        expect(await page.$eval('#export', (el) => el.getAttribute('aria-busy'))).toBe('false');
        expect(await hidden('#export-failed')).toBe(true);
      });

      const zip = await step(page, 'team-zip-download', async () => {
        await page.click('#export-download');
        return downloaded(downloads);
      });
      expect(zip.name).toMatch(/-scorecards\.zip$/);
      const entries = readZip(zip.data);
      const reviews = await Promise.all([draft.id, contested.id].map((id) => getReview(t, id)));
      expect(entries.map((e) => e.name).sort()).toEqual(reviews.map((r) => scorecardFilename(r, 'pdf')).sort());
      await expectValidPdfs(entries);
    } finally {
      gate.open();
      await context.close();
      rmSync(downloads, { recursive: true, force: true });
    }
  });

  it('a manager who edits the address to reach a review outside their team gets the not-found page', async () => {
    const { page, context } = await signedIn(people.manager, TEST_PASSWORD);
    try {
      await step(page, 'manager-out-of-scope', async () => {
        const res = await page.goto(`${t.url}/reviews/${outsiderReview.id}`);
        expect(res?.status()).toBe(404);
        expect(await text(page, 'h1')).toBe('Page not found');
        const body = await page.content();
        expect(body).not.toContain(outsider.name);
        expect(body).not.toMatch(/at .*\.(ts|js):\d+/);
      });
    } finally {
      await context.close();
    }
  });

  it('an employee acknowledges their finalized review (tablet width)', async () => {
    const { page, context } = await signedIn(people.employee, TEST_PASSWORD, TABLET);
    try {
      await step(page, 'employee-acknowledge', async () => {
        expect(new URL(page.url()).pathname).toBe('/my');
        // Nothing wider than the screen: wide tables scroll inside their own box.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await clickAndWait(page, `tr[data-review="${draft.id}"] button.acknowledge`);
        expect(new URL(page.url()).pathname).toBe('/my');
        expect(await text(page, '.notice')).toMatch(/acknowledgement is recorded/);
        expect(await text(page, `tr[data-review="${draft.id}"] .badge`)).toMatch(/^Acknowledged/);
        const review = await getReview(t, draft.id);
        // The person's name, not their sign-in e-mail (issue 16.9).
        expect(review.acknowledgedBy).toBe('王小明');
      });
    } finally {
      await context.close();
    }
  });

  it('an admin edits a template draft (adds, removes and moves KPIs, edits a band), cannot publish until the weights sum to 100, then publishes', async () => {
    const templates = (await t.http.get('/api/kpi-templates').set(t.as('admin')).expect(200)).body as TemplateDto[];
    const template = templates.find((x) => x.role.code === 'account_manager');
    if (!template) throw new Error('no account-manager template');
    const { page, context } = await signedIn(people.admin, 'first-boss-key-42');
    const value = (selector: string) => page.$eval(selector, (i) => (i as HTMLInputElement).value);
    const publishDisabled = () => page.$eval('#publish', (b) => (b as HTMLButtonElement).disabled);
    const keys = () => page.$$eval('input[name$="].key"][name^="kpis["]', (inputs) => inputs.map((i) => i.value));
    /** Replaces a field's text by typing, as a person would after selecting it (focus, not a click: the sticky sum bar may cover the spot). */
    async function retype(selector: string, text: string): Promise<void> {
      await page.focus(selector);
      await page.$eval(selector, (i) => (i as HTMLInputElement).select());
      await page.keyboard.type(text);
    }
    try {
      await step(page, 'admin-draft', async () => {
        await page.goto(`${t.url}/admin/templates/${template.id}`);
        await clickAndWait(page, '#start-draft');
        expect(await text(page, '#weight-sum')).toBe('100 %');
        expect(await publishDisabled()).toBe(false);
      });
      await step(page, 'admin-add-kpi', async () => {
        await clickAndWait(page, '#add-kpi');
        // The new KPI comes last, open, with the focus in its key; Enter moves on and posts nothing.
        expect(await autofocusedId(page)).toBe('f-kpis-8-key');
        await page.keyboard.type('upsell_deals');
        const before = page.url();
        await page.keyboard.press('Enter');
        expect(await activeId(page)).toBe('f-kpis-8-category');
        expect(page.url()).toBe(before);
        await page.keyboard.type('sales_results');
        await page.type('#f-kpis-8-nameZh', '增购');
        await page.type('#f-kpis-8-nameEn', 'Upsell deals');
        await page.type('#f-kpis-8-rule-target', '12');
        await page.type('#f-kpis-8-rule-unit', 'deals');
        await retype('#f-kpis-8-rule-cap', '120');
        // The running sum follows the typing: unreadable while the new weight is empty, then 110.
        expect(await text(page, '#weight-sum')).toBe('? %');
        await page.type('#f-kpis-8-weight', '10');
        expect(await text(page, '#weight-sum')).toBe('110 %');
        expect(await publishDisabled()).toBe(true);
        // Choosing a rating shows the scale at once, and target again brings the typed target back.
        await page.select('#f-kpis-8-rule-type', 'rating');
        const shown = (kind: string) => page.$eval(`#kpi-8 [data-rule-kind="${kind}"]`, (el) => el.getClientRects().length > 0);
        expect([await shown('rating'), await shown('target')]).toEqual([true, false]);
        expect(await page.$eval('#f-kpis-8-rule-points-4-labelEn', (i) => (i as HTMLInputElement).value)).toBe('Outstanding');
        await page.select('#f-kpis-8-rule-type', 'target');
        expect([await shown('rating'), await shown('target')]).toEqual([false, true]);
        expect(await value('#f-kpis-8-rule-target')).toBe('12');
      });
      await step(page, 'admin-remove-kpi', async () => {
        // Relationship upkeep (4th, weight 10) goes; what was typed into the new KPI stays.
        await clickAndWait(page, '#kpi-3-remove');
        expect(await keys()).not.toContain('relationship_upkeep');
        expect(await value('#f-kpis-7-key')).toBe('upsell_deals');
        expect(await value('#f-kpis-7-rule-cap')).toBe('120');
        expect(await text(page, '#weight-sum')).toBe('100 %');
        expect(await text(page, '#unsaved')).toMatch(/not saved yet/);
      });
      await step(page, 'admin-reorder', async () => {
        // Retention moves above satisfaction; the focus stays on the button that moved it.
        await clickAndWait(page, '#kpi-2-up');
        expect((await keys()).slice(0, 3)).toEqual(['sales_attainment', 'customer_retention', 'customer_satisfaction']);
        expect(await autofocusedId(page)).toBe('kpi-1-up');
      });
      await step(page, 'admin-band', async () => {
        await retype('#f-bands-0-min', '92');
        await retype('#f-bands-0-labelEn', 'Top performer');
        // Usable at tablet width: nothing wider than the screen.
        await page.setViewport(TABLET);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
        await page.setViewport(DESKTOP);
      });
      await step(page, 'admin-blocked', async () => {
        // Sales 35 → 30: the sum drops to 95 and Publish is disabled while it is off.
        await retype('#f-kpis-0-weight', '30');
        expect(await text(page, '#weight-sum')).toBe('95 %');
        expect(await publishDisabled()).toBe(true);
        // The server refuses too, if the button is forced; everything typed stays in the form.
        await page.$eval('#publish', (b) => {
          (b as HTMLButtonElement).disabled = false;
        });
        await clickAndWait(page, '#publish');
        expect(await text(page, '#problem')).toMatch(/see the marked fields/);
        expect(await text(page, '#weight-sum-note')).toMatch(/add up to 95/);
        expect(await value('#f-kpis-0-weight')).toBe('30');
        expect(await value('#f-kpis-7-key')).toBe('upsell_deals');
        expect(await value('#f-bands-0-min')).toBe('92');
        expect(await publishDisabled()).toBe(true);
        // The script hides the no-JS "Update rule fields" buttons, and leaving the refused form asks first.
        expect(await page.$$eval('button[value^="refresh."]', (bs) => bs.filter((b) => b.getClientRects().length > 0).length)).toBe(0);
        const asked = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.type()))));
        await page.evaluate(() => {
          window.location.href = '/';
        });
        expect(await asked).toBe('beforeunload');
        expect(await value('#f-kpis-0-weight')).toBe('30');
        const again = (await t.http.get(`/api/kpi-templates/${template.id}`).set(t.as('admin')).expect(200)).body as TemplateDto;
        expect(again.current?.number).toBe(template.current?.number);
      });
      await step(page, 'admin-diff', async () => {
        // Satisfaction (now 3rd) 15 → 20: back to 100. Saved, the draft's changes are listed before publishing.
        await retype('#f-kpis-2-weight', '20');
        expect(await text(page, '#weight-sum')).toBe('100 %');
        expect(await publishDisabled()).toBe(false);
        await clickAndWait(page, '#save-draft');
        expect(await text(page, '.notice')).toMatch(/draft is saved/);
        const rows = await page.$$eval('#diff tbody tr', (trs) =>
          trs.map((tr) => [tr.className, ...Array.from(tr.cells).map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())].join(' | ')),
        );
        expect(rows).toEqual(
          expect.arrayContaining([
            'diff-changed | KPIs | order | sales_attainment, customer_satisfaction, customer_retention, communication, selling, customer_service, problem_solving | sales_attainment, customer_retention, customer_satisfaction, communication, selling, customer_service, problem_solving',
            'diff-changed | Sales attainment | weight | 35 | 30',
            'diff-changed | Customer satisfaction | weight | 15 | 20',
            'diff-added | Upsell deals | nameZh | — | 增购',
            'diff-added | Upsell deals | rule.cap | — | 120',
            'diff-removed | Relationship upkeep | removed in the draft',
            'diff-changed | Band Top performer | min | 90 | 92',
            'diff-changed | Band Top performer | labelEn | Outstanding | Top performer',
          ]),
        );
      });
      await step(page, 'admin-publish', async () => {
        await clickAndWait(page, '#publish');
        expect(await text(page, '.notice')).toMatch(/Published/);
        const after = (await t.http.get(`/api/kpi-templates/${template.id}`).set(t.as('admin')).expect(200)).body as TemplateDto;
        const number = (template.current?.number ?? 0) + 1;
        expect(after.current?.number).toBe(number);
        expect(after.current?.kpis.map((k) => [k.key, k.weight])).toEqual([
          ['sales_attainment', 30],
          ['customer_retention', 15],
          ['customer_satisfaction', 20],
          ['communication', 6.25],
          ['selling', 6.25],
          ['customer_service', 6.25],
          ['problem_solving', 6.25],
          ['upsell_deals', 10],
        ]);
        expect(after.current?.kpis[7]).toMatchObject({
          nameZh: '增购',
          nameEn: 'Upsell deals',
          category: 'sales_results',
          rule: { type: 'target', target: 12, unit: 'deals', direction: 'higher', cap: 120, threshold: null },
        });
        expect(after.current?.bands[0]).toEqual({ key: 'outstanding', min: 92, labelZh: '卓越', labelEn: 'Top performer' });
        expect(await text(page, 'h2')).toBe(`Current version ${number}`);
        // The old version stays readable from the history.
        await clickAndWait(page, `#history a[href$="?version=${template.current?.id}"]`);
        expect(await text(page, 'h2')).toBe(`Version ${number - 1} (older)`);
        expect(await page.$eval('main', (m) => m.textContent ?? '')).toContain('Relationship upkeep');
      });
    } finally {
      await context.close();
    }
  });

  it('a stale save shows what someone else changed and keeps everything typed', async () => {
    const { page, context } = await signedIn(people.hr, TEST_PASSWORD);
    try {
      await page.goto(`${t.url}/reviews/${contested.id}`);
      // Someone else saves while this page is open.
      await t.http
        .put(`/api/reviews/${contested.id}`)
        .set(t.as('hr'))
        .send({ version: contested.version, entries: [{ kpiKey: 'selling', rating: 2 }], strengths: 'Theirs' })
        .expect(200);
      await page.type('#actual-sales_attainment', '1,500,000');
      await page.type('#text-strengths', 'Mine');
      await step(page, 'stale-save-conflict', async () => {
        await page.click('#save');
        await page.waitForSelector('#conflict:not([hidden])');
        const conflict = await text(page, '#conflict');
        expect(conflict).toMatch(/Someone else saved this review/);
        expect(conflict).toMatch(/Selling: rating/);
        expect(conflict).toMatch(/Theirs/);
        // Nothing typed is lost.
        expect(await page.$eval('#actual-sales_attainment', (i) => (i as HTMLInputElement).value)).toBe('1,500,000');
        expect(await page.$eval('#text-strengths', (i) => (i as HTMLTextAreaElement).value)).toBe('Mine');
        const server = await getReview(t, contested.id);
        expect(server.strengths).toBe('Theirs');
        // Deliberately keeping one's own version writes it over theirs.
        await page.click('#keep-mine');
        await page.waitForFunction(() => /Saved at/.test(document.getElementById('save-state')?.textContent ?? ''));
        const after = await getReview(t, contested.id);
        expect(after.strengths).toBe('Mine');
        expect(after.kpis.find((k) => k.key === 'sales_attainment')?.input.actual).toBe(1_500_000);
        expect(after.version).toBe(contested.version + 2);
      });
    } finally {
      await context.close();
    }
  });

  it('broke no Content-Security-Policy rule and threw no script error on any page', () => {
    expect(problems).toEqual([]);
  });
});
