// The export queue, kept by pg-boss in PostgreSQL (schema `pgboss`) beside our own tables, so every
// process that shares the database (the app, `npm run worker` on other machines) shares the work,
// and queued work survives restarts. Jobs are inserted in the caller's transaction: an export and
// its queue entries commit together or not at all.
//
// Workers are our own poll loops over pg-boss's fetch/complete/fail, not `boss.work()`: pg-boss 10
// calls complete() and fail() without awaiting them, so a database that stops while a chunk runs
// turned their rejection into an unhandled rejection that ended the process (57P03, issue 10).
// Here every queue call is awaited; while the database is away the loops pause, keep the outcome
// of the chunk in hand and report it once the database answers again.
//
// A chunk is leased, not held for a fixed time: it expires LEASE_SECONDS after it was taken, and
// the process working on it renews the lease every HEARTBEAT_MS. A worker that dies (SIGKILL, power)
// stops renewing, and pg-boss's maintenance (every MAINTENANCE_SECONDS, in whichever process gets
// there first) fails the chunk back to the queue within about LEASE_SECONDS + MAINTENANCE_SECONDS,
// instead of after the 300 s the chunks used to hold.
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { QUEUE_SETUP_LOCK_KEY, withStartupLock } from '../database/bootstrap.js';

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
/** A chunk whose worker stopped renewing its lease this long ago is handed to another. */
export const LEASE_SECONDS = 15;
/** How often a working process renews the leases of its chunks (well inside LEASE_SECONDS). */
const HEARTBEAT_MS = 5_000;
/** pg-boss maintenance (expiring leases, archiving) runs this often across all processes. */
const MAINTENANCE_SECONDS = 5;
/** Waits between attempts while the database is away: short at first, then at most this. */
const MAX_PAUSE_MS = 5_000;
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

type Outcome = { ok: true } | { ok: false; error: unknown };

