// Errors in the user's language (issue 16, point 1), at the API and in a real browser in zh-CN:
// a 400 carries each field's stable code and arguments; the review page turns them into a Chinese
// sentence that names the KPI and the field and states the rule, with none of the DTO's English;
// closing a cycle with open reviews lists every one of them (more than ten) as links.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import type { ErrorResponseDto } from '../src/common/error-response.dto.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, seedOpenCycle, uniq } from './fixtures.js';
import { launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

const OUTPUT = join(process.cwd(), 'test-output');
// What class-validator says in English; none of it may reach a Chinese page.
const DTO_ENGLISH = /must not be greater than|must be a UUID|must be longer than|Validation failed|entries\[\d+\]|should not exist/;

describe('errors in the page language', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;
  let cycle: CycleDto;
  let review: ReviewDto;
  const open: ReviewDto[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    cycle = await seedOpenCycle(t, `Errors ${uniq()}`);
    // Twelve open reviews: more than the ten the old refusal cut its list after.
    for (let i = 0; i < 12; i++) {
      const e = await createEmployee(t, 'account_manager', { name: `员工${i} ${uniq()}` });
      open.push(await createReview(t, e.id, cycle.id));
    }
    review = open[0];
    profile = mkdtempSync(join(tmpdir(), 'scorecard-errors-web-e2e-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  it('a 400 at the API carries each field with its code and arguments, and keeps the English message', async () => {
    const res = await t.http
      .put(`/api/reviews/${review.id}/scores`)
      .set(t.as('hr'))
      .set('If-Match', String(review.version))
      .send({ entries: [{ kpiKey: 'relationship_upkeep', actual: 1, target: 2e12 }] });
    expect(res.status).toBe(400);
    const body = res.body as ErrorResponseDto;
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors).toContainEqual({
      field: 'entries[0].target',
      code: 'max',
      params: { max: 1_000_000_000_000 },
      message: 'target must not be greater than 1000000000000',
    });

    const patched = await t.http.patch(`/api/employees/${open[1].employee.id}`).set(t.as('hr')).set('If-Match', '1').send({ roleId: 'nope', name: '' });
    expect(patched.status).toBe(400);
    const fields = (patched.body as ErrorResponseDto).errors ?? [];
    expect(fields.find((e) => e.field === 'roleId')).toMatchObject({ code: 'isUuid', params: {}, message: 'roleId must be a UUID' });
    expect(fields.find((e) => e.field === 'name')).toMatchObject({ code: 'required' });
  });

  async function signedIn(email: string): Promise<Page> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on('pageerror', (err) => problems.push(`script error: ${err instanceof Error ? err.message : String(err)}`));
    page.on('dialog', (d) => void d.accept());
    await page.setCookie({ name: 'scorecard_lang', value: 'zh-CN', url: t.url });
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

  it('zh-CN review page: a target too large is refused in Chinese, naming the KPI and the field, with no DTO English', async () => {
    const page = await signedIn('hr@test.example');
    await step(page, 'errors-review-target', async () => {
      await page.goto(`${t.url}/reviews/${review.id}`);
      const kpi = 'relationship_upkeep';
      const kpiName = (review.kpis.find((k) => k.key === kpi) ?? { nameZh: '' }).nameZh;
      expect(kpiName).not.toBe('');
      await page.type(`#target-${kpi}`, '2000000000000');
      await page.click('#save');
      await page.waitForFunction(() => /未保存/.test(document.getElementById('save-state')?.textContent ?? ''));
      const sentence = `“${kpiName}”的目标值不能超过 1,000,000,000,000`;
      expect(await page.$eval('#save-state', (el) => el.textContent)).toContain(sentence);
      const rowText = await page.$eval(`tr[data-kpi="${kpi}"]`, (el) => (el as HTMLElement).innerText);
      expect(rowText).toContain(sentence);
      expect(await page.$eval('body', (el) => (el as HTMLElement).innerText)).not.toMatch(DTO_ENGLISH);
    });
    expect(problems).toEqual([]);
  });

  it('zh-CN cycles page: closing with open reviews lists every one as a link, in Chinese', async () => {
    const page = await signedIn('hr@test.example');
    await step(page, 'errors-cycle-close', async () => {
      await page.goto(`${t.url}/cycles`);
      await Promise.all([page.waitForNavigation(), page.click(`form[action="/cycles/${cycle.id}/close"] button[type="submit"]`)]);
      const alert = await page.$eval('#problem', (el) => (el as HTMLElement).innerText);
      expect(alert).toContain('周期无法关闭：还有 12 份评估未定稿');
      expect(alert).not.toMatch(/cannot close|not finalized|…/);
      const links = await page.$$eval('#problem a', (as) => as.map((a) => a.getAttribute('href')));
      expect(links.sort()).toEqual(open.map((r) => `/reviews/${r.id}`).sort());
      // Each link leads to its review.
      await Promise.all([page.waitForNavigation(), page.click(`#problem a[href="/reviews/${open[11].id}"]`)]);
      expect(new URL(page.url()).pathname).toBe(`/reviews/${open[11].id}`);
    });
    expect(problems).toEqual([]);
  });
});
