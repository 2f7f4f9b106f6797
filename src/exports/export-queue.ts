// The export queue, kept by pg-boss in PostgreSQL (schema `pgboss`) beside our own tables, so every
// process that shares the database (the app, `npm run worker` on other machines) shares the work,
// and queued work survives restarts. Jobs are inserted in the caller's transaction: an export and
// its queue entries commit together or not at all.
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export const EXPORT_QUEUE = 'scorecard-export';
/** Chunks that failed for good (retries used up, or expired on a dead worker) land here. */
export const EXPORT_DEAD_LETTER_QUEUE = 'scorecard-export-dead';
export const PGBOSS_SCHEMA = 'pgboss';

/** One pg-boss job: a slice of an export's items. */
export interface ExportChunk {
  jobId: string;
  itemIds: string[];
}

/** Per chunk; an item itself is given up after a few failed attempts, whatever is left of these. */
const CHUNK_RETRY = { retryLimit: 6, retryDelay: 1, retryBackoff: true } as const;
/** A chunk held this long by a worker that died is handed to another (after pg-boss maintenance notices). */
const CHUNK_EXPIRE_SECONDS = 300;
/** What the readiness check reports about the queue. */
export interface ExportQueueStatus {
  /** pg-boss is started and not stopping. */
  running: boolean;
  /** This process prints chunks (RUN_WORKERS). */
  workers: boolean;
  /** Chunks waiting for a worker, in every process sharing the database. */
  queued: number;
  /** Chunks being printed now, in every process. */
  active: number;
}

export type ChunkHandler = (chunk: ExportChunk, attempt: { retryCount: number; retryLimit: number }) => Promise<void>;

@Injectable()
export class ExportQueue implements OnModuleDestroy {
  private readonly logger = new Logger('ExportQueue');
  private boss: PgBoss | null = null;
  private starting: Promise<PgBoss> | null = null;
  private readonly workerIds: string[] = [];
  private stopping = false;
  private stopped: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** True once shutdown began: handlers should finish what is in flight and take nothing new. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** Starts pg-boss (installing or migrating its schema) and creates the queues. Idempotent. */
  start(): Promise<PgBoss> {
    this.starting ??= this.open().catch((error: unknown) => {
      this.starting = null;
      throw error;
    });
    return this.starting;
  }

  /**
   * Inserts the chunks inside the caller's transaction (pg-boss runs its INSERT through `m`), then
   * wakes this process's own workers so they need not wait for their next poll.
   */
  async enqueue(m: EntityManager, chunks: ExportChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    const boss = await this.start();
    const db: PgBoss.Db = { executeSql: async (text: string, values: unknown[]) => ({ rows: await m.query(text, values) }) };
    await boss.insert(
      chunks.map((data) => ({ name: EXPORT_QUEUE, data, ...CHUNK_RETRY, expireInSeconds: CHUNK_EXPIRE_SECONDS, deadLetter: EXPORT_DEAD_LETTER_QUEUE })),
      { db },
    );
  }

  /** Wakes local workers after a commit (other processes find the work at their next poll). */
  notify(): void {
    for (const id of this.workerIds) this.boss?.notifyWorker(id);
  }

  /**
   * Registers `workers` pollers of chunks (each takes one chunk at a time) and one for given-up
   * chunks. Two pollers per process let the next chunk start while the last renders of one finish.
   */
  async work(workers: number, onChunk: ChunkHandler, onDeadChunk: (chunk: ExportChunk) => Promise<void>): Promise<void> {
    const boss = await this.start();
    const options = { batchSize: 1, pollingIntervalSeconds: 1, includeMetadata: true } as const;
    for (let i = 0; i < workers; i++) {
      const id = await boss.work<ExportChunk>(EXPORT_QUEUE, options, async ([job]) => {
        if (job) await onChunk(job.data, { retryCount: job.retryCount, retryLimit: job.retryLimit });
      });
      this.workerIds.push(id);
    }
    await boss.work<ExportChunk>(EXPORT_DEAD_LETTER_QUEUE, { batchSize: 1, pollingIntervalSeconds: 5 }, async ([job]) => {
      if (job) await onDeadChunk(job.data);
    });
  }

  /**
   * Puts the unprinted rest of a chunk back as a new job, so a worker that is shutting down gives
   * its work away without spending one of the chunk's retries (its own job then completes).
   */
  async handBack(chunk: ExportChunk): Promise<void> {
    const boss = this.boss;
    if (!boss) throw new Error('The export queue is not running');
    await boss.insert([{ name: EXPORT_QUEUE, data: chunk, ...CHUNK_RETRY, expireInSeconds: CHUNK_EXPIRE_SECONDS, deadLetter: EXPORT_DEAD_LETTER_QUEUE }]);
  }

  /** Whether the queue runs, and how much work waits in it (a count in the shared database). */
  async status(): Promise<ExportQueueStatus> {
    const running = this.boss !== null && !this.stopping;
    const [counts] = await this.dataSource.query<{ queued: number; active: number }[]>(
      `SELECT count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS queued, count(*) FILTER (WHERE state = 'active')::int AS active
         FROM ${PGBOSS_SCHEMA}.job WHERE name = $1`,
      [EXPORT_QUEUE],
    );
    return { running, workers: this.config.scorecards.runWorkers, queued: counts?.queued ?? 0, active: counts?.active ?? 0 };
  }

  /**
   * Stops taking chunks; the chunks in progress get `timeoutMs` to finish (their printing stops at
   * the next scorecard, the rest is handed back); what still runs then is failed back to the queue,
   * a retry for the next worker. Idempotent: the graceful shutdown calls it with its own bound,
   * then Nest's module teardown again.
   */
  stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.stopped ??= (async () => {
      const boss = this.boss ?? (await this.starting?.catch(() => null)) ?? null;
      if (!boss) return;
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs }).catch((error: unknown) => this.logger.error(`pg-boss did not stop cleanly: ${messageOf(error)}`));
      this.boss = null;
    })();
    return this.stopped;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop(this.config.shutdownTimeoutMs);
  }

  private async open(): Promise<PgBoss> {
    const options = this.dataSource.options;
    const connectionString = options.type === 'postgres' ? options.url : undefined;
    if (!connectionString) throw new Error('The export queue needs the PostgreSQL connection URL of the data source');
    const boss = new PgBoss({
      connectionString,
      schema: PGBOSS_SCHEMA,
      application_name: 'scorecard-exports',
      // Few connections: the pollers and maintenance only; the work itself uses the app's pool.
      max: 3,
      // No cron schedules here: skip the clock-skew monitor that comes with them.
      schedule: false,
    });
    boss.on('error', (error: Error) => this.logger.error(`pg-boss: ${error.message}`));
    await boss.start();
    const queue = { ...CHUNK_RETRY, expireInSeconds: CHUNK_EXPIRE_SECONDS };
    await boss.createQueue(EXPORT_DEAD_LETTER_QUEUE);
    await boss.createQueue(EXPORT_QUEUE, { name: EXPORT_QUEUE, ...queue, deadLetter: EXPORT_DEAD_LETTER_QUEUE });
    this.boss = boss;
    if (this.stopping) {
      await boss.stop({ graceful: false, wait: true });
      throw new Error('The export queue is shutting down');
    }
    this.logger.log(`Export queue ready (${this.config.scorecards.runWorkers ? 'with' : 'without'} workers in this process)`);
    return boss;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
