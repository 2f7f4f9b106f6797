// Names that must print: one real scorecard PDF per kind of hard name (the real templates, the
// real renderer in a real Chromium), read back through test/support/pdf-reader.ts (poppler when it
// is installed, pdf.js when not or with PDF_READER=pdfjs). For each PDF:
//  - the text gives the name back exactly (a lost emoji or a "Nguy n" fails);
//  - no glyph drawn anywhere in the PDF is glyph 0, the font's .notdef box ("tofu"): Skia writes
//    its CID fonts with Identity-H and an identity CID-to-glyph map, so every 2-byte code in a
//    text string is a glyph id, and a character no font covers is drawn as glyph 0;
//  - the font list holds only embedded Identity-H CID TrueType subsets (never Type 3);
//  - page 1 rendered in grey carries ink where the name is (the name's word box);
//  - every word of page 1 lies on the page, so a long name cannot push the number, department,
//    cycle or status off it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PdfRenderer } from '../src/scorecards/pdf-renderer.js';
import { makeReview } from '../src/scorecards/review.fixture.js';
import { renderScorecardHtml } from '../src/scorecards/scorecard-html.js';
import type { Lang } from '../src/i18n/langs.js';
import { buildScorecardView } from '../src/scorecards/scorecard-view.js';
import { firstPageGray, pdfFonts, pdfRawText, pdfWords, type PdfWord } from './support/pdf-reader.js';

const quiet = { log: (): void => undefined, warn: (): void => undefined, error: (): void => undefined };

const LONG_LATIN = 'Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessenschafewarenwohlgepflegtundsorgfalt';
const LONG_CJK = '欧阳'.concat(
  '明华天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙珠称夜光果珍李柰菜重芥姜海咸河淡鳞潜羽翔龙师火帝鸟官人皇始制文字乃服衣裳推位让国有虞陶唐吊民伐罪周发殷汤坐朝问道垂拱平章爱育黎首臣伏戎羌遐迩壹体率宾归王鸣',
);

interface HardName {
  kind: string;
  name: string;
  lang: Lang;
  department?: string;
}

const HARD_NAMES: HardName[] = [
  { kind: 'CJK Extension B (生僻字)', name: '𠀋𡈽𪚥', lang: 'zh-CN' },
  { kind: 'CJK Extensions C to F with a common surname', name: '王𪜀𫝀𫠠𬺰', lang: 'zh-CN' },
  { kind: 'an emoji between a Chinese and a Latin name', name: '李 🌟 Li', lang: 'zh-CN' },
  { kind: 'Vietnamese in the bold name cell', name: 'Nguyễn Thị Ánh Hồng', lang: 'en' },
  { kind: 'Latin with diacritics', name: 'José Ñúñez-Øberg Łukasz Šťastný Ærøskøbing', lang: 'en' },
  { kind: 'mixed CJK and Latin', name: '欧阳Ming-Hua Chen 陈明华', lang: 'zh-CN' },
  { kind: 'Arabic and full-width digits and letters', name: '王１２３ Ｗａｎｇ 456', lang: 'zh-CN' },
  { kind: 'rare BMP and Extension A characters', name: '张堃 王喆 赵赟 林琍 㐂', lang: 'zh-CN' },
  // Upper case as on a passport: wider than the page in one piece.
  { kind: 'an unbroken 115-character Latin name (English)', name: LONG_LATIN.toUpperCase(), lang: 'en' },
  {
    kind: 'an unbroken 115-character Latin name (Chinese)',
    name: LONG_LATIN,
    lang: 'zh-CN',
    department: 'Departmentofsalesandcustomerrelationshipmanagementforeastchinaandthesouthernprovincesincludinghongkongmacaoandtaiwan',
  },
  { kind: 'an unbroken 115-character CJK name', name: LONG_CJK, lang: 'zh-CN' },
];

let workDir: string;
let renderer: PdfRenderer;
let counter = 0;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hard-names-'));
  // The first print launches Chromium and unpacks the fonts: generous on a loaded machine.
  renderer = new PdfRenderer({ logger: quiet, renderTimeoutMs: 60000 });
});

