import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { notFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { ReviewDto } from '../reviews/dto/review.dto.js';
import { type HistoryPoint, historyUpTo, peerTotalsExcept } from '../reviews/review-history.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import { IssuedScorecard } from './issued-scorecard.entity.js';
import { ScorecardSource } from './scorecard-source.js';
import { PdfRenderer } from './pdf-renderer.js';
import { renderScorecardHtml } from './scorecard-html.js';
import type { Lang as ScorecardLang } from '../i18n/langs.js';
import { buildScorecardView, type PrintedAssessments } from './scorecard-view.js';

export interface ScorecardFile {
  body: Buffer;
  contentType: string;
  filename: string;
  sha256: string;
  /** The id of the stored, issued copy this is (a finalized review's); null for a draft's or a preview. */
  issuedId: string | null;
}

/** An issued scorecard as an export names it: the row and what the zip needs to know of its bytes. */
interface IssuedCopy {
  id: string;
  sha256: string;
  size: number;
}

/** A scorecard as an export item keeps it: its own bytes (a draft's), or the issued copy it names. */
export interface ExportedScorecard {
  filename: string;
  sha256: string;
  size: number;
  /** Null when {@link issuedId} names the bytes. */
  body: Buffer | null;
  issuedId: string | null;
}

/**
 * What the scorecards of several reviews need from the database, read in a few statements (reviews,
 * trends, peers per cycle and role, issued copies) rather than four or five per scorecard.
 */
export interface ScorecardBatch {
  lang: ScorecardLang;
  reviews: Map<string, ReviewDto>;
  histories: Map<string, HistoryPoint[]>;
  /** Complete reviews' totals per `${cycleId}/${roleCode}`. */
  peers: Map<string, { reviewId: string; total: number }[]>;
  /** Issued copies of the finalized reviews, by review id (only the current version's): which row, not its bytes. */
  issued: Map<string, IssuedCopy>;
  /** The assessments printed beside the final ratings, by review id (only where the cycle prints them). */
  assessments: Map<string, PrintedAssessments>;
}

const peersKey = (review: Pick<ReviewDto, 'cycle' | 'template'>) => `${review.cycle.id}/${review.template.roleCode}`;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
};

/** File names safe in a Content-Disposition header and in a zip, keeping Chinese names readable. */
/**
 * `<employee number>-<name>-<cycle>.<ext>`; a scorecard that is not finalized ends in `-DRAFT`, so
 * a draft PDF taken out of a zip is never mistaken for the final result.
 */
export function scorecardFilename(review: Pick<ReviewDto, 'employee' | 'cycle' | 'status'>, ext: string): string {
  const clean = (s: string) =>
    s
      .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')
      .replace(/\s+/g, ' ')
      .trim();
  const draft = review.status === 'finalized' ? '' : '-DRAFT';
  return `${clean(review.employee.employeeNo)}-${clean(review.employee.name)}-${clean(review.cycle.name)}${draft}.${ext}`;
}

