// Inline SVG charts for the scorecard, drawn by our own code so the PDF needs no chart library and
// no script. Every piece of text goes through escapeXml; every number goes through coord/label
// helpers that refuse anything but finite numbers, so the output is safe to embed raw in the HTML.

/** One KPI of the bar chart. `score` is null while the KPI has no input. */
export interface KpiBar {
  label: string;
  score: number | null;
}

export interface KpiBarChartOptions {
  /** Accessible name of the chart (aria-label and <title>). */
  title: string;
  /** Text drawn where a KPI has no score yet. */
  missingLabel: string;
  /** Axis caption, e.g. "Score". */
  axisLabel: string;
  /** Width of the drawing in user units (the SVG scales to its container). */
  width?: number;
}

/** One cycle of the trend chart, in chronological order. */
export interface TrendPoint {
  /** Cycle name, shown under the axis. */
  label: string;
  total: number;
  /** Template version the review was scored with; a change is marked between two points. */
  version: number;
  /** Short text for the version, e.g. "v3"; used in the change mark ("v2→v3"). */
  versionLabel: string;
  complete: boolean;
  /** The review this scorecard is about. */
  current: boolean;
}

export interface TrendChartOptions {
  title: string;
  axisLabel: string;
  width?: number;
}

const COLORS = {
  text: '#1f2933',
  muted: '#6b7785',
  grid: '#e3e7eb',
  bar: '#2f6fb0',
  barOver: '#1e8a5a',
  reference: '#c0392b',
  line: '#2f6fb0',
  version: '#b7791f',
  missing: '#9aa5b1',
};

