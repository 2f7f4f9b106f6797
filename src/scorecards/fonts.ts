// The CJK font for PDFs: Noto Sans SC from @fontsource/noto-sans-sc, as @font-face rules with
// inline data: URLs (render pages load nothing from outside, so the font must travel inside the
// document). The package ships only WOFF2/WOFF files with TrueType (glyf) outlines; Chromium
// decodes them and Skia embeds the glyphs actually used as a "CID TrueType" subset (checked with
// pdffonts: `AAAAAA+NotoSansSCThin-Regular  CID TrueType  Identity-H  emb yes  sub yes`), never
// as Type 3. The family name inside the files is "NotoSansSCThin" because Google cut these static
// weights from the variable font whose default instance is Thin; the glyphs are the weight asked for.
//
// Two layers:
//  - 'Noto Sans SC': the package's "chinese-simplified" file per weight (one ~1.1 MB file each,
//    covering Latin and the common simplified characters), so a page usually embeds one font per
//    weight;
//  - 'Noto Sans SC Fallback' (weight 400): the package's ~100 unicode-range slices of the whole
//    font (~3.5 MB). Chromium decodes only the slices a page's text needs, so rare characters in
//    names (堃, 喆, 赟, 琍 ...) and symbols (①, ※) still print in the same design.
//
// Chromium's header and footer templates are separate little documents, laid out once per printed
// page, that see neither the page's @font-face rules nor finished loads of their own (a data: URL
// font in a footer template leaves its text invisible with font-display:block, or in DejaVu with
// swap: measured). They only get system fonts. So each browser also gets a private fontconfig
// setup (FONTCONFIG_FILE) that adds the two "chinese-simplified" weights as TrueType files, with
// 'Noto Sans SC' as an alias of their internal family name. Chromium's FreeType does not read the
// package's WOFF2 (tried: fontconfig lists it, Chromium ignores it), so the WOFF 1.0 files are
// unpacked into plain TrueType (zlib per table, no font tool needed).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';

export const FONT_FAMILY = 'Noto Sans SC';
export const FALLBACK_FONT_FAMILY = 'Noto Sans SC Fallback';
/** The font-family list render pages use for their body. */
export const FONT_STACK = `'${FONT_FAMILY}', '${FALLBACK_FONT_FAMILY}', sans-serif`;

export interface CjkFontOptions {
  /** Weights loaded as whole "chinese-simplified" files (default 400 and 700). */
  weights?: readonly number[];
  /** Add the full-coverage unicode-range slices at weight 400 (default true). */
  fallback?: boolean;
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
  const key = JSON.stringify([packageDir, weights, fallback]);
  let fonts = loaded.get(key);
  if (!fonts) {
    fonts = buildFonts(packageDir, weights, fallback);
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

async function buildFonts(packageDir: string, weights: readonly number[], fallback: boolean): Promise<CjkFonts> {
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
    const slices = parseSlices(await readFile(join(packageDir, '400.css'), 'utf8'));
    const datas = await Promise.all(slices.map((slice) => readFile(join(files, slice.file))));
    slices.forEach((slice, i) => rules.push(fontFace(FALLBACK_FONT_FAMILY, 400, datas[i].toString('base64'), slice.unicodeRange)));
  }
  let trueType: Promise<Array<{ weight: number; data: Buffer }>> | null = null;
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
      const conf = join(dir, 'fonts.conf');
      await writeFile(conf, fontconfigFile(fontDir, join(dir, 'fontconfig-cache')));
      return { FONTCONFIG_FILE: conf };
    },
  };
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
