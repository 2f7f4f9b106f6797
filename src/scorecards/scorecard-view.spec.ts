import { describe, it, expect } from '@jest/globals';
import { ACCOUNT_MANAGER, MANAGER } from '../kpi-templates/default-templates.js';
import type { ReviewDto } from '../reviews/dto/review.dto.js';
import { AM_INPUTS, makeReview } from './review.fixture.js';
import { computeStanding, type ScorecardHistoryEntry, type ScorecardPeer } from './scorecard-history.js';
import { buildScorecardView, safeImageDataUrl, type ScorecardViewInput } from './scorecard-view.js';

function input(review: ReviewDto, over: Partial<ScorecardViewInput> = {}): ScorecardViewInput {
  return {
    review,
    history: [],
    peers: [],
    company: { name: 'Acme 示例公司', logoDataUrl: null },
    lang: 'zh-CN',
    generatedAt: new Date('2025-07-10T01:30:00.000Z'),
    ...over,
  };
}

describe('buildScorecardView: account manager', () => {
  it('formats a finalized review in Chinese', () => {
    const review = makeReview();
    const v = buildScorecardView(input(review));

    expect(v.lang).toBe('zh-CN');
    expect(v.header).toMatchObject({
      companyName: 'Acme 示例公司',
      title: '绩效评估表',
      employeeName: '张三',
      employeeNo: 'E0042',
      roleName: '客户经理',
      department: '华东销售部',
      managerName: '李四',
      cycleName: '2025 H1',
      period: '2025年1月1日 至 2025年6月30日',
      statusKey: 'finalized',
      statusLabel: '已定稿',
      draft: false,
    });

    expect(v.kpis).toHaveLength(8);
    const sales = v.kpis[0];
    expect(sales).toMatchObject({
      key: 'sales_attainment',
      kind: 'target',
      name: '销售业绩完成情况',
      category: '销售业绩',
      weight: '35%',
      target: '2,000,000 元',
      actual: '2,150,000 元',
      attainment: '107.5%',
      score: '107.5',
      points: '37.63',
      missing: false,
      rating: null,
      personalTarget: false,
    });
    expect(v.kpis[2]).toMatchObject({ name: '客户保留率', category: '客户保留', target: '90%', actual: '88%' });
    expect(v.kpis[3]).toMatchObject({ category: '客户关系维护', target: '48 次', actual: '50 次' });

    const communication = v.kpis[4];
    expect(communication).toMatchObject({
      kind: 'rating',
      name: '沟通能力',
      category: '能力',
      weight: '6.25%',
      target: '1–5 分制',
      rating: '4 · 超出期望',
      actual: '4 · 超出期望',
      score: '80',
      points: '5.00',
    });
    expect(v.kpis[7].comment).toBe('Fixed the billing escalation in two days');

    expect(v.skills.map((s) => s.name)).toEqual(['沟通能力', '销售技巧', '客户服务能力', '问题解决能力']);
    expect(v.skills[1]).toMatchObject({ rating: '5 · 卓越', value: '5 / 5', missing: false });
    expect(v.skills[2].dots.map((d) => d.filled)).toEqual([true, true, true, false, false]);

    expect(review.complete).toBe(true);
    expect(v.total).toMatchObject({ value: review.total.toFixed(2), complete: true, incompleteText: null });
    expect(v.total.bandLabel).toBe(review.band?.labelZh);
    expect(v.bands.map((b) => b.min)).toEqual(['≥ 90', '≥ 80', '≥ 65', '≥ 50', '≥ 0']);
    expect(v.bands.filter((b) => b.current)).toHaveLength(1);

    expect(v.sections.map((s) => s.title)).toEqual(['优势', '工作挑战', '下期职业发展计划', '上级评语']);
    expect(v.sections[3]).toMatchObject({ text: 'Strong half year.', empty: false });
    expect(v.acknowledgement).toEqual({ acknowledged: false, by: null, at: null, text: '员工尚未确认。' });
    expect(v.footer).toMatchObject({
      generatedAt: '2025年7月10日 09:30（Asia/Shanghai, UTC+8）',
      generatedAtIso: '2025-07-10T01:30:00.000Z',
      templateVersion: 3,
      templateVersionText: 'v3',
      pageOf: { before: '第 ', between: ' 页 / 共 ', after: ' 页' },
    });
  });

  it('formats the same review in English', () => {
    const v = buildScorecardView(input(makeReview(), { lang: 'en' }));
    expect(v.header).toMatchObject({
      title: 'Performance scorecard',
      roleName: 'Account manager',
      period: 'Jan 1, 2025 – Jun 30, 2025',
      statusLabel: 'Finalized',
    });
    expect(v.kpis[0]).toMatchObject({ name: 'Sales attainment', category: 'Sales results', target: '2,000,000 CNY', actual: '2,150,000 CNY' });
    expect(v.kpis[1]).toMatchObject({ category: 'Customer satisfaction', target: '90 CSAT' });
    expect(v.kpis[3]).toMatchObject({ category: 'Relationship upkeep', target: '48 visits' });
    expect(v.kpis[4]).toMatchObject({ rating: '4 · Exceeds expectations', category: 'Skill', target: 'scale 1–5' });
    expect(v.total.bandLabel).toBe(makeReview().band?.labelEn);
    expect(v.footer.generatedAt).toBe('Jul 10, 2025, 09:30 (Asia/Shanghai, UTC+8)');
    expect(v.footer.pageOf).toEqual({ before: 'Page ', between: ' of ', after: '' });
    expect(v.labels.colPoints).toBe('Points');
  });

  it('says "calibrated from X to Y: reason" beside the computed total, and shows the calibrated band as the result', () => {
    const base = makeReview();
    const calibration = {
      bandKey: 'meets',
      total: 70,
      reason: 'Team-wide calibration',
      at: '2025-07-01T00:00:00.000Z',
      by: 'HR Wang',
      fromBandKey: base.band?.key ?? null,
      fromTotal: base.total,
    };
    const en = buildScorecardView(input({ ...base, calibration }, { lang: 'en' }));
    expect(en.total.value).toBe(base.total.toFixed(2));
    expect(en.total.bandKey).toBe('meets');
    expect(en.total.calibration).toBe(`Calibrated from ${base.band?.labelEn} (${base.total.toFixed(2)}) to Meets expectations (70.00): Team-wide calibration`);
    expect(en.bands.find((b) => b.current)?.key).toBe('meets');
    const zh = buildScorecardView(input({ ...base, calibration: { ...calibration, total: null } }));
    expect(zh.total.calibration).toBe(`已校准：由 ${base.band?.labelZh} 调整为 良好。理由：Team-wide calibration`);
    expect(buildScorecardView(input(base)).total.calibration).toBeNull();
  });

  it('honours another time zone for printed moments', () => {
    const v = buildScorecardView(input(makeReview(), { lang: 'en', timeZone: 'UTC' }));
    expect(v.footer.generatedAt).toBe('Jul 10, 2025, 01:30 (UTC)');
  });

  it('labels every category of both default roles, in both languages', () => {
    const manager = makeReview({
      kpis: MANAGER.kpis,
      inputs: {},
      roleNameZh: MANAGER.nameZh,
      roleNameEn: MANAGER.nameEn,
    });
    expect(buildScorecardView(input(manager)).kpis.map((k) => k.category)).toEqual([
      '公司整体绩效',
      '团队绩效',
      '战略目标实现情况',
      '能力',
      '能力',
      '能力',
      '能力',
    ]);
    expect(
      buildScorecardView(input(manager, { lang: 'en' }))
        .kpis.slice(0, 3)
        .map((k) => k.category),
    ).toEqual(['Company performance', 'Team performance', 'Strategic-goal achievement']);
    expect(buildScorecardView(input(manager)).kpis[2].target).toBe('4 个里程碑');
  });

  it('falls back to the key for an unknown category, also for keys on Object.prototype', () => {
    const odd = ACCOUNT_MANAGER.kpis.map((k, i) => (i === 0 ? { ...k, category: 'market_share' } : i === 1 ? { ...k, category: 'constructor' } : k));
    const v = buildScorecardView(input(makeReview({ kpis: odd })));
    expect(v.kpis[0].category).toBe('market_share');
    expect(v.kpis[1].category).toBe('constructor');
  });

  it('shows a personal target when the review sets its own', () => {
    const v = buildScorecardView(input(makeReview({ inputs: { ...AM_INPUTS, sales_attainment: { actual: 2150000, target: 2500000 } } }), { lang: 'en' }));
    expect(v.kpis[0]).toMatchObject({ target: '2,500,000 CNY', personalTarget: true, attainment: '86%' });
  });
});

