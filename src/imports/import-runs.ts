// What both imports share: reading the file (steps 1 and 2: bytes → tables, refusals as 4xx) and the
// import_runs record by file hash, which lets a commit apply only a file whose dry run was seen.
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { ApiError, conflict } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { ImportKind, ImportMode } from './import-run.entity.js';
import { ImportFileError, readTables, type Table } from './read-table.js';

export interface UploadedImport {
  buffer: Buffer;
  originalname: string;
}

/** Rows written per statement by the imports. */
export const CHUNK = 1000;

/** The file as a 4xx in the one error shape; a file that cannot be read never becomes a 500. */
export function fileError(e: ImportFileError): ApiError {
  return new ApiError(e.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED', e.message, {
    details: {
      messageZh: e.messageZh,
      ...(e.limit ? { limit: e.limit } : {}),
    },
  });
}

export function count(p: { changes: { action: 'create' | 'update' }[] }, action: 'create' | 'update'): number {
  return p.changes.filter((c) => c.action === action).length;
}

/** What an import would do (dry run) or did (commit), as counted for its report. */
export interface ReportCounts {
  create: number;
  update: number;
  unchanged: number;
  refused: number;
}

/** An import's own words for its report's sentence, in English and Chinese, in the four cases. */
export interface ReportWording {
  nothingToChange: (c: ReportCounts) => [string, string];
  wouldChange: (c: ReportCounts) => [string, string];
  nothingChanged: [string, string];
  changed: (c: ReportCounts) => [string, string];
}

/** The report's sentence [English, Chinese]: a dry run says what would change, a commit what did. */
export function reportMessage(mode: 'dry-run' | 'commit', c: ReportCounts, words: ReportWording): [string, string] {
  const nothing = c.create + c.update === 0;
  if (mode === 'dry-run') return nothing ? words.nothingToChange(c) : words.wouldChange(c);
  return nothing ? words.nothingChanged : words.changed(c);
}

/** The run a report is about. */
export interface ReportRun {
  importId: string;
  mode: ImportMode;
  hash: string;
  fileName: string;
  committed: boolean;
}

/** What every import report says, whatever it imported: the run, its counts, refusals and sentence, and where its audit is. */
export function reportBase<R>(
  run: ReportRun,
  p: { unchanged: number; refusedRows: number; refused: R[]; ignoredColumns: string[] },
  changed: { create: number; update: number },
  words: ReportWording,
) {
  const counts = { ...changed, unchanged: p.unchanged, refused: p.refusedRows };
  const [message, messageZh] = reportMessage(run.mode, counts, words);
  return {
    importId: run.importId,
    mode: run.mode,
    fileHash: run.hash,
    fileName: run.fileName,
    committed: run.committed,
    counts,
    refused: p.refused,
    ignoredColumns: p.ignoredColumns,
    message,
    messageZh,
    auditUrl: run.committed ? `/api/audit?entity=import&id=${run.importId}` : null,
  };
}

@Injectable()
export class ImportRuns {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Steps 1 and 2: bytes → tables (refusals as 4xx). */
  async read(file: UploadedImport): Promise<{ tables: Table[]; hash: string }> {
    const hash = createHash('sha256').update(file.buffer).digest('hex');
    try {
      const tables = await readTables(file.buffer, { maxRows: this.config.imports.maxRows, maxUnzippedBytes: this.config.imports.maxUnzippedBytes });
      return { tables, hash };
    } catch (e) {
      if (e instanceof ImportFileError) throw fileError(e);
      throw e;
    }
  }

  numbersIn(tables: Table | Table[]): string[] {
    const out = new Set<string>();
    for (const r of (Array.isArray(tables) ? tables : [tables]).flatMap((t) => t.rows))
      for (const c of r.cells) if (typeof c === 'string' || typeof c === 'number') out.add(String(c).trim());
    return [...out];
  }

  /** A commit follows a dry run of the very same bytes that refused nothing (or the caller skips the refused rows). */
  async requireCleanDryRun(m: EntityManager, kind: ImportKind, cycleId: string | null, hash: string, skipRefused: boolean): Promise<void> {
    const [run] = await m.query<{ refused: number }[]>(
      `SELECT refused FROM import_runs WHERE kind = $1 AND file_hash = $2 AND mode = 'dry-run' AND cycle_id IS NOT DISTINCT FROM $3::uuid
        ORDER BY created_at DESC LIMIT 1`,
      [kind, hash, cycleId],
    );
    if (!run) {
      throw conflict('Run a dry run of this file first (mode=dry-run): a commit applies only a file whose dry run was seen', {
        messageZh: '请先试运行此文件（mode=dry-run）：只有试运行过的文件才能提交',
        fileHash: hash,
      });
    }
    if (run.refused > 0 && !skipRefused) {
      throw conflict(`The dry run of this file refused ${run.refused} row(s): fix them, or commit with skipRefused=true to apply the other rows`, {
        messageZh: `此文件的试运行拒绝了 ${run.refused} 行：请修正，或以 skipRefused=true 提交其余行`,
        fileHash: hash,
        refusedRows: run.refused,
      });
    }
  }

  async saveRun(
    m: EntityManager,
    actor: Actor,
    kind: ImportKind,
    mode: ImportMode,
    cycleId: string | null,
    hash: string,
    fileName: string,
    p: { changes: { action: 'create' | 'update' }[]; unchanged: number; refusedRows: number },
  ): Promise<string> {
    const [row] = await m.query<{ id: string }[]>(
      `INSERT INTO import_runs (kind, mode, cycle_id, file_hash, file_name, actor, actor_user_id, created, updated, unchanged, refused)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        kind,
        mode,
        cycleId,
        hash,
        fileName.slice(0, 255),
        actor.name.slice(0, 200),
        actor.userId,
        count(p, 'create'),
        count(p, 'update'),
        p.unchanged,
        p.refusedRows,
      ],
    );
    return row.id;
  }
}
