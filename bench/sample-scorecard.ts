// The scorecard the Chromium-only benches print: the review of makeReview in Chinese with a 4-cycle
// trend and 30 peers (3 A4 pages), built as the app builds it.
import { makeReview } from '../src/scorecards/review.fixture.js';
import { renderScorecardHtml } from '../src/scorecards/scorecard-html.js';
import { buildScorecardView, type ScorecardView } from '../src/scorecards/scorecard-view.js';

/** The content hash printed on it. */
export const CONTENT_HASH = '3f9a0c1d2e4b5a69';

export function scorecard(): { view: ScorecardView; html: string; css: string } {
  const review = makeReview({
    extra: {
      strengths: '带领团队完成华东区三家重点客户的续约。',
      challenges: '第二季度销售线索不足。',
      developmentPlan: '参加谈判技巧课程。',
      managerComment: '上半年表现稳健。',
    },
  });
  const history = ['2023 H1', '2023 H2', '2024 H1', '2024 H2'].map((cycleName, i) => ({
    cycleName,
    periodEnd: `${2023 + Math.floor(i / 2)}-${i % 2 ? '12-31' : '06-30'}`,
    total: 70 + i * 4,
    templateVersionNumber: 2,
    complete: true,
  }));
  const peers = Array.from({ length: 30 }, (_, i) => ({ total: 60 + i }));
  const view = buildScorecardView({
    review,
    history,
    peers,
    company: { name: '示例科技有限公司', logoDataUrl: null },
    lang: 'zh-CN',
    generatedAt: new Date('2026-07-01T08:00:00Z'),
    timeZone: 'Asia/Shanghai',
  });
  return { view, ...renderScorecardHtml(view, { contentHash: CONTENT_HASH }) };
}
