// PDF scorecards end to end: the real app on a real PostgreSQL, printing with a real Chromium, and
// the PDFs read back with poppler (pdftotext, pdffonts, pdfinfo, pdftoppm) or pdf.js (PDF_READER=pdfjs). Covers the CJK font,
// the DRAFT mark, issued-once bytes of finalized reviews, markup injection, a browser killed
// mid-print, no browser at all, scope and the audit trail, and text that runs over pages.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { ErrorResponseDto } from '../src/common/error-response.dto.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { TemplateDto, TemplateVersionDto } from '../src/kpi-templates/dto/template.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { isTrueSetting } from '../src/scorecards/chromium.js';
import { PdfRenderer } from '../src/scorecards/pdf-renderer.js';
import { auditOf, createEmployee, createReview, expectError, fullAccountManagerEntries, type KpiEntry, putScores, seedOpenCycle, uniq } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';
import { firstPagePng, pdfFonts, pdfInfo, pdfText } from './support/pdf-reader.js';

type Lang = 'zh-CN' | 'en';
type Format = 'pdf' | 'html';

interface Dictionary {
  ui: { draftMark: string; draftNotice: string };
}

/** The DRAFT mark exactly as the templates print it. */
function dictionary(lang: Lang): Dictionary {
  return JSON.parse(readFileSync(new URL(`../templates/i18n/${lang}.json`, import.meta.url), 'utf8')) as Dictionary;
}
const DRAFT_MARK: Record<Lang, string> = { 'zh-CN': dictionary('zh-CN').ui.draftMark, en: dictionary('en').ui.draftMark };
const DRAFT_NOTICE: Record<Lang, string> = { 'zh-CN': dictionary('zh-CN').ui.draftNotice, en: dictionary('en').ui.draftNotice };

// ---- reading PDFs (poppler, or pdf.js where poppler is missing: test/support/pdf-reader.ts) ----

/** Page 1 as a PNG; returns its size in bytes. */
async function firstPagePngBytes(pdf: Buffer): Promise<number> {
  return (await firstPagePng(pdf)).length;
}

/** Text with every white space removed: line and page breaks may fall anywhere in a long run. */
const squash = (s: string): string => s.replace(/\s+/g, '');

/** Also without hyphens: pdftotext joins a word hyphenated at a line end ("PWNED-⏎MARKER" → "PWNEDMARKER"). */
const loose = (s: string): string => s.replace(/[\s-]+/g, '');

const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

// ---- HTTP ------------------------------------------------------------------------------------

interface Download {
  status: number;
  body: Buffer;
  headers: Record<string, string>;
}

function scorecardPath(reviewId: string): string {
  return `/api/reviews/${reviewId}/scorecard.pdf`;
}

/** Starts the download at once (supertest sends on then()), with the body as raw bytes whatever the type. */
function startDownload(t: TestApp, reviewId: string, headers: Record<string, string>, query: { lang?: Lang; format?: Format } = {}): Promise<Download> {
  return t.http
    .get(scorecardPath(reviewId))
    .query(query)
    .set(headers)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    })
    .then((res: Response) => ({ status: res.status, body: res.body as Buffer, headers: res.headers }));
}

