// Prints the scorecards of export chunks taken from the queue. Runs in the app (RUN_WORKERS=true,
// the default) and in `npm run worker` processes alike. Every step is idempotent: an item is only
// ever written while pending, so a chunk that runs twice (a worker that died, a retry) only
// redoes the items not yet printed.
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isApiError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PdfRenderer } from '../scorecards/pdf-renderer.js';
import type { Lang as ScorecardLang } from '../i18n/langs.js';
import { type ScorecardBatch, ScorecardsService } from '../scorecards/scorecards.service.js';
import { type ExportChunk, ExportQueue } from './export-queue.js';

/** An item is marked failed after this many failed attempts (renderer errors are usually transient). */
export const MAX_ITEM_ATTEMPTS = 3;

type ItemOutcome = 'done' | 'failed' | 'retry';

/** At most `limit` of the functions given to run() at once, the rest in arrival order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

@Injectable()
export class ExportRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('ExportRunner');
  /** Renders in flight in this process, across chunks: as many as the renderer has pages. */
  private readonly limiter: Limiter;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queue: ExportQueue,
    private readonly scorecards: ScorecardsService,
    renderer: PdfRenderer,
    private readonly metrics: MetricsService,
  ) {
    this.limiter = new Limiter(renderer.stats().poolSize);
  }

  /** After migrations (the app runs them before init; `npm run worker` too), so our tables exist. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.start();
    if (!this.config.scorecards.runWorkers) return;
    await this.queue.work(
      2,
      (chunk, attempt) => this.processChunk(chunk, attempt.retryCount >= attempt.retryLimit),
      (chunk) => this.giveUp(chunk),
    );
  }

  /**
   * Prints the chunk's pending items, at most pool-size at once in this process. Items that hit a
   * transient error stay pending and the chunk fails, so the queue retries it later (with backoff).
   */
  async processChunk(chunk: ExportChunk, lastAttempt = false): Promise<void> {
    const [job] = await this.dataSource.query<{ lang: ScorecardLang; state: string }[]>('SELECT lang, state FROM export_jobs WHERE id = $1', [chunk.jobId]);
    if (!job || job.state === 'done' || job.state === 'failed') return;
    await this.dataSource.query(`UPDATE export_jobs SET state = 'running', started_at = now() WHERE id = $1 AND state = 'queued'`, [chunk.jobId]);
    const items = await this.dataSource.query<{ id: string; review_id: string }[]>(
      `SELECT id, review_id FROM export_items WHERE id = ANY($1) AND job_id = $2 AND state = 'pending' ORDER BY position`,
      [chunk.itemIds, chunk.jobId],
    );
    // The chunk's reviews, trends, peers and issued copies in a few statements, not ~4 per scorecard.
    const batch =
      items.length > 0
        ? await this.scorecards.loadBatch(
            items.map((item) => item.review_id),
            job.lang,
          )
        : undefined;
    const outcomes = await Promise.all(items.map((item) => this.limiter.run(() => this.printItem(item.id, item.review_id, job.lang, lastAttempt, batch))));
    await this.finishIfComplete(chunk.jobId);
    const retry = outcomes.filter((o) => o === 'retry').length;
    if (retry === 0) return;
    if (this.queue.isStopping) {
      // Shutting down: the renders in flight finished; what is left goes back to the queue as a
      // fresh chunk for the next worker (here after a restart, or another process), and this job
      // completes. A restart thus never uses up a chunk's retries.
      const left = items.filter((_item, i) => outcomes[i] === 'retry').map((item) => item.id);
      await this.queue.handBack({ jobId: chunk.jobId, itemIds: left });
      this.logger.log(`Shutting down: handed ${left.length} scorecard(s) of export ${chunk.jobId} back to the queue`);
      return;
    }
    throw new Error(`${retry} scorecard(s) of export ${chunk.jobId} could not be printed yet; the chunk will be retried`);
  }

  /** A chunk that used up its retries or expired on a dead worker: what is still pending fails. */
  async giveUp(chunk: ExportChunk): Promise<void> {
    await this.dataSource.query(
      `UPDATE export_items SET state = 'failed', error = COALESCE(error, 'gave up: no worker finished it in time')
        WHERE id = ANY($1) AND job_id = $2 AND state = 'pending'`,
      [chunk.itemIds, chunk.jobId],
    );
    await this.finishIfComplete(chunk.jobId);
  }

  private async printItem(itemId: string, reviewId: string, lang: ScorecardLang, lastAttempt: boolean, batch?: ScorecardBatch): Promise<ItemOutcome> {
    // Shutting down: leave it pending for the next worker rather than start a render.
    if (this.queue.isStopping) return 'retry';
    try {
      const file = await this.scorecards.pdfForExport(reviewId, lang, batch);
      // An issued scorecard is named, not copied (body is null then): its bytes are stored once,
      // where it was issued.
      // TypeORM answers an UPDATE with [rows, row count].
      const [written] = await this.dataSource.query<[unknown[], number]>(
        `UPDATE export_items SET state = 'done', pdf = $2, issued_scorecard_id = $3, size = $4, sha256 = $5, filename = $6, error = NULL
          WHERE id = $1 AND state = 'pending' RETURNING id`,
        [itemId, file.body, file.issuedId, file.size, file.sha256, file.filename],
      );
      // One line per item and process: bench:scale counts them to prove each item is written once
      // and to split the work per worker; a render that lost the race to another worker says so.
      if (written.length === 1) this.logger.debug(`Printed export item ${itemId}`);
      else this.logger.debug(`Export item ${itemId} was already printed elsewhere: this render is discarded`);
      this.metrics.exportItem('done');
      return 'done';
    } catch (error) {
      // A review that no longer exists will not come back; anything else (browser busy, crashed,
      // missing, too slow; the database away) may pass, so it is tried again, a few times.
      const permanent = isApiError(error, 'NOT_FOUND');
      const counts = !this.queue.isStopping;
      // A SELECT over the UPDATE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], so
      // `row.state` was never 'failed' and a failed item was counted as one to retry.
      const [row] = await this.dataSource.query<{ state: string }[]>(
        `WITH changed AS (UPDATE export_items
            SET attempts = attempts + $3::int, error = $2,
                state = CASE WHEN $4::boolean OR attempts + $3::int >= $5::int THEN 'failed' ELSE state END
          WHERE id = $1 AND state = 'pending'
          RETURNING state) SELECT state FROM changed`,
        [itemId, messageOf(error).slice(0, 2000), counts ? 1 : 0, permanent || lastAttempt, MAX_ITEM_ATTEMPTS],
      );
      if (row?.state === 'failed') {
        this.logger.warn(`Export item ${itemId} (review ${reviewId}) failed: ${messageOf(error)}`);
        this.metrics.exportItem('failed');
        return 'failed';
      }
      return row ? 'retry' : 'done';
    }
  }

  /**
   * Marks the job done (or failed, when nothing could be printed) once no item is pending. Each
   * chunk checks after its own items are committed, so the last chunk to finish always sees all.
   */
  async finishIfComplete(jobId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE export_jobs j
          SET state = CASE WHEN c.done > 0 OR j.total = 0 THEN 'done' ELSE 'failed' END,
              finished_at = now(),
              error = CASE WHEN c.failed > 0 THEN c.failed || ' of ' || j.total || ' scorecard(s) could not be printed; first error: ' || c.first_error END
         FROM (SELECT count(*) FILTER (WHERE state = 'done') AS done,
                      count(*) FILTER (WHERE state = 'failed') AS failed,
                      count(*) FILTER (WHERE state = 'pending') AS pending,
                      (array_agg(error ORDER BY position) FILTER (WHERE state = 'failed'))[1] AS first_error
                 FROM export_items WHERE job_id = $1) c
        WHERE j.id = $1 AND j.state IN ('queued', 'running') AND c.pending = 0`,
      [jobId],
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
