// HTML in, PDF out. Knows nothing about reviews: callers hand it a body fragment (already escaped
// by their templates), CSS, and header/footer snippets; it hands back the PDF bytes.
// How and why (pool, sandbox, restarts, measurements): docs/decisions/0001-pdf-renderer.md.
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { type ChromiumExecutable, chromiumMissingMessage, describeChromium, findChromium, prepareChromium } from './chromium.js';
import { type CjkFonts, loadCjkFonts } from './fonts.js';
import { BrowserSessions, isClosedTargetError, messageOf, type Session } from './pdf-browser.js';
import {
  checkInput,
  PDF_RENDERER_OPTIONS,
  type PdfInput,
  type PdfRendererOptions,
  type PdfRendererStats,
  type RendererSettings,
  rendererSettings,
} from './pdf-options.js';
import { discardPage, openPage, type PooledPage, SHELL_URL } from './pdf-pages.js';
import { printOnPage } from './pdf-print.js';
import { RenderQueue } from './pdf-queue.js';
import { PdfRendererError, RenderTimeoutError, RendererBusyError, RendererUnavailableError } from './pdf-renderer.errors.js';
import { processTreeSync, rssBytesOfSync, treeRssBytesSync } from './process-tree.js';
import { removeStaleProfiles } from './stale-profiles.js';

export { PdfRendererError, RenderTimeoutError, RendererBusyError, RendererUnavailableError } from './pdf-renderer.errors.js';
export type { PdfRendererErrorCode } from './pdf-renderer.errors.js';

/** A browser that printed fewer PDFs is never restarted for memory (see browserMaxRssMb). */
const MIN_RENDERS_BEFORE_MEMORY_RESTART = 10;

/**
 * How long the memory check reuses the browser's process tree. Reading the tree scans all of /proc
 * (a file per process on the host: 2.4 ms of CPU with 84 processes here, more on a busy server),
 * while the tree only changes when a page's renderer is replaced.
 */
const TREE_REREAD_MS = 30_000;

/** The RSS of a browser's processes, its tree read again only when older than TREE_REREAD_MS. */
function browserRssBytes(session: Session, pid: number): number {
  if (!session.tree || Date.now() - session.tree.readAt >= TREE_REREAD_MS) {
    session.tree = { pids: processTreeSync(pid), readAt: Date.now() };
  }
  return rssBytesOfSync(session.tree.pids);
}

interface Job {
  session: Session | null;
  pooled: PooledPage | null;
  timedOut: boolean;
}

@Injectable()
export class PdfRenderer implements OnModuleInit, OnApplicationShutdown {
  readonly poolSize: number;
  private readonly options: RendererSettings;
  private chromium: ChromiumExecutable | null;
  private readonly chromiumFixed: boolean;
  private readonly browsers: BrowserSessions;
  private readonly queue: RenderQueue;
  private closing = false;
  private closed: Promise<void> | null = null;
  private avgRenderMs = 500;
  private readonly counters = {
    renders: 0,
    failures: 0,
    busyRejections: 0,
    timeouts: 0,
    pageRecycles: 0,
    blockedRequests: 0,
  };