describe('buildScorecardView: draft mark', () => {
  it.each([
    ['draft', true],
    ['submitted', true],
    ['finalized', false],
  ])('status %s → draft %s', (status, draft) => {
    const v = buildScorecardView(input(makeReview({ status })));
    expect(v.header.draft).toBe(draft);
    expect(v.header.draftMark).toBe('草稿');
  });

  it('labels each status in the language', () => {
    expect(buildScorecardView(input(makeReview({ status: 'submitted' }))).header.statusLabel).toBe('已提交');
    expect(buildScorecardView(input(makeReview({ status: 'draft' }), { lang: 'en' })).header.statusLabel).toBe('Draft');
  });
});

describe('buildScorecardView: missing input', () => {
  const partial = { ...AM_INPUTS };
  delete partial.customer_satisfaction;
  delete partial.selling;

  it('flags missing KPIs and lists them instead of a band', () => {
    const v = buildScorecardView(input(makeReview({ inputs: partial, status: 'draft' })));
    const missing = v.kpis.filter((k) => k.missing);
    expect(missing.map((k) => k.key)).toEqual(['customer_satisfaction', 'selling']);
    expect(missing[0]).toMatchObject({ actual: '—', score: '—', points: '—', attainment: null });
    expect(missing[1]).toMatchObject({ rating: null, actual: '—' });
    expect(v.total).toMatchObject({ complete: false, bandKey: null, bandLabel: null, incompleteText: '未完成：尚缺 客户满意度、销售技巧' });
    expect(v.bands.some((b) => b.current)).toBe(false);
    expect(v.skills[1]).toMatchObject({ missing: true, rating: null, value: '—' });
    expect(v.skills[1].dots.every((d) => !d.filled)).toBe(true);
    expect(v.charts.bars[1]).toEqual({ label: '客户满意度', score: null });
  });

  it('does not rank an incomplete review', () => {
    const v = buildScorecardView(input(makeReview({ inputs: partial }), { lang: 'en', peers: [{ total: 50 }] }));
    expect(v.total.incompleteText).toBe('Incomplete: no input yet for Customer satisfaction, Selling');
    expect(v.standing).toMatchObject({ ranked: false, rank: null, text: 'Ranked once every KPI has a result.' });
  });

  it('prints an empty text section as empty', () => {
    const v = buildScorecardView(input(makeReview({ extra: { strengths: '   ', managerComment: '' } }), { lang: 'en' }));
    expect(v.sections[0]).toEqual({ key: 'strengths', title: 'Strengths', text: '(none)', empty: true });
    expect(v.sections[3]).toMatchObject({ key: 'managerComment', empty: true });
  });
});

