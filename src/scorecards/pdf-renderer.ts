// HTML in, PDF out. Knows nothing about reviews: callers hand it a body fragment (already escaped
// by their templates), CSS, and header/footer snippets; it hands back the PDF bytes.
//
// How it works
// - One long-lived Chromium per process (launched lazily on the first print, or at boot), a pool
//   of `poolSize` reusable pages, a bounded wait queue in front of it.
// - Each pooled page holds a "shell" document whose <head> carries the CJK @font-face rules with
//   the fonts inline as data: URLs, loaded ONCE per page. A render only replaces the <body>
//   children and one <style> element, waits for `document.fonts.ready` (never `networkidle`, which
//   hangs on reused pages), and prints with Page.printToPDF (A4, backgrounds, untagged, header and
//   footer templates). Reloading a whole document with its 6 MB of @font-face per PDF costs ~440 ms
//   instead of ~40 ms, and the team saw it leak ~1 MB per PDF (bench/pdf-floor.ts, BENCH_RELOAD=1,
//   measures both); the body-only RSS stays flat over 2,000 renders.
// - Sandbox, verified by test/pdf-renderer.e2e-spec.ts:
//   * JavaScript is disabled in render pages (Emulation.setScriptExecutionDisabled, through
//     page.setJavaScriptEnabled(false)) before any content is set. That blocks the PAGE's scripts:
//     <script> elements, on* handler attributes, javascript: URLs, scripts in srcdoc iframes.
//     DevTools' own Runtime.evaluate/callFunctionOn still run (verified on Chromium 156: page.evaluate
//     returns values and can set innerHTML while an `<img onerror>` it inserts never fires), so the
//     body is replaced with page.evaluate. The HTML is parsed into an inert <template> first and
//     <meta>, <base>, <link> and <script> elements are dropped: a `<meta http-equiv=refresh
//     content=0>` reloads about:blank without any request that interception could stop, wiping
//     the shell (observed), so it must never reach the live document.
//   * Request interception: every request is aborted except data: URLs for sub-resources (fonts,
//     images, CSS). Aborts use ERR_ABORTED: with the default ERR_FAILED, a blocked navigation
//     (meta refresh to http:) commits Chromium's error page over the shell (observed).
//   * `--host-resolver-rules=MAP * ~NOTFOUND`: Chromium resolves no host at all, IP literals
//     included. Interception alone let `<link rel=prefetch href=http://127.0.0.1:...>` reach a
//     local server (observed); with the rule nothing does, whatever the page holds.
//   * file: URLs: a page at about:blank may not load file: resources (Chromium's own rule), and
//     interception aborts them anyway.
// - Resilience: a crash or disconnect fails the renders in flight with RendererUnavailableError and
//   the next print launches a new browser; a page is replaced after `pageMaxRenders` renders, the
//   browser after `browserMaxRenders` renders or when the RSS of its process tree passes
//   `browserMaxRssMb` (the old one finishes its renders first). Shutdown closes the browser, kills
//   whatever of its process tree is left and removes its temporary profile.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import puppeteer, { type Browser, type CDPSession, type HTTPRequest, type Page } from 'puppeteer-core';
import { type ChromiumExecutable, chromiumMissingMessage, describeChromium, findChromium, prepareChromium } from './chromium.js';
import { type CjkFontOptions, type CjkFonts, loadCjkFonts } from './fonts.js';
import { PdfRendererError, RenderTimeoutError, RendererBusyError, RendererUnavailableError } from './pdf-renderer.errors.js';
import { isAlive, processTreeSync, treeRssBytes, treeRssBytesSync } from './process-tree.js';
import { removeStaleProfiles, writeOwner } from './stale-profiles.js';

export { PdfRendererError, RenderTimeoutError, RendererBusyError, RendererUnavailableError } from './pdf-renderer.errors.js';
export type { PdfRendererErrorCode } from './pdf-renderer.errors.js';

/** Nest injection token for {@link PdfRendererOptions}. */
export const PDF_RENDERER_OPTIONS = Symbol('PDF_RENDERER_OPTIONS');

export interface PdfInput {
  /** A body fragment (the children of <body>), already escaped by the caller's templates. */
  html: string;
  /** CSS for this document (put in a <style> of the shell's head). */
  css?: string;
  /**
   * Chromium header/footer templates, drawn in the page margins. Chromium fills
   * `<span class="pageNumber"></span>`, `totalPages`, `date`, `title`. They are separate documents
   * (Noto Sans SC comes to them as a system font); the renderer wraps them in a default style (8pt,
   * padded like the page). Keep them to inline markup: scripts and event handlers do not run there,
   * and an external resource in them (e.g. CSS `@import url(http:...)`) makes Chromium fail the print.
   */
  headerHtml?: string;
  footerHtml?: string;
}

