// What a PdfRenderer is told: its options with their defaults, a print's input, its statistics.
import { availableParallelism } from 'node:os';
import { Logger } from '@nestjs/common';
import type { ChromiumExecutable } from './chromium.js';
import type { CjkFontOptions } from './fonts.js';

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
  /**
   * Replace a page after this many renders (default 0 = never: a page lives as long as its browser,
   * which browserMaxRenders and browserMaxRssMb bound). A new page costs ~2.5 s of Chromium CPU
   * (its shell parses ~10 MB of inline fonts), so 500 cost ~6 ms per PDF and a 3 s print
   * (docs/decisions/0001-pdf-renderer.md).
   */
  pageMaxRenders?: number;
  /** Restart the browser after this many renders (default 5,000; 0 = never). */
  browserMaxRenders?: number;
  /**
   * Restart the browser when the summed RSS of its process tree passes this (0 = never). Default
   * 768 MB + 384 MB per pooled page (why: docs/decisions/0001-pdf-renderer.md).
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

const DEFAULT_MARGIN: PdfMargins = { top: '16mm', right: '14mm', bottom: '16mm', left: '14mm' };

/** The options checked, with every default filled in. */
export interface RendererSettings {
  poolSize: number;
  launch: 'lazy' | 'boot';
  maxQueue: number;
  renderTimeoutMs: number;
  pageMaxRenders: number;
  browserMaxRenders: number;
  browserMaxRssMb: number;
  rssCheckIntervalMs: number;
  launchTimeoutMs: number;
  shutdownGraceMs: number;
  margin: PdfMargins;
  marginInches: Record<keyof PdfMargins, number>;
  env: NodeJS.ProcessEnv;
  extraArgs: readonly string[];
  fontOptions: CjkFontOptions;
  logger: RendererLogger;
  observer: PdfRenderObserver | null;
}

/** Checks the options (a bad one throws, naming it) and fills in the defaults. */
export function rendererSettings(options: PdfRendererOptions): RendererSettings {
  const poolSize = positiveInt(options.poolSize ?? availableParallelism(), 'poolSize', 1);
  const limits = {
    launch: options.launch ?? 'lazy',
    maxQueue: positiveInt(options.maxQueue ?? 50, 'maxQueue', 0),
    renderTimeoutMs: positiveInt(options.renderTimeoutMs ?? 15_000, 'renderTimeoutMs', 1),
    pageMaxRenders: positiveInt(options.pageMaxRenders ?? 0, 'pageMaxRenders', 0),
    browserMaxRenders: positiveInt(options.browserMaxRenders ?? 5_000, 'browserMaxRenders', 0),
    browserMaxRssMb: positiveInt(options.browserMaxRssMb ?? 768 + 384 * poolSize, 'browserMaxRssMb', 0),
    rssCheckIntervalMs: positiveInt(options.rssCheckIntervalMs ?? 2_000, 'rssCheckIntervalMs', 0),
    launchTimeoutMs: positiveInt(options.launchTimeoutMs ?? 30_000, 'launchTimeoutMs', 1),
    shutdownGraceMs: positiveInt(options.shutdownGraceMs ?? 5_000, 'shutdownGraceMs', 0),
  };
  if (limits.launch !== 'lazy' && limits.launch !== 'boot') {
    throw new Error(`PdfRenderer option launch must be 'lazy' or 'boot', not ${String(limits.launch)}`);
  }
  const margin = { ...DEFAULT_MARGIN, ...options.margin };
  return {
    poolSize,
    ...limits,
    margin,
    marginInches: {
      top: toInches(margin.top),
      right: toInches(margin.right),
      bottom: toInches(margin.bottom),
      left: toInches(margin.left),
    },
    env: options.env ?? process.env,
    extraArgs: options.extraArgs ?? [],
    fontOptions: options.fonts ?? {},
    logger: options.logger ?? new Logger('PdfRenderer'),
    observer: options.observer ?? null,
  };
}

export function checkInput(input: PdfInput): void {
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
