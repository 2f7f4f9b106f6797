// Roles and a new role's first template version from the pages (issue 16 point 3): an admin never
// needs the API for them. In a real browser, in Chinese: a refused role code is said beside its
// field, a new role starts its first version as a copy of another role's or from a blank start,
// publishes it, and is renamed; no page text sends anyone to /api.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'puppeteer-core';
import type { TemplateDto, TemplateVersionDto } from '../src/kpi-templates/dto/template.dto.js';
import { auditOf, uniq } from './fixtures.js';
import { boxedChinese, launchPageBrowser } from './support/browser.js';
import { createTestApp, TEST_ADMIN, type TestApp } from './support/app.js';

describe('roles and first template versions from the pages', () => {
  let t: TestApp;
  let browser: Browser;
  let profile: string;

  beforeAll(async () => {
    t = await createTestApp();
    profile = mkdtempSync(join(tmpdir(), 'scorecard-roles-e2e-'));
    browser = await launchPageBrowser(profile);
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await t?.close();
  });

  async function adminPage(): Promise<Page> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'zh-CN,zh' });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${t.url}/login`);
    await page.type('#f-email', TEST_ADMIN.email);
    await page.type('#f-password', TEST_ADMIN.password);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    return page;
  }

  const text = (page: Page) => page.evaluate(() => document.body.innerText);
  const templateOf = async (id: string) => (await t.http.get(`/api/kpi-templates/${id}`).set(t.as('admin')).expect(200)).body as TemplateDto;
  const versionOf = async (id: string, versionId: string) =>
    (await t.http.get(`/api/kpi-templates/${id}/versions/${versionId}`).set(t.as('admin')).expect(200)).body as TemplateVersionDto;

  async function createRole(page: Page, code: string, nameZh: string, nameEn: string): Promise<string> {
    await page.goto(`${t.url}/admin/templates`);
    for (const [field, value] of [
      ['#f-code', code],
      ['#f-nameZh', nameZh],
      ['#f-nameEn', nameEn],
    ])
      await page.$eval(field, (el, v) => ((el as HTMLInputElement).value = v), value);
    await Promise.all([page.waitForNavigation(), page.click('#create-role')]);
    return /\/admin\/templates\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
  }

  it('creates a role (a bad code refused beside its field), copies another role for its first version, publishes it and renames the role', async () => {
    const page = await adminPage();
    try {
      await page.goto(`${t.url}/admin/templates`);
      expect(await text(page)).not.toContain('/api');

      // A code with a space and capitals: refused in Chinese beside the field, the names kept.
      expect(await createRole(page, 'Key Account', '大客户经理', 'Key-account manager')).toBe('');
      expect(await page.$eval('#e-code', (el) => el.textContent)).toMatch(/代码/);
      expect(await page.$eval('#e-code', (el) => el.textContent)).not.toMatch(/must|code must/);
      expect(await page.$eval('#f-nameZh', (el) => (el as HTMLInputElement).value)).toBe('大客户经理');

      const code = `kam_${uniq()
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')}`;
      const id = await createRole(page, code, '大客户经理', 'Key-account manager');
      expect(id).not.toBe('');
      expect(await text(page)).not.toContain('/api');
      const options = await page.$$eval('#f-from option', (os) => os.map((o) => [o.value, o.textContent]));
      // No version of its own yet: copies of the two default roles, and a blank start.
      expect(options.map(([value]) => value).filter((v) => v !== 'blank')).toHaveLength(2);
      expect(options.map(([value]) => value)).toContain('blank');
      const amTemplate = (await t.http.get('/api/kpi-templates').set(t.as('admin')).expect(200)).body as TemplateDto[];
      const am = amTemplate.find((x) => x.role.code === 'account_manager');
      if (!am?.current) throw new Error('the account manager template has no current version');

      await page.select('#f-from', am.id);
      await Promise.all([page.waitForNavigation(), page.click('#start-draft')]);
      const withDraft = await templateOf(id);
      expect(withDraft.draftVersionId).not.toBeNull();
      const draft = await versionOf(id, String(withDraft.draftVersionId));
      expect(draft.kpis.map((k) => k.key)).toEqual(am.current.kpis.map((k) => k.key));
      expect(draft.bands).toEqual(am.current.bands);

      await Promise.all([page.waitForNavigation(), page.click('#publish')]);
      expect((await templateOf(id)).current?.number).toBe(1);

      await page.click('#rename-role > summary');
      await page.$eval('#rename-role #f-nameEn', (el) => ((el as HTMLInputElement).value = 'Key account manager'));
      await Promise.all([page.waitForNavigation(), page.click('#rename-role-save')]);
      const renamed = await templateOf(id);
      expect([renamed.role.code, renamed.role.nameEn]).toEqual([code, 'Key account manager']);
      expect((await auditOf(t, 'role', renamed.role.id)).map((a) => a.action)).toEqual(['update', 'create']);
      expect(await boxedChinese(page)).toEqual([]);
    } finally {
      await page.browserContext().close();
    }
  }, 120_000);

  it("starts a new role's first version from a blank start; a refused save is summed up at the top with links; it publishes", async () => {
    const page = await adminPage();
    try {
      const id = await createRole(
        page,
        `blank_${uniq()
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')}`,
        '新岗位',
        'New role',
      );
      await page.select('#f-from', 'blank');
      await Promise.all([page.waitForNavigation(), page.click('#start-draft')]);
      const draftId = String((await templateOf(id)).draftVersionId);
      // Category and unit are codes in the form; the page says how they read.
      expect(await page.$eval('#f-kpis-0-category-label', (el) => el.textContent)).toBe('在页面和评估表上显示为：公司整体绩效');

      // A refused save: the summary at the top names each field and links to it, and has the focus.
      await page.$eval('#f-kpis-0-rule-cap', (el) => ((el as HTMLInputElement).value = '90'));
      await page.$eval('#f-kpis-0-key', (el) => ((el as HTMLInputElement).value = 'Bad Key'));
      await Promise.all([page.waitForNavigation(), page.click('#save-draft')]);
      await page.waitForFunction(() => document.activeElement?.id === 'problem', { timeout: 5000 });
      const links = await page.$$eval('#error-summary a', (as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
      expect(links.map(([href]) => href)).toEqual(['#f-kpis-0-key', '#f-kpis-0-rule-cap']);
      for (const [, message] of links) expect(message).toMatch(/[\u4e00-\u9fff]/);
      await page.click('#error-summary a[href="#f-kpis-0-rule-cap"]');
      expect(await page.$eval('#f-kpis-0-rule-cap', (el) => (el as HTMLInputElement).value)).toBe('90');
      expect((await versionOf(id, draftId)).kpis[0].key).toBe('kpi_1');
      const draft = await versionOf(id, draftId);
      expect(draft.kpis.map((k) => [k.key, k.weight])).toEqual([['kpi_1', 100]]);
      // Fixed again, it publishes as it is.
      await page.$eval('#f-kpis-0-rule-cap', (el) => ((el as HTMLInputElement).value = '120'));
      await page.$eval('#f-kpis-0-key', (el) => ((el as HTMLInputElement).value = 'kpi_1'));
      await Promise.all([page.waitForNavigation(), page.click('#publish')]);
      expect((await templateOf(id)).current?.id).toBe(draftId);
    } finally {
      await page.browserContext().close();
    }
  }, 120_000);

  it('keeps what was typed in the template editor when the session has ended, and saves it after signing in again', async () => {
    // The test's own API sessions stay; the browser's is the one that ends.
    const before = await t.db.query<{ id: string }[]>('SELECT id FROM sessions');
    const page = await adminPage();
    try {
      const id = await createRole(
        page,
        `late_${uniq()
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')}`,
        '晚到岗位',
        'Late role',
      );
      await page.select('#f-from', 'blank');
      await Promise.all([page.waitForNavigation(), page.click('#start-draft')]);
      const draftId = String((await templateOf(id)).draftVersionId);
      const stored = await versionOf(id, draftId);
      const editor = page.url();
      await page.$eval('#f-kpis-0-nameEn', (el) => ((el as HTMLInputElement).value = 'Typed before the session ended'));

      // The session ends while the admin types (as after the idle timeout).
      await t.db.query('DELETE FROM sessions WHERE NOT (id = ANY($1::uuid[]))', [before.map((r) => r.id)]);
      await page.click('#save-draft');
      await page.waitForSelector('#session-note:not([hidden])', { timeout: 10_000 });
      expect(page.url()).toBe(editor);
      expect(await page.$eval('#f-kpis-0-nameEn', (el) => (el as HTMLInputElement).value)).toBe('Typed before the session ended');
      expect(await page.$eval('#sign-in-again', (a) => a.getAttribute('target'))).toBe('_blank');
      expect((await versionOf(id, draftId)).version).toBe(stored.version);

      // Signed in again on another tab, Save posts what was typed.
      const other = await page.browserContext().newPage();
      await other.goto(`${t.url}/login`);
      await other.type('#f-email', TEST_ADMIN.email);
      await other.type('#f-password', TEST_ADMIN.password);
      await Promise.all([other.waitForNavigation(), other.click('button[type="submit"].primary')]);
      await other.close();
      await Promise.all([page.waitForNavigation(), page.click('#save-draft')]);
      const saved = await versionOf(id, draftId);
      expect([saved.version, saved.kpis[0].nameEn]).toEqual([stored.version + 1, 'Typed before the session ended']);
    } finally {
      await page.browserContext().close();
    }
  }, 120_000);
});
