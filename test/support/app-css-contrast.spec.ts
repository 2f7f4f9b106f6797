import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

// WCAG 2.x relative luminance and contrast ratio, computed from the colours app.css really declares.
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const css = readFileSync(new URL('../../templates/web/assets/app.css', import.meta.url), 'utf8');
function variable(name: string): string {
  const match = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})`).exec(css);
  if (!match) throw new Error(`--${name} not declared as a 6-digit hex colour in app.css`);
  return match[1];
}

describe('app.css colours', () => {
  it('uses the --focus colour for the :focus-visible ring', () => {
    expect(css).toMatch(/:focus-visible\s*\{[^}]*outline:[^;}]*var\(--focus\)/);
  });
  it.each(['paper', 'soft'])('focus ring reaches 3:1 against --%s', (background) => {
    expect(contrast(variable('focus'), variable(background))).toBeGreaterThanOrEqual(3);
  });
  it('error page numeral reaches 4.5:1 against --paper', () => {
    const rule = /\.error-page \.status-code\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
    const colour = /color:\s*var\(--([a-z-]+)\)/.exec(rule)?.[1];
    expect(colour).toBeDefined();
    expect(contrast(variable(colour as string), variable('paper'))).toBeGreaterThanOrEqual(4.5);
  });
});
