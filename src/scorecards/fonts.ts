// The fonts PDFs print with: Noto Sans SC inline in each render page, a per-weight fallback of
// unicode-range slices, and HanaMin and Noto Emoji for rarer characters through each browser's
// private fontconfig. Why this way: docs/decisions/0002-pdf-fonts.md.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';

export const FONT_FAMILY = 'Noto Sans SC';
export const FALLBACK_FONT_FAMILY = 'Noto Sans SC Fallback';
/** Internal family names of the system-font slices for emoji and CJK Extensions A to F. */
export const RARE_FONT_FAMILIES = ['Noto Emoji', 'HanaMinB', 'HanaMinA'] as const;
/** The font-family list render pages use for their body. */
export const FONT_STACK = [FONT_FAMILY, FALLBACK_FONT_FAMILY, ...RARE_FONT_FAMILIES].map((family) => `'${family}'`).join(', ') + ', sans-serif';

export interface CjkFontOptions {
  /** Weights loaded as whole "chinese-simplified" files (default 400 and 700). */
  weights?: readonly number[];
  /** Add the full-coverage unicode-range slices, for each of `weights` (default true). */
  fallback?: boolean;
  /** Add Noto Emoji and HanaMin (CJK Extension A to F) as system fonts (default true). */
  rareFonts?: boolean;
  /** Folder of the @fontsource/noto-sans-sc package (default: resolved from node_modules). */
  packageDir?: string;
}

export interface CjkFonts {
  /** The `font-family` list to style text with. */
  readonly fontStack: string;
  /** @font-face rules (data: URLs) for a render page's shell document: loaded once per page. */
  readonly pageCss: string;
  readonly weights: readonly number[];
  /**
   * Writes the fonts as TrueType files plus a fontconfig file into `dir` and returns the
   * environment for Chromium (FONTCONFIG_FILE), so header/footer templates and any text outside the
   * web fonts find Noto Sans SC as a system font.
   */
  writeSystemFonts(dir: string): Promise<Record<string, string>>;
}

interface Slice {
  file: string;
  unicodeRange: string;
}

const loaded = new Map<string, Promise<CjkFonts>>();

/** Loads (once per process and set of options) the font files and builds the CSS. */
export function loadCjkFonts(options: CjkFontOptions = {}): Promise<CjkFonts> {
  const packageDir = options.packageDir ?? fontPackageDir();
  const weights = [...(options.weights ?? [400, 700])].sort((a, b) => a - b);
  const fallback = options.fallback ?? true;
  const rareFonts = options.rareFonts ?? true;
  const key = JSON.stringify([packageDir, weights, fallback, rareFonts]);
  let fonts = loaded.get(key);
  if (!fonts) {
    fonts = buildFonts(packageDir, weights, fallback, rareFonts);
    loaded.set(key, fonts);
    fonts.catch(() => loaded.delete(key));
  }
  return fonts;
}

let packageDirFound: string | null = null;

/** The folder of @fontsource/noto-sans-sc, resolved once: the renderer asks on every print. */
export function fontPackageDir(): string {
  packageDirFound ??= dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/package.json'));
  return packageDirFound;
}