afterAll(async () => {
  await renderer?.onApplicationShutdown();
  if (!process.env.KEEP_PDFS) await rm(workDir, { recursive: true, force: true });
  else console.log(workDir);
});

async function printScorecard(hard: HardName): Promise<Buffer> {
  const review = makeReview();
  review.employee = { ...review.employee, name: hard.name, department: hard.department ?? review.employee.department };
  const view = buildScorecardView({
    review,
    history: [],
    peers: [],
    company: { name: 'Acme', logoDataUrl: null },
    lang: hard.lang,
    generatedAt: new Date('2025-07-10T01:30:00.000Z'),
  });
  const out = renderScorecardHtml(view);
  const pdf = await renderer.print({ html: out.html, css: out.css });
  // Kept for a look with KEEP_PDFS=1.
  await writeFile(join(workDir, `card-${++counter}.pdf`), pdf);
  return pdf;
}

/** Every glyph id drawn by a text operator in any content stream (page or form XObject). */
function drawnGlyphIds(pdf: Buffer): number[] {
  const ids: number[] = [];
  const raw = pdf.toString('latin1');
  const streamRe = /stream\r?\n/g;
  for (let m = streamRe.exec(raw); m; m = streamRe.exec(raw)) {
    const start = m.index + m[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue; // not a Flate stream (images are DCT) or not a content stream
    }
    for (const block of content.match(/\bBT\b[\s\S]*?\bET\b/g) ?? []) {
      for (const hex of block.match(/<([0-9A-Fa-f\s]*)>/g) ?? []) {
        const digits = hex.replace(/[<>\s]/g, '');
        for (let i = 0; i + 4 <= digits.length; i += 4) ids.push(Number.parseInt(digits.slice(i, i + 4), 16));
      }
    }
    streamRe.lastIndex = end;
  }
  return ids;
}

type Word = PdfWord;

/** Dark pixels of page 1 (rendered in grey) inside a box given in PDF points. */
async function inkInBox(pdf: Buffer, box: { xMin: number; yMin: number; xMax: number; yMax: number }, dpi = 150): Promise<number> {
  const { width, height, pixels } = await firstPageGray(pdf, dpi);
  const scale = dpi / 72;
  let dark = 0;
  for (let y = Math.floor(box.yMin * scale); y < Math.min(height, Math.ceil(box.yMax * scale)); y++) {
    for (let x = Math.floor(box.xMin * scale); x < Math.min(width, Math.ceil(box.xMax * scale)); x++) if (pixels[y * width + x] < 128) dark++;
  }
  return dark;
}

const squeeze = (text: string): string => text.replace(/\s+/g, '');

/** Top to bottom, and left to right within a line (an emoji's box sits a little lower than its line's letters). */
function readingOrder(a: Word, b: Word): number {
  const dy = (a.yMin + a.yMax) / 2 - (b.yMin + b.yMax) / 2;
  return Math.abs(dy) < 3 ? a.xMin - b.xMin : dy;
}