describe('standing among peers', () => {
  it('ranks by total: rank 3 of 12 is the top 25%', () => {
    const peers = [95, 90, 79, 75, 70, 68, 66, 60, 55, 50, 40];
    expect(computeStanding(80, peers)).toEqual({ rank: 3, of: 12, tied: false, topPercent: 25 });
  });

  it('shares a rank on ties (competition ranking) and compares in hundredths', () => {
    expect(computeStanding(80, [90, 80, 80, 70])).toEqual({ rank: 2, of: 5, tied: true, topPercent: 40 });
    expect(computeStanding(80, [90, 90, 70])).toEqual({ rank: 3, of: 4, tied: false, topPercent: 75 });
    expect(computeStanding(0.1 + 0.2, [0.3])).toEqual({ rank: 1, of: 2, tied: true, topPercent: 50 });
    expect(computeStanding(100, [])).toEqual({ rank: 1, of: 1, tied: false, topPercent: 100 });
  });

  it('rounds the percentile up, so it never claims more than earned', () => {
    expect(computeStanding(99, [50, 40]).topPercent).toBe(34);
  });

  it('ignores totals that are not numbers', () => {
    expect(computeStanding(80, [Number.NaN, 90, Number.POSITIVE_INFINITY])).toEqual({ rank: 2, of: 2, tied: false, topPercent: 100 });
  });

  it('words the standing in both languages', () => {
    const review = makeReview();
    const above = (n: number) => Array.from({ length: n }, () => ({ total: review.total + 1 }));
    const below = (n: number) => Array.from({ length: n }, () => ({ total: review.total - 1 }));
    const peers = [...above(2), ...below(9)];
    expect(buildScorecardView(input(review, { peers })).standing).toMatchObject({
      ranked: true,
      rank: 3,
      of: 12,
      topPercent: 25,
      peerCount: 11,
      text: '第 3 名 / 共 12 人 · 前 25%',
    });
    expect(buildScorecardView(input(review, { peers, lang: 'en' })).standing.text).toBe('Rank 3 of 12 · top 25%');
    const tiedPeers = [{ total: review.total }, ...below(2)];
    expect(buildScorecardView(input(review, { peers: tiedPeers })).standing.text).toBe('并列第 1 名 / 共 4 人 · 前 25%');
    expect(buildScorecardView(input(review, { peers: tiedPeers, lang: 'en' })).standing.text).toBe('Rank 1 (tied) of 4 · top 25%');
  });

  it('says so when there are no peers', () => {
    expect(buildScorecardView(input(makeReview())).standing).toMatchObject({
      ranked: false,
      peerCount: 0,
      text: '本周期同岗位暂无其他已完成的评估，无法排名。',
    });
    expect(buildScorecardView(input(makeReview(), { lang: 'en' })).standing.text).toMatch(/^No other complete reviews/);
  });

  it('never carries anything about a peer but the count', () => {
    // Callers might pass whole rows; only `total` may be read.
    const rows = [
      { total: 70, name: '王五-SECRET', employeeNo: 'E9999' },
      { total: 99, name: '赵六-SECRET', employeeNo: 'E9998' },
    ];
    const peers: ScorecardPeer[] = rows;
    const v = buildScorecardView(input(makeReview(), { peers }));
    const json = JSON.stringify(v);
    expect(json).not.toContain('SECRET');
    expect(json).not.toContain('E999');
    expect(v.standing.rank).toBe(2);
  });
});

