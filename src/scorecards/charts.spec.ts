import { describe, it, expect } from '@jest/globals';
import { escapeXml, kpiBarChartSvg, trendChartSvg, truncateText, type KpiBar, type TrendPoint } from './charts.js';

/**
 * Well-formed-ish: one root <svg>, every element closed in order, no stray "<" or "&" in text,
 * attribute values quoted. Enough to catch broken escaping or unbalanced markup.
 */
function expectWellFormed(svg: string): void {
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/y;
  let i = 0;
  let roots = 0;
  while (i < svg.length) {
    if (svg[i] === '<') {
      tag.lastIndex = i;
      const m = tag.exec(svg);
      if (!m) throw new Error(`malformed tag at ${i}: ${svg.slice(i, i + 60)}`);
      const [whole, closing, name, , selfClosing] = m;
      if (closing) {
        expect(stack.pop()).toBe(name);
      } else if (!selfClosing) {
        if (stack.length === 0) roots++;
        stack.push(name);
      }
      i += whole.length;
    } else if (svg[i] === '&') {
      expect(/^&(?:amp|lt|gt|quot|#39);/.test(svg.slice(i, i + 6))).toBe(true);
      i++;
    } else {
      expect(svg[i]).not.toBe('>');
      i++;
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

const count = (s: string, needle: string) => s.split(needle).length - 1;

const barOptions = { title: 'Score by KPI', missingLabel: 'No input', axisLabel: 'Score' };
const trendOptions = { title: 'Total', axisLabel: 'Total' };

function trend(versions: number[], totals?: number[]): TrendPoint[] {
  return versions.map((version, i) => ({
    label: `Cycle ${i + 1}`,
    total: totals?.[i] ?? 60 + i * 5,
    version,
    versionLabel: `v${version}`,
    complete: true,
    current: i === versions.length - 1,
  }));
}

describe('escapeXml', () => {
  it('escapes markup characters and drops characters XML forbids', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
    expect(escapeXml('a\u0000b\u001Fc\uD800d')).toBe('abcd');
    expect(escapeXml('销售 😀')).toBe('销售 😀');
  });
});

describe('truncateText', () => {
  it('keeps short text and cuts long text by display width, CJK counting double', () => {
    expect(truncateText('Sales', 10)).toBe('Sales');
    expect(truncateText('Customer satisfaction', 10)).toBe('Customer…');
    expect(truncateText('客户满意度调查得分', 10)).toBe('客户满意…');
    expect(Array.from(truncateText('😀😀😀😀', 3))).toHaveLength(3);
  });
});

describe('kpiBarChartSvg', () => {
  const bars: KpiBar[] = [
    { label: 'Sales', score: 107.5 },
    { label: 'Satisfaction', score: 80 },
    { label: 'Retention', score: null },
    { label: 'Upkeep', score: 150 },
  ];

  it('draws one bar per scored KPI, a missing label for the others, and one 100 line', () => {
    const svg = kpiBarChartSvg(bars, barOptions);
    expectWellFormed(svg);
    expect(count(svg, '<rect class="bar"')).toBe(3);
    expect(count(svg, 'class="bar-missing"')).toBe(1);
    expect(count(svg, 'class="ref-100"')).toBe(1);
    expect(count(svg, '<g class="kpi">')).toBe(4);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('lets a bar run past the 100 line up to its score', () => {
    const svg = kpiBarChartSvg(
      [
        { label: 'Over', score: 150 },
        { label: 'Exact', score: 100 },
      ],
      barOptions,
    );
    const widths = [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[2]));
    const refX = Number(/class="ref-100" x1="([\d.]+)"/.exec(svg)?.[1]);
    const x0 = Number(/<rect class="bar" x="([\d.]+)"/.exec(svg)?.[1]);
    expect(widths[0]).toBeCloseTo(widths[1] * 1.5, 1);
    expect(x0 + widths[1]).toBeCloseTo(refX, 1);
    expect(x0 + widths[0]).toBeGreaterThan(refX);
  });

  it('escapes every piece of text', () => {
    const svg = kpiBarChartSvg([{ label: '<script>alert("x")</script> & co', score: 50 }], {
      title: 'T"itle<',
      missingLabel: '<b>',
      axisLabel: "it's",
    });
    expectWellFormed(svg);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(svg).toContain('aria-label="T&quot;itle&lt;"');
    expect(svg).toContain('it&#39;s');
  });

  it('handles 30 KPIs, an empty list and numbers that are not finite', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ label: `KPI ${i + 1}`, score: i * 4 }));
    const svg = kpiBarChartSvg(many, barOptions);
    expectWellFormed(svg);
    expect(count(svg, '<rect class="bar"')).toBe(30);
    expectWellFormed(kpiBarChartSvg([], barOptions));
    const odd = kpiBarChartSvg([{ label: 'x', score: Number.NaN }], barOptions);
    expectWellFormed(odd);
    expect(odd).not.toMatch(/NaN|Infinity/);
  });
});

describe('trendChartSvg', () => {
  it('draws one point per cycle and a line through them', () => {
    const svg = trendChartSvg(trend([1, 1, 1, 1]), trendOptions);
    expectWellFormed(svg);
    expect(count(svg, '<circle class="trend-point')).toBe(4);
    expect(count(svg, 'class="trend-line"')).toBe(1);
    expect(count(svg, 'trend-point current')).toBe(1);
    expect(count(svg, 'class="x-label"')).toBe(4);
  });

  it('marks a version change exactly where the template version changes', () => {
    expect(count(trendChartSvg(trend([2, 2, 2]), trendOptions), 'class="version-change"')).toBe(0);
    const svg = trendChartSvg(trend([1, 1, 2, 2, 3]), trendOptions);
    expectWellFormed(svg);
    expect(count(svg, 'class="version-change"')).toBe(2);
    expect(svg).toContain('v1→v2');
    expect(svg).toContain('v2→v3');
    expect(count(trendChartSvg(trend([1, 2, 1]), trendOptions), 'class="version-change"')).toBe(2);
  });

  it('draws a single point without a line, and hollow points for incomplete reviews', () => {
    const one = trendChartSvg(trend([1]), trendOptions);
    expectWellFormed(one);
    expect(count(one, '<circle')).toBe(1);
    expect(one).not.toContain('trend-line');
    const points = trend([1, 1]);
    points[0].complete = false;
    const svg = trendChartSvg(points, trendOptions);
    expect(count(svg, 'incomplete"')).toBe(1);
  });

  it('escapes cycle names and version labels and scales above 100', () => {
    const points = trend([1, 2], [80, 130]);
    points[0].label = '<img src=x onerror=alert(1)>';
    points[1].versionLabel = '"><script>';
    const svg = trendChartSvg(points, trendOptions);
    expectWellFormed(svg);
    expect(svg).not.toContain('<img');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;img');
    expect(svg).toContain('>150</text>'); // axis top above the highest total
  });

  it('stays well-formed with no points and non-finite totals', () => {
    expectWellFormed(trendChartSvg([], trendOptions));
    const svg = trendChartSvg(trend([1, 1], [Number.NaN, 70]), trendOptions);
    expectWellFormed(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
