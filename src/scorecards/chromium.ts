// Finding a Chromium to print with. Order:
//  1. CHROMIUM_PATH;
//  2. the system's chromium-headless-shell (Debian's old headless mode: about 5x faster to start and
//     to print than full Chromium), then full Chromium or Chrome;
//  3. the Chromium shipped inside the @sparticuz/chromium npm package, so that `npm ci && npm start`
//     prints on a machine where nothing but the npm registry was reachable. It is a
//     chrome-headless-shell build, brotli-compressed in the package (67 MB) and unpacked once into
//     a cache folder (209 MB) on the first print.
// CHROMIUM_IGNORE_SYSTEM=true skips step 2 (CI proves step 3 with it on a machine that has both).
// Installing never downloads a browser: puppeteer-core has no install script, and the packaged
// Chromium arrives as an ordinary file of an npm package.
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

/** How to get a faster browser, for error messages and logs. */
export const CHROMIUM_INSTALL_HINT =
  'Install one with `apt-get install chromium-headless-shell` (or `apt-get install chromium`), or set CHROMIUM_PATH to a Chromium or Chrome executable.';

export const SYSTEM_CHROMIUM_PATHS = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;

export const PACKAGED_CHROMIUM_NAME = '@sparticuz/chromium';

/** A Chromium inside an npm package: a compressed binary to unpack before the first launch. */
export interface PackagedChromium {
  packageName: string;
  version: string;
  /** The brotli-compressed executable inside the package. */
  archive: string;
}

export interface ChromiumExecutable {
  /**
   * What Puppeteer launches (a launcher script already resolved to the binary it runs). For the
   * packaged browser, where it lands once unpacked: call {@link prepareChromium} before launching.
   */
  executablePath: string;
  /** The path as found, before resolving a launcher script (the archive for the packaged browser). */
  foundAt: string;
  /** `'shell'` for chrome-headless-shell builds (old headless), `true` for full Chromium/Chrome (new headless). */
  headless: 'shell' | true;
  source: 'CHROMIUM_PATH' | 'system' | 'npm-package';
  /** Set for source 'npm-package'. */
  packaged?: PackagedChromium;
}

/** What the choice is made from; {@link chooseChromium} is pure over it. */
export interface ChromiumCandidates {
  /** CHROMIUM_PATH, trimmed; null when unset. */
  chromiumPath: string | null;
  /** Skip the system's browsers (CHROMIUM_IGNORE_SYSTEM). */
  ignoreSystem: boolean;
  systemPaths: readonly string[];
  /** The npm package's browser, when the package is installed and runs on this platform. */
  packaged: PackagedChromium | null;
}

export type ChromiumChoice =
  | { source: 'CHROMIUM_PATH' | 'system'; path: string }
  | { source: 'npm-package'; packaged: PackagedChromium }
  | { source: 'none'; reason: 'chromium-path-not-executable' | 'nothing-found' };

/**
 * The resolution order as a pure function of the candidates and a file test. An explicit
 * CHROMIUM_PATH that points nowhere is a mistake to report, never a reason to pick another browser.
 */
export function chooseChromium(candidates: ChromiumCandidates, isExecutable: (path: string) => boolean): ChromiumChoice {
  if (candidates.chromiumPath) {
    return isExecutable(candidates.chromiumPath)
      ? { source: 'CHROMIUM_PATH', path: candidates.chromiumPath }
      : { source: 'none', reason: 'chromium-path-not-executable' };
  }
  if (!candidates.ignoreSystem) {
    const path = candidates.systemPaths.find(isExecutable);
    if (path) return { source: 'system', path };
  }
  if (candidates.packaged) return { source: 'npm-package', packaged: candidates.packaged };
  return { source: 'none', reason: 'nothing-found' };
}

/** `true`, `1`, `yes` or `on` (any case); config.ts refuses other values at start-up. */
export function isTrueSetting(value: string | undefined): boolean {
  return /^(1|true|yes|on)$/i.test(value?.trim() ?? '');
}

export interface FindChromiumOptions {
  /** CHROMIUM_PATH, CHROMIUM_IGNORE_SYSTEM and CHROMIUM_CACHE_DIR are read from here; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Checked in order after CHROMIUM_PATH; defaults to {@link SYSTEM_CHROMIUM_PATHS}. */
  systemPaths?: readonly string[];
  /** Fall back to the npm package's browser (default true). */
  packaged?: boolean;
}