async function buildFonts(packageDir: string, weights: readonly number[], fallback: boolean, rareFonts: boolean): Promise<CjkFonts> {
  const files = join(packageDir, 'files');
  const rules: string[] = [];
  for (const weight of weights) {
    const file = `noto-sans-sc-chinese-simplified-${weight}-normal.woff2`;
    const data = await readFile(join(files, file)).catch((error: unknown) => {
      throw new Error(`The CJK font file ${file} is missing from ${files}; weights available are 100-900`, { cause: error });
    });
    rules.push(fontFace(FONT_FAMILY, weight, data.toString('base64')));
  }
  if (fallback) {
    for (const weight of weights) {
      const slices = parseSlices(await readFile(join(packageDir, `${weight}.css`), 'utf8'));
      const datas = await Promise.all(slices.map((slice) => readFile(join(files, slice.file))));
      slices.forEach((slice, i) => rules.push(fontFace(FALLBACK_FONT_FAMILY, weight, datas[i].toString('base64'), slice.unicodeRange)));
    }
  }
  let trueType: Promise<Array<{ weight: number; data: Buffer }>> | null = null;
  let fallbackTrueType: Promise<Array<{ name: string; data: Buffer }>> | null = null;
  return {
    fontStack: FONT_STACK,
    pageCss: rules.join('\n'),
    weights,
    async writeSystemFonts(dir: string): Promise<Record<string, string>> {
      trueType ??= Promise.all(
        weights.map(async (weight) => ({
          weight,
          data: woffToSfnt(await readFile(join(files, `noto-sans-sc-chinese-simplified-${weight}-normal.woff`))),
        })),
      );
      const fontDir = join(dir, 'fonts');
      await mkdir(fontDir, { recursive: true });
      for (const { weight, data } of await trueType) await writeFile(join(fontDir, `noto-sans-sc-${weight}.ttf`), data);
      if (fallback) {
        fallbackTrueType ??= fallbackTrueTypeFonts(packageDir);
        for (const { name, data } of await fallbackTrueType) await writeFile(join(fontDir, name), data);
      }
      if (rareFonts) for (const { name, data } of await rareTrueTypeFonts()) await writeFile(join(fontDir, name), data);
      const conf = join(dir, 'fonts.conf');
      await writeFile(conf, fontconfigFile(fontDir, join(dir, 'fontconfig-cache')));
      return { FONTCONFIG_FILE: conf };
    },
  };
}

/**
 * The weight-400 fallback slices as TrueType, for the header and footer templates: they print the
 * employee's name on every page, rare characters (堃, 昃) included, with system fonts only.
 */
async function fallbackTrueTypeFonts(packageDir: string): Promise<Array<{ name: string; data: Buffer }>> {
  const slices = parseSlices(await readFile(join(packageDir, '400.css'), 'utf8'));
  return Promise.all(
    slices.map(async (slice) => {
      const woff = slice.file.replace(/\.woff2$/, '.woff');
      return { name: woff.replace(/\.woff$/, '.ttf'), data: woffToSfnt(await readFile(join(packageDir, 'files', woff))) };
    }),
  );
}

let rareFontsLoaded: Promise<Array<{ name: string; data: Buffer }>> | null = null;

/**
 * Noto Emoji (400, 700) and HanaMin's slices (see parseHanaMinSlices) as TrueType files: unpacked
 * once per process (cost: docs/decisions/0002-pdf-fonts.md), then written into each browser's font folder.
 */
export function rareTrueTypeFonts(): Promise<Array<{ name: string; data: Buffer }>> {
  if (!rareFontsLoaded) {
    rareFontsLoaded = loadRareFonts();
    rareFontsLoaded.catch(() => {
      rareFontsLoaded = null;
    });
  }
  return rareFontsLoaded;
}

async function loadRareFonts(): Promise<Array<{ name: string; data: Buffer }>> {
  const require = createRequire(import.meta.url);
  const out: Array<{ name: string; data: Buffer }> = [];
  const emojiDir = dirname(require.resolve('@fontsource/noto-emoji/package.json'));
  for (const weight of [400, 700]) {
    for (const slice of parseSlices(await readFile(join(emojiDir, `${weight}.css`), 'utf8'))) {
      const woff = slice.file.replace(/\.woff2$/, '.woff');
      out.push({ name: woff.replace(/\.woff$/, '.ttf'), data: woffToSfnt(await readFile(join(emojiDir, 'files', woff))) });
    }
  }
  const hanaminDir = dirname(require.resolve('hanamin/package.json'));
  const decompress = require('wawoff2/decompress.js') as (data: Uint8Array) => Promise<Uint8Array>;
  for (const slice of parseHanaMinSlices(await readFile(join(hanaminDir, 'HanaMin.css'), 'utf8'))) {
    const data = await decompress(await readFile(join(hanaminDir, slice.file)));
    // A copy: the result may be a view of the WebAssembly heap, which the next call reuses.
    out.push({ name: slice.file.replace(/\.woff2$/, '.ttf'), data: Buffer.from(data) });
  }
  return out;
}

