import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

// Dependencies point down: common/ is used by every feature, so it may import only itself and the
// app's configuration. A feature it imported would pull that feature into every other one.
const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, '..');
const ALLOWED = new Set(['common', 'config']);

function importsOf(text: string): string[] {
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  return specifiers.filter((s) => s.startsWith('.'));
}

function offending(file: string, text: string): string[] {
  return importsOf(text)
    .filter((spec) => !ALLOWED.has(relative(src, resolve(here, spec)).split(/[\\/]/)[0]))
    .map((spec) => `${file} → ${spec}`);
}

describe('src/common', () => {
  const files = readdirSync(here).filter((f) => f.endsWith('.ts'));

  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('imports nothing from feature folders (scorecards, reviews, web, auth …)', () => {
    expect(files.flatMap((f) => offending(f, readFileSync(join(here, f), 'utf8')))).toEqual([]);
  });

  it('would see a feature import', () => {
    // The check above would also pass on a parser that finds nothing.
    const text =
      "import { A } from './errors.js';\nimport type { B } from '../config/config.js';\nimport {\n  C,\n} from '../scorecards/pdf-renderer.errors.js';\n";
    expect(offending('x.ts', text)).toEqual(['x.ts → ../scorecards/pdf-renderer.errors.js']);
  });
});