/** The first usable browser, or null when there is none (printing is then unavailable; the app still runs). */
export function findChromium(options: FindChromiumOptions = {}): ChromiumExecutable | null {
  const env = options.env ?? process.env;
  const choice = chooseChromium(
    {
      chromiumPath: env.CHROMIUM_PATH?.trim() || null,
      ignoreSystem: isTrueSetting(env.CHROMIUM_IGNORE_SYSTEM),
      systemPaths: options.systemPaths ?? SYSTEM_CHROMIUM_PATHS,
      packaged: options.packaged === false ? null : packagedChromium(),
    },
    isExecutableFile,
  );
  switch (choice.source) {
    case 'CHROMIUM_PATH':
    case 'system':
      return describe(choice.path, choice.source);
    case 'npm-package':
      return {
        executablePath: join(chromiumCacheDir(env), cacheName(choice.packaged), 'chromium'),
        foundAt: choice.packaged.archive,
        // The package builds chrome-headless-shell; it has no new headless mode.
        headless: 'shell',
        source: 'npm-package',
        packaged: choice.packaged,
      };
    case 'none':
      return null;
  }
}

/** Why printing is unavailable when {@link findChromium} found nothing. */
export function chromiumMissingMessage(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CHROMIUM_PATH?.trim();
  if (fromEnv) {
    return `CHROMIUM_PATH is set to ${fromEnv}, which is not an executable file. Unset it to print with the system's or the packaged Chromium. ${CHROMIUM_INSTALL_HINT}`;
  }
  const looked = isTrueSetting(env.CHROMIUM_IGNORE_SYSTEM)
    ? 'CHROMIUM_IGNORE_SYSTEM is set, so no system browser was considered'
    : `looked at ${SYSTEM_CHROMIUM_PATHS.join(', ')}`;
  const packagedNote =
    process.platform === 'linux' && process.arch === 'x64'
      ? `the npm package ${PACKAGED_CHROMIUM_NAME} is not installed (run \`npm ci\`)`
      : `the npm package ${PACKAGED_CHROMIUM_NAME} only runs on Linux x64`;
  return `No Chromium was found (${looked}; ${packagedNote}). ${CHROMIUM_INSTALL_HINT}`;
}

/** One line for the start-up log: which browser prints, and where it came from. */
export function describeChromium(chromium: ChromiumExecutable): string {
  const mode = chromium.headless === 'shell' ? 'headless shell' : 'new headless mode';
  switch (chromium.source) {
    case 'CHROMIUM_PATH':
      return `${chromium.executablePath} (from CHROMIUM_PATH, ${mode})`;
    case 'system':
      return `${chromium.executablePath} (the system's ${basename(chromium.foundAt)}, ${mode})`;
    case 'npm-package': {
      const pkg = chromium.packaged;
      const name = pkg ? `${pkg.packageName}@${pkg.version}` : PACKAGED_CHROMIUM_NAME;
      return `${chromium.executablePath} (packaged in the npm package ${name}, ${mode})`;
    }
  }
}

// ---- the packaged browser --------------------------------------------------------------------------

let packagedFound: PackagedChromium | null | undefined;

/** The npm package's browser, or null when it is not installed or cannot run here (its binary is Linux x64). */
export function packagedChromium(): PackagedChromium | null {
  if (packagedFound !== undefined) return packagedFound;
  packagedFound = null;
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  try {
    // The package exports only its entry point (build/index.js); its files sit beside it in ../bin.
    const entry = createRequire(import.meta.url).resolve(PACKAGED_CHROMIUM_NAME);
    const root = dirname(dirname(entry));
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const archive = join(root, 'bin', 'chromium.br');
    if (existsSync(archive)) packagedFound = { packageName: PACKAGED_CHROMIUM_NAME, version, archive };
  } catch {
    // not installed (e.g. pruned): there is no packaged browser
  }
  return packagedFound;
}

/**
 * Where packaged browsers are unpacked: CHROMIUM_CACHE_DIR, else `$XDG_CACHE_HOME/scorecard`,
 * `~/.cache/scorecard`, or (no home) a per-user folder under the temp dir.
 */
