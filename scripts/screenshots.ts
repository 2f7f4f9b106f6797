// Screenshots of the main pages for the README: starts the built app on a throw-away embedded
// PostgreSQL with the demo data, signs in as each demo user in Chromium and saves PNGs into
// docs/screenshots/. Nothing of the user's own data is touched (own data folder, own ports).
//
//   npm run screenshots                 all pages, 1280×800
//   SCREENSHOTS_CHROMIUM=/path/to/chrome npm run screenshots
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { findChromium, prepareChromium } from '../src/scorecards/chromium.js';
import { loadCjkFonts } from '../src/scorecards/fonts.js';
import { freePort } from '../support/harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };

interface Shot {
  file: string;
  user: 'hr' | 'manager' | 'employee' | 'admin' | null;
  lang: 'en' | 'zh-CN';
  /** A path, or a function that finds one (e.g. the first draft review). */
  path: string | ((page: Page, base: string) => Promise<string>);
  /** Clicks and typing on the page before the picture. */
  prepare?: (page: Page, base: string) => Promise<void>;
  fullPage?: boolean;
}

const USERS = {
  hr: ['hr@scorecard.demo', 'demo-hr-2026'],
  manager: ['manager@scorecard.demo', 'demo-2026-charlie'],
  employee: ['employee@scorecard.demo', 'demo-2026-delta'],
  admin: ['admin@scorecard.demo', 'demo-2026-alpha'],
} as const;

/** The first review in a state, read through the API with the page's own cookie. */
async function firstReview(page: Page, base: string, query: string): Promise<string> {
  const id = await page.evaluate(async (url) => {
    const res = await fetch(url, { credentials: 'same-origin' });
    const body = (await res.json()) as { items: { id: string; complete: boolean; total: number }[] };
    // Half filled in shows the most: live scores on some rows, "still without input" for the rest.
    return (body.items.find((r) => !r.complete && r.total > 0) ?? body.items[0])?.id ?? null;
  }, `${base}/api/reviews?${query}`);
  if (!id) throw new Error(`no review for ${query}`);
  return `/reviews/${id}`;
}

const SHOTS: Shot[] = [
  { file: 'login.png', user: null, lang: 'zh-CN', path: '/login' },
  { file: 'dashboard.png', user: 'hr', lang: 'en', path: '/' },
  { file: 'dashboard-zh.png', user: 'hr', lang: 'zh-CN', path: '/' },
  { file: 'review-entry.png', user: 'hr', lang: 'en', fullPage: true, path: (page, base) => firstReview(page, base, 'status=draft&pageSize=50') },
  { file: 'review-entry-zh.png', user: 'hr', lang: 'zh-CN', fullPage: true, path: (page, base) => firstReview(page, base, 'status=draft&pageSize=50') },
  { file: 'reviews.png', user: 'hr', lang: 'en', path: '/reviews' },
  { file: 'cycles.png', user: 'hr', lang: 'en', path: '/cycles' },
  { file: 'team.png', user: 'manager', lang: 'en', fullPage: true, path: '/team' },
  {
    file: 'export-progress.png',
    user: 'manager',
    lang: 'en',
    path: '/team',
    prepare: async (page) => {
      // The team's zip, pictured once it is ready: the same picture however fast the machine prints.
      await Promise.all([page.waitForNavigation(), page.click('#team-zip')]);
      await page.waitForSelector('#export-download:not([hidden])', { timeout: 180_000 });
    },
  },
  { file: 'my-reviews.png', user: 'employee', lang: 'zh-CN', path: '/my' },
  {
    file: 'template-editor.png',
    user: 'admin',
    lang: 'en',
    fullPage: true,
    path: '/admin/templates',
    prepare: async (page, base) => {
      // A draft of the first template with a KPI being added and the first weight lowered: the new
      // KPI's fields, the running sum at 95 % and Publish disabled.
      const href = await page.$eval('#template-list a', (a) => a.getAttribute('href'));
      await page.goto(`${base}${href}`);
      if (await page.$('#start-draft')) await Promise.all([page.waitForNavigation(), page.click('#start-draft')]);
      await Promise.all([page.waitForNavigation(), page.click('#add-kpi')]);
      const last = await page.$$eval('fieldset.kpi-edit', (sets) => sets.length - 1);
      const typeInto = async (field: string, text: string) => page.type(`#f-kpis-${last}-${field}`, text);
      await typeInto('key', 'cross_selling');
      await typeInto('category', 'sales_results');
      await typeInto('nameZh', '交叉销售');
      await typeInto('nameEn', 'Cross-selling');
      await typeInto('rule-target', '6');
      await typeInto('rule-unit', 'deals');
      await typeInto('weight', '10');
      await page.focus('#f-kpis-0-weight');
      await page.$eval('#f-kpis-0-weight', (i) => (i as HTMLInputElement).select());
      await page.keyboard.type('20');
    },
  },
  { file: 'users.png', user: 'admin', lang: 'en', path: '/admin/users' },
  { file: 'not-found.png', user: 'manager', lang: 'en', path: '/reviews/00000000-0000-4000-8000-000000000000' },
];

