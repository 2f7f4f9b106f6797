import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The templates folder at the project root. From src/<folder>/ (Jest, ts sources) it is
 * ../../templates; from dist/src/<folder>/ (the build) it is ../../../templates.
 */
export function findTemplatesDir(from: string | URL = import.meta.url): string {
  const tried: string[] = [];
  for (const rel of ['../../templates/', '../../../templates/']) {
    const dir = fileURLToPath(new URL(rel, from));
    if (existsSync(join(dir, 'scorecard.hbs'))) return dir;
    tried.push(dir);
  }
  throw new Error(`Scorecard templates not found; looked in ${tried.join(' and ')}`);
}