@Injectable()
export class ScorecardsService {
  private logo: Promise<string | null> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(IssuedScorecard) private readonly issued: Repository<IssuedScorecard>,
    private readonly reviews: ReviewsService,
    private readonly source: ScorecardSource,
    private readonly renderer: PdfRenderer,
    private readonly audit: AuditService,
  ) {}

  /**
   * One download: scope check → the issued bytes of a finalized review, if any → else view →
   * HTML → PDF, stored when the review is finalized. Every download is audited.
   */
  async download(actor: Actor, reviewId: string, langParam: ScorecardLang | undefined, format: 'pdf' | 'html'): Promise<ScorecardFile> {
    const review = await this.reviews.get(actor, reviewId);
    const lang = langParam ?? this.config.scorecards.defaultLang;
    const file = format === 'html' ? await this.html(review, lang) : await this.pdf(review, lang);
    await this.audit.record(this.dataSource.manager, actor, {
      action: format === 'html' ? 'preview_scorecard' : 'download_scorecard',
      entity: 'review',
      entityId: reviewId,
      after: { lang, format, sha256: file.sha256, issued: file.issuedId !== null, reviewVersion: review.version },
    });
    return file;
  }

  /**
   * For bulk export: the same PDF a single download gives, without scope (the caller checked it).
   * With a batch from {@link loadBatch} holding the review, no further query is made before printing.
   * An issued scorecard is named, never read: the zip reads its bytes where they were issued.
   */
  async pdfForExport(reviewId: string, lang: ScorecardLang, batch?: ScorecardBatch): Promise<ExportedScorecard> {
    const data = batch?.lang === lang && batch.reviews.has(reviewId) ? batch : await this.loadBatch([reviewId], lang);
    const review = data.reviews.get(reviewId);
    if (!review) throw notFound('Review', reviewId);
    const filename = scorecardFilename(review, 'pdf');
    const issued = review.status === 'finalized' ? data.issued.get(review.id) : undefined;
    if (issued) return { filename, sha256: issued.sha256, size: issued.size, body: null, issuedId: issued.id };
    const file = await this.pdf(review, lang, data);
    return { filename, sha256: file.sha256, size: file.body.length, body: file.issuedId === null ? file.body : null, issuedId: file.issuedId };
  }

  /**
   * The data of many scorecards in 3 + (cycles × roles) statements (docs/decisions/0004-scorecard-batch-loading.md).
   */
  async loadBatch(reviewIds: string[], lang: ScorecardLang): Promise<ScorecardBatch> {
    const reviews = await this.source.getManyForSystem(reviewIds);
    const all = [...reviews.values()];
    const finalized = all.filter((r) => r.status === 'finalized');
    const peerKeys = new Map(all.map((r) => [peersKey(r), r]));
    const [histories, assessments, issuedRows, ...peerLists] = await Promise.all([
      this.source.historiesOf([...new Set(all.map((r) => r.employee.id))]),
      this.source.assessmentsOf(all.map((r) => r.id)),
      finalized.length === 0
        ? Promise.resolve([])
        : this.dataSource.query<{ id: string; review_id: string; review_version: number; sha256: string; size: number }[]>(
            'SELECT id, review_id, review_version, sha256, octet_length(pdf) AS size FROM issued_scorecards WHERE review_id = ANY($1::uuid[]) AND lang = $2',
            [finalized.map((r) => r.id), lang],
          ),
      ...[...peerKeys.values()].map((r) => this.source.completeTotals(r.cycle.id, r.template.roleCode)),
    ]);
    const issued = new Map<string, IssuedCopy>();
    for (const row of issuedRows) {
      if (reviews.get(row.review_id)?.version === row.review_version) issued.set(row.review_id, { id: row.id, sha256: row.sha256, size: row.size });
    }
    const peers = new Map([...peerKeys.keys()].map((key, i) => [key, peerLists[i]]));
    return { lang, reviews, histories, peers, issued, assessments };
  }

  private async pdf(review: ReviewDto, lang: ScorecardLang, batch?: ScorecardBatch): Promise<ScorecardFile> {
    const filename = scorecardFilename(review, 'pdf');
    const finalized = review.status === 'finalized';
    // With a batch, the export has looked for an issued copy already (pdfForExport).
    if (finalized && !batch) {
      const stored = await this.issued.findOneBy({ reviewId: review.id, lang, reviewVersion: review.version });
      if (stored) return { body: stored.pdf, contentType: 'application/pdf', filename, sha256: stored.sha256, issuedId: stored.id };
    }
    const rendered = await this.render(review, lang, batch);
    const body = await this.renderer.print({ html: rendered.html, css: rendered.css });
    const hash = sha256(body);
    if (!finalized) return { body, contentType: 'application/pdf', filename, sha256: hash, issuedId: null };
    // Two first downloads at once: both insert, one wins, both return the winner's bytes. The
    // winner knows its bytes are the stored ones (RETURNING), so only a loser reads them back:
    // the re-read of a ~60 kB bytea cost a round trip and its decoding on every first print.
    const inserted = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO issued_scorecards (review_id, lang, review_version, sha256, pdf) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT uq_issued_scorecard DO NOTHING RETURNING id`,
      [review.id, lang, review.version, hash, body],
    );
    if (inserted.length === 1) return { body, contentType: 'application/pdf', filename, sha256: hash, issuedId: inserted[0].id };
    const stored = await this.issued.findOneByOrFail({ reviewId: review.id, lang, reviewVersion: review.version });
    return { body: stored.pdf, contentType: 'application/pdf', filename, sha256: stored.sha256, issuedId: stored.id };
  }

  private async html(review: ReviewDto, lang: ScorecardLang): Promise<ScorecardFile> {
    const r = await this.render(review, lang);
    const doc = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(scorecardFilename(review, 'pdf'))}</title><style>${r.css}</style></head><body>${r.html}</body></html>`;
    const body = Buffer.from(doc, 'utf8');
    return { body, contentType: 'text/html; charset=utf-8', filename: scorecardFilename(review, 'html'), sha256: sha256(body), issuedId: null };
  }

  private async render(review: ReviewDto, lang: ScorecardLang, batch?: ScorecardBatch) {
    const [histories, totals, logoDataUrl, assessments] = await Promise.all([
      batch?.histories.get(review.employee.id) ?? this.source.historiesOf([review.employee.id]).then((m) => m.get(review.employee.id) ?? []),
      batch?.peers.get(peersKey(review)) ?? this.source.completeTotals(review.cycle.id, review.template.roleCode),
      this.logoDataUrl(),
      batch ? (batch.assessments.get(review.id) ?? null) : this.source.assessmentsOf([review.id]).then((m) => m.get(review.id) ?? null),
    ]);
    const history = historyUpTo(histories, review.cycle.periodEnd);
    const peers = peerTotalsExcept(totals, review.id);
    const pastCycles = history.filter((h) => h.cycleName !== review.cycle.name);
    const view = buildScorecardView({
      review,
      history: pastCycles,
      peers,
      company: { name: this.config.scorecards.companyName, logoDataUrl },
      lang,
      generatedAt: new Date(),
      timeZone: this.config.scorecards.timeZone,
      assessments,
    });
    // The hash covers what the scorecard says, not when it was printed, so a reader can compare two prints.
    // Not who printed it either: HR's copy of the review carries hrNotes, which is never printed. Of
    // the peers it takes the standing the scorecard prints, not each of their totals (999 of them in
    // a cycle of 1,000: serializing and hashing those cost more than the rest of the hash).
    // The reasons beside HR's final ratings are HR's too (the scorecard does not print them).
    const { hrNotes: _hrNotes, ...rest } = review;
    const printed = { ...rest, kpis: rest.kpis.map(({ finalReason: _finalReason, ...k }) => k) };
    const shown = view.assessments.length > 0 ? { assessments: view.assessments } : {};
    const contentHash = sha256(JSON.stringify({ review: printed, history: pastCycles, standing: view.standing, lang, ...shown })).slice(0, 16);
    return renderScorecardHtml(view, { contentHash });
  }

  private logoDataUrl(): Promise<string | null> {
    const path = this.config.scorecards.companyLogoPath;
    if (!path) return Promise.resolve(null);
    this.logo ??= readFile(path).then((data) => `data:${IMAGE_TYPES[extname(path).toLowerCase()] ?? 'image/png'};base64,${data.toString('base64')}`);
    return this.logo;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