/**
 * The slices of HanaMin.css that cover what Noto Sans SC lacks: every HanaMinB slice (Extensions
 * B to F, plus a few unified ideographs) and HanaMinA's Extension A (Noto Sans SC has only part of
 * it: 㐂 is missing), compatibility ideographs (and their supplement) and radicals. Not HanaMinA's
 * main unified ideographs, Latin or symbols: Noto Sans SC has those.
 */
export function parseHanaMinSlices(css: string): Slice[] {
  const slices: Slice[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(([^)]+\.woff2)\)/.exec(block)?.[1];
    const unicodeRange = /unicode-range:\s*([^;]+);/.exec(block)?.[1]?.trim();
    if (!file || !unicodeRange) continue;
    if (file.startsWith('HanaMinB.') || /^HanaMinA\.CJK-(Unified-Ideographs-Extension-A|Compatibility-Ideographs|Radicals-Supplement)/.test(file)) {
      slices.push({ file, unicodeRange });
    }
  }
  return slices;
}

function fontconfigFile(fontDir: string, cacheDir: string): string {
  const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    `  <dir>${esc(fontDir)}</dir>`,
    `  <cachedir>${esc(cacheDir)}</cachedir>`,
    // The files call themselves "Noto Sans SC Thin" (static cuts of the variable font, named after its default instance).
    `  <alias binding="same"><family>${FONT_FAMILY}</family><prefer><family>Noto Sans SC Thin</family></prefer></alias>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

/** Unpacks a WOFF 1.0 font into the TrueType/OpenType (SFNT) file it wraps. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < 44 || woff.readUInt32BE(0) !== 0x774f4646) throw new Error('Not a WOFF 1.0 font');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: Array<{ tag: number; checksum: number; data: Buffer; offset: number }> = [];
  let offset = 12 + 16 * numTables;
  for (let i = 0; i < numTables; i++) {
    const entry = 44 + i * 20;
    const start = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const raw = woff.subarray(start, start + compLength);
    const data = compLength < origLength ? inflateSync(raw) : raw;
    if (data.length !== origLength) throw new Error('Corrupt WOFF table');
    tables.push({ tag: woff.readUInt32BE(entry), checksum: woff.readUInt32BE(entry + 16), data, offset });
    offset += (data.length + 3) & ~3;
  }
  const sfnt = Buffer.alloc(offset);
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  sfnt.writeUInt32BE(flavor, 0);
  sfnt.writeUInt16BE(numTables, 4);
  sfnt.writeUInt16BE(searchRange, 6);
  sfnt.writeUInt16BE(entrySelector, 8);
  sfnt.writeUInt16BE(numTables * 16 - searchRange, 10);
  tables.forEach((table, i) => {
    const entry = 12 + i * 16;
    sfnt.writeUInt32BE(table.tag, entry);
    sfnt.writeUInt32BE(table.checksum, entry + 4);
    sfnt.writeUInt32BE(table.offset, entry + 8);
    sfnt.writeUInt32BE(table.data.length, entry + 12);
    table.data.copy(sfnt, table.offset);
  });
  return sfnt;
}

function fontFace(family: string, weight: number, base64: string, unicodeRange?: string): string {
  const range = unicodeRange ? `unicode-range:${unicodeRange};` : '';
  return `@font-face{font-family:'${family}';font-style:normal;font-weight:${weight};font-display:block;src:url(data:font/woff2;base64,${base64}) format('woff2');${range}}`;
}

/** The @font-face rules of the package's 400.css: one WOFF2 slice and its unicode-range each. */
export function parseSlices(css: string): Slice[] {
  const slices: Slice[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
    const unicodeRange = /unicode-range:\s*([^;]+);/.exec(block)?.[1]?.trim();
    if (!file || !unicodeRange) continue;
    slices.push({ file, unicodeRange });
  }
  return slices;
}