@Injectable()
export class ExportQueue implements OnModuleDestroy {
  private readonly logger = new Logger('ExportQueue');
  private boss: PgBoss | null = null;
  private starting: Promise<PgBoss> | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private readonly loops: Promise<void>[] = [];
  /** Idle loops waiting for their next poll; notify() and shutdown wake them early. */
  private readonly sleepers = new Set<() => void>();
  /** Chunks taken by this process and not yet reported done or failed: id → queue. */
  private readonly leased = new Map<string, string>();
  private heartbeat: NodeJS.Timeout | null = null;
  /** Set while the database does not answer the queue: the reason, logged once. */
  private pausedFor: string | null = null;
  private lastBossError = { message: '', at: 0 };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** True once shutdown began: handlers should finish what is in flight and take nothing new. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** True while the database does not answer the queue's pollers (they retry by themselves). */
  get isPaused(): boolean {
    return this.pausedFor !== null;
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
      chunks.map((data) => ({ name: EXPORT_QUEUE, data, ...CHUNK_RETRY, expireInSeconds: LEASE_SECONDS, deadLetter: EXPORT_DEAD_LETTER_QUEUE })),
      { db },
    );
  }

  /** Wakes local workers after a commit (other processes find the work at their next poll). */
  notify(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  /**
   * Starts `workers` pollers of chunks (each takes one chunk at a time) and one for given-up
   * chunks. Two pollers per process let the next chunk start while the last renders of one finish.
   */
  async work(workers: number, onChunk: ChunkHandler, onDeadChunk: (chunk: ExportChunk) => Promise<void>): Promise<void> {
    const boss = await this.start();
    for (let i = 0; i < workers; i++) {
      this.loops.push(this.poll(boss, EXPORT_QUEUE, 1_000, (job) => onChunk(job.data, { retryCount: job.retryCount, retryLimit: job.retryLimit })));
    }
    this.loops.push(this.poll(boss, EXPORT_DEAD_LETTER_QUEUE, 5_000, (job) => onDeadChunk(job.data)));
    this.heartbeat ??= setInterval(() => void this.renewLeases(boss), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /**
   * Puts the unprinted rest of a chunk back as a new job, so a worker that is shutting down gives
   * its work away without spending one of the chunk's retries (its own job then completes).
   */
  async handBack(chunk: ExportChunk): Promise<void> {
    const boss = this.boss;
    if (!boss) throw new Error('The export queue is not running');
    await boss.insert([{ name: EXPORT_QUEUE, data: chunk, ...CHUNK_RETRY, expireInSeconds: LEASE_SECONDS, deadLetter: EXPORT_DEAD_LETTER_QUEUE }]);
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
    this.notify();
    this.stopped ??= (async () => {
      const boss = this.boss ?? (await this.starting?.catch(() => null)) ?? null;
      if (!boss) return;
      // Graceful: pollers take nothing new, chunks in progress get timeoutMs to finish; what
      // is still running then is failed back to the queue (a retry), for the next worker to take.
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
      await Promise.race([Promise.all(this.loops), timeout]);
      if (this.heartbeat) clearInterval(this.heartbeat);
      this.heartbeat = null;
      for (const [id, queue] of [...this.leased.entries()]) {
        // If the database is away, the lease simply runs out and maintenance elsewhere retries it.
        await boss
          .fail(queue, id, { message: 'the worker shut down while printing' })
          .catch((error: unknown) => this.logger.warn(`Could not hand back chunk ${id}: ${messageOf(error)}`));
      }
      await boss.stop({ graceful: false, wait: true }).catch((error: unknown) => this.logger.error(`pg-boss did not stop cleanly: ${messageOf(error)}`));
      this.boss = null;
    })();
    return this.stopped;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop(this.config.shutdownTimeoutMs);
  }

  /** One worker: take a chunk, run it, report the outcome; pause while the database is away. */
  private async poll(boss: PgBoss, queue: string, intervalMs: number, handle: (job: PgBoss.JobWithMetadata<ExportChunk>) => Promise<void>): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let job: PgBoss.JobWithMetadata<ExportChunk> | undefined;
      try {
        [job] = await boss.fetch<ExportChunk>(queue, { batchSize: 1, includeMetadata: true });
        failures = 0;
        this.resume();
      } catch (error) {
        failures += 1;
        this.pause(error);
        await this.sleep(pauseMs(failures));
        continue;
      }
      if (!job) {
        await this.sleep(intervalMs);
        continue;
      }
      this.leased.set(job.id, queue);
      let outcome: Outcome;
      try {
        await handle(job);
        outcome = { ok: true };
      } catch (error) {
        outcome = { ok: false, error };
      }
      await this.report(boss, queue, job.id, outcome);
      this.leased.delete(job.id);
    }
  }

  /**
   * Tells pg-boss how the chunk went, retrying until the database answers (the lease is renewed
   * meanwhile). Only a shutdown gives up: the lease then runs out and another worker redoes the
   * chunk, which skips what this one already printed.
   */
  private async report(boss: PgBoss, queue: string, id: string, outcome: Outcome): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (outcome.ok) await boss.complete(queue, id);
        else await boss.fail(queue, id, { message: messageOf(outcome.error) });
        this.resume();
        return;
      } catch (error) {
        this.pause(error);
        if (this.stopping) return;
        await this.sleep(pauseMs(attempt));
      }
    }
  }

  /** Pushes the expiry of this process's chunks LEASE_SECONDS past now. */
  private async renewLeases(boss: PgBoss): Promise<void> {
    if (this.leased.size === 0) return;
    // pg-boss 10 has no heartbeat of its own; its job table keeps `started_on + expire_in` as the
    // deadline that maintenance checks, so the lease is that interval, stretched to reach now + lease.
    try {
      await boss.getDb().executeSql(
        `UPDATE ${PGBOSS_SCHEMA}.job SET expire_in = (now() - started_on) + make_interval(secs => $2)
          WHERE id = ANY($1::uuid[]) AND state = 'active'`,
        [[...this.leased.keys()], LEASE_SECONDS],
      );
    } catch (error) {
      this.pause(error);
    }
  }

  private pause(error: unknown): void {
    const reason = messageOf(error);
    if (this.pausedFor !== null) return;
    this.pausedFor = reason;
    this.logger.warn(`Export queue paused, the database does not answer (${reason}); trying again every few seconds`);
  }

  private resume(): void {
    if (this.pausedFor === null) return;
    this.pausedFor = null;
    this.logger.log('Export queue resumed: the database answers again');
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  private async open(): Promise<PgBoss> {
    const options = this.dataSource.options;
    const connectionString = options.type === 'postgres' ? options.url : undefined;
    if (!connectionString) throw new Error('The export queue needs the PostgreSQL connection URL of the data source');
    const boss = new PgBoss({
      connectionString,
      schema: PGBOSS_SCHEMA,
      application_name: 'scorecard-exports',
      // Few connections: the pollers, leases and maintenance only; the work itself uses the app's pool.
      max: 3,
      // No cron schedules here: skip the clock-skew monitor that comes with them.
      schedule: false,
      maintenanceIntervalSeconds: MAINTENANCE_SECONDS,
    });
    // Pool errors and failed maintenance runs (the database restarting, a connection cut): logged,
    // at most once a minute for the same message, never thrown. Pollers pause and resume on their own.
    boss.on('error', (error: Error) => {
      const now = Date.now();
      if (error.message === this.lastBossError.message && now - this.lastBossError.at < 60_000) return;
      this.lastBossError = { message: error.message, at: now };
      this.logger.warn(`pg-boss: ${error.message}`);
    });
    // Two processes starting together (test/startup-race.e2e-spec.ts) deadlocked in pg-boss's schema
    // and partition set-up; it runs under its own advisory lock.
    await withStartupLock(
      connectionString,
      async () => {
        await boss.start();
        const queue = { ...CHUNK_RETRY, expireInSeconds: LEASE_SECONDS };
        await boss.createQueue(EXPORT_DEAD_LETTER_QUEUE);
        await boss.createQueue(EXPORT_QUEUE, { name: EXPORT_QUEUE, ...queue, deadLetter: EXPORT_DEAD_LETTER_QUEUE });
      },
      undefined,
      QUEUE_SETUP_LOCK_KEY,
    );
    this.boss = boss;
    if (this.stopping) {
      await boss.stop({ graceful: false, wait: true });
      throw new Error('The export queue is shutting down');
    }
    this.logger.log(`Export queue ready (${this.config.scorecards.runWorkers ? 'with' : 'without'} workers in this process)`);
    return boss;
  }
}

/** 0.5 s, 1 s, 2 s, … up to MAX_PAUSE_MS between attempts while the database is away. */
export function pauseMs(failures: number): number {
  return Math.min(MAX_PAUSE_MS, 250 * 2 ** Math.min(failures, 10));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