describe('buildScorecardView: acknowledgement, logo, history', () => {
  it('formats the acknowledgement in the language', () => {
    const review = makeReview({ extra: { acknowledgedAt: '2025-07-03T06:05:00.000Z', acknowledgedBy: 'Zhang San' } });
    expect(buildScorecardView(input(review)).acknowledgement).toEqual({
      acknowledged: true,
      by: 'Zhang San',
      at: '2025年7月3日 14:05（Asia/Shanghai, UTC+8）',
      text: 'Zhang San 已于 2025年7月3日 14:05（Asia/Shanghai, UTC+8） 确认',
    });
    expect(buildScorecardView(input(review, { lang: 'en' })).acknowledgement.text).toBe(
      'Acknowledged by Zhang San on Jul 3, 2025, 14:05 (Asia/Shanghai, UTC+8)',
    );
  });

  it('keeps a valid logo and drops anything else', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    expect(buildScorecardView(input(makeReview(), { company: { name: 'A', logoDataUrl: png } })).header.logoDataUrl).toBe(png);
    expect(buildScorecardView(input(makeReview(), { company: { name: 'A', logoDataUrl: 'javascript:alert(1)' } })).header.logoDataUrl).toBeNull();
    expect(safeImageDataUrl('data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=')).not.toBeNull();
    expect(safeImageDataUrl('data:image/jpeg;base64,/9j/4AAQ')).not.toBeNull();
    expect(safeImageDataUrl('data:text/html;base64,PHNjcmlwdD4=')).toBeNull();
    expect(safeImageDataUrl('data:image/png;base64,AAA" onerror="alert(1)')).toBeNull();
    expect(safeImageDataUrl('data:image/svg+xml,<svg onload=alert(1)>')).toBeNull();
    expect(safeImageDataUrl('https://example.com/logo.png')).toBeNull();
    expect(safeImageDataUrl(null)).toBeNull();
  });

  it('builds the trend from history and the current review, oldest first, up to this cycle', () => {
    const history: ScorecardHistoryEntry[] = [
      { cycleName: '2024 H2', periodEnd: '2024-12-31', total: 78.5, templateVersionNumber: 2, complete: true },
      { cycleName: '2024 H1', periodEnd: '2024-06-30', total: 71, templateVersionNumber: 2, complete: false },
      { cycleName: '2025 H1', periodEnd: '2025-06-30', total: 1, templateVersionNumber: 3, complete: true },
      { cycleName: '2025 H2', periodEnd: '2025-12-31', total: 90, templateVersionNumber: 3, complete: true },
    ];
    const review = makeReview();
    const v = buildScorecardView(input(review, { history }));
    expect(v.charts.trend.map((p) => [p.label, p.total, p.version, p.complete, p.current])).toEqual([
      ['2024 H1', 71, 2, false, false],
      ['2024 H2', 78.5, 2, true, false],
      ['2025 H1', review.total, 3, true, true],
    ]);
    expect(v.charts.trend[2].versionLabel).toBe('v3');
    expect(v.charts.versionChanged).toBe(true);
    expect(buildScorecardView(input(review)).charts.versionChanged).toBe(false);
  });
});
