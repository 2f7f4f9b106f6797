// The Chromium that ships inside an npm package (@sparticuz/chromium): what prints on a machine where
// `npm ci` was the only install step. The system's browsers are hidden with CHROMIUM_IGNORE_SYSTEM,
// the package is unpacked into a fresh cache folder, and the real app prints Chinese and English
// scorecards with it; poppler or pdf.js reads them back (fonts embedded, text extractable, footers in Chinese).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { findChromium, prepareChromium, unpackChromiumArchive } from '../src/scorecards/chromium.js';
import { PdfRenderer } from '../src/scorecards/pdf-renderer.js';
import { createEmployee, createReview, fullAccountManagerEntries, putScores, seedOpenCycle } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';
import { pdfFonts, pdfText } from './support/pdf-reader.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';

let workDir: string;

const squash = (s: string): string => s.replace(/\s+/g, '');

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'packaged-chromium-e2e-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('unpacking the packaged Chromium', () => {
  it('is chosen after the system browsers, or first when they are hidden, as a headless shell to unpack into the cache', () => {
    const hidden = findChromium({ env: { CHROMIUM_IGNORE_SYSTEM: 'true', CHROMIUM_CACHE_DIR: '/var/cache/x' } });
    expect(hidden).toMatchObject({ source: 'npm-package', headless: 'shell', packaged: { packageName: '@sparticuz/chromium' } });
    expect(hidden?.executablePath).toBe(`/var/cache/x/sparticuz-chromium-${hidden?.packaged?.version}/chromium`);
    expect(hidden?.foundAt).toMatch(/node_modules\/@sparticuz\/chromium\/bin\/chromium\.br$/);
    // No system browser at all (paths that do not exist): the same package.
    expect(findChromium({ env: {}, systemPaths: ['/nonexistent/chromium'] })?.source).toBe('npm-package');
  });

  it('several unpacks at once into one folder: a reader never sees a half-written file, and no partial file is left', async () => {
    // 24 MB that brotli cannot shrink, so each unpack writes for a while and the writes overlap.
    const original = randomBytes(24 * 1024 * 1024);
    const archive = join(workDir, 'fake-chromium.br');
    await writeFile(archive, brotliCompressSync(original, { params: { [zlib.BROTLI_PARAM_QUALITY]: 0 } }));
    const cache = join(workDir, 'race');
    const target = join(cache, 'sparticuz-chromium-0.0.0', 'chromium');

    const sizesSeen = new Set<number>();
    let racing = true;
    const watcher = (async () => {
      while (racing) {
        try {
          sizesSeen.add(statSync(target).size);
        } catch {
          // not there yet
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const results = await Promise.all(Array.from({ length: 4 }, () => unpackChromiumArchive(archive, target)));
    racing = false;
    await watcher;

    expect(new Set(results)).toEqual(new Set([target]));
    expect([...sizesSeen]).toEqual([original.length]);
    expect((await readFile(target)).equals(original)).toBe(true);
    expect(statSync(target).mode & 0o111).not.toBe(0);
    expect(readdirSync(join(cache, 'sparticuz-chromium-0.0.0'))).toEqual(['chromium']);
  });
});

describe('the app printing with the packaged Chromium (system browsers hidden)', () => {
  let t: TestApp;
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = join(workDir, 'cache');
    t = await createTestApp({ CHROMIUM_IGNORE_SYSTEM: 'true', CHROMIUM_CACHE_DIR: cacheDir });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('unpacks it once, prints zh-CN and en scorecards with CJK fonts embedded, and runs that very binary', async () => {
    const renderer = t.app.get(PdfRenderer);
    const chromium = renderer.executable();
    if (!chromium) throw new Error('no Chromium was chosen');
    expect(chromium.source).toBe('npm-package');
    expect(chromium.headless).toBe('shell');
    expect(chromium.executablePath.startsWith(cacheDir)).toBe(true);

    const cycle = await seedOpenCycle(t);
    const employee = await createEmployee(t, 'account_manager', { name: '欧阳晓燕' });
    let review = await putScores(t, await createReview(t, employee.id, cycle.id), fullAccountManagerEntries());
    // Finalized: the scorecard as issued, without the DRAFT mark.
    for (const action of ['submit', 'finalize']) {
      const res = await t.http.post(`/api/reviews/${review.id}/${action}`).set(t.as('hr')).set('If-Match', String(review.version)).send({});
      expect(res.status).toBe(200);
      review = res.body as ReviewDto;
    }

    const pdfs: Record<'zh-CN' | 'en', Buffer> = { 'zh-CN': Buffer.alloc(0), en: Buffer.alloc(0) };
    for (const lang of ['zh-CN', 'en'] as const) {
      const res = await t.http
        .get(`/api/reviews/${review.id}/scorecard.pdf`)
        .query({ lang })
        .set(t.as('hr'))
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      pdfs[lang] = res.body as Buffer;
      expect(pdfs[lang].subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }

    // The browser that printed is the unpacked package binary, not a system one.
    const pid = renderer.stats().browserPid;
    expect(pid).not.toBeNull();
    expect(readlinkSync(`/proc/${pid}/exe`)).toBe(chromium.executablePath);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('--headless');

    const zh = await pdfText(pdfs['zh-CN']);
    expect(zh).toContain('欧阳晓燕');
    expect(squash(zh)).toContain(squash(review.kpis[0].nameZh));
    // The footer is a separate document that gets fonts only through the browser's fontconfig.
    expect(squash(zh)).toMatch(/第1页\/共\d+页/);
    const en = await pdfText(pdfs.en);
    expect(squash(en)).toContain(squash(review.kpis[0].nameEn));
    expect(en).toContain('欧阳晓燕');

    for (const pdf of Object.values(pdfs)) {
      const fonts = await pdfFonts(pdf);
      const cjk = fonts.filter((f) => /NotoSansSC/i.test(f.name));
      expect(cjk.length).toBeGreaterThan(0);
      for (const f of cjk) expect(f).toMatchObject({ type: 'CID TrueType', emb: 'yes', sub: 'yes' });
      // Nothing is left to the reader's fonts. (Both browsers also emit one unnamed Type 3 font,
      // embedded, for a few glyphs that Skia draws as paths: the same from the system's headless shell.)
      for (const f of fonts) expect(f.emb).toBe('yes');
    }

    // Once unpacked it stays: preparing again neither rewrites nor replaces the binary.
    const before = statSync(chromium.executablePath);
    expect(await prepareChromium(chromium)).toBe(chromium.executablePath);
    const after = statSync(chromium.executablePath);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });
});
