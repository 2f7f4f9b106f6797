// Prometheus metrics of one process, served at GET /metrics (metrics-endpoint.ts). Events are
// counted as they happen (HTTP requests, renders, export items); states are read when Prometheus
// scrapes (the PDF pool, the database pool, export jobs), so they cost nothing in between.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { HttpRequestSink } from '../logging/http-observer.js';
import type { PdfRenderObserver } from '../scorecards/pdf-options.js';
import { PdfRenderer } from '../scorecards/pdf-renderer.js';

export type ExportItemOutcome = 'done' | 'failed';
export type ReminderOutcome = 'sent' | 'failed';

/** The parts of pg's Pool that tell how it is used (TypeORM keeps it as `driver.master`). */
interface PgPoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

interface ExportCounts {
  jobs: Map<string, number>;
  items: Map<string, number>;
}

/** Longest a scrape waits for the export counts; a database that is away must not hang Prometheus. */
const DB_SCRAPE_TIMEOUT_MS = 2_000;

const SECONDS = { http: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], render: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30] };

@Injectable()
export class MetricsService implements HttpRequestSink {
  readonly registry = new Registry();
  readonly enabled: boolean;
  /** Handed to the PDF renderer (PdfRendererOptions.observer). */
  readonly pdfObserver: PdfRenderObserver;
  private readonly logger = new Logger('Metrics');
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly exportItems: Counter<'outcome'>;
  private readonly reminders: Counter<'outcome'>;
  private exportCountsOfScrape: ExportCounts | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {
    this.enabled = config.metricsToken !== null;
    const registers = [this.registry];
    // Process CPU, memory, event-loop delay and GC: only when someone can read them, since the
    // collector keeps an event-loop monitor running.
    if (this.enabled) collectDefaultMetrics({ register: this.registry });

    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by route pattern and status, from arrival to the last byte sent (status "aborted": the client left first)',
      labelNames: ['method', 'route', 'status'],
      buckets: SECONDS.http,
      registers,
    });

    const renderDuration = new Histogram({
      name: 'scorecard_pdf_render_duration_seconds',
      help: 'Time Chromium took to print a PDF, without the wait for a free page (successful prints)',
      buckets: SECONDS.render,
      registers,
    });
    const queueWait = new Histogram({
      name: 'scorecard_pdf_queue_wait_seconds',
      help: 'Time a print waited for a free page of the pool',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
      registers,
    });
    this.pdfObserver = {
      waited: (seconds) => queueWait.observe(seconds),
      rendered: (seconds) => renderDuration.observe(seconds),
    };
    const renderer = (): PdfRenderer | null => {
      try {
        return this.moduleRef.get(PdfRenderer, { strict: false });
      } catch {
        return null;
      }
    };
    const pdfGauge = (name: string, help: string, read: (stats: ReturnType<PdfRenderer['stats']>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const stats = renderer()?.stats();
          if (stats) this.set(read(stats));
        },
      });
    pdfGauge('scorecard_pdf_pool_size', 'Chromium pages that may print at once (PDF_POOL_SIZE)', (s) => s.poolSize);
    pdfGauge('scorecard_pdf_pages_open', 'Chromium pages open now, busy or idle', (s) => s.pages);
    pdfGauge('scorecard_pdf_renders_active', 'PDFs being printed now', (s) => s.activeRenders);
    pdfGauge('scorecard_pdf_queue_length', 'Prints waiting for a free page now', (s) => s.queueLength);
    pdfGauge('scorecard_pdf_browser_up', '1 while a Chromium is running, 0 before the first print or after a crash', (s) => (s.browserRunning ? 1 : 0));
    pdfGauge('scorecard_pdf_browser_rss_bytes', 'Resident memory of the Chromium process tree', (s) => Math.round(s.browserRssMb * 1024 * 1024));
    const pdfCounter = (name: string, help: string, read: (stats: ReturnType<PdfRenderer['stats']>) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          const stats = renderer()?.stats();
          if (!stats) return;
          this.reset();
          this.inc(read(stats));
        },
      });
    pdfCounter('scorecard_pdf_renders_total', 'PDFs printed', (s) => s.renders);
    pdfCounter('scorecard_pdf_browser_restarts_total', 'Chromium launches after the first one (crashes, memory or render-count restarts)', (s) => s.restarts);
    pdfCounter('scorecard_pdf_browser_crashes_total', 'Chromium crashes or lost connections', (s) => s.crashes);
    new Counter({
      name: 'scorecard_pdf_render_failures_total',
      help: 'Prints that failed, by reason: busy (queue full), timeout, other',
      labelNames: ['reason'],
      registers,
      collect() {
        const stats = renderer()?.stats();
        if (!stats) return;
        this.reset();
        this.inc({ reason: 'busy' }, stats.busyRejections);
        this.inc({ reason: 'timeout' }, stats.timeouts);
        this.inc({ reason: 'other' }, Math.max(0, stats.failures - stats.busyRejections - stats.timeouts));
      },
    });

    this.exportItems = new Counter({
      name: 'scorecard_export_items_processed_total',
      help: 'Export items (one scorecard each) this process finished, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['done', 'failed'] as const) this.exportItems.inc({ outcome }, 0);
    this.reminders = new Counter({
      name: 'scorecard_reminders_total',
      help: 'Reminder mails this process sent, or failed to send (they are tried again by a later pass), when REMINDERS_ENABLED',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['sent', 'failed'] as const) this.reminders.inc({ outcome }, 0);
    const countsOfScrape = (): ExportCounts | null => this.exportCountsOfScrape;
    const exportGauge = (name: string, help: string, states: readonly string[], read: (counts: ExportCounts) => Map<string, number>) =>
      new Gauge({
        name,
        help,
        labelNames: ['state'],
        registers,
        collect() {
          this.reset();
          const counts = countsOfScrape();
          if (counts) for (const state of states) this.set({ state }, read(counts).get(state) ?? 0);
        },
      });
    exportGauge(
      'scorecard_export_jobs',
      'Bulk exports by state, from the database (the same in every process sharing it)',
      ['queued', 'running', 'done', 'failed'],
      (c) => c.jobs,
    );
    exportGauge(
      'scorecard_export_items',
      'Scorecards of bulk exports kept in the database, by state (the same in every process sharing it)',
      ['pending', 'done', 'failed'],
      (c) => c.items,
    );

    const pool = (): PgPoolLike | null => {
      const master = (this.dataSource.driver as unknown as { master?: PgPoolLike }).master;
      return master && typeof master.totalCount === 'number' ? master : null;
    };
    const poolGauge = (name: string, help: string, read: (p: PgPoolLike) => number | undefined) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const p = pool();
          const value = p ? read(p) : undefined;
          if (value !== undefined) this.set(value);
        },
      });
    poolGauge('scorecard_db_pool_connections', 'Connections the app holds to PostgreSQL (busy and idle)', (p) => p.totalCount);
    poolGauge('scorecard_db_pool_idle', 'Connections open but not in use', (p) => p.idleCount);
    poolGauge('scorecard_db_pool_waiting', 'Queries waiting for a connection', (p) => p.waitingCount);
    poolGauge('scorecard_db_pool_max', 'Most connections the pool opens', (p) => p.options?.max);
  }

  observeHttp(method: string, route: string, status: string, seconds: number): void {
    if (this.enabled) this.httpDuration.observe({ method, route, status }, seconds);
  }

  exportItem(outcome: ExportItemOutcome): void {
    this.exportItems.inc({ outcome });
  }

  reminder(outcome: ReminderOutcome): void {
    this.reminders.inc({ outcome });
  }

  /** The text Prometheus reads. */
  async render(): Promise<{ contentType: string; body: string }> {
    // Read once per scrape, before the registry asks its gauges (which may not wait on their own).
    this.exportCountsOfScrape = await this.exportCounts();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async exportCounts(): Promise<ExportCounts | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const query = Promise.all([
        this.dataSource.query<{ state: string; n: number }[]>('SELECT state, count(*)::int AS n FROM export_jobs GROUP BY state'),
        // Only the items of exports still in the tables (finished ones are deleted after EXPORT_RETENTION_HOURS).
        this.dataSource.query<{ state: string; n: number }[]>('SELECT state, count(*)::int AS n FROM export_items GROUP BY state'),
      ]);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DB_SCRAPE_TIMEOUT_MS} ms`)), DB_SCRAPE_TIMEOUT_MS);
      });
      const [jobs, items] = await Promise.race([query, timeout]);
      return { jobs: new Map(jobs.map((r) => [r.state, r.n])), items: new Map(items.map((r) => [r.state, r.n])) };
    } catch (error) {
      // The scrape still answers, without these series: the database being away shows elsewhere.
      this.logger.warn(`Export counts left out of the metrics: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
