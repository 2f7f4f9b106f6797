// The PDF reader: PDF_READER picks the reader, pdfjs mode never starts a poppler binary, and on a
// small hand-built PDF pdf.js answers what poppler answers (compared directly where poppler is here).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  cMapName,
  firstPageGray,
  firstPagePng,
  pdfFonts,
  pdfInfo,
  pdfPages,
  pdfRawText,
  pdfReader,
  pdfText,
  pdfWords,
  popplerFontType,
  runPoppler,
  type PdfPageWords,
} from './pdf-reader.js';

/** A two-page PDF with a title, printed in Helvetica (one of the 14 standard fonts: not embedded). */
function twoPagePdf(): Buffer {
  const page = (text: string, contents: number): string =>
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Resources << /Font << /F1 5 0 R >> >> /Contents ${contents} 0 R >>`;
  const stream = (s: string): string => `<< /Length ${Buffer.byteLength(s, 'latin1')} >>\nstream\n${s}\nendstream`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
    page('one', 6),
    page('two', 7),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    stream('BT /F1 18 Tf 20 150 Td (First page READER-1) Tj ET'),
    stream('BT /F1 18 Tf 20 150 Td (Second page 0123456789abcdef) Tj ET'),
    '<< /Title (Reader fixture) /Producer (pdf-reader.spec) >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 8 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const saved = { reader: process.env.PDF_READER, path: process.env.PATH };
afterEach(() => {
  if (saved.reader === undefined) delete process.env.PDF_READER;
  else process.env.PDF_READER = saved.reader;
  process.env.PATH = saved.path;
});

describe('pdfReader()', () => {
  it('follows PDF_READER, and without it picks poppler only when all four tools are on PATH', () => {
    expect(pdfReader({ PDF_READER: 'pdfjs', PATH: process.env.PATH })).toBe('pdfjs');
    expect(pdfReader({ PDF_READER: 'poppler', PATH: '' })).toBe('poppler');
    expect(pdfReader({ PATH: '' })).toBe('pdfjs');
    expect(pdfReader({ PATH: '/nonexistent' })).toBe('pdfjs');
    expect(() => pdfReader({ PDF_READER: 'mupdf' })).toThrow(/PDF_READER/);
  });
});

describe('pdfjs mode', () => {
  it('refuses to start a poppler binary', async () => {
    process.env.PDF_READER = 'pdfjs';
    await expect(runPoppler('pdfinfo', ['-v'])).rejects.toThrow('refusing to run pdfinfo');
  });

  it('reads text, pages, title, fonts and page 1 with no executable reachable', async () => {
    process.env.PDF_READER = 'pdfjs';
    // Nothing can be spawned by name: any attempt to exec poppler would fail with ENOENT.
    process.env.PATH = '';
    const pdf = twoPagePdf();
    const text = await pdfText(pdf);
    expect(text.split('\f')).toEqual(['First page READER-1\n', 'Second page 0123456789abcdef\n', '']);
    expect(await pdfPages(pdf)).toBe(2);
    const info = await pdfInfo(pdf);
    expect(info.title).toBe('Reader fixture');
    expect(info.raw).toContain('Producer: pdf-reader.spec');
    expect(await pdfFonts(pdf)).toEqual([{ name: 'Helvetica', type: 'Type 1', emb: 'no', sub: 'no' }]);
    const png = await firstPagePng(pdf);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // 300 x 200 pt at 72 dpi: the IHDR's width and height.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([300, 200]);
  });
});

/** Dark pixels (grey below 128) of the page-1 image inside a box in points. */
async function ink(pdf: Buffer, box: { xMin: number; yMin: number; xMax: number; yMax: number }, dpi: number): Promise<number> {
  const { width, height, pixels } = await firstPageGray(pdf, dpi);
  const k = dpi / 72;
  let dark = 0;
  for (let y = Math.max(0, Math.floor(box.yMin * k)); y < Math.min(height, Math.ceil(box.yMax * k)); y++) {
    for (let x = Math.max(0, Math.floor(box.xMin * k)); x < Math.min(width, Math.ceil(box.xMax * k)); x++) if (pixels[y * width + x] < 128) dark++;
  }
  return dark;
}

describe('pdfjs mode: words, raw text and the grey page', () => {
  it('gives words with boxes in points from the top left, and ink inside them only', async () => {
    process.env.PDF_READER = 'pdfjs';
    process.env.PATH = '';
    const pdf = twoPagePdf();
    expect(await pdfRawText(pdf)).toBe(await pdfText(pdf));
    const page1 = await pdfWords(pdf, 1);
    expect([page1.width, page1.height]).toEqual([300, 200]);
    expect(page1.words.map((w) => w.text)).toEqual(['First', 'page', 'READER-1']);
    // 18 pt Helvetica from x 20 on the baseline 150 pt up a 200 pt page: 50 pt from the top.
    expect(page1.words[0].xMin).toBeCloseTo(20, 1);
    for (const w of page1.words) expect([w.yMin < 50, w.yMax > 50, w.yMin > 25, w.yMax < 60]).toEqual([true, true, true, true]);
    expect(page1.words[1].xMin).toBeGreaterThan(page1.words[0].xMax);
    expect((await pdfWords(pdf, 2)).words.map((w) => w.text)).toEqual(['Second', 'page', '0123456789abcdef']);
    const gray = await firstPageGray(pdf, 144);
    expect([gray.width, gray.height, gray.pixels.length]).toEqual([600, 400, 600 * 400]);
    const all = await ink(pdf, { xMin: 0, yMin: 0, xMax: 300, yMax: 200 }, 144);
    // A word's own box is its share of the run's characters (pdf.js has no glyph widths in its text
    // content), so it is the line's box that must hold all the ink.
    const line = { xMin: page1.words[0].xMin, yMin: page1.words[0].yMin, xMax: page1.words[2].xMax, yMax: page1.words[2].yMax };
    expect(await ink(pdf, line, 144)).toBeGreaterThan(200);
    expect(await ink(pdf, line, 144)).toBe(all);
    for (const w of page1.words) expect(await ink(pdf, w, 144)).toBeGreaterThan(20);
  });

  it('names the Identity CMaps pdf.js builds without a name', () => {
    const identity = { name: '', vertical: false, codespaceRanges: [[], [0, 0xffff], [], []], numCodespaceRanges: 1, _map: [] };
    expect(cMapName(identity)).toBe('Identity-H');
    expect(cMapName({ ...identity, vertical: true })).toBe('Identity-V');
    expect(cMapName({ ...identity, _map: [undefined, 0x41] })).toBeUndefined();
    expect(cMapName({ ...identity, name: 'UniGB-UCS2-H' })).toBe('UniGB-UCS2-H');
    expect(cMapName(undefined)).toBeUndefined();
  });
});

describe('both readers on the same PDF', () => {
  // Not in a run that promised no poppler (PDF_READER=pdfjs), nor where it is not installed.
  const havePoppler = process.env.PDF_READER !== 'pdfjs' && pdfReader({ PATH: process.env.PATH }) === 'poppler';
  const itWithPoppler = havePoppler ? it : it.skip;

  itWithPoppler('agree on text, pages, title and fonts', async () => {
    const pdf = twoPagePdf();
    process.env.PDF_READER = 'poppler';
    const poppler = { text: await pdfText(pdf), info: await pdfInfo(pdf), fonts: await pdfFonts(pdf), png: await firstPagePng(pdf) };
    process.env.PDF_READER = 'pdfjs';
    const pdfjs = { text: await pdfText(pdf), info: await pdfInfo(pdf), fonts: await pdfFonts(pdf), png: await firstPagePng(pdf) };
    // Line for line; poppler also ends each text block with an empty line, pdf.js knows no blocks.
    const lines = (text: string): string[][] => text.split('\f').map((page) => page.split('\n').filter((line) => line !== ''));
    expect(lines(pdfjs.text)).toEqual(lines(poppler.text));
    expect(pdfjs.info.pages).toBe(poppler.info.pages);
    expect(pdfjs.info.title).toBe(poppler.info.title);
    expect(pdfjs.fonts).toEqual(poppler.fonts);
    expect([pdfjs.png.readUInt32BE(16), pdfjs.png.readUInt32BE(20)]).toEqual([poppler.png.readUInt32BE(16), poppler.png.readUInt32BE(20)]);
  });

  itWithPoppler('agree on raw text, the words and their boxes, and the grey page', async () => {
    const pdf = twoPagePdf();
    const read = async (): Promise<{ raw: string; words: PdfPageWords; gray: { width: number; height: number }; ink: number }> => {
      const words = await pdfWords(pdf, 1);
      const gray = await firstPageGray(pdf, 150);
      return { raw: await pdfRawText(pdf), words, gray: { width: gray.width, height: gray.height }, ink: await ink(pdf, words.words[2], 150) };
    };
    process.env.PDF_READER = 'poppler';
    const poppler = await read();
    process.env.PDF_READER = 'pdfjs';
    const pdfjs = await read();
    const lines = (text: string): string[][] => text.split('\f').map((page) => page.split('\n').filter((line) => line !== ''));
    expect(lines(pdfjs.raw)).toEqual(lines(poppler.raw));
    expect(pdfjs.gray).toEqual(poppler.gray);
    expect([pdfjs.words.width, pdfjs.words.height]).toEqual([poppler.words.width, poppler.words.height]);
    expect(pdfjs.words.words.map((w) => w.text)).toEqual(poppler.words.words.map((w) => w.text));
    // The line's ends within 2 pt, the cuts between words within 20 pt (pdf.js gives a run's width,
    // not each glyph's: a word gets its share of the characters; 17 pt off here, at 18 pt type),
    // tops and bottoms within 6 pt (pdftotext's boxes span the font's ascent and descent, pdf.js's
    // the font size); ink in both.
    const [first, last] = [0, pdfjs.words.words.length - 1];
    pdfjs.words.words.forEach((w, i) => {
      const p = poppler.words.words[i];
      const [left, right] = [i === first ? 2 : 20, i === last ? 2 : 20];
      expect([Math.abs(w.xMin - p.xMin) < left, Math.abs(w.xMax - p.xMax) < right, Math.abs(w.yMin - p.yMin) < 6, Math.abs(w.yMax - p.yMax) < 6]).toEqual([
        true,
        true,
        true,
        true,
      ]);
    });
    expect(poppler.ink).toBeGreaterThan(100);
    expect(pdfjs.ink).toBeGreaterThan(100);
  });
});

describe('both readers on a scorecard Chromium printed', () => {
  // fixtures/scorecard-zh-CN.pdf: a zh-CN scorecard from the scorecards e2e test (Chromium 14x),
  // with CID TrueType subsets of Noto Sans SC and DejaVu Sans Mono, and one Type 3 font.
  const pdf = readFileSync(new URL('./fixtures/scorecard-zh-CN.pdf', import.meta.url));
  // Not in a run that promised no poppler (PDF_READER=pdfjs), nor where it is not installed.
  const havePoppler = process.env.PDF_READER !== 'pdfjs' && pdfReader({ PATH: process.env.PATH }) === 'poppler';
  const itWithPoppler = havePoppler ? it : it.skip;

  it('pdf.js lists its fonts as pdffonts does', async () => {
    process.env.PDF_READER = 'pdfjs';
    process.env.PATH = '';
    expect(await pdfFonts(pdf)).toEqual([
      { name: 'AAAAAA+NotoSansSCThin-Regular', type: 'CID TrueType', encoding: 'Identity-H', emb: 'yes', sub: 'yes' },
      { name: 'BAAAAA+NotoSansSCThin-Bold', type: 'CID TrueType', encoding: 'Identity-H', emb: 'yes', sub: 'yes' },
      { name: 'CAAAAA+NotoSansSCThin-Regular', type: 'CID TrueType', encoding: 'Identity-H', emb: 'yes', sub: 'yes' },
      { name: '[none]', type: 'Type 3', emb: 'yes', sub: 'no' },
      { name: 'DAAAAA+NotoSansSCThin-Regular', type: 'CID TrueType', encoding: 'Identity-H', emb: 'yes', sub: 'yes' },
      { name: 'EAAAAA+DejaVuSansMono', type: 'CID TrueType', encoding: 'Identity-H', emb: 'yes', sub: 'yes' },
    ]);
  });

  itWithPoppler('the two readers agree on pages, title, fonts and the characters of each page', async () => {
    process.env.PDF_READER = 'poppler';
    const poppler = { text: await pdfText(pdf), info: await pdfInfo(pdf), fonts: await pdfFonts(pdf) };
    process.env.PDF_READER = 'pdfjs';
    const pdfjs = { text: await pdfText(pdf), info: await pdfInfo(pdf), fonts: await pdfFonts(pdf) };
    expect(pdfjs.fonts).toEqual(poppler.fonts);
    expect(pdfjs.info.pages).toBe(poppler.info.pages);
    expect(pdfjs.info.title).toBe(poppler.info.title);
    // The same characters on each page, not in the same order: pdftotext rebuilds the reading order
    // (the running header first), pdf.js keeps the content stream's (Chromium draws the header last).
    const characters = (page: string): string => [...page.replace(/\s+/g, '')].sort().join('');
    expect(pdfjs.text.split('\f').map(characters)).toEqual(poppler.text.split('\f').map(characters));
  });
});

describe('popplerFontType()', () => {
  it("spells pdf.js's font types as pdffonts does", () => {
    expect(popplerFontType({ type: 'CIDFontType2', subtype: 'CIDFontType2', composite: true })).toBe('CID TrueType');
    expect(popplerFontType({ type: 'CIDFontType0', subtype: 'CIDFontType0C', composite: true })).toBe('CID Type 0C');
    expect(popplerFontType({ type: 'TrueType' })).toBe('TrueType');
    expect(popplerFontType({ type: 'Type1', subtype: 'Type1C' })).toBe('Type 1C');
    expect(popplerFontType({ type: 'Type1' })).toBe('Type 1');
    expect(popplerFontType({ type: 'Type3', isType3Font: true })).toBe('Type 3');
  });
});
