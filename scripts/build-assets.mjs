// Builds the browser's scoring.js from src/scoring (src/scoring/browser.ts), so the review page
// scores with the server's own code. `npm run build` runs it (into dist/assets, where the app reads
// it); the e2e global set-up runs it before the tests, and src/web/scoring-js.spec.ts checks the
// bundle. Plain JavaScript, so that node runs it before (and without) any TypeScript build.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the app serves generated assets from (src/web/assets.ts). */
export const GENERATED_ASSETS_DIR = join(ROOT, 'dist', 'assets');

/** One classic script defining the global ScorecardScoring; ES2017, as the pages' other scripts run on older browsers. */
function scoringOptions() {
  return {
    entryPoints: [join(ROOT, 'src', 'scoring', 'browser.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'ScorecardScoring',
    target: 'es2017',
    platform: 'browser',
    legalComments: 'none',
    banner: { js: '// Built from src/scoring by scripts/build-assets.mjs (npm run build); do not edit.' },
    logLevel: 'warning',
  };
}

/** The bundle's text, built in memory. */
export async function scoringJs() {
  const result = await build({ ...scoringOptions(), write: false, outfile: 'scoring.js' });
  return result.outputFiles[0].text;
}

/** Writes scoring.js into `dir`. */
export async function buildAssets(dir = GENERATED_ASSETS_DIR) {
  await build({ ...scoringOptions(), outfile: join(dir, 'scoring.js') });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildAssets();
