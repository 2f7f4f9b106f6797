// PDFs read back the way the tests check them: text, page count and title, the font list, page 1
// as a PNG. Two readers behind one API:
// - poppler (pdftotext, pdfinfo, pdffonts, pdftoppm) when its binaries are on PATH: the tests were
//   written against its output, so a machine that has it keeps getting exactly that;
// - pdf.js (pdfjs-dist, with @napi-rs/canvas to rasterise) otherwise, or always with PDF_READER=pdfjs:
//   npm packages only, so `npm ci && npm test` needs no apt step (issue 11).
// PDF_READER=poppler forces poppler (and fails loudly if it is missing). In pdfjs mode this module
// refuses to start a poppler binary at all, so a run that claims to be poppler-free is.
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

export type PdfReaderKind = 'poppler' | 'pdfjs';

export interface PdfInfo {
  pages: number;
  /** The document title ('' when there is none). */
  title: string;
  /** Every metadata entry as `Key: value` lines (pdfinfo's output under poppler). */
  raw: string;
}

/** One row of `pdffonts`, with poppler's spellings ('CID TrueType', 'yes'/'no'). */
export interface FontRow {
  name: string;
  type: string;
  /**
   * A composite (CID) font's CMap, e.g. 'Identity-H'; absent for simple fonts, whose encoding pdf.js
   * does not name the way pdffonts does.
   */
  encoding?: string;
  emb: 'yes' | 'no';
  sub: 'yes' | 'no';
}