/** A successful PDF download: 200, a PDF, and X-Content-SHA256 naming its bytes. */
async function downloadPdf(t: TestApp, reviewId: string, lang: Lang, headers: Record<string, string> = t.as('hr')): Promise<Download> {
  const d = await startDownload(t, reviewId, headers, { lang });
  if (d.status !== 200) throw new Error(`download of ${reviewId} (${lang}): ${d.status} ${d.body.toString('utf8').slice(0, 500)}`);
  expect(d.headers['content-type']).toMatch(/^application\/pdf/);
  expect(d.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(d.headers['x-content-sha256']).toBe(createHash('sha256').update(d.body).digest('hex'));
  return d;
}

async function downloadHtml(t: TestApp, reviewId: string, lang: Lang, headers: Record<string, string> = t.as('hr')): Promise<Download> {
  const d = await startDownload(t, reviewId, headers, { lang, format: 'html' });
  if (d.status !== 200) throw new Error(`preview of ${reviewId} (${lang}): ${d.status} ${d.body.toString('utf8').slice(0, 500)}`);
  expect(d.headers['content-type']).toMatch(/^text\/html/);
  return d;
}

/** The one error shape, for a response read as raw bytes. */
function expectErrorBytes(d: Download, status: number): ErrorResponseDto {
  expect(d.status).toBe(status);
  expect(d.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(d.body.toString('utf8')) as ErrorResponseDto;
  expect(body.statusCode).toBe(status);
  expect(typeof body.error).toBe('string');
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(body)) expect(['statusCode', 'code', 'error', 'message', 'errors', 'details']).toContain(key);
  return body;
}

// ---- reviews ---------------------------------------------------------------------------------

interface ReviewTexts {
  strengths?: string;
  challenges?: string;
  developmentPlan?: string;
}

async function patchTexts(t: TestApp, review: ReviewDto, texts: ReviewTexts): Promise<ReviewDto> {
  const res = await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', String(review.version)).send(texts);
  if (res.status !== 200) throw new Error(`patch: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ReviewDto;
}

async function transition(t: TestApp, review: ReviewDto, action: 'submit' | 'finalize'): Promise<ReviewDto> {
  const res = await t.http.post(`/api/reviews/${review.id}/${action}`).set(t.as('hr')).set('If-Match', String(review.version)).send({});
  if (res.status !== 200) throw new Error(`${action}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ReviewDto;
}

interface SeedOptions {
  employee?: EmployeeDto;
  cycle?: CycleDto;
  name?: string;
  entries?: KpiEntry[];
  texts?: ReviewTexts;
  status?: 'draft' | 'submitted' | 'finalized';
}

/** An account-manager review with inputs and texts, taken to the status asked for. */
async function seedAccountManagerReview(t: TestApp, options: SeedOptions = {}): Promise<{ employee: EmployeeDto; review: ReviewDto }> {
  const cycle = options.cycle ?? (await seedOpenCycle(t));
  const employee = options.employee ?? (await createEmployee(t, 'account_manager', options.name ? { name: options.name } : {}));
  let review = await createReview(t, employee.id, cycle.id);
  review = await putScores(t, review, options.entries ?? fullAccountManagerEntries());
  if (options.texts) review = await patchTexts(t, review, options.texts);
  const status = options.status ?? 'finalized';
  if (status !== 'draft') review = await transition(t, review, 'submit');
  if (status === 'finalized') review = await transition(t, review, 'finalize');
  return { employee, review };
}

async function issuedRows(t: TestApp, reviewId: string): Promise<Array<{ lang: string; review_version: number; sha256: string }>> {
  return t.db.query<Array<{ lang: string; review_version: number; sha256: string }>>(
    'SELECT lang, review_version, sha256 FROM issued_scorecards WHERE review_id = $1 ORDER BY lang',
    [reviewId],
  );
}

/** A local HTTP server that counts every request it gets (it must get none). */
async function startCountingServer(): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method ?? '?'} ${req.url ?? '?'}`);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('x');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

describe('PDF scorecards', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('prints with the browser the settings choose: the packaged one when CHROMIUM_IGNORE_SYSTEM hides the system ones', () => {
    // .ci/run runs this file once more with CHROMIUM_IGNORE_SYSTEM=true, so every check below is
    // also made against the Chromium that ships in npm.
    const chromium = t.app.get(PdfRenderer).executable();
    if (isTrueSetting(process.env.CHROMIUM_IGNORE_SYSTEM) && !process.env.CHROMIUM_PATH) expect(chromium?.source).toBe('npm-package');
    else expect(chromium?.source).not.toBe('npm-package');
  });

  describe('a finalized account-manager review', () => {
    let review: ReviewDto;
    let employee: EmployeeDto;

    beforeAll(async () => {
      ({ employee, review } = await seedAccountManagerReview(t, { name: '王小明' }));
      expect(review.status).toBe('finalized');
      expect(review.complete).toBe(true);
      expect(review.band).not.toBeNull();
    });

    it('in zh-CN: name, number, KPIs, total with two decimals, band, no DRAFT mark, an embedded subset CJK font', async () => {
      const d = await downloadPdf(t, review.id, 'zh-CN');
      const text = await pdfText(d.body);
      const flat = squash(text);
      expect(text).toContain('王小明');
      expect(text).toContain(employee.employeeNo);
      expect(review.kpis.find((k) => k.key === 'sales_attainment')?.nameZh).toBe('销售业绩完成情况');
      expect(text).toContain('销售业绩完成情况');
      for (const k of review.kpis) expect(flat).toContain(squash(k.nameZh));
      expect(review.total).toBeGreaterThan(0);
      expect(text).toContain(review.total.toFixed(2));
      expect(text).toContain(review.band?.labelZh ?? '(no band)');
      expect(text).not.toContain(DRAFT_MARK['zh-CN']);
      expect(flat).not.toContain(squash(DRAFT_NOTICE['zh-CN']));

      const fonts = await pdfFonts(d.body);
      const cjk = fonts.filter((f) => /NotoSansSC/i.test(f.name));
      expect(cjk.length).toBeGreaterThan(0);
      for (const f of cjk) {
        expect(['CID TrueType', 'TrueType', 'Type 1C', 'CID Type 0C']).toContain(f.type);
        expect(f.type).not.toBe('Type 3');
        expect(f.emb).toBe('yes');
        expect(f.sub).toBe('yes');
      }

      // Page 1 rasterised is a real page, not a blank one.
      expect(await firstPagePngBytes(d.body)).toBeGreaterThan(10 * 1024);
    });

    it('in en: English KPI names and band label', async () => {
      const d = await downloadPdf(t, review.id, 'en');
      const text = await pdfText(d.body);
      const flat = squash(text);
      for (const k of review.kpis) expect(flat).toContain(squash(k.nameEn));
      expect(text).toContain('Sales');
      expect(flat).toContain(squash(review.band?.labelEn ?? '(no band)'));
      expect(text).toContain(review.total.toFixed(2));
      expect(text).toContain('王小明');
      expect(text).not.toContain(DRAFT_MARK.en);
      // One issue per language, each the bytes just downloaded.
      const rows = await issuedRows(t, review.id);
      expect(rows.map((r) => r.lang)).toEqual(['en', 'zh-CN']);
      expect(rows.find((r) => r.lang === 'en')?.sha256).toBe(d.headers['x-content-sha256']);
    });
  });

  describe('download file names (issue 12)', () => {
    it("encode ' and the other non-attr-chars per RFC 8187, with an ASCII fallback", async () => {
      const { review } = await seedAccountManagerReview(t, { name: "Seán O'Brien (東)" });
      const d = await downloadPdf(t, review.id, 'en');
      const disposition = d.headers['content-disposition'];
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+\.pdf"; filename\*=UTF-8''[A-Za-z0-9%._~-]+\.pdf$/);
      const encoded = /filename\*=UTF-8''(.+)$/.exec(disposition)?.[1] ?? '';
      expect(encoded).toContain('O%27Brien%20%28%E6%9D%B1%29');
      expect(decodeURIComponent(encoded)).toContain("Seán O'Brien (東)");
    });
  });

  describe('the DRAFT mark', () => {
    it('is on a draft review, in both languages', async () => {
      const { review } = await seedAccountManagerReview(t, { status: 'draft', entries: fullAccountManagerEntries().slice(0, 5) });
      expect(review.status).toBe('draft');
      const enFile = await downloadPdf(t, review.id, 'en');
      // The file name says DRAFT too, so a saved copy is never taken for the final one.
      expect(enFile.headers['content-disposition']).toMatch(/-DRAFT\.pdf"; filename\*=UTF-8''.+-DRAFT\.pdf$/);
      const en = await pdfText(enFile.body);
      // Status "Draft" is in title case: only the mark is in capitals.
      expect(en).toContain(DRAFT_MARK.en);
      expect(squash(en)).toContain(squash(DRAFT_NOTICE.en));
      const zh = await pdfText((await downloadPdf(t, review.id, 'zh-CN')).body);
      expect(zh).toContain(DRAFT_MARK['zh-CN']);
      expect(squash(zh)).toContain(squash(DRAFT_NOTICE['zh-CN']));
    });

    it('is on a submitted review, in both languages', async () => {
      const { review } = await seedAccountManagerReview(t, { status: 'submitted' });
      expect(review.status).toBe('submitted');
      const zh = await pdfText((await downloadPdf(t, review.id, 'zh-CN')).body);
      // Its status prints as 已提交, so 草稿 can only be the mark.
      expect(zh).toContain('已提交');
      expect(zh).toContain(DRAFT_MARK['zh-CN']);
      expect(squash(zh)).toContain(squash(DRAFT_NOTICE['zh-CN']));
      const en = await pdfText((await downloadPdf(t, review.id, 'en')).body);
      expect(en).toContain(DRAFT_MARK.en);
      expect(await issuedRows(t, review.id)).toEqual([]);
    });
  });

  describe('issued once', () => {
    it("a finalized review's PDF keeps its exact bytes across a new template version; drafts are never stored", async () => {
      const { review } = await seedAccountManagerReview(t);
      const first = await downloadPdf(t, review.id, 'zh-CN');
      const pinnedVersion = review.template.versionNumber;

      // Admin publishes a changed version of the same role's template.
      const templates = (await t.http.get('/api/kpi-templates').set(t.as('hr')).expect(200)).body as TemplateDto[];
      const template = templates.find((x) => x.role.code === 'account_manager');
      const current = template?.current;
      if (!template || !current) throw new Error('no published account_manager template');
      const content = {
        kpis: current.kpis.map((k) => (k.key === 'customer_service' ? { ...k, nameZh: `${k.nameZh}（新版）`, nameEn: `${k.nameEn} (new)` } : k)),
        bands: current.bands,
        notes: 'renamed customer service',
      };
      const draft = (await t.http.post(`/api/kpi-templates/${template.id}/versions`).set(t.as('admin')).send({ content }).expect(201))
        .body as TemplateVersionDto;
      const published = (
        await t.http.post(`/api/kpi-templates/${template.id}/versions/${draft.id}/publish`).set(t.as('admin')).send({ version: draft.version }).expect(200)
      ).body as TemplateVersionDto;
      expect(published.status).toBe('published');
      expect(published.number).toBeGreaterThan(pinnedVersion);

      // A new print would differ at least in its creation time (seconds) and "generated at" line.
      await sleep(1100);
      const second = await downloadPdf(t, review.id, 'zh-CN');
      expect(second.headers['x-content-sha256']).toBe(first.headers['x-content-sha256']);
      expect(Buffer.compare(second.body, first.body)).toBe(0);
      const rows = await issuedRows(t, review.id);
      expect(rows).toEqual([{ lang: 'zh-CN', review_version: review.version, sha256: first.headers['x-content-sha256'] }]);

      // A draft is printed afresh each time and never kept.
      const { review: draftReview } = await seedAccountManagerReview(t, { status: 'draft' });
      await downloadPdf(t, draftReview.id, 'zh-CN');
      await downloadPdf(t, draftReview.id, 'zh-CN');
      await downloadPdf(t, draftReview.id, 'en');
      expect(await issuedRows(t, draftReview.id)).toEqual([]);
    });
  });

  describe('markup in user text', () => {
    let counter: { server: Server; port: number; hits: string[] };

    beforeAll(async () => {
      counter = await startCountingServer();
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => counter.server.close(() => resolve()));
    });

    it('prints as text in the PDF and the preview, runs nothing and fetches nothing', async () => {
      const port = counter.port;
      const payloads = [
        `<img src=http://127.0.0.1:${port}/img>`,
        '<iframe src=file:///etc/passwd></iframe>',
        `<style>@import url(http://127.0.0.1:${port}/imp);body{background:url(http://127.0.0.1:${port}/bg)}</style>`,
        `<meta http-equiv=refresh content="0;url=http://127.0.0.1:${port}/meta">`,
        "<script>document.title='PWNED-MARKER'</script>",
        '<a href="javascript:alert(1)">x</a>',
        '{{constructor.constructor}}',
      ];
      const all = payloads.join('\n');
      const name = `王${payloads[0]}${payloads[4]}`;
      expect(name.length).toBeLessThanOrEqual(200);
      const entries = fullAccountManagerEntries().map((e, i) => ({ ...e, comment: `${payloads[i % payloads.length]} ${payloads[(i + 3) % payloads.length]}` }));
      const { review } = await seedAccountManagerReview(t, {
        name,
        entries,
        texts: { strengths: all, challenges: [...payloads].reverse().join(' '), developmentPlan: all },
        status: 'draft',
      });
      expect(review.employee.name).toBe(name);
      expect(review.strengths).toBe(all);

      for (const lang of ['zh-CN', 'en'] as const) {
        const d = await downloadPdf(t, review.id, lang);
        const text = await pdfText(d.body);
        const flat = loose(text);
        for (const p of payloads) expect(flat).toContain(loose(p));
        expect(text).toContain('<script>');
        expect(text).toContain('{{constructor.constructor}}');
        // Not executed: the document title is not the marker, and the sections after the
        // payloads are still there (no meta refresh or iframe replaced the page).
        const info = await pdfInfo(d.body);
        expect(info.title).not.toContain('PWNED-MARKER');
        // The name as text in the header of every page (and in the facts table on page 1).
        const pages = text.split('\f').filter((page) => page.trim() !== '');
        expect(pages).toHaveLength(info.pages);
        for (const page of pages) expect(loose(page)).toContain(loose(name));
        expect(info.raw).not.toContain('PWNED-MARKER');
        expect(text).not.toContain('root:x:0:0');
        expect(flat).toContain(lang === 'en' ? 'Sales' : '销售业绩完成情况');
      }

      const html = await downloadHtml(t, review.id, 'zh-CN');
      const doc = html.body.toString('utf8');
      expect(html.headers['content-security-policy']).toContain("default-src 'none'");
      expect(html.headers['content-security-policy']).not.toMatch(/script-src|unsafe-eval/);
      expect(doc).toContain('&lt;script&gt;');
      expect(doc).not.toMatch(/<script/i);
      expect(doc).not.toMatch(/<img/i);
      expect(doc).not.toMatch(/<iframe/i);
      expect(doc).not.toMatch(/<meta http-equiv/i);
      expect(doc).not.toMatch(/<a href/i);
      expect(count(doc.toLowerCase(), '<style')).toBe(1);
      expect(doc).toContain('{{constructor.constructor}}');
      expect(doc).toContain('&lt;img src&#x3D;http://127.0.0.1:');

      // Nothing, from the PDF or the preview, reached the local server.
      await sleep(300);
      expect(counter.hits).toEqual([]);
    });
  });

  describe('Chromium killed mid-print', () => {
    it('fails that download with 503 and prints the next one with a new browser', async () => {
      const renderer = t.app.get(PdfRenderer);
      const { review } = await seedAccountManagerReview(t, {
        status: 'draft',
        texts: { developmentPlan: '提升大客户谈判能力，拓展华东市场。Grow the key accounts in the east. '.repeat(80) },
      });
      // Make sure a browser is up before the first attempt.
      await downloadPdf(t, review.id, 'zh-CN');
      const restartsBefore = renderer.stats().crashes;

      let failed: Download | null = null;
      for (let attempt = 0; attempt < 6 && !failed; attempt++) {
        const pending = startDownload(t, review.id, t.as('hr'), { lang: 'zh-CN' });
        const until = Date.now() + 15_000;
        let pid: number | null = null;
        while (Date.now() < until) {
          const s = renderer.stats();
          if (s.activeRenders > 0 && s.browserPid !== null && s.browserRunning) {
            pid = s.browserPid;
            break;
          }
          await sleep(2);
        }
        if (pid !== null) process.kill(pid, 'SIGKILL');
        const d = await pending;
        if (d.status === 503) failed = d;
        else expect(d.status).toBe(200);
      }
      if (!failed) throw new Error('no attempt caught Chromium mid-print');
      const body = expectErrorBytes(failed, 503);
      expect(body.message).toMatch(/Chromium/);
      expect(body.message).toMatch(/crash|disconnect|went away/i);
      expect(body.details).toMatchObject({ code: 'RENDERER_UNAVAILABLE' });
      expect(Number(failed.headers['retry-after'])).toBeGreaterThan(0);
      expect(renderer.stats().crashes).toBeGreaterThan(restartsBefore);

      const next = await downloadPdf(t, review.id, 'zh-CN');
      expect(next.body.length).toBeGreaterThan(1000);
      expect(renderer.stats().browserRunning).toBe(true);
    });
  });

  describe('scope and audit', () => {
    it('hides reviews out of scope (404), lets an employee print only their own finalized review, and audits each download', async () => {
      const cycle = await seedOpenCycle(t);
      const otherCycle = await seedOpenCycle(t);
      const employee = await createEmployee(t, 'account_manager', { name: '李娜' });
      const { review: finalized } = await seedAccountManagerReview(t, { employee, cycle });
      const { review: draft } = await seedAccountManagerReview(t, { employee, cycle: otherCycle, status: 'draft' });

      const outsider = await createEmployee(t, 'manager');
      const managerOut = await t.userFor('manager', outsider.id);
      for (const id of [finalized.id, draft.id]) {
        expectError(await t.http.get(scorecardPath(id)).set(managerOut), 404);
        expectError(await t.http.get(scorecardPath(id)).query({ format: 'html' }).set(managerOut), 404);
      }

      const employeeEmail = `li.na-${uniq()}@example.com`;
      const self = await t.userFor('employee', employee.id, employeeEmail);
      const own = await downloadPdf(t, finalized.id, 'zh-CN', self);
      expect(await pdfText(own.body)).toContain('李娜');
      expectError(await t.http.get(scorecardPath(draft.id)).set(self), 404);
      expectError(await t.http.get(scorecardPath(draft.id)).query({ format: 'html' }).set(self), 404);

      const byHr = await downloadPdf(t, finalized.id, 'en');
      // The employee's download issued the zh-CN copy; HR gets the same bytes.
      const hrZh = await downloadPdf(t, finalized.id, 'zh-CN');
      expect(hrZh.headers['x-content-sha256']).toBe(own.headers['x-content-sha256']);

      const downloads = (await auditOf(t, 'review', finalized.id)).filter((a) => a.action === 'download_scorecard').reverse();
      expect(downloads.map((a) => a.actor)).toEqual([employeeEmail, 'hr@test.example', 'hr@test.example']);
      expect(downloads.map((a) => a.after)).toEqual([
        expect.objectContaining({ lang: 'zh-CN', sha256: own.headers['x-content-sha256'] }),
        expect.objectContaining({ lang: 'en', sha256: byHr.headers['x-content-sha256'] }),
        expect.objectContaining({ lang: 'zh-CN', sha256: own.headers['x-content-sha256'] }),
      ]);
      // Refused downloads leave no download row.
      expect((await auditOf(t, 'review', draft.id)).filter((a) => a.action === 'download_scorecard')).toEqual([]);
    });
  });

  describe('content hash', () => {
    /** The 16-hex-digit content hash printed in the footer of every page. */
    const hashesIn = (text: string): string[] => [...new Set(text.match(/\b[0-9a-f]{16}\b/g) ?? [])];

    it('is the same whoever prints the same review (HR-only fields are not part of it)', async () => {
      const boss = await createEmployee(t, 'manager');
      const report = await createEmployee(t, 'account_manager', { managerId: boss.id });
      const { review } = await seedAccountManagerReview(t, { employee: report, status: 'draft' });
      const hr = await patchTexts(t, review, { strengths: '客户关系稳固' });
      await t.http
        .patch(`/api/reviews/${review.id}`)
        .set(t.as('hr'))
        .set('If-Match', String(hr.version))
        .send({ hrNotes: 'HR only: salary band B' })
        .expect(200);
      const managerIn = await t.userFor('manager', boss.id);

      const byHr = hashesIn(await pdfText((await downloadPdf(t, review.id, 'en')).body));
      const byManager = hashesIn(await pdfText((await downloadPdf(t, review.id, 'en', managerIn)).body));
      expect(byHr).toHaveLength(1);
      expect(byManager).toEqual(byHr);
    });
  });

  describe('content hash and peers', () => {
    const hashesIn = (text: string): string[] => [...new Set(text.match(/\b[0-9a-f]{16}\b/g) ?? [])];
    const withRatings = (selling: number, service: number): KpiEntry[] =>
      fullAccountManagerEntries().map((e) =>
        e.kpiKey === 'selling' ? { ...e, rating: selling } : e.kpiKey === 'customer_service' ? { ...e, rating: service } : e,
      );

    it('changes with the standing it prints, not with every peer total behind it', async () => {
      const cycle = await seedOpenCycle(t);
      const { review } = await seedAccountManagerReview(t, { cycle, status: 'draft' });
      const peer = await seedAccountManagerReview(t, { cycle, status: 'draft', entries: withRatings(1, 1) });
      const print = async () => ({ hash: hashesIn(await pdfText((await downloadPdf(t, review.id, 'en')).body)) });
      const first = await print();
      expect(first.hash).toHaveLength(1);

      // The peer's total moves, still below: the scorecard says the same, and so does its hash.
      const lower = await putScores(t, peer.review, withRatings(2, 1));
      expect(lower.total).not.toBe(peer.review.total);
      expect(lower.total).toBeLessThan(review.total);
      expect((await print()).hash).toEqual(first.hash);

      // The peer overtakes: the printed rank changes, and the hash with it.
      const higher = await putScores(t, lower, withRatings(5, 5));
      expect(higher.total).toBeGreaterThan(review.total);
      const overtaken = await print();
      expect(overtaken.hash).toHaveLength(1);
      expect(overtaken.hash).not.toEqual(first.hash);
    });
  });

  describe('long text', () => {
    it('flows a ~6000-character development plan over more pages, to its last words', async () => {
      const sentences = Array.from(
        { length: 120 },
        (_, i) => `第${i + 1}项：每月拜访重点客户并复盘销售漏斗，提升续约率。Visit key accounts monthly (${i + 1}).`,
      );
      const ending = '计划结束 END-OF-PLAN-7F3A';
      const plan = `${sentences.join('\n')}\n${ending}`;
      expect(plan.length).toBeGreaterThanOrEqual(5500);
      expect(plan.length).toBeLessThanOrEqual(10000);
      const { review } = await seedAccountManagerReview(t, { texts: { developmentPlan: plan } });
      const d = await downloadPdf(t, review.id, 'zh-CN');
      expect((await pdfInfo(d.body)).pages).toBeGreaterThanOrEqual(2);
      const flat = squash(await pdfText(d.body));
      expect(flat).toContain(squash(ending));
      expect(flat).toContain(squash(sentences[sentences.length - 1]));
      expect(flat).toContain(squash(sentences[0]));
    });
  });
});

