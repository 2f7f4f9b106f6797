// What replacing pooled pages costs (issue 17 point 2): PdfRenderer alone, no app, no database,
// printing one 3-page Chinese scorecard at concurrency 2 with pageMaxRenders 500 and 0 (never) in
// turns, each variant from its own fresh renderer. Chromium's CPU per PDF (its process tree, reaped
// renderers included, from /proc) is the figure that counts; throughput, latency percentiles and
// the browser's RSS are printed beside it.
//
//   npm run bench:pdf-recycle         BENCH_N (default 1,500) PDFs per variant, BENCH_VARIANTS (default 500,0,500,0)
//
// The exit code is non-zero only when something broke.
import { PdfRenderer } from '../src/scorecards/pdf-renderer.js';
import { makeReview } from '../src/scorecards/review.fixture.js';
import { renderScorecardHtml } from '../src/scorecards/scorecard-html.js';
import { buildScorecardView } from '../src/scorecards/scorecard-view.js';
import { machineTicks, stealPercent, treeCpuMs } from './support.js';

const N = Number(process.env.BENCH_N ?? 1500);
const VARIANTS = (process.env.BENCH_VARIANTS ?? '500,0,500,0').split(',').map(Number);
const CONCURRENCY = 2;

function scorecard(): { html: string; css: string } {
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
  return renderScorecardHtml(view, { contentHash: '3f9a0c1d2e4b5a69' });
}

async function main(): Promise<void> {
  const input = scorecard();
  const ticks = machineTicks();
  console.log(`Page recycling: ${N} PDFs per variant at concurrency ${CONCURRENCY}, variants (pageMaxRenders) ${VARIANTS.join(', ')}`);
  for (const max of VARIANTS) {
    const renderer = new PdfRenderer({ poolSize: CONCURRENCY, pageMaxRenders: max });
    try {
      // Warm: both pages open and printed a few times.
      for (let i = 0; i < 20; i++) await Promise.all([renderer.print(input), renderer.print(input)]);
      const pid = renderer.stats().browserPid;
      if (pid === null) throw new Error('no browser after the warm-up');
      const rssBefore = renderer.stats().browserRssMb;
      const cpuBefore = treeCpuMs(pid);
      const started = performance.now();
      const latencies: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < N) {
            const t = performance.now();
            await renderer.print(input);
            latencies.push(performance.now() - t);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpu = (treeCpuMs(pid) - cpuBefore) / N;
      const stats = renderer.stats();
      latencies.sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))].toFixed(0);
      console.log(
        `  pageMaxRenders ${String(max).padStart(4)}: ${(N / seconds).toFixed(1)} PDFs/s, Chromium CPU ${cpu.toFixed(1)} ms/PDF, ` +
          `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms, RSS ${rssBefore} → ${stats.browserRssMb} MB, ` +
          `pages replaced ${stats.pageRecycles}, browser restarts ${stats.restarts}`,
      );
    } finally {
      await renderer.close();
    }
  }
  console.log(`Steal (/proc/stat, whole run): ${stealPercent(ticks, machineTicks()).toFixed(1)}%`);
}

try {
  await main();
} catch (err) {
  console.error(`Bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
}