/** A word on a page, its box in PDF points from the page's top left corner (y down), as pdftotext -bbox gives it. */
export interface PdfWord {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

export interface PdfPageWords {
  /** The page's size in points. */
  width: number;
  height: number;
  words: PdfWord[];
}

/** A grey image, one byte a pixel (0 black, 255 white), rows top to bottom. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

const POPPLER_TOOLS = ['pdftotext', 'pdfinfo', 'pdffonts', 'pdftoppm'] as const;
type PopplerTool = (typeof POPPLER_TOOLS)[number];

function onPath(command: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, command), fsConstants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The reader in use now: PDF_READER if set, else poppler when all four tools are on PATH. */
export function pdfReader(env: NodeJS.ProcessEnv = process.env): PdfReaderKind {
  const forced = env.PDF_READER?.trim().toLowerCase();
  if (forced === 'pdfjs' || forced === 'poppler') return forced;
  if (forced) throw new Error(`PDF_READER must be "poppler" or "pdfjs", not "${env.PDF_READER}"`);
  return POPPLER_TOOLS.every((tool) => onPath(tool, env.PATH)) ? 'poppler' : 'pdfjs';
}

const execFileAsync = promisify(execFile);

/** The only door to the poppler binaries; closed in pdfjs mode. */
export async function runPoppler(tool: PopplerTool, args: readonly string[]): Promise<string> {
  if (pdfReader() !== 'poppler') throw new Error(`PDF reader is pdfjs: refusing to run ${tool}`);
  const { stdout } = await execFileAsync(tool, args, { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

/** A temporary file holding the PDF for the length of `use`. */
async function withFile<T>(pdf: Uint8Array, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'pdf-reader-'));
  try {
    const file = join(dir, 'doc.pdf');
    await writeFile(file, pdf);
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- pdf.js ------------------------------------------------------------------------------------

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

let pdfjsModule: Promise<PdfJs> | undefined;

function pdfjs(): Promise<PdfJs> {
  pdfjsModule ??= (async () => {
    // The worker's handler in this thread: Node has no web workers, and importing it here spares
    // pdf.js a dynamic import of its own (which Jest's module loader does not follow).
    const worker = (await import('pdfjs-dist/legacy/build/pdf.worker.mjs')) as { WorkerMessageHandler: unknown };
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
    return import('pdfjs-dist/legacy/build/pdf.mjs');
  })();
  return pdfjsModule;
}

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/**
 * `standardFonts: false` leaves out pdf.js's copies of the 14 standard fonts: with them it would load
 * a substitute for a font the file does not carry and report it as there (missingFile false), where
 * pdffonts says `emb no`. Rendering wants them; the font list must not have them.
 */
async function withDocument<T>(pdf: Uint8Array, use: (doc: PdfDocument) => Promise<T>, { standardFonts = true } = {}): Promise<T> {
  const { getDocument } = await pdfjs();
  const doc = await getDocument({
    // pdf.js takes ownership of (detaches) the array it is given: hand it a copy.
    data: new Uint8Array(pdf),
    // Files, not fetches: CJK CMaps and the 14 standard fonts come from the package itself.
    cMapUrl: join(pdfjsRoot, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: standardFonts ? join(pdfjsRoot, 'standard_fonts') + '/' : undefined,
    wasmUrl: join(pdfjsRoot, 'wasm') + '/',
    // The font dictionaries' Subtype, to name fonts the way pdffonts does.
    fontExtraProperties: true,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  try {
    return await use(doc);
  } finally {
    await doc.destroy();
  }
}

interface TextPiece {
  str: string;
  hasEOL: boolean;
}

/** pdftotext's shape: each page's lines, each page ended by a form feed. */
async function pdfjsText(pdf: Uint8Array): Promise<string> {
  return withDocument(pdf, async (doc) => {
    let out = '';
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      // No NFKC: pdftotext keeps full-width punctuation (：（）) as printed, and so do the tests.
      const content = await page.getTextContent({ disableNormalization: true });
      let text = '';
      for (const item of content.items as TextPiece[]) {
        if (typeof item.str !== 'string') continue; // marked-content markers
        text += item.str;
        if (item.hasEOL) text += '\n';
      }
      // NFC, not NFKC: pdftotext composes what a font's ToUnicode map leaves decomposed ("ô" +
      // U+0300 for "ồ"), and NFC keeps the full-width forms.
      text = text.normalize('NFC');
      out += `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}\f`;
      page.cleanup();
    }
    return out;
  });
}

async function pdfjsInfo(pdf: Uint8Array): Promise<PdfInfo> {
  return withDocument(pdf, async (doc) => {
    const info = (await doc.getMetadata()).info as Record<string, unknown> | null;
    const entries = Object.entries(info ?? {}).filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
    const title = typeof info?.Title === 'string' ? info.Title : '';
    const raw = [...entries.map(([k, v]) => `${k}: ${String(v)}`), `Pages: ${doc.numPages}`].join('\n') + '\n';
    return { pages: doc.numPages, title, raw };
  });
}

interface PdfJsFont {
  name?: string;
  type?: string;
  subtype?: string;
  composite?: boolean;
  missingFile?: boolean;
  isType3Font?: boolean;
  /** Only with fontExtraProperties; a structured clone of the CMap, its own fields only. */
  cMap?: PdfJsCMap;
}

interface PdfJsCMap {
  name?: string;
  vertical?: boolean;
  codespaceRanges?: number[][];
  numCodespaceRanges?: number;
  _map?: unknown[];
}

/**
 * The CMap's name as pdffonts prints it. pdf.js names the CMaps it parses, but builds Identity-H and
 * Identity-V as a nameless IdentityCMap: one 2-byte codespace range 0000-FFFF and no mappings.
 */
export function cMapName(cMap: PdfJsCMap | undefined): string | undefined {
  if (!cMap) return undefined;
  if (cMap.name) return cMap.name;
  const identity =
    cMap.numCodespaceRanges === 1 &&
    cMap.codespaceRanges?.[1]?.length === 2 &&
    cMap.codespaceRanges[1][0] === 0 &&
    cMap.codespaceRanges[1][1] === 0xffff &&
    (cMap._map ?? []).filter((v) => v !== undefined && v !== null).length === 0;
  return identity ? (cMap.vertical ? 'Identity-V' : 'Identity-H') : undefined;
}

/**
 * pdffonts' type column from the font dictionary's Subtype (for a Type0 font, its descendant's,
 * which pdf.js reports as the type), and the FontFile3 subtype for CFF programs.
 */
export function popplerFontType(font: PdfJsFont): string {
  if (font.isType3Font || font.type === 'Type3') return 'Type 3';
  switch (font.type) {
    case 'CIDFontType2':
      return 'CID TrueType';
    case 'CIDFontType0':
      return font.subtype === 'OpenType' ? 'CID OpenType' : 'CID Type 0C';
    case 'TrueType':
      return font.subtype === 'OpenType' ? 'OpenType' : 'TrueType';
    case 'Type1':
    case 'MMType1':
      return font.subtype === 'Type1C' ? 'Type 1C' : font.subtype === 'OpenType' ? 'OpenType' : 'Type 1';
    default:
      return font.type ?? 'unknown';
  }
}

/** Every font the pages use, once each, in first-use order (pdffonts lists them by page too). */
async function pdfjsFonts(pdf: Uint8Array): Promise<FontRow[]> {
  const { OPS } = await pdfjs();
  return withDocument(
    pdf,
    async (doc) => {
      const rows: FontRow[] = [];
      const seen = new Set<string>();
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n);
        // Building the operator list loads each font into the page's shared objects.
        const ops = await page.getOperatorList();
        for (let i = 0; i < ops.fnArray.length; i++) {
          if (ops.fnArray[i] !== OPS.setFont) continue;
          const loadedName = (ops.argsArray[i] as [string, number])[0];
          if (seen.has(loadedName)) continue;
          seen.add(loadedName);
          const font = page.commonObjs.get(loadedName) as PdfJsFont;
          const type = popplerFontType(font);
          // A Type 3 font has no BaseFont (PDF 32000-1 9.6.5), and pdffonts prints "[none]"; pdf.js
          // would show the /Name Skia gives it, which is the name of the font it stands in for.
          const name = type === 'Type 3' || !font.name ? '[none]' : font.name;
          const encoding = font.composite ? cMapName(font.cMap) : undefined;
          rows.push({
            name,
            type,
            ...(encoding ? { encoding } : {}),
            // pdf.js marks a font whose program is not in the file (it substitutes a system one).
            emb: font.missingFile ? 'no' : 'yes',
            // A subset's BaseFont carries a six-capital tag: "AAAAAA+NotoSansSC-Regular".
            sub: /^[A-Z]{6}\+/.test(name) ? 'yes' : 'no',
          });
        }
        page.cleanup();
      }
      return rows;
    },
    { standardFonts: false },
  );
}

/** Page 1 at 72 dpi, as pdftoppm -r 72 draws it. */
async function pdfjsFirstPagePng(pdf: Uint8Array): Promise<Buffer> {
  return drawFirstPage(pdf, 1, (canvas) => canvas.toBuffer('image/png'));
}

/** Content-stream order, as pdftotext -raw keeps it: pdf.js text already comes in that order. */
const pdfjsRawText = pdfjsText;

interface PositionedPiece extends TextPiece {
  transform: number[];
  width: number;
  height: number;
}

/**
 * Words as pdftotext -bbox makes them: pdf.js gives runs of text, cut where the font changes (a rare
 * character drawn from a fallback font is a run of its own), so a word is cut at white space and
 * at line ends, and glued across runs that touch on the same baseline. pdf.js gives a run's advance
 * width but not each glyph's, so a word's share of its run's box is its share of the characters;
 * the box runs from the baseline up by the font size and down by a fifth of it (pdftotext uses the
 * font's ascent and descent, so its boxes are a little taller).
 */
async function pdfjsWords(pdf: Uint8Array, pageNumber: number): Promise<PdfPageWords> {
  const { Util } = await pdfjs();
  return withDocument(pdf, async (doc) => {
    const page = await doc.getPage(pageNumber);
    const viewport = page.getViewport({ scale: 1 });
    const content = await page.getTextContent({ disableNormalization: true });
    const words: PdfWord[] = [];
    // The word the last run ended in, while the next run may still continue it.
    let open: { word: PdfWord; baseline: number } | undefined;
    for (const item of content.items as PositionedPiece[]) {
      if (typeof item.str !== 'string') continue;
      // Into page space with the origin at the top left, y down (the viewport's transform).
      const [, , , , x, y] = Util.transform(viewport.transform, item.transform) as number[];
      const chars = [...item.str];
      const perChar = chars.length > 0 ? item.width / chars.length : 0;
      const size = item.height;
      let offset = 0;
      for (const part of item.str.split(/(\s+)/)) {
        const length = [...part].length;
        if (part.trim() === '') {
          if (part !== '') open = undefined;
        } else {
          const xMin = x + offset * perChar;
          const xMax = x + (offset + length) * perChar;
          const touches = open !== undefined && offset === 0 && Math.abs(open.baseline - y) < size * 0.2 && Math.abs(xMin - open.word.xMax) < size * 0.25;
          if (open && touches) {
            open.word.text += part;
            open.word.xMax = Math.max(open.word.xMax, xMax);
            open.word.yMin = Math.min(open.word.yMin, y - size);
            open.word.yMax = Math.max(open.word.yMax, y + size / 5);
          } else {
            const word = { text: part, xMin, xMax, yMin: y - size, yMax: y + size / 5 };
            words.push(word);
            open = { word, baseline: y };
          }
        }
        offset += length;
      }
      if (item.hasEOL) open = undefined;
    }
    page.cleanup();
    // pdftotext composes what a font's ToUnicode map leaves decomposed ("ô" + U+0300 for "ồ").
    for (const word of words) word.text = word.text.normalize('NFC');
    return { width: viewport.width, height: viewport.height, words };
  });
}

/** Page 1 drawn at `dpi`, RGBA turned to grey with the ITU-R 601 luma weights (as pdftoppm -gray). */
async function pdfjsFirstPageGray(pdf: Uint8Array, dpi: number): Promise<GrayImage> {
  return drawFirstPage(pdf, dpi / 72, (canvas, context) => {
    const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const pixels = new Uint8Array(canvas.width * canvas.height);
    for (let i = 0; i < pixels.length; i++) {
      pixels[i] = Math.round(0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2]);
    }
    return { width: canvas.width, height: canvas.height, pixels };
  });
}

type NapiCanvas = import('@napi-rs/canvas').Canvas;

/** Page 1 drawn by pdf.js on a white canvas at `scale` (1 = 72 dpi), handed to `read`. */
async function drawFirstPage<T>(pdf: Uint8Array, scale: number, read: (canvas: NapiCanvas, context: import('@napi-rs/canvas').SKRSContext2D) => T): Promise<T> {
  const { createCanvas } = await import('@napi-rs/canvas');
  return withDocument(pdf, async (doc) => {
    const page = await doc.getPage(1);
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    // pdftoppm paints on white; a canvas starts transparent.
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({
      canvas: canvas as unknown as HTMLCanvasElement,
      canvasContext: context as unknown as CanvasRenderingContext2D,
      viewport,
    }).promise;
    page.cleanup();
    return read(canvas, context);
  });
}

// ---- poppler -----------------------------------------------------------------------------------

async function popplerText(pdf: Uint8Array): Promise<string> {
  return withFile(pdf, (file) => runPoppler('pdftotext', ['-enc', 'UTF-8', file, '-']));
}

async function popplerInfo(pdf: Uint8Array): Promise<PdfInfo> {
  const raw = await withFile(pdf, (file) => runPoppler('pdfinfo', ['-enc', 'UTF-8', file]));
  return { pages: Number(/^Pages:\s+(\d+)/m.exec(raw)?.[1]), title: /^Title:\s*(.*)$/m.exec(raw)?.[1] ?? '', raw };
}

async function popplerFonts(pdf: Uint8Array): Promise<FontRow[]> {
  const stdout = await withFile(pdf, (file) => runPoppler('pdffonts', [file]));
  const lines = stdout.split('\n');
  // "------------------------------------ ----------------- ..." gives the column widths.
  const columns: Array<[number, number]> = [];
  const re = /-+/g;
  for (let m = re.exec(lines[1]); m; m = re.exec(lines[1])) columns.push([m.index, m.index + m[0].length]);
  return lines
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cell = (i: number): string => line.slice(columns[i][0], columns[i][1] + 1).trim();
      const type = cell(1);
      const encoding = type.startsWith('CID ') ? cell(2) : undefined;
      return { name: cell(0), type, ...(encoding ? { encoding } : {}), emb: cell(3) === 'yes' ? 'yes' : 'no', sub: cell(4) === 'yes' ? 'yes' : 'no' };
    });
}

async function popplerFirstPagePng(pdf: Uint8Array): Promise<Buffer> {
  return withFile(pdf, async (file) => {
    const prefix = `${file}.page1`;
    await runPoppler('pdftoppm', ['-png', '-r', '72', '-f', '1', '-l', '1', '-singlefile', file, prefix]);
    return readFile(`${prefix}.png`);
  });
}

async function popplerRawText(pdf: Uint8Array): Promise<string> {
  return withFile(pdf, (file) => runPoppler('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-']));
}

