import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { ReviewDto } from '../reviews/dto/review.dto.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import { IssuedScorecard } from './issued-scorecard.entity.js';
import { PdfRenderer } from './pdf-renderer.js';
import { renderScorecardHtml } from './scorecard-html.js';
import { buildScorecardView, type ScorecardLang } from './scorecard-view.js';

export interface ScorecardFile {
  body: Buffer;
  contentType: string;
  filename: string;
  sha256: string;
  /** A finalized review's stored, issued copy. */
  issued: boolean;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.svg': 'image/svg+xml', '.webp': 'image/webp' };

/** File names safe in a Content-Disposition header and in a zip, keeping Chinese names readable. */
export function scorecardFilename(review: Pick<ReviewDto, 'employee' | 'cycle'>, ext: string): string {
  const clean = (s: string) => s.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/\s+/g, ' ').trim();
  return `${clean(review.employee.employeeNo)}-${clean(review.employee.name)}-${clean(review.cycle.name)}.${ext}`;
}

@Injectable()
export class ScorecardsService {
  private logo: Promise<string | null> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(IssuedScorecard) private readonly issued: Repository<IssuedScorecard>,
    private readonly reviews: ReviewsService,
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
      after: { lang, format, sha256: file.sha256, issued: file.issued, reviewVersion: review.version },
    });
    return file;
  }

  /** For bulk export: the same PDF a single download gives, without scope (the caller checked it). */
  async pdfForExport(reviewId: string, lang: ScorecardLang): Promise<ScorecardFile> {
    const review = await this.reviews.get({ name: 'export', userId: null, role: 'system', employeeId: null }, reviewId);
    return this.pdf(review, lang);
  }

  private async pdf(review: ReviewDto, lang: ScorecardLang): Promise<ScorecardFile> {
    const filename = scorecardFilename(review, 'pdf');
    const finalized = review.status === 'finalized';
    if (finalized) {
      const stored = await this.issued.findOneBy({ reviewId: review.id, lang, reviewVersion: review.version });
      if (stored) return { body: stored.pdf, contentType: 'application/pdf', filename, sha256: stored.sha256, issued: true };
    }
    const rendered = await this.render(review, lang);
    const body = await this.renderer.print({ html: rendered.html, css: rendered.css, headerHtml: rendered.headerHtml, footerHtml: rendered.footerHtml });
    if (!finalized) return { body, contentType: 'application/pdf', filename, sha256: sha256(body), issued: false };
    // Two first downloads at once: both insert, one wins, both return the winner's bytes.
    await this.issued
      .createQueryBuilder()
      .insert()
      .values({ reviewId: review.id, lang, reviewVersion: review.version, sha256: sha256(body), pdf: body })
      .orIgnore()
      .execute();
    const stored = await this.issued.findOneByOrFail({ reviewId: review.id, lang, reviewVersion: review.version });
    return { body: stored.pdf, contentType: 'application/pdf', filename, sha256: stored.sha256, issued: true };
  }

  private async html(review: ReviewDto, lang: ScorecardLang): Promise<ScorecardFile> {
    const r = await this.render(review, lang);
    const doc = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(scorecardFilename(review, 'pdf'))}</title><style>${r.css}</style></head><body>${r.html}</body></html>`;
    const body = Buffer.from(doc, 'utf8');
    return { body, contentType: 'text/html; charset=utf-8', filename: scorecardFilename(review, 'html'), sha256: sha256(body), issued: false };
  }

  private async render(review: ReviewDto, lang: ScorecardLang) {
    const [history, peers, logoDataUrl] = await Promise.all([
      this.reviews.historyFor(review.employee.id, review.cycle.periodEnd),
      this.reviews.peerTotals(review.cycle.id, review.template.roleCode, review.id),
      this.logoDataUrl(),
    ]);
    const pastCycles = history.filter((h) => h.cycleName !== review.cycle.name);
    // The hash covers what the scorecard says, not when it was printed, so a reader can compare two prints.
    // Not who printed it either: HR's copy of the review carries hrNotes, which is never printed.
    const { hrNotes: _hrNotes, ...printed } = review;
    const contentHash = sha256(JSON.stringify({ review: printed, history: pastCycles, peers, lang })).slice(0, 16);
    const view = buildScorecardView({
      review,
      history: pastCycles,
      peers,
      company: { name: this.config.scorecards.companyName, logoDataUrl },
      lang,
      generatedAt: new Date(),
      timeZone: this.config.scorecards.timeZone,
    });
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