describe('hard names in the scorecard PDF', () => {
  it.each(HARD_NAMES)('$kind prints whole, with real glyphs, on the page', async (hard) => {
    const pdf = await printScorecard(hard);

    // 1. The exact text. A name that fits on its line comes back verbatim; a wrapped one comes back
    //    with line breaks inside, so it is compared without white space.
    //    -raw keeps the content stream's order, so a name wrapped in its cell is not interleaved
    //    with the cells beside it (pdf.js reads in that order anyway).
    const text = await pdfRawText(pdf);
    if (hard.name.length <= 40) expect(text.replace(/[ \t]+/g, ' ')).toContain(hard.name);
    expect(squeeze(text)).toContain(squeeze(hard.name));

    // 2. No .notdef box anywhere.
    const glyphs = drawnGlyphIds(pdf);
    expect(glyphs.length).toBeGreaterThan(100);
    expect(glyphs.filter((id) => id === 0)).toEqual([]);

    // 3 and 4. Page 1: every word on the page; the name's words carry ink; the facts beside it are there.
    const page = await pdfWords(pdf, 1);
    for (const word of page.words) {
      expect({ word: word.text, right: word.xMax <= page.width + 0.5 }).toEqual({ word: word.text, right: true });
      expect(word.xMin).toBeGreaterThanOrEqual(0);
    }
    const firstPiece = hard.name.split(/\s+/)[0].slice(0, 3);
    // The body's name cell, not the smaller copy in the page header.
    const nameWord = page.words.filter((w) => w.text.startsWith(firstPiece)).sort((a, b) => b.yMax - b.yMin - (a.yMax - a.yMin))[0];
    expect(nameWord).toBeDefined();
    if (nameWord) expect(await inkInBox(pdf, nameWord)).toBeGreaterThan(20);
    // Text outside the page is not extracted at all, so the page's words must hold the whole name,
    // number, department, cycle and status (the label of a status cell, not only the title badge).
    // A value wrapped in its cell comes as several words, with other columns' words between them
    // on the same lines: its own pieces, top to bottom and left to right, must make it up.
    const department = hard.department ?? '华东销售部';
    const facts = [hard.name, 'E0042', department, '2025 H1', hard.lang === 'en' ? 'Status Finalized' : '状态 已定稿'];
    const missing = facts.filter((fact) => {
      const pieces = page.words.filter((w) => squeeze(fact).includes(w.text)).sort(readingOrder);
      return !squeeze(pieces.map((w) => w.text).join('')).includes(squeeze(fact));
    });
    expect(missing).toEqual([]);

    // 5. Only embedded Identity-H CID TrueType subsets. pdffonts lists every font object and pdf.js
    //    every font it loads: the same fonts here, each row checked whole.
    const rows = await pdfFonts(pdf);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect({ ...row, name: '' }).toEqual({ name: '', type: 'CID TrueType', encoding: 'Identity-H', emb: 'yes', sub: 'yes' });
  });
});

describe('the running header and footer (CSS page-margin boxes) in the printed scorecard', () => {
  it('stand on every page of a 2-page draft: company and title, the person and cycle, the draft mark, print facts and "page X of Y"', async () => {
    const review = makeReview({ status: 'draft', extra: { developmentPlan: '每月复盘一次重点客户拜访记录，跟随资深经理学习方案呈现。\n'.repeat(40) } });
    review.employee = { ...review.employee, name: '𠀋𡈽𪚥' };
    const view = buildScorecardView({
      review,
      history: [],
      peers: [],
      company: { name: 'Acme 示例科技', logoDataUrl: null },
      lang: 'zh-CN',
      generatedAt: new Date('2025-07-10T01:30:00.000Z'),
    });
    const out = renderScorecardHtml(view, { contentHash: 'sha256:9f86d081884c7d65' });
    const pdf = await renderer.print({ html: out.html, css: out.css });
    await writeFile(join(workDir, 'running-header.pdf'), pdf);
    expect(drawnGlyphIds(pdf).filter((id) => id === 0)).toEqual([]);
    const first = await pdfWords(pdf, 1);
    const pages = Number(/共(\d+)页/.exec(squeeze(first.words.map((w) => w.text).join('')))?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    // The margins are 16 mm (45 pt): the header's words above the body, the footer's below it.
    const margin = (16 / 25.4) * 72;
    for (let n = 1; n <= pages; n++) {
      const page = n === 1 ? first : await pdfWords(pdf, n);
      const top = squeeze(
        page.words
          .filter((w) => w.yMax <= margin)
          .map((w) => w.text)
          .join(''),
      );
      const bottom = squeeze(
        page.words
          .filter((w) => w.yMin >= page.height - margin)
          .map((w) => w.text)
          .join(''),
      );
      for (const piece of ['Acme示例科技·绩效评估表', '𠀋𡈽𪚥·2025H1', '草稿']) expect({ n, top: top.includes(piece) }).toEqual({ n, top: true });
      for (const piece of [`第${n}页/共${pages}页`, '模板版本:v3', 'sha256:9f86d081884c7d65'])
        expect({ n, piece, bottom: bottom.includes(piece) }).toEqual({ n, piece, bottom: true });
    }
  });
});