async function waitForHealth(base: string, app: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`the app exited with code ${app.exitCode}`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the app did not become healthy within 3 minutes');
}

async function signIn(browser: Browser, base: string, user: Shot['user'], lang: Shot['lang']): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(VIEWPORT);
  page.on('dialog', (d) => void d.accept());
  await page.setCookie({ name: 'scorecard_lang', value: lang, url: base });
  if (user) {
    const [email, password] = USERS[user];
    await page.goto(`${base}/login`);
    await page.type('#f-email', email);
    await page.type('#f-password', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
  }
  return page;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'scorecard-screenshots-'));
  // As root, the embedded PostgreSQL runs as "postgres", which must be able to enter this folder.
  await chmod(work, 0o755);
  const [appPort, pgPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${appPort}`;
  const app = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(appPort),
      HOST: '127.0.0.1',
      EMBEDDED_PG_DIR: join(work, 'pg'),
      EMBEDDED_PG_PORT: String(pgPort),
      DATABASE_URL: '',
      DEMO_DATA: 'true',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let browser: Browser | null = null;
  try {
    console.log(`Starting the app with demo data on ${base} …`);
    await waitForHealth(base, app);
    const found = findChromium({
      systemPaths: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/chromium-headless-shell'],
    });
    const chromium = process.env.SCREENSHOTS_CHROMIUM ?? (found ? await prepareChromium(found) : null);
    if (!chromium) throw new Error('No Chromium found; set SCREENSHOTS_CHROMIUM');
    // The bundled Noto Sans SC as a system font of this browser (as the PDF renderer does): a
    // machine without Chinese fonts would otherwise depend on the pages' web font, which headless
    // Chromium here sometimes paints as empty boxes when text was laid out before it loaded.
    const fontEnv = await (await loadCjkFonts({ fallback: false })).writeSystemFonts(join(work, 'fonts'));
    browser = await puppeteer.launch({
      executablePath: chromium,
      env: { ...process.env, ...fontEnv },
      headless: process.env.SCREENSHOTS_CHROMIUM ? true : (found?.headless ?? true),
      userDataDir: join(work, 'profile'),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    await mkdir(OUT, { recursive: true });
    for (const shot of SHOTS) {
      const page = await signIn(browser, base, shot.user, shot.lang);
      const path = typeof shot.path === 'string' ? shot.path : await shot.path(page, base);
      await page.goto(`${base}${path}`, { waitUntil: 'networkidle0' });
      await shot.prepare?.(page, base);
      // Chinese glyphs come from a web font: wait for it, or the PNG shows empty boxes.
      await page.evaluate(async () => {
        await document.fonts.ready;
      });
      if (shot.fullPage) {
        // A window as tall as the page rather than Puppeteer's full-page capture, which would paint
        // the sticky save bar in the middle of the picture.
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        await page.setViewport({ ...VIEWPORT, height: Math.max(VIEWPORT.height, height) });
      }
      await page.screenshot({ path: join(OUT, shot.file) });
      console.log(`  docs/screenshots/${shot.file}`);
      await page.browserContext().close();
    }
  } finally {
    await browser?.close();
    app.kill('SIGTERM');
    await new Promise((r) => app.once('exit', r));
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
