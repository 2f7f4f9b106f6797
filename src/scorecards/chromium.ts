// Finding a Chromium to print with. Order: CHROMIUM_PATH, Debian's chromium-headless-shell (the
// old headless mode: about 5x faster to start and to print than full Chromium), full Chromium or
// Chrome from the system, then a browser that Puppeteer downloaded into its cache (if any).
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import puppeteer from 'puppeteer';

/** How to get a browser, for error messages and logs. */
export const CHROMIUM_INSTALL_HINT =
  'Install one with `apt-get install chromium-headless-shell` (or `apt-get install chromium`), or set CHROMIUM_PATH to a Chromium or Chrome executable.';

export const SYSTEM_CHROMIUM_PATHS = [
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
] as const;

export interface ChromiumExecutable {
  /** What Puppeteer launches (a launcher script already resolved to the binary it runs). */
  executablePath: string;
  /** The path as found, before resolving a launcher script. */
  foundAt: string;
  /** `'shell'` for chrome-headless-shell builds (old headless), `true` for full Chromium/Chrome (new headless). */
  headless: 'shell' | true;
  source: 'CHROMIUM_PATH' | 'system' | 'puppeteer-cache';
}

export interface FindChromiumOptions {
  env?: NodeJS.ProcessEnv;
  /** Checked in order after CHROMIUM_PATH; defaults to {@link SYSTEM_CHROMIUM_PATHS}. */
  systemPaths?: readonly string[];
  /** Also look at the browsers Puppeteer downloads into its cache (default true). */
  puppeteerCache?: boolean;
}

/** The first usable browser, or null when there is none (printing is then unavailable; the app still runs). */
export function findChromium(options: FindChromiumOptions = {}): ChromiumExecutable | null {
  const env = options.env ?? process.env;
  const fromEnv = env.CHROMIUM_PATH?.trim();
  if (fromEnv) {
    // An explicit setting that points nowhere is a mistake to report, not a reason to pick another browser.
    return isExecutableFile(fromEnv) ? describe(fromEnv, 'CHROMIUM_PATH') : null;
  }
  for (const path of options.systemPaths ?? SYSTEM_CHROMIUM_PATHS) {
    if (isExecutableFile(path)) return describe(path, 'system');
  }
  if (options.puppeteerCache === false) return null;
  for (const headless of ['shell', true] as const) {
    let path: string;
    try {
      path = puppeteer.executablePath({ headless });
    } catch {
      continue;
    }
    if (path && isExecutableFile(path)) return describe(path, 'puppeteer-cache');
  }
  return null;
}

/** Why printing is unavailable when {@link findChromium} found nothing. */
export function chromiumMissingMessage(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CHROMIUM_PATH?.trim();
  if (fromEnv) return `CHROMIUM_PATH is set to ${fromEnv}, which is not an executable file. ${CHROMIUM_INSTALL_HINT}`;
  return `No Chromium was found (looked at ${SYSTEM_CHROMIUM_PATHS.join(', ')} and Puppeteer's browser cache). ${CHROMIUM_INSTALL_HINT}`;
}

function describe(path: string, source: ChromiumExecutable['source']): ChromiumExecutable {
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
