// The pages' own CSS and JavaScript, read from templates/web/assets (and the built scoring.js from
// dist/assets) once at start and served from memory. URLs carry a content hash (?v=…) so browsers may keep a file for a year and still never
// run an old script against a new page.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { fontPackageDir } from '../scorecards/fonts.js';
import { findTemplatesDir } from '../common/templates-dir.js';

export interface Asset {
  body: Buffer;
  contentType: string;
  hash: string;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

export function webDir(): string {
  return join(findTemplatesDir(), 'web');
}

/** Assets made by the build (scripts/build-assets.mjs): scoring.js, from src/scoring. */
export function generatedAssetsDir(): string {
  return join(findTemplatesDir(), '..', 'dist', 'assets');
}

const GENERATED = ['scoring.js'];

@Injectable()
export class WebAssets {
  private readonly files = new Map<string, Asset>();

  constructor() {
    const dir = join(webDir(), 'assets');
    for (const name of readdirSync(dir).sort()) {
      const contentType = TYPES[extname(name)];
      if (!contentType) continue;
      const body = readFileSync(join(dir, name));
      this.add(name, body, contentType);
    }
    for (const name of GENERATED) {
      const file = join(generatedAssetsDir(), name);
      if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build (it builds ${name} from src/scoring)`);
      this.add(name, readFileSync(file), TYPES[extname(name)]);
    }
    // Chinese text must not depend on the viewer's fonts: the bundled Noto Sans SC (the PDFs' font)
    // comes last in the CSS font stack, so browsers with a system CJK font never download it.
    const fonts = join(fontPackageDir(), 'files');
    for (const weight of [400, 700]) {
      this.add(`noto-sans-sc-${weight}.woff2`, readFileSync(join(fonts, `noto-sans-sc-chinese-simplified-${weight}-normal.woff2`)), TYPES['.woff2']);
    }
  }

  private add(name: string, body: Buffer, contentType: string): void {
    this.files.set(name, { body, contentType, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) });
  }

  get(name: string): Asset | null {
    return this.files.get(name) ?? null;
  }

  /** The versioned URL of an asset; an unknown name is a template mistake. */
  url(name: string): string {
    const a = this.files.get(name);
    if (!a) throw new Error(`No web asset ${name}`);
    return `/assets/${name}?v=${a.hash}`;
  }
}