async function popplerWords(pdf: Uint8Array, pageNumber: number): Promise<PdfPageWords> {
  const n = String(pageNumber);
  const stdout = await withFile(pdf, (file) => runPoppler('pdftotext', ['-enc', 'UTF-8', '-bbox', '-f', n, '-l', n, file, '-']));
  const page = /<page width="([\d.]+)" height="([\d.]+)">/.exec(stdout);
  const words: PdfWord[] = [];
  const re = /<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)<\/word>/g;
  for (let m = re.exec(stdout); m; m = re.exec(stdout)) {
    const text = m[5]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
    words.push({ xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text });
  }
  return { width: Number(page?.[1]), height: Number(page?.[2]), words };
}

async function popplerFirstPageGray(pdf: Uint8Array, dpi: number): Promise<GrayImage> {
  return withFile(pdf, async (file) => {
    const prefix = `${file}.gray`;
    await runPoppler('pdftoppm', ['-f', '1', '-l', '1', '-r', String(dpi), '-gray', '-singlefile', file, prefix]);
    const pgm = await readFile(`${prefix}.pgm`);
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
    if (!header) throw new Error('pdftoppm did not write a binary PGM');
    return { width: Number(header[1]), height: Number(header[2]), pixels: new Uint8Array(pgm.subarray(header[0].length)) };
  });
}

