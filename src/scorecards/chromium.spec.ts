import { describe, expect, it } from '@jest/globals';
import { chooseChromium, type ChromiumCandidates, chromiumCacheDir, describeChromium, isTrueSetting, type PackagedChromium } from './chromium.js';

const SHELL = '/usr/bin/chromium-headless-shell';
const FULL = '/usr/bin/chromium';
const PACKAGED: PackagedChromium = { packageName: '@sparticuz/chromium', version: '153.0.0', archive: '/app/node_modules/@sparticuz/chromium/bin/chromium.br' };

function candidates(overrides: Partial<ChromiumCandidates> = {}): ChromiumCandidates {
  return { chromiumPath: null, ignoreSystem: false, systemPaths: [SHELL, FULL], packaged: PACKAGED, ...overrides };
}

/** A file system where exactly these paths are executables. */
function only(...paths: string[]): (path: string) => boolean {
  const present = new Set(paths);
  return (path) => present.has(path);
}

describe('chooseChromium: CHROMIUM_PATH, then the system headless shell, then full Chromium, then the npm package', () => {
  it('takes CHROMIUM_PATH first, even when system and packaged browsers are there', () => {
    expect(chooseChromium(candidates({ chromiumPath: '/opt/chrome/chrome' }), only('/opt/chrome/chrome', SHELL, FULL))).toEqual({
      source: 'CHROMIUM_PATH',
      path: '/opt/chrome/chrome',
    });
  });

  it('reports a CHROMIUM_PATH that is no executable instead of quietly printing with another browser', () => {
    expect(chooseChromium(candidates({ chromiumPath: '/nowhere/chrome' }), only(SHELL, FULL))).toEqual({
      source: 'none',
      reason: 'chromium-path-not-executable',
    });
  });

  it('prefers the headless shell to full Chromium, and full Chromium to the packaged one', () => {
    expect(chooseChromium(candidates(), only(SHELL, FULL))).toEqual({ source: 'system', path: SHELL });
    expect(chooseChromium(candidates(), only(FULL))).toEqual({ source: 'system', path: FULL });
    expect(chooseChromium(candidates(), only())).toEqual({ source: 'npm-package', packaged: PACKAGED });
  });

  it('skips every system browser when told to ignore them, but still honours CHROMIUM_PATH', () => {
    expect(chooseChromium(candidates({ ignoreSystem: true }), only(SHELL, FULL))).toEqual({ source: 'npm-package', packaged: PACKAGED });
    expect(chooseChromium(candidates({ ignoreSystem: true, chromiumPath: FULL }), only(SHELL, FULL))).toEqual({ source: 'CHROMIUM_PATH', path: FULL });
  });

  it('finds nothing when there is no system browser and no package (not installed, or another platform)', () => {
    expect(chooseChromium(candidates({ packaged: null }), only())).toEqual({ source: 'none', reason: 'nothing-found' });
    expect(chooseChromium(candidates({ packaged: null, ignoreSystem: true }), only(SHELL))).toEqual({ source: 'none', reason: 'nothing-found' });
  });
});

describe('browser settings', () => {
  it('reads true and false the way the config does', () => {
    for (const value of ['1', 'true', 'TRUE', 'yes', 'on', ' true ']) expect(isTrueSetting(value)).toBe(true);
    for (const value of [undefined, '', '0', 'false', 'no', 'off', 'maybe']) expect(isTrueSetting(value)).toBe(false);
  });

  it('unpacks into CHROMIUM_CACHE_DIR, else the XDG cache, else ~/.cache', () => {
    expect(chromiumCacheDir({ CHROMIUM_CACHE_DIR: '/srv/cache', XDG_CACHE_HOME: '/x' })).toBe('/srv/cache');
    expect(chromiumCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/scorecard');
    expect(chromiumCacheDir({})).toMatch(/\/\.cache\/scorecard$|scorecard-cache-\d+$/);
  });

  it('names the browser and where it came from for the start-up log', () => {
    expect(describeChromium({ executablePath: '/usr/lib/chromium/chromium-headless-shell', foundAt: SHELL, headless: 'shell', source: 'system' })).toBe(
      "/usr/lib/chromium/chromium-headless-shell (the system's chromium-headless-shell, headless shell)",
    );
    expect(describeChromium({ executablePath: '/c/chromium', foundAt: PACKAGED.archive, headless: 'shell', source: 'npm-package', packaged: PACKAGED })).toBe(
      '/c/chromium (packaged in the npm package @sparticuz/chromium@153.0.0, headless shell)',
    );
    expect(describeChromium({ executablePath: '/opt/c', foundAt: '/opt/c', headless: true, source: 'CHROMIUM_PATH' })).toBe(
      '/opt/c (from CHROMIUM_PATH, new headless mode)',
    );
  });
});