export interface PdfMargins {
  top: string;
  right: string;
  bottom: string;
  left: string;
}

export interface RendererLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface PdfRendererOptions {
  /** Start Chromium on the first print ('lazy', default) or when the Nest module initialises ('boot'). */
  launch?: 'lazy' | 'boot';
  /** Pages printing at once (default: the number of CPU cores). */
  poolSize?: number;
  /** Prints allowed to wait for a page; one more gets RendererBusyError (default 50; 0 = no queue). */
  maxQueue?: number;
  /** Longest a print may take, queue time included (default 15,000 ms). */
  renderTimeoutMs?: number;
  /** Replace a page after this many renders (default 500; 0 = never). */
  pageMaxRenders?: number;
  /** Restart the browser after this many renders (default 5,000; 0 = never). */
  browserMaxRenders?: number;
  /**
   * Restart the browser when the summed RSS of its process tree passes this (0 = never). Default
   * 768 MB + 384 MB per pooled page: the sum counts Chromium's shared binary pages once per process,
   * so an idle headless shell with 2 pages already sums to ~650-900 MB (measured); a browser that
   * printed fewer than 10 PDFs is never restarted for memory, so a ceiling below that baseline
   * cannot cause a restart loop.
   */
  browserMaxRssMb?: number;
  /** How often, at most, the RSS is read after a render (default 2,000 ms). */
  rssCheckIntervalMs?: number;
  /** Page margins; the header and footer are drawn inside the top and bottom ones (default 16/14 mm). */
  margin?: Partial<PdfMargins>;
  /** The browser to use; default: {@link findChromium} with `env`. `null` = none (printing unavailable). */
  chromium?: ChromiumExecutable | null;
  /** Environment for finding Chromium (CHROMIUM_PATH); default process.env. */
  env?: NodeJS.ProcessEnv;
  fonts?: CjkFontOptions;
  /** Longest wait for Chromium to start (default 30,000 ms). */
  launchTimeoutMs?: number;
  /** On shutdown, how long renders in flight may finish before the browser is closed (default 5,000 ms). */
  shutdownGraceMs?: number;
  /** Extra Chromium flags, after the built-in ones. */
  extraArgs?: readonly string[];
  logger?: RendererLogger;
  /** Told each print's wait for a page and its render time (metrics). */
  observer?: PdfRenderObserver;
}

export interface PdfRenderObserver {
  /** Seconds a print waited for a free page. */
  waited(seconds: number): void;
  /** Seconds a successful print took once it had a page. */
  rendered(seconds: number): void;
}

export interface PdfRendererStats {
  /** PDFs produced since start. */
  renders: number;
  /** Prints that failed (busy and timeouts included). */
  failures: number;
  busyRejections: number;
  timeouts: number;
  /** Browser launches after the first (crashes, memory or render-count restarts). */
  restarts: number;
  crashes: number;
  /** Pages replaced after pageMaxRenders. */
  pageRecycles: number;
  /** Requests from render pages that interception aborted. */
  blockedRequests: number;
  queueLength: number;
  activeRenders: number;
  poolSize: number;
  /** Pages open in the current browser (idle and busy). */
  pages: number;
  idlePages: number;
  browserRunning: boolean;
  browserPid: number | null;
  /** Temporary profile of the current browser (its command line names it). */
  userDataDir: string | null;
  /** Renders by the current browser. */
  browserRenders: number;
  /** Sum of the RSS of the current browser's process tree, in MB (0 when none runs). */
  browserRssMb: number;
  executablePath: string | null;
  headless: 'shell' | true | null;
}

/** Flags asked for by the product issue, plus the host-resolver rule that cuts Chromium off the network. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

const DEFAULT_MARGIN: PdfMargins = { top: '16mm', right: '14mm', bottom: '16mm', left: '14mm' };
const MIN_RENDERS_BEFORE_MEMORY_RESTART = 10;
const A4_INCHES = { width: 8.2677, height: 11.6929 };
const SHELL_URL = 'about:blank';

interface PooledPage {
  page: Page;
  /** A DevTools session of its own on the page, for Page.printToPDF. */
  cdp: CDPSession;
  /** Marks the shell document, so a page that lost it (navigated away) is noticed. */
  token: string;
  renders: number;
  broken: boolean;
  closed: boolean;
}

