// A team's rating-band distribution as a small inline SVG (no chart library, no script): one
// horizontal bar per band, best band first. Text goes through escapeXml and numbers are checked,
// so the markup is safe to embed as it is.
import { escapeXml, truncateText } from '../scorecards/charts.js';

export interface BandCount {
  label: string;
  count: number;
}

export interface BandChartOptions {
  /** Accessible name (aria-label and <title>). */
  title: string;
  width?: number;
}

const ROW = 26;
const LABEL_W = 150;
const COUNT_W = 36;

function n(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  return String(Math.round(x * 100) / 100);
}

export function bandChartSvg(bands: BandCount[], options: BandChartOptions): string {
  const width = options.width ?? 480;
  const height = Math.max(1, bands.length) * ROW + 8;
  const max = Math.max(1, ...bands.map((b) => b.count));
  const barSpace = width - LABEL_W - COUNT_W - 8;
  const rows = bands.map((b, i) => {
    if (!Number.isInteger(b.count) || b.count < 0) throw new RangeError(`band count must be a whole number ≥ 0, got ${b.count}`);
    const y = 4 + i * ROW;
    const w = b.count === 0 ? 0 : Math.max(2, (b.count / max) * barSpace);
    return (
      `<text x="${n(LABEL_W - 8)}" y="${n(y + ROW / 2 + 4)}" text-anchor="end">${escapeXml(truncateText(b.label, 22))}</text>` +
      `<rect x="${n(LABEL_W)}" y="${n(y + 4)}" width="${n(w)}" height="${n(ROW - 10)}" rx="2" fill="#3b82f6"/>` +
      `<text x="${n(LABEL_W + w + 6)}" y="${n(y + ROW / 2 + 4)}">${n(b.count)}</text>`
    );
  });
  const title = escapeXml(options.title);
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n(width)} ${n(height)}" width="100%" role="img" aria-label="${title}">` +
    `<title>${title}</title>${rows.join('')}</svg>`
  );
}