/** Escapes text for XML content and attribute values; drops characters XML 1.0 does not allow. */
export function escapeXml(text: string): string {
  return String(text)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A coordinate: finite numbers only, at most two decimals. Anything else becomes 0. */
function c(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const r = Math.round(n * 100) / 100;
  return String(r === 0 ? 0 : r);
}

/** A number printed as a label: finite only, up to `digits` decimals, no exponent. */
function numLabel(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '';
  const f = Number(n.toFixed(digits));
  return String(f === 0 ? 0 : f);
}

/** Display width in "narrow character" units: CJK and other wide characters count as two. */
function textUnits(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  return cp >= 0x1100 &&
    (cp <= 0x115f ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      cp >= 0x20000)
    ? 2
    : 1;
}

/** Shortens text to a display width, by whole code points, adding an ellipsis when cut. */
export function truncateText(text: string, maxUnits: number): string {
  const chars = Array.from(text);
  if (chars.reduce((sum, ch) => sum + textUnits(ch), 0) <= maxUnits) return text;
  let used = 0;
  let kept = 0;
  while (kept < chars.length && used + textUnits(chars[kept]) <= maxUnits - 1) used += textUnits(chars[kept++]);
  return chars.slice(0, kept).join('').trimEnd() + '…';
}

/** A round upper bound for an axis and the step between its ticks (at most ~8 ticks). */
function niceAxis(max: number): { top: number; step: number } {
  const m = Number.isFinite(max) && max > 0 ? max : 100;
  for (const step of [25, 50, 100, 200, 250, 500, 1000, 2500, 5000]) {
    const top = Math.ceil(m / step) * step;
    if (top / step <= 8) return { top, step };
  }
  const step = 10 ** Math.ceil(Math.log10(m / 8));
  return { top: Math.ceil(m / step) * step, step };
}

function svgOpen(width: number, height: number, title: string, cls: string): string {
  const t = escapeXml(title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="${cls}" viewBox="0 0 ${c(width)} ${c(height)}" ` +
    `width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-label="${t}" ` +
    `font-size="10" fill="${COLORS.text}"><title>${t}</title>`
  );
}

/**
 * (a) One horizontal bar per KPI: the score against 100 (target met). Scores above 100 (allowed up
 * to a KPI's cap) run past the dashed 100 reference line. A KPI without input gets no bar, only
 * the missing label.
 */
export function kpiBarChartSvg(bars: KpiBar[], options: KpiBarChartOptions): string {
  const width = options.width ?? 680;
  const labelWidth = 190;
  const valueWidth = 44;
  const rowHeight = 18;
  const barHeight = 10;
  const top = 8;
  const axisHeight = 26;
  const x0 = labelWidth;
  const plotWidth = Math.max(100, width - labelWidth - valueWidth);
  const scores = bars.flatMap((b) => (b.score !== null && Number.isFinite(b.score) ? [b.score] : []));
  const { top: domain, step } = niceAxis(Math.max(100, ...scores));
  const x = (v: number) => x0 + (Math.max(0, Math.min(v, domain)) / domain) * plotWidth;
  const plotBottom = top + Math.max(1, bars.length) * rowHeight;
  const height = plotBottom + axisHeight;

  const parts: string[] = [svgOpen(width, height, options.title, 'chart chart-kpi-bars')];
  // Grid and tick labels.
  for (let v = 0; v <= domain; v += step) {
    parts.push(
      `<line class="grid" x1="${c(x(v))}" y1="${c(top)}" x2="${c(x(v))}" y2="${c(plotBottom)}" stroke="${COLORS.grid}" stroke-width="1"/>`,
      `<text class="tick" x="${c(x(v))}" y="${c(plotBottom + 11)}" text-anchor="middle" fill="${COLORS.muted}" font-size="8">${numLabel(v, 0)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${c(x0 + plotWidth / 2)}" y="${c(plotBottom + 23)}" text-anchor="middle" fill="${COLORS.muted}" font-size="8">${escapeXml(options.axisLabel)}</text>`,
  );

  bars.forEach((bar, i) => {
    const yRow = top + i * rowHeight;
    const yBar = yRow + (rowHeight - barHeight) / 2;
    const yText = yRow + rowHeight / 2 + 3.5;
    const full = escapeXml(bar.label);
    parts.push(
      `<g class="kpi"><title>${full}</title>` +
        `<text class="bar-label" x="${c(x0 - 6)}" y="${c(yText)}" text-anchor="end">${escapeXml(truncateText(bar.label, 30))}</text>`,
    );
    if (bar.score === null || !Number.isFinite(bar.score)) {
      parts.push(
        `<text class="bar-missing" x="${c(x0 + 4)}" y="${c(yText)}" fill="${COLORS.missing}" font-style="italic">${escapeXml(options.missingLabel)}</text>`,
      );
    } else {
      const w = x(bar.score) - x0;
      const fill = bar.score > 100 ? COLORS.barOver : COLORS.bar;
      parts.push(
        `<rect class="bar" x="${c(x0)}" y="${c(yBar)}" width="${c(w)}" height="${c(barHeight)}" fill="${fill}" rx="1.5"/>`,
        `<text class="bar-value" x="${c(x0 + w + 4)}" y="${c(yText)}">${numLabel(bar.score)}</text>`,
      );
    }
    parts.push('</g>');
  });

  // The 100 reference line goes on top of the bars.
  parts.push(
    `<line class="ref-100" x1="${c(x(100))}" y1="${c(top - 4)}" x2="${c(x(100))}" y2="${c(plotBottom)}" stroke="${COLORS.reference}" stroke-width="1" stroke-dasharray="3 2"/>`,
    '</svg>',
  );
  return parts.join('');
}

/**
 * (b) The employee's totals over past cycles and the current one, oldest first. Hollow points
 * were incomplete at the time; a dashed vertical line with "vA→vB" marks every place where the
 * template version changed between two neighbouring points.
 */
export function trendChartSvg(points: TrendPoint[], options: TrendChartOptions): string {
  const width = options.width ?? 680;
  const height = 210;
  const left = 44;
  const right = 20;
  const top = 26;
  const bottom = 40;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const totals = points.flatMap((p) => (Number.isFinite(p.total) ? [p.total] : []));
  const { top: domain, step } = niceAxis(Math.max(100, ...totals));
  const slot = points.length > 0 ? plotWidth / points.length : plotWidth;
  const xAt = (i: number) => left + slot * (i + 0.5);
  const yAt = (v: number) => top + plotHeight - (Math.max(0, Math.min(v, domain)) / domain) * plotHeight;

  const parts: string[] = [svgOpen(width, height, options.title, 'chart chart-trend')];
  for (let v = 0; v <= domain; v += step) {
    parts.push(
      `<line class="grid" x1="${c(left)}" y1="${c(yAt(v))}" x2="${c(left + plotWidth)}" y2="${c(yAt(v))}" stroke="${COLORS.grid}" stroke-width="1"/>`,
      `<text class="tick" x="${c(left - 5)}" y="${c(yAt(v) + 3)}" text-anchor="end" fill="${COLORS.muted}" font-size="8">${numLabel(v, 0)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="10" y="${c(top + plotHeight / 2)}" text-anchor="middle" fill="${COLORS.muted}" font-size="8" transform="rotate(-90 10 ${c(top + plotHeight / 2)})">${escapeXml(options.axisLabel)}</text>`,
    `<line class="axis" x1="${c(left)}" y1="${c(top + plotHeight)}" x2="${c(left + plotWidth)}" y2="${c(top + plotHeight)}" stroke="${COLORS.muted}" stroke-width="1"/>`,
  );

  // Version changes: between two neighbouring points whose template versions differ.
  for (let i = 1; i < points.length; i++) {
    if (points[i].version === points[i - 1].version) continue;
    const xm = (xAt(i - 1) + xAt(i)) / 2;
    parts.push(
      `<g class="version-change"><line x1="${c(xm)}" y1="${c(top - 4)}" x2="${c(xm)}" y2="${c(top + plotHeight)}" stroke="${COLORS.version}" stroke-width="1" stroke-dasharray="4 3"/>` +
        `<text x="${c(xm)}" y="${c(top - 8)}" text-anchor="middle" fill="${COLORS.version}" font-size="8">${escapeXml(`${points[i - 1].versionLabel}→${points[i].versionLabel}`)}</text></g>`,
    );
  }

  const drawn = points.filter((p) => Number.isFinite(p.total));
  if (drawn.length > 1) {
    const coords = points
      .map((p, i) => (Number.isFinite(p.total) ? `${c(xAt(i))},${c(yAt(p.total))}` : null))
      .filter((s): s is string => s !== null)
      .join(' ');
    parts.push(`<polyline class="trend-line" points="${coords}" fill="none" stroke="${COLORS.line}" stroke-width="1.5"/>`);
  }

  const labelUnits = Math.max(6, Math.floor(slot / 5.5));
  const showValues = points.length <= 12;
  points.forEach((p, i) => {
    const x = xAt(i);
    parts.push(
      `<text class="x-label" x="${c(x)}" y="${c(top + plotHeight + 13)}" text-anchor="middle" font-size="8"${p.current ? ' font-weight="bold"' : ''}>${escapeXml(truncateText(p.label, labelUnits))}</text>`,
    );
    if (!Number.isFinite(p.total)) return;
    const y = yAt(p.total);
    const r = p.current ? 4 : 3;
    parts.push(
      `<circle class="trend-point${p.current ? ' current' : ''}${p.complete ? '' : ' incomplete'}" cx="${c(x)}" cy="${c(y)}" r="${r}" ` +
        `fill="${p.complete ? COLORS.line : '#ffffff'}" stroke="${COLORS.line}" stroke-width="1.5"><title>${escapeXml(`${p.label}: ${numLabel(p.total)}`)}</title></circle>`,
    );
    if (showValues) {
      parts.push(`<text class="point-value" x="${c(x)}" y="${c(y - 7)}" text-anchor="middle" font-size="8">${numLabel(p.total)}</text>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
