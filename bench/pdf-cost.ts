// What a scorecard costs Chromium to print, idea by idea (issue 17 point 3): each variant of the
// same 2-page Chinese scorecard is printed from its own warm shell page (PdfRenderer's way), in
// interleaved rounds, so machine noise hits every variant alike. Chromium's CPU per PDF (its whole
// process tree, from /proc) is the figure that counts; wall time is printed beside it. Then each
// variant's pages are rasterised (pdftoppm) and compared with the current output, so an idea that
// is cheaper but looks different is seen as such.
//
//   npm run bench:pdf-cost            BENCH_ROUNDS (default 6) x BENCH_BATCH (default 10) PDFs per variant
//                                     BENCH_PDF_DIR=dir keeps each variant's PDF there, to look at
//
// The exit code is non-zero only when something broke, never because a target was missed.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type CDPSession, type Page, type Protocol } from 'puppeteer-core';
import { chromiumMissingMessage, describeChromium, findChromium, prepareChromium } from '../src/scorecards/chromium.js';
import { type CjkFonts, loadCjkFonts } from '../src/scorecards/fonts.js';
import { CHROMIUM_ARGS } from '../src/scorecards/pdf-browser.js';
import { toInches } from '../src/scorecards/pdf-options.js';
import { printParameters } from '../src/scorecards/pdf-print.js';
import type { ScorecardView } from '../src/scorecards/scorecard-view.js';
import { CONTENT_HASH, scorecard } from './sample-scorecard.js';
import { machineTicks, stealPercent, treeCpuMs } from './support.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const BATCH = Number(process.env.BENCH_BATCH ?? 10);
const MARGIN = { top: '16mm', right: '14mm', bottom: '16mm', left: '14mm' };
const GOAL_MS = 45;

interface Variant {
  name: string;
  fonts: CjkFonts;
  css: string;
  body: string;
  print: Protocol.Page.PrintToPDFRequest;
}

interface Warm {
  variant: Variant;
  page: Page;
  cdp: CDPSession;
  cpu: number[];
  wall: number[];
}

const MARGIN_INCHES = { top: toInches(MARGIN.top), right: toInches(MARGIN.right), bottom: toInches(MARGIN.bottom), left: toInches(MARGIN.left) };

/** The app's print parameters for a document without header/footer templates. */
const appPrint = (fonts: CjkFonts) => printParameters({}, fonts, MARGIN, MARGIN_INCHES);

/**
 * The header and footer as they were printed before page-margin boxes: Chromium header/footer
 * templates (the former templates/partials/page-header.hbs and page-footer.hbs, values escaped).
 */
function formerTemplates(view: ScorecardView, contentHash: string): { headerHtml: string; footerHtml: string } {
  const e = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const row =
    'width:100%;box-sizing:border-box;font-size:8px;color:#6b7785;display:flex;justify-content:space-between;align-items:center;gap:8px;overflow-wrap:anywhere;';
  const h = view.header;
  const f = view.footer;
  const l = view.labels;
  const draft = h.draft
    ? ` <span style="color:#c0392b;font-weight:bold;border:1px solid #c0392b;border-radius:2px;padding:0 3px;margin-left:4px;">${e(h.draftMark)}</span>`
    : '';
  return {
    headerHtml: `<div style="${row}font-synthesis-weight:none;"><span style="min-width:0;">${e(h.companyName)} · ${e(h.title)}</span><span style="min-width:0;text-align:right;">${e(h.employeeName)} · ${e(h.cycleName)}${draft}</span></div>`,
    footerHtml:
      `<div style="${row}"><span style="min-width:0;">${e(l.generatedAt)}: ${e(f.generatedAt)} · ${e(l.templateVersion)}: ${e(f.templateVersionText)} · ` +
      `${e(l.contentHash)}: <span style="font-family:monospace;">${e(contentHash)}</span></span><span style="white-space:nowrap;">${e(f.pageOf.before)}` +
      `<span class="pageNumber"></span>${e(f.pageOf.between)}<span class="totalPages"></span>${e(f.pageOf.after)}</span></div>`,
  };
}

async function variants(): Promise<Variant[]> {
  const fonts = await loadCjkFonts();
  const regularOnly = await loadCjkFonts({ weights: [400] });
  const noFallback = await loadCjkFonts({ fallback: false });
  const s = scorecard();
  // The scorecard's stylesheet without its page-margin boxes (the last @page rule).
  const bodyCss = s.css.slice(0, s.css.lastIndexOf('@page'));
  const former = formerTemplates(s.view, CONTENT_HASH);
  const withoutSvg = s.html.replace(/<svg[\s\S]*?<\/svg>/g, '<div style="height:40mm"></div>');
  return [
    { name: 'current: CSS page-margin boxes', fonts, css: s.css, body: s.html, print: appPrint(fonts) },
    { name: 'before: header/footer templates', fonts, css: bodyCss, body: s.html, print: printParameters(former, fonts, MARGIN, MARGIN_INCHES) },
    { name: '[bound] no header or footer at all', fonts, css: bodyCss, body: s.html, print: appPrint(fonts) },
    { name: 'one font weight (400; bold synthesised)', fonts: regularOnly, css: s.css, body: s.html, print: appPrint(regularOnly) },
    { name: 'no unicode-range fallback slices', fonts: noFallback, css: s.css, body: s.html, print: appPrint(noFallback) },
    { name: '[bound] charts (SVG) left out', fonts, css: s.css, body: withoutSvg, print: appPrint(fonts) },
  ];
}