interface Session {
  id: number;
  browser: Browser;
  pid: number | null;
  executablePath: string;
  /** Temporary folder holding the profile and the fonts; removed on close. */
  root: string;
  userDataDir: string;
  /** Tabs the browser opened by itself, set up as pool pages before any new one is made. */
  spare: Page[];
  idle: PooledPage[];
  /** Pages open (idle, busy or being set up). */
  pages: number;
  active: number;
  renders: number;
  consecutiveTimeouts: number;
  state: 'live' | 'retiring' | 'dead' | 'closed';
  closing: Promise<void> | null;
  lastRssCheck: number;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface Job {
  session: Session | null;
  pooled: PooledPage | null;
  timedOut: boolean;
}

@Injectable()
export class PdfRenderer implements OnModuleInit, OnApplicationShutdown {
  readonly poolSize: number;
  private readonly options: Required<
    Pick<
      PdfRendererOptions,
      | 'launch'
      | 'maxQueue'
      | 'renderTimeoutMs'
      | 'pageMaxRenders'
      | 'browserMaxRenders'
      | 'browserMaxRssMb'
      | 'rssCheckIntervalMs'
      | 'launchTimeoutMs'
      | 'shutdownGraceMs'
    >
  >;
  private readonly margin: PdfMargins;
  private readonly marginInches: Record<keyof PdfMargins, number>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly extraArgs: readonly string[];
  private readonly fontOptions: CjkFontOptions;
  private readonly logger: RendererLogger;
  private readonly observer: PdfRenderObserver | null;
  private chromium: ChromiumExecutable | null;
  private readonly chromiumFixed: boolean;

  private current: Session | null = null;
  private launching: Promise<Session> | null = null;
  private readonly sessions = new Set<Session>();
  private sessionIds = 0;
  private activeSlots = 0;
  private readonly waiters: Waiter[] = [];
  private closing = false;
  private closed: Promise<void> | null = null;
  private avgRenderMs = 500;
  private exitHandlerInstalled = false;
  private readonly counters = {
    renders: 0,
    failures: 0,
    busyRejections: 0,
    timeouts: 0,
    launches: 0,
    crashes: 0,
    pageRecycles: 0,
    blockedRequests: 0,
  };

  constructor(@Optional() @Inject(PDF_RENDERER_OPTIONS) options: PdfRendererOptions = {}) {
    options ??= {};
    this.poolSize = positiveInt(options.poolSize ?? availableParallelism(), 'poolSize', 1);
    this.options = {
      launch: options.launch ?? 'lazy',
      maxQueue: positiveInt(options.maxQueue ?? 50, 'maxQueue', 0),
      renderTimeoutMs: positiveInt(options.renderTimeoutMs ?? 15_000, 'renderTimeoutMs', 1),
      pageMaxRenders: positiveInt(options.pageMaxRenders ?? 500, 'pageMaxRenders', 0),
      browserMaxRenders: positiveInt(options.browserMaxRenders ?? 5_000, 'browserMaxRenders', 0),
      browserMaxRssMb: positiveInt(options.browserMaxRssMb ?? 768 + 384 * this.poolSize, 'browserMaxRssMb', 0),
      rssCheckIntervalMs: positiveInt(options.rssCheckIntervalMs ?? 2_000, 'rssCheckIntervalMs', 0),
      launchTimeoutMs: positiveInt(options.launchTimeoutMs ?? 30_000, 'launchTimeoutMs', 1),
      shutdownGraceMs: positiveInt(options.shutdownGraceMs ?? 5_000, 'shutdownGraceMs', 0),
    };
    if (this.options.launch !== 'lazy' && this.options.launch !== 'boot') {
      throw new Error(`PdfRenderer option launch must be 'lazy' or 'boot', not ${String(this.options.launch)}`);
    }
    this.margin = { ...DEFAULT_MARGIN, ...options.margin };
    this.marginInches = {
      top: toInches(this.margin.top),
      right: toInches(this.margin.right),
      bottom: toInches(this.margin.bottom),
      left: toInches(this.margin.left),
    };
    this.env = options.env ?? process.env;
    this.extraArgs = options.extraArgs ?? [];
    this.fontOptions = options.fonts ?? {};
    this.logger = options.logger ?? new Logger('PdfRenderer');
    this.observer = options.observer ?? null;
    this.chromiumFixed = options.chromium !== undefined;
    this.chromium = options.chromium !== undefined ? options.chromium : findChromium({ env: this.env });
  }

