import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AccessScopes, covers, peopleOf, seesEverything, teamOf } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { conflict, notFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CyclesService } from '../cycles/cycles.service.js';
import type { CreateExportDto, ExportCreatedDto, ExportDto, ExportRetriedDto } from './dto/export.dto.js';
import { ExportJob, type ExportFilters } from './export-job.entity.js';
import { type ExportChunk, ExportQueue } from './export-queue.js';
import { storedZip, type ZipSource } from './zip-stream.js';

/** Items per queue job: small enough that several workers share an export, large enough to be cheap. */
export const CHUNK_SIZE = 25;

export interface ExportDownload {
  filename: string;
  /** Exact, known before the first byte: the PDFs are stored (not recompressed) with known sizes. */
  length: number;
  stream: Readable;
}

interface JobRow {
  id: string;
  cycle_id: string;
  filters: ExportFilters;
  lang: string;
  state: ExportJob['state'];
  total: number;
  created_by_user_id: string | null;
  created_at: Date;
  finished_at: Date | null;
  error: string | null;
  done: number;
  failed: number;
}

@Injectable()
export class ExportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cycles: CyclesService,
    private readonly scopes: AccessScopes,
    private readonly queue: ExportQueue,
    private readonly audit: AuditService,
  ) {}

  /**
   * Deletes exports finished more than EXPORT_RETENTION_HOURS ago, with their stored PDFs: a
   * 1,000-review export keeps about 100 MB in PostgreSQL, and a zip is fetched once, soon after it
   * is made. Returns how many went.
   */
  async purgeExpired(): Promise<number> {
    // A SELECT over the DELETE: TypeORM answers a bare DELETE with [rows, count], not rows.
    const [{ n }] = await this.dataSource.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM export_jobs WHERE finished_at < now() - make_interval(hours => $1) RETURNING id) SELECT count(*)::int AS n FROM gone`,
      [this.config.scorecards.exportRetentionHours],
    );
    return n;
  }

  /**
   * Fixes the set of reviews now (HR and admins: all of the cycle; a manager: their subtree), then
   * queues their printing in chunks. The export, its items, its queue jobs and its audit entry
   * commit together.
   */
  async create(actor: Actor, cycleId: string, dto: CreateExportDto): Promise<ExportCreatedDto> {
    const lang = dto.lang ?? this.config.scorecards.defaultLang;
    const filters: ExportFilters = {
      ...(dto.department !== undefined ? { department: dto.department } : {}),
      ...(dto.roleCode !== undefined ? { roleCode: dto.roleCode } : {}),
      ...(dto.managerId !== undefined ? { managerId: dto.managerId } : {}),
    };
    const created = await this.dataSource.transaction(async (m) => {
      const cycle = await this.cycles.findById(cycleId, m);
      // Whose reviews: a manager's own subtree at most; a managerId narrows to that manager's subtree.
      const scope = await this.scopes.of(actor, m);
      if (filters.managerId) {
        const known = scope.kind === 'everyone' ? await this.employeeExists(m, filters.managerId) : covers(scope, filters.managerId);
        if (!known) throw notFound('Employee', filters.managerId);
      }
      // The people below the manager asked for, else below the actor; HR and admins without a manager: everyone.
      let people: readonly string[] | 'everyone' = scope.kind === 'everyone' ? 'everyone' : teamOf(scope);
      if (filters.managerId) people = await this.scopes.subtreeIds(filters.managerId, m);

      const params: unknown[] = [cycle.id];
      const where = ['r.cycle_id = $1'];
      if (filters.department) where.push(`e.department = $${params.push(filters.department)}`);
      if (filters.roleCode) where.push(`r.template->>'roleCode' = $${params.push(filters.roleCode)}`);
      if (people !== 'everyone') where.push(`r.employee_id = ANY($${params.push(people)}::uuid[])`);
      const reviews = await m.query<{ id: string }[]>(
        `SELECT r.id FROM reviews r JOIN employees e ON e.id = r.employee_id WHERE ${where.join(' AND ')} ORDER BY e.employee_no, r.id`,
        params,
      );

      const empty = reviews.length === 0;
      const job = await m.save(
        m.create(ExportJob, {
          cycleId: cycle.id,
          filters,
          lang,
          state: empty ? 'done' : 'queued',
          total: reviews.length,
          createdBy: actor.name,
          createdByUserId: actor.userId,
          finishedAt: empty ? new Date() : null,
          error: null,
        }),
      );
      const items = empty
        ? []
        : await m.query<{ id: string; position: number }[]>(
            `INSERT INTO export_items (job_id, review_id, position)
             SELECT $1, u.review_id, u.position FROM unnest($2::uuid[]) WITH ORDINALITY AS u(review_id, position)
             RETURNING id, position`,
            [job.id, reviews.map((r) => r.id)],
          );
      const ids = items.sort((a, b) => a.position - b.position).map((i) => i.id);
      const chunks: ExportChunk[] = [];
      for (let i = 0; i < ids.length; i += CHUNK_SIZE) chunks.push({ jobId: job.id, itemIds: ids.slice(i, i + CHUNK_SIZE) });
      await this.queue.enqueue(m, chunks);
      await this.audit.record(m, actor, {
        action: 'export_scorecards',
        entity: 'export',
        entityId: job.id,
        after: { cycleId: cycle.id, cycleName: cycle.name, filters, lang, total: job.total },
      });
      return { id: job.id, state: job.state, total: job.total };
    });
    this.queue.notify();
    return created;
  }

  /**
   * Puts the scorecards an export gave up on (a browser that kept crashing, a worker that never
   * finished them) back in the queue, with their attempts reset, so the export finishes with them
   * instead of a new export of everything. Only a finished export with failures has any; the row
   * lock makes two retries at once queue the items once and refuse the other.
   */
  async retryFailed(actor: Actor, id: string): Promise<ExportRetriedDto> {
    const retried = await this.dataSource.transaction(async (m) => {
      const [job] = await m.query<Pick<JobRow, 'id' | 'state' | 'total' | 'created_by_user_id'>[]>(
        'SELECT id, state, total, created_by_user_id FROM export_jobs WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!job || !mayRead(actor, job)) throw notFound('Export', id);
      if (job.state === 'queued' || job.state === 'running') {
        throw conflict(`Export ${id} is still ${job.state}; its failed scorecards can be retried once it has finished`, { state: job.state });
      }
      const items = await m.query<{ id: string; position: number }[]>(
        // A SELECT over the UPDATE: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
        `WITH reset AS (UPDATE export_items SET state = 'pending', attempts = 0, error = NULL WHERE job_id = $1 AND state = 'failed' RETURNING id, position)
         SELECT id, position FROM reset`,
        [id],
      );
      if (items.length === 0) throw conflict(`Export ${id} has no failed scorecards to retry: all ${job.total} were printed`, { state: job.state, failed: 0 });
      await m.query(`UPDATE export_jobs SET state = 'queued', finished_at = NULL, error = NULL WHERE id = $1`, [id]);
      const ids = items.sort((a, b) => a.position - b.position).map((i) => i.id);
      const chunks: ExportChunk[] = [];
      for (let i = 0; i < ids.length; i += CHUNK_SIZE) chunks.push({ jobId: id, itemIds: ids.slice(i, i + CHUNK_SIZE) });
      await this.queue.enqueue(m, chunks);
      await this.audit.record(m, actor, {
        action: 'retry_export',
        entity: 'export',
        entityId: id,
        before: { state: job.state },
        after: { retried: ids.length },
      });
      return { id, state: 'queued' as const, total: job.total, retried: ids.length };
    });
    this.queue.notify();
    return retried;
  }

  /** The creator, HR and admins see an export; for anyone else it does not exist. */
  async get(actor: Actor, id: string): Promise<ExportDto> {
    const row = await this.load(actor, id);
    return {
      id: row.id,
      state: row.state,
      total: row.total,
      done: row.done,
      failed: row.failed,
      createdAt: new Date(row.created_at).toISOString(),
      finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
      cycleId: row.cycle_id,
      filters: row.filters,
      lang: row.lang,
      error: row.error,
    };
  }

  /**
   * The zip of a finished export, built while it is sent: one stored PDF is read from the database
   * at a time, when the zip reaches it. A manager gets only the scorecards still in their subtree.
   */
  async download(actor: Actor, id: string): Promise<ExportDownload> {
    const job = await this.load(actor, id);
    if (job.state !== 'done') {
      throw conflict(
        `Export ${id} is ${job.state}${job.state === 'failed' ? '' : `: ${job.done + job.failed} of ${job.total} scorecards processed`}; download it once it is done`,
        {
          state: job.state,
          total: job.total,
          done: job.done,
          failed: job.failed,
        },
      );
    }
    const visible = await this.scopes.of(actor);
    const params: unknown[] = [id];
    const scope = visible.kind === 'everyone' ? '' : `AND r.employee_id = ANY($${params.push(peopleOf(visible))}::uuid[])`;
    const entries = await this.dataSource.query<{ id: string; filename: string; size: number }[]>(
      `SELECT i.id, i.filename, i.size FROM export_items i JOIN reviews r ON r.id = i.review_id
        WHERE i.job_id = $1 AND i.state = 'done' ${scope} ORDER BY i.position`,
      params,
    );
    const failures = await this.dataSource.query<{ employee_no: string; name: string; error: string | null }[]>(
      `SELECT e.employee_no, e.name, i.error FROM export_items i JOIN reviews r ON r.id = i.review_id JOIN employees e ON e.id = r.employee_id
        WHERE i.job_id = $1 AND i.state = 'failed' ${scope} ORDER BY i.position`,
      params,
    );
    const [cycle] = await this.dataSource.query<{ name: string }[]>('SELECT name FROM cycles WHERE id = $1', [job.cycle_id]);
    await this.audit.record(this.dataSource.manager, actor, {
      action: 'download_export',
      entity: 'export',
      entityId: id,
      after: { files: entries.length, failed: failures.length },
    });

    const sources: ZipSource[] = entries.map((entry) => ({
      name: entry.filename,
      size: entry.size,
      read: async () => {
        const [row] = await this.dataSource.query<{ pdf: Buffer }[]>(
          'SELECT coalesce(i.pdf, s.pdf) AS pdf FROM export_items i LEFT JOIN issued_scorecards s ON s.id = i.issued_scorecard_id WHERE i.id = $1',
          [entry.id],
        );
        if (!row) throw new Error(`Export item ${entry.id} is gone`);
        return row.pdf;
      },
    }));
    if (failures.length > 0) {
      const text = Buffer.from(
        `Scorecards that could not be printed:\n${failures.map((f) => `${f.employee_no} ${f.name}: ${f.error ?? 'failed'}`).join('\n')}\n`,
        'utf8',
      );
      sources.push({ name: 'FAILED.txt', size: text.length, read: () => Promise.resolve(text) });
    }
    const { stream, length } = storedZip(sources, job.finished_at ? new Date(job.finished_at) : new Date());
    const name = `${(cycle?.name ?? 'export').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim()}-scorecards.zip`;
    return { filename: name, length, stream };
  }

  private async load(actor: Actor, id: string): Promise<JobRow> {
    const [row] = await this.dataSource.query<JobRow[]>(
      `SELECT j.id, j.cycle_id, j.filters, j.lang, j.state, j.total, j.created_by_user_id, j.created_at, j.finished_at, j.error,
              (SELECT count(*)::int FROM export_items i WHERE i.job_id = j.id AND i.state = 'done') AS done,
              (SELECT count(*)::int FROM export_items i WHERE i.job_id = j.id AND i.state = 'failed') AS failed
         FROM export_jobs j WHERE j.id = $1`,
      [id],
    );
    if (!row || !mayRead(actor, row)) throw notFound('Export', id);
    return row;
  }

  private async employeeExists(m: EntityManager, id: string): Promise<boolean> {
    const [row] = await m.query<{ found: boolean }[]>('SELECT EXISTS (SELECT 1 FROM employees WHERE id = $1) AS found', [id]);
    return row?.found === true;
  }
}

/** Who may see, download and retry an export: its creator, HR and admins. */
function mayRead(actor: Actor, job: Pick<JobRow, 'created_by_user_id'>): boolean {
  return seesEverything(actor) || (actor.userId !== null && job.created_by_user_id === actor.userId);
}
