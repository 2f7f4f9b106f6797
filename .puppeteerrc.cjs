// When the machine already has a Chromium (Debian's packages, or CHROMIUM_PATH), use it and skip
// Puppeteer's own browser download, which cannot reach its host on closed networks.
const fs = require('node:fs');

const candidates = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].filter(Boolean);
const system = candidates.find((p) => fs.existsSync(p));

module.exports = system ? { skipDownload: true, executablePath: system } : {};
