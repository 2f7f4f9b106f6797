import { describe, expect, it } from '@jest/globals';
import { bandChartSvg } from './band-chart.js';

describe('bandChartSvg', () => {
  it('draws one labelled bar per band, longest for the largest count, in the given order', () => {
    const svg = bandChartSvg(
      [
        { label: '卓越 Outstanding', count: 1 },
        { label: 'Meets', count: 4 },
        { label: 'Unsatisfactory', count: 0 },
      ],
      { title: 'Bands' },
    );
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="Bands">/);
    expect([...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]))).toEqual([71.5, 286, 0]);
    expect(svg.indexOf('卓越 Outstanding')).toBeLessThan(svg.indexOf('Meets'));
    expect(svg).toContain('>4</text>');
  });

  it('escapes labels and titles, so names cannot inject markup', () => {
    const svg = bandChartSvg([{ label: '<script>x</script>', count: 2 }], { title: 'a"b' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('aria-label="a&quot;b"');
  });

  it('refuses counts that are not whole numbers', () => {
    expect(() => bandChartSvg([{ label: 'x', count: Number.NaN }], { title: 't' })).toThrow(RangeError);
    expect(() => bandChartSvg([{ label: 'x', count: -1 }], { title: 't' })).toThrow(RangeError);
  });

  it('draws an empty chart without bars', () => {
    expect(bandChartSvg([], { title: 't' })).not.toContain('<rect');
  });
});