async function warmPage(browser: Browser, variant: Variant): Promise<Warm> {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  const head = `<style>${variant.fonts.pageCss}\nhtml{-webkit-print-color-adjust:exact;print-color-adjust:exact}body{margin:0;font-family:${variant.fonts.fontStack}}</style>`;
  await page.setContent(`<!DOCTYPE html><html><head><meta charset="utf-8">${head}<style id="render-style"></style></head><body></body></html>`, {
    waitUntil: 'load',
  });
  return { variant, page, cdp: await page.createCDPSession(), cpu: [], wall: [] };
}

/** PdfRenderer's print: the body and CSS set into the warm shell, fonts awaited, then Page.printToPDF. */
async function printOnce(w: Warm): Promise<Buffer> {
  await w.page.evaluate(
    (html: string, css: string) => {
      const style = document.getElementById('render-style');
      if (style) style.textContent = css;
      const template = document.createElement('template');
      template.innerHTML = html;
      document.body.replaceChildren(template.content);
      void document.body.offsetHeight;
      return document.fonts.ready.then(() => 'ok');
    },
    w.variant.body,
    w.variant.css,
  );
  const { data } = await w.cdp.send('Page.printToPDF', w.variant.print);
  return Buffer.from(data, 'base64');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Grey pages (PGM) of a PDF, rasterised at 50 dpi. */
async function pagesOf(pdf: Buffer, dir: string, name: string): Promise<{ width: number; height: number; pixels: Buffer }[]> {
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  execFileSync('pdftoppm', ['-r', '50', '-gray', file, join(dir, name)]);
  const files = (await readdir(dir)).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.pgm')).sort();
  return Promise.all(
    files.map(async (f) => {
      const raw = await readFile(join(dir, f));
      const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(raw.subarray(0, 40).toString('latin1'));
      if (!m) throw new Error(`${f} is not a binary PGM`);
      return { width: Number(m[1]), height: Number(m[2]), pixels: raw.subarray(m[0].length) };
    }),
  );
}

/** Per cent of pixels that differ visibly (by more than 48 of 255) from the reference, page by page. */
function difference(a: { width: number; height: number; pixels: Buffer }[], b: typeof a): string {
  if (a.length !== b.length) return `${b.length} pages instead of ${a.length}`;
  return a
    .map((page, i) => {
      const other = b[i];
      if (other.width !== page.width || other.height !== page.height) return 'size differs';
      let differing = 0;
      for (let p = 0; p < page.pixels.length; p++) if (Math.abs(page.pixels[p] - other.pixels[p]) > 48) differing++;
      return `${((differing / page.pixels.length) * 100).toFixed(2)}%`;
    })
    .join(' / ');
}

async function main(): Promise<number> {
  const chromium = findChromium({ env: process.env });
  if (!chromium) {
    console.error(chromiumMissingMessage(process.env));
    return 1;
  }
  const all = await variants();
  const root = await mkdtemp(join(tmpdir(), 'scorecard-pdf-cost-'));
  const fontEnv = await all[0].fonts.writeSystemFonts(root);
  const browser = await puppeteer.launch({
    env: { ...process.env, ...fontEnv },
    executablePath: await prepareChromium(chromium),
    headless: chromium.headless,
    pipe: true,
    userDataDir: join(root, 'profile'),
    args: [...CHROMIUM_ARGS],
    defaultViewport: { width: 794, height: 1123 },
  });
  try {
    const pid = browser.process()?.pid;
    if (!pid) throw new Error('Chromium has no process id');
    console.log(`browser: ${describeChromium(chromium)}; ${ROUNDS} rounds x ${BATCH} PDFs per variant, interleaved`);
    const warm: Warm[] = [];
    for (const v of all) {
      const w = await warmPage(browser, v);
      for (let i = 0; i < 5; i++) await printOnce(w);
      warm.push(w);
    }
    const ticks = machineTicks();
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with a different variant, so none always follows the same one.
      for (let k = 0; k < warm.length; k++) {
        const w = warm[(k + round) % warm.length];
        const cpu0 = treeCpuMs(pid);
        const t0 = performance.now();
        for (let i = 0; i < BATCH; i++) await printOnce(w);
        w.wall.push((performance.now() - t0) / BATCH);
        w.cpu.push((treeCpuMs(pid) - cpu0) / BATCH);
      }
    }
    const steal = stealPercent(ticks, machineTicks());
    const reference = await printOnce(warm[0]);
    const referencePages = await pagesOf(reference, root, 'v0');
    const base = median(warm[0].cpu);
    console.log(
      `\n${'variant'.padEnd(46)} ${'Chromium CPU/PDF'.padStart(17)} ${'vs current'.padStart(11)} ${'wall/PDF'.padStart(9)}  pages differing from current (>48/255)`,
    );
    for (const [i, w] of warm.entries()) {
      const pdf = i === 0 ? reference : await printOnce(w);
      if (process.env.BENCH_PDF_DIR) await writeFile(join(process.env.BENCH_PDF_DIR, `variant-${i}.pdf`), pdf);
      const look = i === 0 ? '(reference)' : difference(referencePages, await pagesOf(pdf, root, `v${i}`));
      const cpu = median(w.cpu);
      console.log(
        `${w.variant.name.padEnd(46)} ${`${cpu.toFixed(1)} ms`.padStart(17)} ${`${(cpu / base).toFixed(2)}x`.padStart(11)} ${`${median(w.wall).toFixed(1)} ms`.padStart(9)}  ${look}`,
      );
    }
    console.log(`\nmedians of ${ROUNDS} rounds; CPU steal by the hypervisor during the rounds: ${steal.toFixed(1)}%`);
    console.log(
      `goal: Chromium CPU per 2-page Chinese scorecard <= ${GOAL_MS} ms; current (${referencePages.length} pages) ${base.toFixed(1)} ms (${base <= GOAL_MS ? 'PASS' : 'FAIL'})`,
    );
    return 0;
  } finally {
    await browser.close();
    await rm(root, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
