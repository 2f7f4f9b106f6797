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
import { scorecard } from './sample-scorecard.js';
import { machineTicks, pool, stealPercent, treeCpuMs } from './support.js';

const N = Number(process.env.BENCH_N ?? 1500);
const VARIANTS = (process.env.BENCH_VARIANTS ?? '500,0,500,0').split(',').map(Number);
const CONCURRENCY = 2;

async function main(): Promise<void> {
  const { html, css } = scorecard();
  const input = { html, css };
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
      await pool(N, CONCURRENCY, async () => {
        const t = performance.now();
        await renderer.print(input);
        latencies.push(performance.now() - t);
      });
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
