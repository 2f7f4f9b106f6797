// The PDF renderer against a real Chromium: fonts, headers/footers, the sandbox, queueing,
// timeouts, crashes, recycling and shutdown. No database: renderers are built directly.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { findChromium, resolveLauncherScript } from '../src/scorecards/chromium.js';
import { PDF_RENDERER_OPTIONS, type PdfRendererOptions } from '../src/scorecards/pdf-options.js';
import { PdfRenderer, RenderTimeoutError, RendererBusyError, RendererUnavailableError } from '../src/scorecards/pdf-renderer.js';
import { isAlive, processTreeSync } from '../src/scorecards/process-tree.js';
import { pdfFonts, pdfPages, pdfText } from './support/pdf-reader.js';

const quiet = { log: (): void => undefined, warn: (): void => undefined, error: (): void => undefined };
const CHINESE = '张伟 绩效评估 卓越';

/** Processes whose command line contains `needle` (Chromium's browser process names its profile). */
function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function renderer(options: PdfRendererOptions = {}): PdfRenderer {
  return new PdfRenderer({ logger: quiet, ...options });
}

function kpiTable(rows: number): string {
  const body = Array.from(
    { length: rows },
    (_, i) => `<tr><td>${i + 1}</td><td>销售目标达成率 Sales attainment ${i + 1}</td><td>${(80 + (i % 20)).toFixed(1)}%</td></tr>`,
  ).join('');
  return `<h1>${CHINESE}</h1><table><thead><tr><th>#</th><th>KPI 指标</th><th>得分 Score</th></tr></thead><tbody>${body}</tbody></table>`;
}