  /**
   * Names the browser in the start-up log. With `launch: 'boot'`, starts it and fills the pool;
   * otherwise a packaged browser is unpacked now in the background (once per cache folder), so the
   * first print does not pay for it. A failure is logged, never fatal.
   */
  async onModuleInit(): Promise<void> {
    // Profiles left in the temp folder by a process that was killed (SIGKILL skips every cleanup).
    void removeStaleProfiles()
      .then(({ removed, killed }) => {
        if (removed.length > 0) this.logger.log(`Removed ${removed.length} Chromium profile(s) left by processes that are gone${killed.length > 0 ? ` (and their ${killed.length} browser(s))` : ''}`);
      })
      .catch((error: unknown) => this.logger.warn(`Could not sweep old Chromium profiles: ${messageOf(error)}`));
    const chromium = this.resolveChromium();
    if (chromium) this.logger.log(`PDFs print with ${describeChromium(chromium)}`);
    else this.logger.warn(`PDF printing is unavailable: ${chromiumMissingMessage(this.env)}`);
    if (this.options.launch !== 'boot') {
      if (chromium?.source === 'npm-package') {
        void prepareChromium(chromium).catch((error: unknown) => this.logger.warn(`PDF printing is unavailable for now: ${messageOf(error)}`));
      }
      return;
    }
    try {
      await this.warmUp();
    } catch (error) {
      this.logger.warn(`PDF printing is unavailable for now: ${messageOf(error)}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** The browser that prints (null: none found, and print() throws RendererUnavailableError). */
  executable(): ChromiumExecutable | null {
    return this.resolveChromium();
  }

  /** Starts the browser (if needed) and opens the pool's pages with their shell documents. */
  async warmUp(): Promise<void> {
    const session = await this.session();
    const missing = this.poolSize - session.pages;
    await Promise.all(
      Array.from({ length: Math.max(0, missing) }, async () => {
        const pooled = await this.openPage(session);
        if (session.state === 'live' || session.state === 'retiring') session.idle.push(pooled);
        else await this.discardPage(session, pooled);
      }),
    );
  }

  async print(input: PdfInput): Promise<Buffer> {
    checkInput(input);
    try {
      if (this.closing) throw new RendererUnavailableError('The PDF renderer is shutting down', { retryAfterSeconds: 5 });
      if (!this.resolveChromium()) throw new RendererUnavailableError(chromiumMissingMessage(this.env));
      const deadline = Date.now() + this.options.renderTimeoutMs;
      const queued = performance.now();
      await this.acquireSlot(deadline);
      const renderStarted = Date.now();
      const slotTaken = performance.now();
      this.observer?.waited((slotTaken - queued) / 1000);
      const job: Job = { session: null, pooled: null, timedOut: false };
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => {
              job.timedOut = true;
              reject(new RenderTimeoutError(`The PDF was not ready within ${this.options.renderTimeoutMs} ms`, this.options.renderTimeoutMs));
              this.abandon(job);
            },
            Math.max(0, deadline - Date.now()),
          );
        });
        const pdf = await Promise.race([this.render(job, input), timeout]);
        this.observer?.rendered((performance.now() - slotTaken) / 1000);
        // Service time only (no queue wait): what a retry delay is estimated from.
        this.avgRenderMs = this.avgRenderMs * 0.9 + (Date.now() - renderStarted) * 0.1;
        return pdf;
      } finally {
        clearTimeout(timer);
        this.releaseSlot();
      }
    } catch (error) {
      this.counters.failures += 1;
      if (error instanceof RenderTimeoutError) this.counters.timeouts += 1;
      if (error instanceof RendererBusyError) this.counters.busyRejections += 1;
      throw error;
    }
  }

  stats(): PdfRendererStats {
    const session = this.current && this.current.state === 'live' ? this.current : null;
    const pid = session?.pid ?? null;
    const chromium = this.chromium;
    return {
      renders: this.counters.renders,
      failures: this.counters.failures,
      busyRejections: this.counters.busyRejections,
      timeouts: this.counters.timeouts,
      restarts: Math.max(0, this.counters.launches - 1),
      crashes: this.counters.crashes,
      pageRecycles: this.counters.pageRecycles,
      blockedRequests: this.counters.blockedRequests,
      queueLength: this.waiters.length,
      activeRenders: this.activeSlots,
      poolSize: this.poolSize,
      pages: session?.pages ?? 0,
      idlePages: session?.idle.length ?? 0,
      browserRunning: session !== null && session.browser.connected,
      browserPid: pid,
      userDataDir: session?.userDataDir ?? null,
      browserRenders: session?.renders ?? 0,
      browserRssMb: pid ? Math.round((treeRssBytesSync(pid) / 1024 / 1024) * 10) / 10 : 0,
      executablePath: chromium?.executablePath ?? null,
      headless: chromium?.headless ?? null,
    };
  }

  /** Closes the browser(s), leaving no Chromium process and no temporary profile. Idempotent. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new RendererUnavailableError('The PDF renderer is shutting down', { retryAfterSeconds: 5 }));
    }
    this.closed = (async () => {
      const until = Date.now() + this.options.shutdownGraceMs;
      while (this.activeSlots > 0 && Date.now() < until) await sleep(20);
      if (this.launching) await this.launching.catch(() => undefined);
      await Promise.all([...this.sessions].map((session) => this.closeSession(session)));
      this.current = null;
      if (this.exitHandlerInstalled) {
        process.off('exit', this.onProcessExit);
        this.exitHandlerInstalled = false;
      }
    })();
    return this.closed;
  }

  // ---- queue -----------------------------------------------------------------------------------

  private acquireSlot(deadline: number): Promise<void> {
    if (this.activeSlots < this.poolSize && this.waiters.length === 0) {
      this.activeSlots += 1;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.options.maxQueue) {
      const ahead = this.waiters.length + this.activeSlots;
      const retryAfterSeconds = Math.max(1, Math.ceil(((ahead / this.poolSize) * this.avgRenderMs) / 1000));
      return Promise.reject(
        new RendererBusyError(
          `All ${this.poolSize} PDF pages are busy and ${this.waiters.length} prints are waiting; try again in ${retryAfterSeconds} s`,
          retryAfterSeconds,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(
          () => {
            const index = this.waiters.indexOf(waiter);
            if (index >= 0) this.waiters.splice(index, 1);
            reject(
              new RenderTimeoutError(
                `The PDF was not ready within ${this.options.renderTimeoutMs} ms (it waited for a free page all that time)`,
                this.options.renderTimeoutMs,
              ),
            );
          },
          Math.max(0, deadline - Date.now()),
        ),
      };
      this.waiters.push(waiter);
    });
  }

  /** Hands the slot to the next waiter (the count stays), or frees it. */
  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve();
    } else {
      this.activeSlots -= 1;
    }
  }

  // ---- rendering -------------------------------------------------------------------------------

  private async render(job: Job, input: PdfInput): Promise<Buffer> {
    const session = await this.session();
    if (job.timedOut) throw new RenderTimeoutError('timed out', this.options.renderTimeoutMs);
    job.session = session;
    session.active += 1;
    let pooled: PooledPage | null = null;
    try {
      pooled = session.idle.pop() ?? (await this.openPage(session));
      job.pooled = pooled;
      if (job.timedOut) throw new RenderTimeoutError('timed out', this.options.renderTimeoutMs);
      const fonts = await this.fonts();
      const state = await pooled.page.evaluate(replaceBody, input.html, input.css ?? '', pooled.token);
      if (state !== 'ok') throw new PdfRendererError('The render page lost its shell document (it navigated away)');
      // Page.printToPDF straight, with the PDF returned inline (base64): Puppeteer's page.pdf()
      // streams it back in IO.read round trips, ~5 ms more per 2-page PDF (measured, A/B interleaved).
      const { data } = await pooled.cdp.send('Page.printToPDF', {
        paperWidth: A4_INCHES.width,
        paperHeight: A4_INCHES.height,
        marginTop: this.marginInches.top,
        marginRight: this.marginInches.right,
        marginBottom: this.marginInches.bottom,
        marginLeft: this.marginInches.left,
        printBackground: true,
        // Untagged: 12-28 % smaller files; no outline either.
        generateTaggedPDF: false,
        generateDocumentOutline: false,
        displayHeaderFooter: true,
        headerTemplate: this.marginTemplate(input.headerHtml, fonts, 'header'),
        footerTemplate: this.marginTemplate(input.footerHtml, fonts, 'footer'),
        preferCSSPageSize: false,
        transferMode: 'ReturnAsBase64',
      });
      if (pooled.page.url() !== SHELL_URL) pooled.broken = true;
      pooled.renders += 1;
      session.renders += 1;
      session.consecutiveTimeouts = 0;
      this.counters.renders += 1;
      return Buffer.from(data, 'base64');
    } catch (error) {
      if (pooled) pooled.broken = true;
      throw this.translate(error, session, job);
    } finally {
      session.active -= 1;
      if (pooled) this.returnPage(session, pooled, job.timedOut);
      this.afterRender(session);
    }
  }

  private marginTemplate(html: string | undefined, fonts: CjkFonts, where: 'header' | 'footer'): string {
    if (!html) return '<span></span>';
    // A separate document per printed page, without the page's web fonts: 'Noto Sans SC' here is
    // the system font from the browser's private fontconfig (see fonts.ts).
    const style = [
      'width:100%',
      'box-sizing:border-box',
      `padding:0 ${this.margin.right} 0 ${this.margin.left}`,
      `font-family:${fonts.fontStack}`,
      'font-size:8pt',
      'line-height:1.3',
      'color:#444',
      '-webkit-print-color-adjust:exact',
      'print-color-adjust:exact',
    ].join(';');
    return `<div class="pdf-${where}" style="${style}">${html}</div>`;
  }

  private abandon(job: Job): void {
    if (!job.session || !job.pooled) return;
    job.pooled.broken = true;
    const session = job.session;
    session.consecutiveTimeouts += 1;
    void this.discardPage(session, job.pooled);
    // Two timeouts in a row: the browser itself may be wedged; replace it.
    if (session.consecutiveTimeouts >= 2 && session.state === 'live') this.retire(session, 'two renders in a row timed out');
  }

  private translate(error: unknown, session: Session, job: Job): Error {
    if (job.timedOut) return new RenderTimeoutError(`The PDF was not ready within ${this.options.renderTimeoutMs} ms`, this.options.renderTimeoutMs);
    if (error instanceof PdfRendererError) return error;
    if (session.state === 'dead' || !session.browser.connected || isClosedTargetError(error)) {
      return new RendererUnavailableError(
        `Chromium crashed or disconnected during the render (${messageOf(error)}); a new browser is started for the next print`,
        { cause: error, retryAfterSeconds: 1 },
      );
    }
    return new PdfRendererError(`Chromium could not print the document: ${messageOf(error)}`, { cause: error });
  }

  private returnPage(session: Session, pooled: PooledPage, timedOut: boolean): void {
    const usable = session.state === 'live' || session.state === 'retiring';
    const worn = this.options.pageMaxRenders > 0 && pooled.renders >= this.options.pageMaxRenders;
    if (pooled.closed) return;
    if (pooled.broken || timedOut || !usable || worn) {
      if (worn && !pooled.broken) this.counters.pageRecycles += 1;
      void this.discardPage(session, pooled);
      return;
    }
    session.idle.push(pooled);
  }

  private afterRender(session: Session): void {
    if (session.state === 'live') {
      if (this.options.browserMaxRenders > 0 && session.renders >= this.options.browserMaxRenders) {
        this.retire(session, `it printed ${session.renders} PDFs`);
      } else if (
        this.options.browserMaxRssMb > 0 &&
        session.pid !== null &&
        session.renders >= MIN_RENDERS_BEFORE_MEMORY_RESTART &&
        Date.now() - session.lastRssCheck >= this.options.rssCheckIntervalMs
      ) {
        session.lastRssCheck = Date.now();
        const pid = session.pid;
        void treeRssBytes(pid).then((bytes) => {
          const mb = bytes / 1024 / 1024;
          if (mb > this.options.browserMaxRssMb && session.state === 'live') {
            this.retire(session, `its processes use ${Math.round(mb)} MB (limit ${this.options.browserMaxRssMb} MB)`);
          }
        });
      }
    }
    if (session.state === 'retiring' && session.active === 0) void this.closeSession(session);
  }

  // ---- pages -----------------------------------------------------------------------------------

  private async openPage(session: Session): Promise<PooledPage> {
    session.pages += 1;
    let page: Page | undefined;
    try {
      page = session.spare.pop() ?? (await session.browser.newPage());
      // Before any content: from here on no script of the page runs.
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (request: HTTPRequest) => this.onRequest(request));
      const fonts = await this.fonts();
      const token = randomUUID();
      await page.setContent(shellDocument(fonts, token), { waitUntil: 'load', timeout: this.options.launchTimeoutMs });
      await page.evaluate(loadShellFonts, fonts.weights as number[]);
      const cdp = await page.createCDPSession();
      return { page, cdp, token, renders: 0, broken: false, closed: false };
    } catch (error) {
      session.pages -= 1;
      if (page) await page.close().catch(() => undefined);
      if (error instanceof PdfRendererError) throw error;
      if (session.state === 'dead' || !session.browser.connected || isClosedTargetError(error)) {
        throw new RendererUnavailableError(`Chromium went away while a render page was being set up (${messageOf(error)})`, {
          cause: error,
          retryAfterSeconds: 1,
        });
      }
      throw new PdfRendererError(`Could not set up a render page: ${messageOf(error)}`, { cause: error });
    }
  }

  private onRequest(request: HTTPRequest): void {
    if (request.isInterceptResolutionHandled()) return;
    const url = request.url();
    if (url.startsWith('data:') && !request.isNavigationRequest()) {
      request.continue().catch(() => undefined);
      return;
    }
    // ERR_ABORTED, not the default ERR_FAILED: a failed navigation would replace the shell with an error page.
    request.abort('aborted').then(
      () => {
        this.counters.blockedRequests += 1;
      },
      () => undefined,
    );
  }

  private async discardPage(session: Session, pooled: PooledPage): Promise<void> {
    if (pooled.closed) return;
    pooled.closed = true;
    session.pages -= 1;
    const index = session.idle.indexOf(pooled);
    if (index >= 0) session.idle.splice(index, 1);
    if (session.state === 'dead' || session.state === 'closed') return;
    await withTimeout(pooled.page.close(), 5_000).catch(() => undefined);
  }

  // ---- browser ---------------------------------------------------------------------------------

  private resolveChromium(): ChromiumExecutable | null {
    // Not found at start: look again, so installing Chromium later needs no restart.
    if (!this.chromium && !this.chromiumFixed) this.chromium = findChromium({ env: this.env });
    return this.chromium;
  }

  private fonts(): Promise<CjkFonts> {
    return loadCjkFonts(this.fontOptions);
  }

  private session(): Promise<Session> {
    const current = this.current;
    if (current && current.state === 'live') return Promise.resolve(current);
    if (this.closing) return Promise.reject(new RendererUnavailableError('The PDF renderer is shutting down', { retryAfterSeconds: 5 }));
    if (!this.launching) {
      this.launching = this.launchSession().finally(() => {
        this.launching = null;
      });
    }
    return this.launching;
  }

  private async launchSession(): Promise<Session> {
    const chromium = this.resolveChromium();
    if (!chromium) throw new RendererUnavailableError(chromiumMissingMessage(this.env));
    const fonts = await this.fonts();
    // <tmp>/scorecard-chromium-XXXXXX/{owner.json, profile, fonts, fonts.conf}: removed on close, or by
    // the next process's sweep (stale-profiles.ts) when this one is killed.
    const root = await mkdtemp(join(tmpdir(), 'scorecard-chromium-'));
    const userDataDir = join(root, 'profile');
    let browser: Browser;
    try {
      await writeOwner(root);
      const [fontEnv, executablePath] = await Promise.all([fonts.writeSystemFonts(root), prepareChromium(chromium)]);
      browser = await puppeteer.launch({
        env: { ...process.env, ...fontEnv },
        executablePath,
        headless: chromium.headless,
        pipe: true,
        userDataDir,
        args: [...CHROMIUM_ARGS, ...this.extraArgs],
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: this.options.launchTimeoutMs,
        protocolTimeout: Math.max(30_000, this.options.renderTimeoutMs * 2),
        defaultViewport: { width: 794, height: 1123 },
      });
    } catch (error) {
      await rm(root, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
      // The packaged build links the system's NSS and expat; a bare machine without them fails here.
      const hint = /error while loading shared libraries/.test(messageOf(error))
        ? ' (install the missing library: `apt-get install libnss3 libexpat1` brings what the packaged Chromium needs)'
        : '';
      throw new RendererUnavailableError(`Chromium (${chromium.executablePath}) did not start: ${messageOf(error)}${hint}`, {
        cause: error,
        retryAfterSeconds: 5,
      });
    }
    this.counters.launches += 1;
    const session: Session = {
      id: ++this.sessionIds,
      browser,
      pid: browser.process()?.pid ?? null,
      executablePath: chromium.executablePath,
      root,
      userDataDir,
      spare: [],
      idle: [],
      pages: 0,
      active: 0,
      renders: 0,
      consecutiveTimeouts: 0,
      state: 'live',
      closing: null,
      lastRssCheck: Date.now(),
    };
    this.sessions.add(session);
    if (!this.exitHandlerInstalled) {
      process.on('exit', this.onProcessExit);
      this.exitHandlerInstalled = true;
    }
    browser.on('disconnected', () => this.onDisconnected(session));
    session.spare = await browser.pages().catch(() => []);
    if (this.closing) {
      await this.closeSession(session);
      throw new RendererUnavailableError('The PDF renderer is shutting down', { retryAfterSeconds: 5 });
    }
    if (this.counters.launches > 1) this.logger.log(`Chromium restarted (pid ${session.pid ?? '?'}, restart ${this.counters.launches - 1})`);
    else void browser.version().then((version) => this.logger.log(`Chromium started: ${version}, pid ${session.pid ?? '?'}, from ${chromium.source}`), () => undefined);
    this.current = session;
    return session;
  }

  private onDisconnected(session: Session): void {
    if (session.state === 'closed' || session.closing) return;
    session.state = 'dead';
    this.counters.crashes += 1;
    if (this.current === session) this.current = null;
    this.logger.warn(`Chromium (pid ${session.pid ?? '?'}) crashed or disconnected; the next print starts a new one`);
    void this.closeSession(session);
  }

  /** No new renders go to the session; it closes once its renders in flight are done. A new browser starts now. */
  private retire(session: Session, reason: string): void {
    if (session.state !== 'live') return;
    session.state = 'retiring';
    if (this.current === session) this.current = null;
    this.logger.log(`Restarting Chromium (pid ${session.pid ?? '?'}): ${reason}`);
    if (session.active === 0) void this.closeSession(session);
    if (!this.closing) void this.session().catch((error: unknown) => this.logger.warn(`Chromium did not restart: ${messageOf(error)}`));
  }

  private closeSession(session: Session): Promise<void> {
    session.closing ??= (async () => {
      const wasDead = session.state === 'dead';
      session.state = 'closed';
      if (this.current === session) this.current = null;
      const tree = session.pid !== null ? processTreeSync(session.pid) : [];
      if (!wasDead && session.browser.connected) {
        await withTimeout(session.browser.close(), 5_000).catch(() => undefined);
      }
      await killTree(session.pid, tree, session.executablePath);
      await rm(session.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch((error: unknown) =>
        this.logger.warn(`Could not remove Chromium's profile ${session.root}: ${messageOf(error)}`),
      );
      this.sessions.delete(session);
    })();
    return session.closing;
  }

