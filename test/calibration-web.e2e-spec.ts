// The calibration page in a real browser (Chromium through Puppeteer) against the real app and
// database: HR filters to a department, moves one review's band so the department meets its target
// distribution (a reason is required first), locks the department, and downloads that review's PDF,
// which says "calibrated from … to …: reason". A failing step leaves a screenshot in test-output/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, fullAccountManagerEntries, putScores, seedOpenCycle, uniq } from './fixtures.js';
import { launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';
import { pdfText } from './support/pdf-reader.js';

const OUTPUT = join(process.cwd(), 'test-output');
// axe's own bundle, evaluated in the page through DevTools (the CSP allows no inline script).
const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags: string[]) => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> } })
      .axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, WCAG_21_AA);
}

describe('calibration page in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let cycle: CycleDto;
  let dept: string;
  let first: ReviewDto;
  let second: ReviewDto;
  let computed: string;
  let other: string;
  const problems: string[] = [];

  beforeAll(async () => {
    // Printing shares the machine with other tests: give a slow print the time it needs.
    t = await createTestApp({ PDF_TIMEOUT_MS: '60000' });
    cycle = await seedOpenCycle(t, `Calibration web ${uniq()}`);
    dept = `Calib web ${uniq()}`;
    const a = await createEmployee(t, 'account_manager', { department: dept, name: `甲 ${uniq()}` });
    const b = await createEmployee(t, 'account_manager', { department: dept, name: `乙 ${uniq()}` });
    first = await putScores(t, await createReview(t, a.id, cycle.id), fullAccountManagerEntries());
    second = await putScores(t, await createReview(t, b.id, cycle.id), fullAccountManagerEntries());
    computed = first.band?.key ?? '';
    other = computed === 'meets' ? 'exceeds' : 'meets';
    // Half in the computed band, half in another: the department starts one person off target.
    const patched = await t.http
      .patch(`/api/cycles/${cycle.id}`)
      .set(t.as('hr'))
      .send({ version: cycle.version, targetDistribution: { [computed]: 50, [other]: 50 } });
    expect(patched.status).toBe(200);
    profile = mkdtempSync(join(tmpdir(), 'scorecard-calibration-web-e2e-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  async function signedIn(email: string): Promise<Page> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on('pageerror', (err) => problems.push(`script error: ${err instanceof Error ? err.message : String(err)}`));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
    });
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', email);
    await page.type('#f-password', TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    expect(new URL(page.url()).pathname).not.toBe('/login');
    return page;
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

  const cell = (page: Page, band: string, column: number) =>
    page.$eval(`#distribution tr[data-band="${band}"]`, (tr, i) => (tr.children[i]?.textContent ?? '').trim(), column);

  it('HR moves one band with a reason to meet the target, locks the department, and the PDF says "calibrated from … to …: reason"', async () => {
    const page = await signedIn('hr@test.example');
    await page.setCookie({ name: 'scorecard_lang', value: 'en', url: t.url });

    await step(page, 'calibration-open', async () => {
      await page.goto(`${t.url}/cycles`);
      await Promise.all([page.waitForNavigation(), page.click(`a[href="/cycles/${cycle.id}/calibration"]`)]);
      await page.select('#f-department', dept);
      await Promise.all([page.waitForNavigation(), page.click('form[role="search"] button[type="submit"]')]);
      expect(new URL(page.url()).searchParams.get('department')).toBe(dept);
      // count, %, target %, target, gap
      expect(await cell(page, computed, 1)).toBe('2');
      expect(await cell(page, computed, 5)).toBe('1');
      expect(await cell(page, other, 5)).toBe('-1');
      expect(await page.$eval('#distribution', (el) => el.closest('section')?.querySelector('svg[role="img"]')?.getAttribute('aria-label'))).toBeTruthy();
    });

    await step(page, 'calibration-no-reason', async () => {
      await page.select(`#band-${second.id}`, other);
      await Promise.all([page.waitForNavigation(), page.click(`tr[data-review="${second.id}"] button[type="submit"]`)]);
      expect(await page.$eval(`#reason-e-${second.id}`, (el) => el.textContent)).toMatch(/reason of 3 to 2000/);
      // What was chosen is still chosen.
      expect(await page.$eval(`#band-${second.id}`, (el) => (el as HTMLSelectElement).value)).toBe(other);
    });

    await step(page, 'calibration-adjust', async () => {
      await page.type(`#reason-${second.id}`, 'Calibration meeting: peers agreed');
      await Promise.all([page.waitForNavigation(), page.click(`tr[data-review="${second.id}"] button[type="submit"]`)]);
      expect(new URL(page.url()).searchParams.get('notice')).toBe('calibrated');
      expect(await cell(page, computed, 1)).toBe('1');
      expect(await cell(page, other, 1)).toBe('1');
      expect(await cell(page, computed, 5)).toBe('0');
      expect(await cell(page, other, 5)).toBe('0');
    });

    await step(page, 'calibration-lock', async () => {
      await Promise.all([page.waitForNavigation(), page.click(`li[data-department="${dept}"] button[type="submit"]`)]);
      expect(new URL(page.url()).searchParams.get('notice')).toBe('calibrationLocked');
      expect(await page.$eval(`li[data-department="${dept}"]`, (el) => el.textContent ?? '')).toMatch(/Locked by/);
      expect(await page.$(`#band-${first.id}`)).toBeNull();
    });

    await step(page, 'calibration-phone', async () => {
      expect(await axeViolations(page)).toEqual([]);
      await page.setViewport({ width: 390, height: 844 });
      await page.reload();
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.setCookie({ name: 'scorecard_lang', value: 'zh-CN', url: t.url });
      await page.reload();
      expect(await page.$eval('h1', (el) => el.textContent ?? '')).toContain('校准');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.setCookie({ name: 'scorecard_lang', value: 'en', url: t.url });
    });

    await step(page, 'calibration-pdf', async () => {
      const bytes = await page.evaluate(async (url) => {
        const res = await fetch(url);
        return Array.from(new Uint8Array(await res.arrayBuffer()));
      }, `/api/reviews/${second.id}/scorecard.pdf?lang=en`);
      const text = (await pdfText(Uint8Array.from(bytes))).replace(/\s+/g, ' ');
      const label = (key: string) => first.bands.find((b) => b.key === key)?.labelEn ?? key;
      expect(text).toContain(`Calibrated from ${label(computed)} to ${label(other)}: Calibration meeting: peers agreed`);
    });

    await step(page, 'review-page', async () => {
      await page.goto(`${t.url}/reviews/${second.id}`);
      expect(await page.$eval('#calibration-note', (el) => el.textContent ?? '')).toContain('Calibration meeting: peers agreed');
    });
    expect(problems).toEqual([]);
  });
});
