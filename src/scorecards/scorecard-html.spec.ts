import { describe, it, expect } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_MANAGER } from '../kpi-templates/default-templates.js';
import type { ReviewDto } from '../reviews/dto/review.dto.js';
import type { KpiDefinition, KpiInput } from '../scoring/index.js';
import { makeReview } from './review.fixture.js';
import { cssString, renderScorecardHtml } from './scorecard-html.js';
import { findTemplatesDir } from '../common/templates-dir.js';
import type { Lang } from '../i18n/langs.js';
import type { ScorecardPeer } from './scorecard-history.js';
import { buildScorecardView } from './scorecard-view.js';

function render(review: ReviewDto, lang: Lang = 'zh-CN', more: { peers?: ScorecardPeer[]; logo?: string | null; contentHash?: string } = {}) {
  const view = buildScorecardView({
    review,
    history: [
      { cycleName: '2024 H1', periodEnd: '2024-06-30', total: 70, templateVersionNumber: 2, complete: true },
      { cycleName: '2024 H2', periodEnd: '2024-12-31', total: 75, templateVersionNumber: 2, complete: true },
    ],
    peers: more.peers ?? [],
    company: { name: 'Acme', logoDataUrl: more.logo ?? null },
    lang,
    generatedAt: new Date('2025-07-10T01:30:00.000Z'),
  });
  return { view, out: renderScorecardHtml(view, { contentHash: more.contentHash }) };
}

const count = (s: string, needle: string) => s.split(needle).length - 1;
const XSS = '<img src=x onerror=alert(1)>';
const XSS_ESCAPED = '&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;';