  /** Last resort when the process exits without close(): no orphan browser, no profile left behind. */
  private readonly onProcessExit = (): void => {
    for (const session of this.sessions) {
      if (session.pid !== null && runs(session.pid, session.executablePath)) {
        for (const pid of [-session.pid, session.pid]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      try {
        rmSync(session.root, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  };
}

// ---- code that runs inside the render page (DevTools evaluation; the page's own scripts are off) --

/** Replaces the body with the fragment (parsed inert first) and the render <style>, then waits for fonts. */
function replaceBody(html: string, css: string, token: string): Promise<string> | string {
  if (document.documentElement.dataset.shell !== token) return 'lost';
  const template = document.createElement('template');
  template.innerHTML = html;
  // A body fragment has no business with these; <meta http-equiv=refresh> would reload the page.
  for (const element of Array.from(template.content.querySelectorAll('meta, base, link, script'))) element.remove();
  const style = document.getElementById('render-style');
  if (!style) return 'lost';
  style.textContent = css;
  document.body.replaceChildren(template.content);
  // Layout now, so that fonts (fallback slices) the new text needs start loading before we wait.
  void document.body.offsetHeight;
  return document.fonts.ready.then(() => 'ok');
}

/** Decodes the shell's fonts once, so that the first render does not pay for it. */
async function loadShellFonts(weights: number[]): Promise<void> {
  await Promise.all(weights.map((weight) => document.fonts.load(`${weight} 16px "Noto Sans SC"`, '张A')));
  await document.fonts.ready;
}

function shellDocument(fonts: CjkFonts, token: string): string {
  return [
    '<!DOCTYPE html>',
    `<html data-shell="${token}"><head><meta charset="utf-8">`,
    `<style>${fonts.pageCss}\nhtml{-webkit-print-color-adjust:exact;print-color-adjust:exact}body{margin:0;font-family:${fonts.fontStack}}</style>`,
    '<style id="render-style"></style>',
    '</head><body></body></html>',
  ].join('');
}

// ---- helpers ---------------------------------------------------------------------------------------

function checkInput(input: PdfInput): void {
  if (!input || typeof input.html !== 'string') throw new TypeError('print() needs { html: string }');
  for (const key of ['css', 'headerHtml', 'footerHtml'] as const) {
    const value = input[key];
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`print(): ${key} must be a string`);
  }
}

/** A CSS length in mm, cm, in or px (default) as inches. */
export function toInches(length: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(mm|cm|in|px)?\s*$/i.exec(length);
  if (!m) throw new Error(`PdfRenderer margin must be a length like '16mm', '1.5cm', '0.5in' or '40px', not '${length}'`);
  const value = Number(m[1]);
  const perInch: Record<string, number> = { mm: 25.4, cm: 2.54, in: 1, px: 96 };
  return value / perInch[(m[2] ?? 'px').toLowerCase()];
}

function positiveInt(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`PdfRenderer option ${name} must be an integer >= ${min}, not ${value}`);
  return value;
}

function runs(pid: number, executablePath: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(executablePath);
  } catch {
    return false;
  }
}

function isClosedTargetError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TargetCloseError') return true;
  return /Target closed|Session closed|Connection closed|Target crashed|Page crashed|detached|browser has disconnected/i.test(error.message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * SIGKILLs what is left of a browser's process tree (its process group first) and waits until it
 * is gone. Only processes still running the browser's executable are signalled, so a pid reused
 * since the tree was read is left alone.
 */
async function killTree(rootPid: number | null, known: number[], executablePath: string): Promise<void> {
  if (rootPid === null) return;
  const pids = new Set([...known, ...processTreeSync(rootPid)].filter((pid) => runs(pid, executablePath)));
  const signal = (pid: number): void => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  };
  if (pids.has(rootPid) && isAlive(rootPid)) signal(-rootPid);
  for (const pid of pids) if (isAlive(pid)) signal(pid);
  const until = Date.now() + 3_000;
  while ([...pids].some(isAlive) && Date.now() < until) await sleep(25);
}