describe('PDF scorecards without a browser', () => {
  let t: TestApp;
  const saved = process.env.CHROMIUM_PATH;

  beforeAll(async () => {
    // The renderer reads CHROMIUM_PATH from process.env (the app config does not carry it), and
    // looks again on every print: keep it pointing nowhere for as long as this app runs.
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    t = await createTestApp({ CHROMIUM_PATH: '/nonexistent/chromium' });
  });
  afterAll(async () => {
    await t.close();
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
  });

  it('starts, answers health, refuses the PDF with 503 saying how to install Chromium, and still previews HTML', async () => {
    expect(t.app.get(PdfRenderer).executable()).toBeNull();
    await t.http.get('/api/health').expect(200);
    const { review } = await seedAccountManagerReview(t);

    const err = expectError(await t.http.get(scorecardPath(review.id)).query({ lang: 'zh-CN' }).set(t.as('hr')), 503);
    expect(err.message).toContain('CHROMIUM_PATH is set to /nonexistent/chromium');
    expect(err.message).toMatch(/apt-get install chromium/);
    expect(err.details).toMatchObject({ code: 'RENDERER_UNAVAILABLE' });
    expect(await issuedRows(t, review.id)).toEqual([]);

    const html = await downloadHtml(t, review.id, 'zh-CN');
    expect(html.body.toString('utf8')).toContain(review.employee.name);
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    expect(t.app.get(PdfRenderer).stats().browserRunning).toBe(false);
  });
});