// ---- the API -----------------------------------------------------------------------------------

/** All the text, pages ended by '\f' (pdftotext's default, not -layout). */
export function pdfText(pdf: Uint8Array): Promise<string> {
  return pdfReader() === 'poppler' ? popplerText(pdf) : pdfjsText(pdf);
}

/** Page count, title and the metadata lines. */
export function pdfInfo(pdf: Uint8Array): Promise<PdfInfo> {
  return pdfReader() === 'poppler' ? popplerInfo(pdf) : pdfjsInfo(pdf);
}

export async function pdfPages(pdf: Uint8Array): Promise<number> {
  return (await pdfInfo(pdf)).pages;
}

/** The fonts the pages use: poppler lists one row per font object, pdf.js one per font it loads. */
export function pdfFonts(pdf: Uint8Array): Promise<FontRow[]> {
  return pdfReader() === 'poppler' ? popplerFonts(pdf) : pdfjsFonts(pdf);
}

/** Page 1 rasterised at 72 dpi as PNG bytes. */
export function firstPagePng(pdf: Uint8Array): Promise<Buffer> {
  return pdfReader() === 'poppler' ? popplerFirstPagePng(pdf) : pdfjsFirstPagePng(pdf);
}

/** All the text in the content stream's order (pdftotext -raw): a cell's wrapped lines stay together. */
export function pdfRawText(pdf: Uint8Array): Promise<string> {
  return pdfReader() === 'poppler' ? popplerRawText(pdf) : pdfjsRawText(pdf);
}

/** The words of one page (1-based) with their boxes. */
export function pdfWords(pdf: Uint8Array, page: number): Promise<PdfPageWords> {
  return pdfReader() === 'poppler' ? popplerWords(pdf, page) : pdfjsWords(pdf, page);
}

/** Page 1 rasterised at `dpi` in grey. */
export function firstPageGray(pdf: Uint8Array, dpi: number): Promise<GrayImage> {
  return pdfReader() === 'poppler' ? popplerFirstPageGray(pdf, dpi) : pdfjsFirstPageGray(pdf, dpi);
}