describe('finding Chromium', () => {
  it('prefers CHROMIUM_PATH, then chromium-headless-shell in shell mode, and says how to install one when there is none', () => {
    const fromEnv = findChromium({ env: { CHROMIUM_PATH: '/usr/bin/chromium' } });
    expect(fromEnv).toEqual({ executablePath: '/usr/bin/chromium', foundAt: '/usr/bin/chromium', headless: true, source: 'CHROMIUM_PATH' });

    const system = findChromium({ env: {} });
    expect(system?.foundAt).toBe('/usr/bin/chromium-headless-shell');
    expect(system?.headless).toBe('shell');
    // Debian's launcher is `sh` running the binary without exec: Puppeteer must start the binary itself.
    expect(system?.executablePath).toBe('/usr/lib/chromium/chromium-headless-shell');
    expect(resolveLauncherScript('/usr/bin/chromium')).toBe('/usr/bin/chromium');

    expect(findChromium({ env: { CHROMIUM_PATH: '/nonexistent/chrome' } })).toBeNull();
    expect(findChromium({ env: {}, systemPaths: ['/nonexistent/chromium'], packaged: false })).toBeNull();
  });

  it('without a browser the app still starts, and print() explains how to install one', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [PdfRenderer, { provide: PDF_RENDERER_OPTIONS, useValue: { launch: 'boot', env: { CHROMIUM_PATH: '/nonexistent/chrome' }, logger: quiet } }],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const pdfs = app.get(PdfRenderer);
    const failure = await pdfs.print({ html: '<p>x</p>' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RendererUnavailableError);
    const message = (failure as Error).message;
    expect(message).toContain('CHROMIUM_PATH is set to /nonexistent/chrome');
    expect(message).toContain('apt-get install chromium-headless-shell');
    expect(pdfs.stats()).toMatchObject({ browserRunning: false, renders: 0, failures: 1, executablePath: null });
    await app.close();

    const none = renderer({ chromium: null, env: {} });
    const missing = await none.print({ html: '<p>x</p>' }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(RendererUnavailableError);
    expect((missing as RendererUnavailableError).code).toBe('RENDERER_UNAVAILABLE');
    expect((missing as Error).message).toMatch(/^No Chromium was found .*apt-get install chromium-headless-shell.*set CHROMIUM_PATH/);
    await none.close();
  });
});

describe('printing', () => {
  let pdfs: PdfRenderer;
  beforeAll(async () => {
    pdfs = renderer({ poolSize: 2 });
    await pdfs.warmUp();
  });
  afterAll(async () => {
    await pdfs.close();
  });

  it('embeds Noto Sans SC as a TrueType subset (never Type 3) and the text extracts as Chinese', async () => {
    const pdf = await pdfs.print({
      // 骉 ① ※ are not in the "chinese-simplified" file: they come from the unicode-range slices.
      html: `<h1>${CHINESE}</h1><p>Performance review <b>粗体 Bold</b> 王堃 李喆 骉 ① ※</p>`,
      css: 'h1 { font-size: 20pt; color: #036 }',
    });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const fonts = await pdfFonts(pdf);
    expect(fonts.filter((font) => font.type.includes('Type 3'))).toEqual([]);
    const noto = fonts.filter((font) => /NotoSansSC/.test(font.name));
    expect(noto.length).toBeGreaterThanOrEqual(2); // regular and bold
    for (const font of noto) {
      expect(['TrueType', 'CID TrueType', 'Type 1C', 'CID Type 0C']).toContain(font.type);
      expect(font.emb).toBe('yes');
      expect(font.sub).toBe('yes');
      expect(font.name).toMatch(/^[A-Z]{6}\+NotoSansSC/); // the subset tag
    }
    // Every glyph came from Noto Sans SC: no system fallback (DejaVu, Liberation) was needed.
    expect(fonts.map((font) => font.name).filter((name) => !/NotoSansSC/.test(name))).toEqual([]);
    const text = await pdfText(pdf);
    expect(text).toContain(CHINESE);
    expect(text).toContain('粗体 Bold');
    expect(text).toContain('骉 ① ※');
    // A subset: the whole font is ~2.5 MB per weight.
    expect(pdf.length).toBeLessThan(60_000);
  });

  it('prints header and footer with "page X of Y" in Chinese on every page, untagged', async () => {
    const pdf = await pdfs.print({
      html: kpiTable(70),
      css: 'table { border-collapse: collapse; width: 100% } td, th { border: 1px solid #999; padding: 4px }',
      headerHtml: '<span>绩效评估 Scorecard — 张伟</span>',
      footerHtml:
        '第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页 · Page <span class="pageNumber"></span> of <span class="totalPages"></span>',
    });
    const pages = await pdfPages(pdf);
    expect(pages).toBeGreaterThanOrEqual(2);
    const text = await pdfText(pdf);
    for (let page = 1; page <= pages; page++) {
      expect(text).toContain(`第 ${page} 页 / 共 ${pages} 页 · Page ${page} of ${pages}`);
    }
    expect(text.split('绩效评估 Scorecard — 张伟').length - 1).toBe(pages);
    const fonts = await pdfFonts(pdf);
    expect(fonts.filter((font) => font.type.includes('Type 3'))).toEqual([]);
    expect(pdf.includes('/StructTreeRoot')).toBe(false); // tagged: false
  });

  it('replaces body and CSS on every render: nothing carries over to the next PDF', async () => {
    const first = await pdfText(await pdfs.print({ html: '<p class="hide">HIDDEN-ONE</p><p>FIRST-DOC</p>', css: '.hide { display: none }' }));
    expect(first).toContain('FIRST-DOC');
    expect(first).not.toContain('HIDDEN-ONE');
    const results = await Promise.all([1, 2, 3, 4].map(async (n) => pdfText(await pdfs.print({ html: `<p class="hide">DOC-${n} ${CHINESE}</p>` }))));
    results.forEach((text, i) => {
      expect(text).toContain(`DOC-${i + 1} ${CHINESE}`);
      expect(text).not.toContain('FIRST-DOC');
    });
  });

  it('is a sandbox: no request leaves Chromium, no script runs, no local file is read', async () => {
    const requests: string[] = [];
    let connections = 0;
    const server: Server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.setHeader('content-type', req.url === '/imp' || req.url === '/link' ? 'text/css' : 'text/html');
      res.end(req.url === '/imp' ? 'body::after { content: "IMPORTED-CSS" }' : '<p>FETCHED</p>');
    });
    server.on('connection', (socket: Socket) => {
      connections += 1;
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}`;
    try {
      const blockedBefore = pdfs.stats().blockedRequests;
      const html = `
        <p>${CHINESE} sandbox</p>
        <img src="${base}/x">
        <img src="x" onerror="document.body.innerHTML='PWNED-MARKER'">
        <svg onload="document.body.innerHTML='PWNED-MARKER'"><image href="${base}/svg"/></svg>
        <iframe src="file:///etc/passwd"></iframe>
        <img src="file:///etc/passwd">
        <iframe src="${base}/frame"></iframe>
        <iframe srcdoc="<script>parent.document.body.innerHTML='PWNED-MARKER'</script>"></iframe>
        <div style="background: url(${base}/inline-css)">styled</div>
        <style>@import url(${base}/imp); .bg { background-image: url(${base}/css) } @font-face { font-family: X; src: url(${base}/font) } .bg { font-family: X }</style>
        <div class="bg">bg</div>
        <link rel="stylesheet" href="${base}/link"><link rel="prefetch" href="${base}/prefetch"><link rel="preconnect" href="${base}">
        <meta http-equiv="refresh" content="0;url=${base}/meta">
        <meta http-equiv="refresh" content="0">
        <script>document.body.innerHTML='PWNED-MARKER'</script>
        <a href="javascript:document.body.innerHTML='PWNED-MARKER'">link</a>
        <object data="${base}/object"></object><embed src="${base}/embed">
        <video poster="${base}/poster"></video><img srcset="${base}/srcset 2x">
        <form action="${base}/form"><input type="image" src="${base}/input"></form>`;
      const pdf = await pdfs.print({
        html,
        css: `@import url(${base}/css-import); body { background: url(${base}/body-bg) }`,
        footerHtml: `<img src="${base}/footer"><span onmouseover="x">Page <span class="pageNumber"></span></span>`,
      });
      await sleep(1_000); // anything late (meta refresh timers, prefetches) would have arrived by now
      expect(requests).toEqual([]);
      expect(connections).toBe(0);
      const text = await pdfText(pdf);
      expect(text).toContain(`${CHINESE} sandbox`);
      expect(text).not.toContain('PWNED-MARKER');
      expect(text).not.toContain('IMPORTED-CSS');
      expect(text).not.toContain('FETCHED');
      expect(text).not.toContain('root:');
      expect(text).toContain('Page 1');
      // Interception saw (and aborted) the requests: the host-resolver rule is the second wall, not the only one.
      expect(pdfs.stats().blockedRequests - blockedBefore).toBeGreaterThanOrEqual(8);
      // The page kept its shell: the next PDF on the pool still has its fonts and content.
      const after = await Promise.all([pdfs.print({ html: '<p>AFTER-1 张伟</p>' }), pdfs.print({ html: '<p>AFTER-2 张伟</p>' })]);
      expect(await pdfText(after[0])).toContain('AFTER-1 张伟');
      expect(await pdfText(after[1])).toContain('AFTER-2 张伟');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports stats', () => {
    const stats = pdfs.stats();
    expect(stats.poolSize).toBe(2);
    expect(stats.queueLength).toBe(0);
    expect(stats.activeRenders).toBe(0);
    expect(stats.browserRunning).toBe(true);
    expect(stats.renders).toBeGreaterThanOrEqual(10);
    expect(stats.restarts).toBe(0);
    expect(stats.browserRssMb).toBeGreaterThan(50);
    expect(stats.headless).toBe('shell');
  });
});

describe('load limits', () => {
  it('queues up to maxQueue prints and answers RendererBusyError with a retry delay beyond that', async () => {
    const pdfs = renderer({ poolSize: 1, maxQueue: 2 });
    try {
      await pdfs.warmUp();
      const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => pdfs.print({ html: `<p>Q-${n}</p>` })));
      expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      const busy = (settled[3] as PromiseRejectedResult).reason as unknown;
      expect(busy).toBeInstanceOf(RendererBusyError);
      expect((busy as RendererBusyError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect((busy as RendererBusyError).code).toBe('RENDERER_BUSY');
      expect(await pdfText((settled[2] as PromiseFulfilledResult<Buffer>).value)).toContain('Q-3');
      expect(pdfs.stats()).toMatchObject({ renders: 3, busyRejections: 1, queueLength: 0 });
    } finally {
      await pdfs.close();
    }
  });

  it('gives up after the render timeout, queue time included, and keeps working', async () => {
    // 3 s: far beyond a small PDF's ~50 ms even on a loaded CI machine (with 1 s, the first print
    // of the replacement browser timed out while other suites kept both cores busy), far below
    // what a table of 40,000 rows needs.
    const pdfs = renderer({ poolSize: 1, renderTimeoutMs: 3_000 });
    try {
      await pdfs.warmUp();
      const started = Date.now();
      const [slow, queued] = await Promise.allSettled([pdfs.print({ html: kpiTable(40_000) }), pdfs.print({ html: '<p>queued</p>' })]);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(slow.status).toBe('rejected');
      expect((slow as PromiseRejectedResult).reason).toBeInstanceOf(RenderTimeoutError);
      expect(((slow as PromiseRejectedResult).reason as RenderTimeoutError).timeoutMs).toBe(3_000);
      expect((queued as PromiseRejectedResult).reason).toBeInstanceOf(RenderTimeoutError);
      await pdfs.warmUp(); // a new page replaces the one that was stuck
      expect(await pdfText(await pdfs.print({ html: '<p>after timeout 张伟</p>' }))).toContain('after timeout 张伟');
      expect(pdfs.stats()).toMatchObject({ timeouts: 2, renders: 1 });
    } finally {
      await pdfs.close();
    }
  });
});

describe('resilience', () => {
  it('fails the render in flight with RendererUnavailableError when Chromium is killed, then relaunches', async () => {
    const pdfs = renderer({ poolSize: 1 });
    try {
      await pdfs.warmUp();
      const before = pdfs.stats();
      const oldPid = before.browserPid as number;
      const oldProfile = before.userDataDir as string;
      expect(isAlive(oldPid)).toBe(true);
      const inFlight = pdfs.print({ html: kpiTable(10_000) }).catch((error: unknown) => error);
      await sleep(400);
      expect(pdfs.stats().activeRenders).toBe(1);
      process.kill(oldPid, 'SIGKILL');
      const failure = await inFlight;
      expect(failure).toBeInstanceOf(RendererUnavailableError);
      expect((failure as RendererUnavailableError).message).toContain('Chromium crashed or disconnected');

      const pdf = await pdfs.print({ html: '<p>back again 张伟</p>' });
      expect(await pdfText(pdf)).toContain('back again 张伟');
      const after = pdfs.stats();
      expect(after).toMatchObject({ restarts: 1, crashes: 1, browserRunning: true });
      expect(after.browserPid).not.toBe(oldPid);
      // The dead browser's leftovers are gone: no process, no profile.
      for (let i = 0; i < 40 && (processesMentioning(oldProfile).length > 0 || existsSync(dirname(oldProfile))); i++) await sleep(50);
      expect(processesMentioning(oldProfile)).toEqual([]);
      expect(existsSync(dirname(oldProfile))).toBe(false);
    } finally {
      await pdfs.close();
    }
  });

  it('replaces a page after pageMaxRenders renders', async () => {
    const pdfs = renderer({ poolSize: 1, pageMaxRenders: 2 });
    try {
      for (let n = 1; n <= 5; n++) expect(await pdfText(await pdfs.print({ html: `<p>page-recycle ${n}</p>` }))).toContain(`page-recycle ${n}`);
      expect(pdfs.stats()).toMatchObject({ renders: 5, pageRecycles: 2, restarts: 0, pages: 1 });
    } finally {
      await pdfs.close();
    }
  });

  it('restarts the browser after browserMaxRenders renders, and when it uses more memory than allowed', async () => {
    const byCount = renderer({ poolSize: 1, browserMaxRenders: 3 });
    try {
      for (let n = 1; n <= 7; n++) expect(await pdfText(await byCount.print({ html: `<p>restart ${n}</p>` }))).toContain(`restart ${n}`);
      expect(byCount.stats()).toMatchObject({ renders: 7, restarts: 2, crashes: 0, browserRenders: 1 });
    } finally {
      await byCount.close();
    }

    const byMemory = renderer({ poolSize: 1, browserMaxRssMb: 1, rssCheckIntervalMs: 0 });
    try {
      // A browser is restarted for memory only once it printed 10 PDFs (no restart loop when the
      // ceiling is below its baseline); then the check runs after the render, off the request path.
      for (let n = 1; n <= 9; n++) await byMemory.print({ html: `<p>memory ${n}</p>` });
      await sleep(200);
      expect(byMemory.stats().restarts).toBe(0);
      const firstPid = byMemory.stats().browserPid;
      await byMemory.print({ html: '<p>memory 10</p>' });
      for (let i = 0; i < 100 && byMemory.stats().restarts === 0; i++) await sleep(50);
      expect(byMemory.stats().restarts).toBe(1);
      expect(await pdfText(await byMemory.print({ html: '<p>memory 11</p>' }))).toContain('memory 11');
      expect(byMemory.stats().browserPid).not.toBe(firstPid);
    } finally {
      await byMemory.close();
    }
  });

  it('starts at boot and leaves no Chromium process and no profile after application shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [PdfRenderer, { provide: PDF_RENDERER_OPTIONS, useValue: { launch: 'boot', poolSize: 2, logger: quiet } }],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    const pdfs = app.get(PdfRenderer);
    const booted = pdfs.stats();
    expect(booted).toMatchObject({ browserRunning: true, pages: 2, idlePages: 2, renders: 0 });
    const profile = booted.userDataDir as string;
    await Promise.all([pdfs.print({ html: '<p>one</p>' }), pdfs.print({ html: '<p>two</p>' })]);
    const tree = processTreeSync(booted.browserPid as number);
    expect(tree.length).toBeGreaterThanOrEqual(3); // browser, zygote(s), renderers ...
    expect(processesMentioning(profile).length).toBeGreaterThanOrEqual(1);

    await app.close(); // onApplicationShutdown

    // Helpers outside the browser's executable (crashpad) exit on their own once it is gone; on a
    // loaded machine that can take a moment, so allow a few seconds before calling them left behind.
    for (let i = 0; i < 100 && (processesMentioning(profile).length > 0 || tree.some(isAlive)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(processesMentioning(profile)).toEqual([]);
    expect(tree.filter(isAlive)).toEqual([]);
    expect(existsSync(dirname(profile))).toBe(false);
    const late = await pdfs.print({ html: '<p>late</p>' }).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(RendererUnavailableError);
  });
});