  constructor(@Optional() @Inject(PDF_RENDERER_OPTIONS) options: PdfRendererOptions = {}) {
    options ??= {};
    this.options = rendererSettings(options);
    this.poolSize = this.options.poolSize;
    this.chromiumFixed = options.chromium !== undefined;
    this.chromium = options.chromium !== undefined ? options.chromium : findChromium({ env: this.options.env });
    this.queue = new RenderQueue(this.poolSize, this.options.maxQueue, this.options.renderTimeoutMs);
    this.browsers = new BrowserSessions({
      env: this.options.env,
      extraArgs: this.options.extraArgs,
      launchTimeoutMs: this.options.launchTimeoutMs,
      renderTimeoutMs: this.options.renderTimeoutMs,
      logger: this.options.logger,
      chromium: () => this.resolveChromium(),
      fonts: () => this.fonts(),
      closing: () => this.closing,
    });
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
        if (removed.length > 0)
          this.options.logger.log(
            `Removed ${removed.length} Chromium profile(s) left by processes that are gone${killed.length > 0 ? ` (and their ${killed.length} browser(s))` : ''}`,
          );
      })
      .catch((error: unknown) => this.options.logger.warn(`Could not sweep old Chromium profiles: ${messageOf(error)}`));
    const chromium = this.resolveChromium();
    if (chromium) this.options.logger.log(`PDFs print with ${describeChromium(chromium)}`);
    else this.options.logger.warn(`PDF printing is unavailable: ${chromiumMissingMessage(this.options.env)}`);
    if (this.options.launch !== 'boot') {
      if (chromium?.source === 'npm-package') {
        void prepareChromium(chromium).catch((error: unknown) => this.options.logger.warn(`PDF printing is unavailable for now: ${messageOf(error)}`));
      }
      return;
    }
    try {
      await this.warmUp();
    } catch (error) {
      this.options.logger.warn(`PDF printing is unavailable for now: ${messageOf(error)}`);
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
    const session = await this.browsers.get();
    const missing = this.poolSize - session.pages;
    await Promise.all(
      Array.from({ length: Math.max(0, missing) }, async () => {
        const pooled = await this.openPage(session);
        if (session.state === 'live' || session.state === 'retiring') session.idle.push(pooled);
        else await discardPage(session, pooled);
      }),
    );
  }

  async print(input: PdfInput): Promise<Buffer> {
    checkInput(input);
    try {
      if (this.closing) throw new RendererUnavailableError('The PDF renderer is shutting down', { retryAfterSeconds: 5 });
      if (!this.resolveChromium()) throw new RendererUnavailableError(chromiumMissingMessage(this.options.env));
      const deadline = Date.now() + this.options.renderTimeoutMs;
      const queued = performance.now();
      await this.queue.acquire(deadline, this.avgRenderMs);
      const renderStarted = Date.now();
      const slotTaken = performance.now();
      this.options.observer?.waited((slotTaken - queued) / 1000);
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
        this.options.observer?.rendered((performance.now() - slotTaken) / 1000);
        // Service time only (no queue wait): what a retry delay is estimated from.
        this.avgRenderMs = this.avgRenderMs * 0.9 + (Date.now() - renderStarted) * 0.1;
        return pdf;
      } finally {
        clearTimeout(timer);
        this.queue.release();
      }
    } catch (error) {
      this.counters.failures += 1;
      if (error instanceof RenderTimeoutError) this.counters.timeouts += 1;
      if (error instanceof RendererBusyError) this.counters.busyRejections += 1;
      throw error;
    }
  }

  stats(): PdfRendererStats {
    const session = this.browsers.live();
    const pid = session?.pid ?? null;
    const chromium = this.chromium;
    return {
      renders: this.counters.renders,
      failures: this.counters.failures,
      busyRejections: this.counters.busyRejections,
      timeouts: this.counters.timeouts,
      restarts: Math.max(0, this.browsers.launches - 1),
      crashes: this.browsers.crashes,
      pageRecycles: this.counters.pageRecycles,
      blockedRequests: this.counters.blockedRequests,
      queueLength: this.queue.length,
      activeRenders: this.queue.active,
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
    this.queue.rejectAll(() => new RendererUnavailableError('The PDF renderer is shutting down', { retryAfterSeconds: 5 }));
    this.closed = (async () => {
      const until = Date.now() + this.options.shutdownGraceMs;
      while (this.queue.active > 0 && Date.now() < until) await sleep(20);
      await this.browsers.closeAll();
    })();
    return this.closed;
  }

  private async render(job: Job, input: PdfInput): Promise<Buffer> {
    const session = await this.browsers.get();
    if (job.timedOut) throw new RenderTimeoutError('timed out', this.options.renderTimeoutMs);
    job.session = session;
    session.active += 1;
    let pooled: PooledPage | null = null;
    try {
      pooled = session.idle.pop() ?? (await this.openPage(session));
      job.pooled = pooled;
      if (job.timedOut) throw new RenderTimeoutError('timed out', this.options.renderTimeoutMs);
      const fonts = await this.fonts();
      const pdf = await printOnPage(pooled, input, fonts, this.options.margin, this.options.marginInches);
      if (pooled.page.url() !== SHELL_URL) pooled.broken = true;
      pooled.renders += 1;
      session.renders += 1;
      session.consecutiveTimeouts = 0;
      this.counters.renders += 1;
      return pdf;
    } catch (error) {
      if (pooled) pooled.broken = true;
      throw this.translate(error, session, job);
    } finally {
      session.active -= 1;
      if (pooled) this.returnPage(session, pooled, job.timedOut);
      this.afterRender(session);
    }
  }

  private abandon(job: Job): void {
    if (!job.session || !job.pooled) return;
    job.pooled.broken = true;
    const session = job.session;
    session.consecutiveTimeouts += 1;
    void discardPage(session, job.pooled);
    // Two timeouts in a row: the browser itself may be wedged; replace it.
    if (session.consecutiveTimeouts >= 2 && session.state === 'live') this.browsers.retire(session, 'two renders in a row timed out');
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
      void discardPage(session, pooled);
      return;
    }
    session.idle.push(pooled);
  }

  private afterRender(session: Session): void {
    if (session.state === 'live') {
      if (this.options.browserMaxRenders > 0 && session.renders >= this.options.browserMaxRenders) {
        this.browsers.retire(session, `it printed ${session.renders} PDFs`);
      } else if (
        this.options.browserMaxRssMb > 0 &&
        session.pid !== null &&
        session.renders >= MIN_RENDERS_BEFORE_MEMORY_RESTART &&
        Date.now() - session.lastRssCheck >= this.options.rssCheckIntervalMs
      ) {
        session.lastRssCheck = Date.now();
        const pid = session.pid;
        // After the print's caller has had its PDF and sent its next query: the check is not its business.
        setImmediate(() => {
          const mb = browserRssBytes(session, pid) / 1024 / 1024;
          if (mb > this.options.browserMaxRssMb && session.state === 'live') {
            this.browsers.retire(session, `its processes use ${Math.round(mb)} MB (limit ${this.options.browserMaxRssMb} MB)`);
          }
        });
      }
    }
    if (session.state === 'retiring' && session.active === 0) void this.browsers.closeSession(session);
  }

  private openPage(session: Session): Promise<PooledPage> {
    return openPage(
      session,
      () => this.fonts(),
      this.options.launchTimeoutMs,
      () => {
        this.counters.blockedRequests += 1;
      },
    );
  }

  private resolveChromium(): ChromiumExecutable | null {
    // Not found at start: look again, so installing Chromium later needs no restart.
    if (!this.chromium && !this.chromiumFixed) this.chromium = findChromium({ env: this.options.env });
    return this.chromium;
  }

  private fonts(): Promise<CjkFonts> {
    return loadCjkFonts(this.options.fontOptions);
  }
}