describe('renderScorecardHtml', () => {
  it('renders a body fragment with the scorecard in Chinese', () => {
    const { out } = render(makeReview());
    expect(out.html.startsWith('<div class="scorecard"')).toBe(true);
    expect(out.html).not.toMatch(/<html[\s>]|<head[\s>]|<body[\s>]|<!doctype/i);
    expect(out.html).toContain('lang="zh-CN"');
    for (const text of [
      '绩效评估表',
      '张三',
      'E0042',
      '客户经理',
      '华东销售部',
      '李四',
      '销售业绩完成情况',
      '2,000,000 元',
      '4 · 超出期望',
      '37.63',
      '已定稿',
    ]) {
      expect(out.html).toContain(text);
    }
    expect(out.html).toContain('本周期同岗位暂无其他已完成的评估');
    expect(out.html).not.toContain('draft-watermark');
    expect(out.html).not.toContain('草稿');
    // Both charts are inline SVG.
    expect(count(out.html, '<svg ')).toBe(2);
    expect(count(out.html, '<rect class="bar"')).toBe(8);
    expect(count(out.html, 'class="version-change"')).toBe(1);
  });

  it('renders in English with every label from the dictionary', () => {
    const { out } = render(makeReview(), 'en');
    for (const text of [
      'Performance scorecard',
      'Key performance indicators',
      'Sales attainment',
      '4 · Exceeds expectations',
      'Points',
      'Skills',
      'Development plan',
    ]) {
      expect(out.html).toContain(text);
    }
    for (const zh of ['绩效评估表', '客户经理', '销售业绩完成情况', '超出期望', '能力评估']) expect(out.html).not.toContain(zh);
  });

  it('carries a DRAFT mark for draft and submitted reviews only', () => {
    for (const status of ['draft', 'submitted']) {
      const { out } = render(makeReview({ status }), 'en');
      expect(out.html).toContain('<div class="draft-watermark" aria-hidden="true">DRAFT</div>');
      expect(out.css).toMatch(/@top-center \{ content: "DRAFT";/);
    }
    const { out } = render(makeReview({ status: 'finalized' }), 'en');
    expect(out.html).not.toContain('DRAFT');
    expect(out.css).not.toContain('DRAFT');
  });

  it('escapes every value, including markup and Handlebars syntax in comments', () => {
    const evil = `${XSS} {{constructor}} {{{raw.trend}}} "quoted" 'single'`;
    const review = makeReview({
      inputs: {
        sales_attainment: { actual: 2150000, comment: evil },
        customer_satisfaction: { actual: 92 },
        customer_retention: { actual: 88 },
        relationship_upkeep: { actual: 50 },
        communication: { rating: 4 },
        selling: { rating: 5 },
        customer_service: { rating: 3 },
        problem_solving: { rating: 4 },
      },
      extra: {
        strengths: evil,
        challenges: evil,
        developmentPlan: evil,
        managerComment: evil,
        acknowledgedAt: '2025-07-03T06:05:00.000Z',
        acknowledgedBy: evil,
        employee: { id: 'e1', employeeNo: '<b>E1</b>', name: evil, department: evil, managerId: null, managerName: evil },
        cycle: { id: 'c1', name: evil, periodStart: '2025-01-01', periodEnd: '2025-06-30', status: 'closed' },
      },
    });
    for (const lang of ['zh-CN', 'en'] as const) {
      const { out } = render(review, lang, { contentHash: evil });
      expect(out.html).not.toContain('<img src=x');
      expect(out.html).not.toContain('<b>E1');
      expect(out.html).toContain(XSS_ESCAPED);
      expect(out.html).toContain('{{constructor}}');
      // In the page-margin boxes the same values are CSS strings: quotes and '<' escaped, so the
      // value can end neither the string, nor the rule, nor the <style> it is put in.
      const margins = out.css.slice(out.css.lastIndexOf('@page'));
      expect(margins).not.toContain('<');
      expect(margins).toContain('\\3c img src=x onerror=alert(1)> {{constructor}} {{{raw.trend}}} \\22 quoted\\22 ');
      expect(margins.match(/content: /g)).toHaveLength(4);
      // Strengths, challenges, plan, manager comment, KPI comment, name, department, manager,
      // cycle (facts table), acknowledgement: all there as text.
      expect(count(out.html, XSS_ESCAPED)).toBeGreaterThanOrEqual(10);
      // The literal "{{{raw.trend}}}" in the text did not pull in a chart.
      expect(count(out.html, '<svg ')).toBe(2);
      expect(out.html).toContain('&quot;quoted&quot; &#x27;single&#x27;');
    }
  });

  it('prints a long comment in full', () => {
    const long = Array.from({ length: 400 }, (_, i) => `第${i + 1}段：客户拜访与需求分析的记录，line ${i + 1}.`).join('\n');
    expect(long.length).toBeGreaterThan(8000);
    const { out } = render(makeReview({ extra: { developmentPlan: long, managerComment: long } }));
    expect(count(out.html, long)).toBe(2);
    expect(out.html).toContain('第400段');
  });

  it('renders all of 30 KPIs', () => {
    const kpis: KpiDefinition[] = Array.from({ length: 30 }, (_, i) => ({
      key: `kpi_${i + 1}`,
      nameZh: `指标${i + 1}`,
      nameEn: `Indicator ${i + 1}`,
      descriptionZh: '',
      descriptionEn: '',
      category: i % 2 === 0 ? 'sales_results' : 'skill',
      weight: i < 20 ? 3 : 4,
      rule: i % 2 === 0 ? { type: 'target', target: 1000, unit: 'CNY', direction: 'higher', cap: 150, threshold: null } : ACCOUNT_MANAGER.kpis[4].rule,
    }));
    const inputs: Record<string, KpiInput> = {};
    kpis.forEach((k, i) => {
      inputs[k.key] = i % 2 === 0 ? { actual: 500 + i * 50 } : { rating: (i % 5) + 1 };
    });
    const { out } = render(makeReview({ kpis, inputs }));
    expect(count(out.html, '<tr class="kpi-row')).toBe(30);
    for (let i = 1; i <= 30; i++) expect(out.html).toContain(`<div class="kpi-name">指标${i}</div>`);
    expect(count(out.html, '<rect class="bar"')).toBe(30);
    expect(count(out.html, '<tr class="skill-row')).toBe(15);
  });

  it('marks missing KPIs and the incomplete total', () => {
    const review = makeReview({ inputs: { sales_attainment: { actual: 1 } }, status: 'draft' });
    const { out } = render(review, 'en');
    expect(count(out.html, 'is-missing"')).toBeGreaterThanOrEqual(7);
    expect(out.html).toContain('Incomplete: no input yet for Customer satisfaction, Customer retention');
    expect(count(out.html, 'class="bar-missing"')).toBe(7);
  });

  it('never prints a peer name', () => {
    const rows = [
      { total: 10, name: 'PEER-NAME-王五' },
      { total: 99, name: 'PEER-NAME-赵六' },
    ];
    const { out } = render(makeReview(), 'en', { peers: rows });
    expect(out.html).toContain('Rank 2 of 3 · top 67%');
    for (const piece of [out.html, out.css]) expect(piece).not.toContain('PEER-NAME');
  });

  it('shows a valid logo and drops one that is not an image data: URL', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const ok = render(makeReview(), 'en', { logo: png }).out.html;
    // Handlebars escapes "=" as &#x3D;, which the HTML parser turns back into "=" in the attribute.
    expect(ok).toContain(`<img class="sc-logo" src="${png.replace(/=/g, '&#x3D;')}"`);
    expect(render(makeReview(), 'en', { logo: 'javascript:alert(1)' }).out.html).not.toContain('sc-logo');

    // Even a view built by hand cannot smuggle a bad URL through.
    const { view } = render(makeReview(), 'en');
    const forged = { ...view, header: { ...view.header, logoDataUrl: 'data:text/html;base64,PHNjcmlwdD4=' } };
    expect(renderScorecardHtml(forged).html).not.toContain('sc-logo');
  });

  it('returns the stylesheet with the font, repeating table headers and A4 pages', () => {
    const { out } = render(makeReview());
    expect(out.css).toContain("font-family: 'Noto Sans SC', sans-serif");
    expect(out.css).toMatch(/thead\s*\{\s*display:\s*table-header-group;?\s*\}/);
    expect(out.css).toMatch(/tr\s*\{[^}]*break-inside:\s*avoid/);
    expect(out.css).toMatch(/@page\s*\{[^}]*size:\s*A4/);
    expect(out.html).toContain('<thead>');
  });

  it('draws the running header and footer as page-margin boxes, with page numbers', () => {
    const zh = render(makeReview(), 'zh-CN', { contentHash: 'sha256:9f86d081884c7d65' }).out.css;
    expect(zh).toContain('@bottom-right { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";');
    expect(zh).toMatch(/@bottom-left \{ content: "[^"]*2025年7月10日 09:30（Asia\/Shanghai, UTC\+8）[^"]*模板版本: v3[^"]*sha256:9f86d081884c7d65";/);
    expect(zh).toMatch(/@top-left \{ content: "Acme · 绩效评估表";/);
    expect(zh).toMatch(/@top-right \{ content: "张三 · 2025 H1";/);
    for (const rule of zh.match(/@(top|bottom)-[a-z]+ \{[^}]*\}/g) ?? []) expect(rule).toContain("font-family: 'Noto Sans SC'");

    const en = render(makeReview(), 'en').out.css;
    expect(en).toContain('@bottom-right { content: "Page " counter(page) " of " counter(pages) "";');
    expect(en).toContain('Template version: v3');
    expect(en).not.toContain('Content hash');
  });

  it('writes any text as a CSS string that cannot break out', () => {
    expect(cssString('a"b\\c<d\ne')).toBe('"a\\22 b\\5c c\\3c d\\a e"');
    expect(cssString('张三 · 2025 H1')).toBe('"张三 · 2025 H1"');
  });

  it('gives the same output for the same view (templates compiled once, no hidden state)', () => {
    const { view } = render(makeReview());
    expect(renderScorecardHtml(view)).toEqual(renderScorecardHtml(view));
  });
});

describe('templates', () => {
  const dir = findTemplatesDir();
  const files = [join(dir, 'scorecard.hbs'), ...readdirSync(join(dir, 'partials')).map((f) => join(dir, 'partials', f))];

  it('use raw output only for the charts the renderer draws', () => {
    for (const file of files) {
      const source = readFileSync(file, 'utf8').replace(/\{\{!--[\s\S]*?--\}\}/g, '');
      const raws = [...source.matchAll(/\{\{\{\s*([^}]*?)\s*\}\}\}|\{\{&\s*([^}]*?)\s*\}\}/g)].map((m) => m[1] ?? m[2]);
      for (const r of raws) expect(['raw.kpiBars', 'raw.trend']).toContain(r);
    }
  });

  it('hold no UI text of their own: every visible word comes from the dictionary', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
        .replace(/\{\{!--[\s\S]*?--\}\}/g, '')
        .replace(/\{\{\{[\s\S]*?\}\}\}/g, '')
        .replace(/\{\{[\s\S]*?\}\}/g, '')
        .replace(/<[^>]*>/g, '')
        .replace(/[·:\s]/g, '');
      expect(text).toBe('');
    }
  });
});
