import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { FONT_STACK, parseHanaMinSlices, parseSlices } from './fonts.js';

const require = createRequire(import.meta.url);
const packageFile = (name: string, file: string): string => readFileSync(join(dirname(require.resolve(`${name}/package.json`)), file), 'utf8');

/** Whether a CSS unicode-range (U+XXXX, U+XXXX-YYYY, comma-separated) covers the code point. */
function covers(unicodeRange: string, codePoint: number): boolean {
  return unicodeRange.split(',').some((part) => {
    const m = /U\+([0-9a-f]+)(?:-([0-9a-f]+))?/i.exec(part.trim());
    if (!m) return false;
    const from = Number.parseInt(m[1], 16);
    const to = m[2] ? Number.parseInt(m[2], 16) : from;
    return codePoint >= from && codePoint <= to;
  });
}

describe('rare-name fonts', () => {
  it('takes the HanaMin slices for Extensions A to F and compatibility ideographs, not its Latin or main ideographs', () => {
    const slices = parseHanaMinSlices(packageFile('hanamin', 'HanaMin.css'));
    const coveredBy = (ch: string) => slices.filter((s) => covers(s.unicodeRange, ch.codePointAt(0) ?? 0)).map((s) => s.file);
    // 𠀋 𡈽 𪚥 (B), 𪜀 (C), 𫝀 (D), 𫠠 (E), 𬺰 (F), 㐂 (A), U+2F800 (compatibility supplement)
    for (const ch of ['𠀋', '𡈽', '𪚥', '𪜀', '𫝀', '𫠠', '𬺰', '㐂', '\u{2F800}']) expect({ ch, files: coveredBy(ch).length }).toEqual({ ch, files: 1 });
    for (const ch of ['A', '张']) expect(coveredBy(ch)).toEqual([]);
    expect(slices.every((s) => /^HanaMin[AB]\.[\w-]+\.woff2$/.test(s.file))).toBe(true);
  });

  it('reads the Noto Emoji slices of both weights, 🌟 among them', () => {
    for (const weight of [400, 700]) {
      const slices = parseSlices(packageFile('@fontsource/noto-emoji', `${weight}.css`));
      expect(slices.length).toBeGreaterThan(5);
      expect(slices.filter((s) => covers(s.unicodeRange, 0x1f31f)).length).toBeGreaterThan(0);
    }
  });

  it('names the rare fonts after Noto Sans SC in the font stack, with the generic family last', () => {
    expect(FONT_STACK).toBe("'Noto Sans SC', 'Noto Sans SC Fallback', 'Noto Emoji', 'HanaMinB', 'HanaMinA', sans-serif");
    // The scorecard's own stylesheet names the same families (it sets font-family itself).
    expect(readFileSync(new URL('../../templates/scorecard.css', import.meta.url), 'utf8')).toContain(
      `font-family: ${FONT_STACK.replace(/, sans-serif$/, '')}, sans-serif;`,
    );
  });
});