export function chromiumCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.CHROMIUM_CACHE_DIR?.trim();
  if (set) return set;
  if (env.XDG_CACHE_HOME?.trim()) return join(env.XDG_CACHE_HOME.trim(), 'scorecard');
  let home = '';
  try {
    home = homedir();
  } catch {
    // no home directory for this user
  }
  return home && home !== '/' ? join(home, '.cache', 'scorecard') : join(tmpdir(), `scorecard-cache-${userInfo().uid}`);
}

function cacheName(packaged: PackagedChromium): string {
  // The version in the name: an upgraded package unpacks afresh instead of reusing an old binary.
  return `${packaged.packageName.replace(/^@/, '').replace(/[^\w.-]+/g, '-')}-${packaged.version}`;
}

const unpacking = new Map<string, Promise<string>>();

/** Partial files older than this were left by a process that died while unpacking. */
const STALE_PARTIAL_MS = 10 * 60_000;

/**
 * Makes sure the browser can be launched and returns its executable: for the packaged browser,
 * unpacks it once. Safe when several processes start at once: each one writes to a temporary
 * name of its own in the cache folder and renames it into place (atomic on one file system), so
 * a process sees either no file or a whole one, never a half-written binary; a process that
 * finds the binary there uses it without unpacking. Within a process, callers share one unpack.
 */
export function prepareChromium(chromium: ChromiumExecutable): Promise<string> {
  if (chromium.source !== 'npm-package' || !chromium.packaged) return Promise.resolve(chromium.executablePath);
  const target = chromium.executablePath;
  if (isExecutableFile(target)) return Promise.resolve(target);
  let running = unpacking.get(target);
  if (!running) {
    running = unpackChromiumArchive(chromium.packaged.archive, target).finally(() => unpacking.delete(target));
    unpacking.set(target, running);
  }
  return running;
}

/**
 * Decompresses `archive` (brotli) to `target` through a partial file of this call's own and an
 * atomic rename. Exported for the test that runs several at once; use {@link prepareChromium}.
 */
export async function unpackChromiumArchive(archive: string, target: string): Promise<string> {
  const dir = dirname(target);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await removeStalePartials(dir);
  const partial = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await pipeline(createReadStream(archive), createBrotliDecompress({ chunkSize: 2 ** 21 }), createWriteStream(partial, { mode: 0o755 }));
    // Another process may have finished first; renaming over its file is harmless (same bytes,
    // and a binary already running keeps its own inode).
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw new Error(`Could not unpack the packaged Chromium (${archive}) into ${dir}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return target;
}

async function removeStalePartials(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.partial'))) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info && Date.now() - info.mtimeMs > STALE_PARTIAL_MS) await rm(path, { force: true }).catch(() => undefined);
  }
}

// ---- system browsers -------------------------------------------------------------------------------

function describe(path: string, source: 'CHROMIUM_PATH' | 'system'): ChromiumExecutable {
  const executablePath = resolveLauncherScript(path);
  const name = basename(executablePath);
  const headless = /headless[-_]shell/.test(name) ? 'shell' : true;
  return { executablePath, foundAt: path, headless, source };
}

function isExecutableFile(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * Debian's /usr/bin/chromium-headless-shell is a two-line `sh` script that runs the real binary
 * WITHOUT exec, so the process Puppeteer starts (and would signal, and whose tree it would
 * measure) is `sh`, not Chromium. A small script whose one command is `/abs/path/binary "$@"`
 * is therefore replaced by that binary. Scripts that do more (Debian's /usr/bin/chromium reads
 * /etc/chromium.d and then `exec`s) are launched as they are.
 */
export function resolveLauncherScript(path: string): string {
  const head = readHead(path, 4096);
  if (!head || !head.startsWith('#!')) return path;
  const commands = head
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (commands.length !== 1) return path;
  const match = /^(?:exec\s+)?(\/[^\s"'$;&|]+)\s+"\$@"$/.exec(commands[0]);
  if (!match) return path;
  const target = match[1];
  return existsSync(target) && readHead(target, 4)?.startsWith('\x7fELF') ? target : path;
}

function readHead(path: string, bytes: number): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString('latin1');
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
