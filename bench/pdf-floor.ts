// How close PdfRenderer gets to what Chromium itself can do, on a 2-page Chinese/English
// scorecard-like document (a 25-row KPI table, comments, header and "page X of Y" footer).
//
//   npm run build && node dist/bench/pdf-floor.js
//
//   (a)  naive: a new browser per PDF (launch, page, full document, print, close)
//   (d1) the floor: the finished document already loaded in warm pages; only page.pdf() is timed,
//        one at a time
//   (d2) the floor at concurrency = pool size
//   (e)  PdfRenderer.print() warm, one at a time and at concurrency = pool size
//   then the RSS of the renderer's browser after 100 and after 2,000 renders (page and browser
//   recycling switched off, so a leak cannot hide behind a restart).
//
// BENCH_N (default 100) is the number of PDFs per warm measurement, BENCH_LEAK_RENDERS (default
// 2,000) the second RSS point, BENCH_NAIVE (default 10) the naive runs. BENCH_RELOAD=1 also
// measures (c): reloading the whole document (with its @font-face) into a reused page per PDF,
// the variant the renderer avoids. The exit code is non-zero only when something broke, never
// because a target was missed.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import puppeteer, { type Browser, type CDPSession, type PDFOptions, type Protocol } from 'puppeteer-core';
import { chromiumMissingMessage, describeChromium, findChromium, prepareChromium } from '../src/scorecards/chromium.js';
import { type CjkFonts, loadCjkFonts } from '../src/scorecards/fonts.js';
import { CHROMIUM_ARGS } from '../src/scorecards/pdf-browser.js';
import { toInches } from '../src/scorecards/pdf-options.js';
import { PdfRenderer } from '../src/scorecards/pdf-renderer.js';
import { treeRssBytesSync } from '../src/scorecards/process-tree.js';
import { pool, timed } from './support.js';

const N = Number(process.env.BENCH_N ?? 100);
const LEAK_RENDERS = Number(process.env.BENCH_LEAK_RENDERS ?? 2_000);
const NAIVE_RUNS = Number(process.env.BENCH_NAIVE ?? 10);
const POOL = availableParallelism();

const KPIS: Array<[string, string, number, string]> = [
  ['公司业绩 Company performance', '营业收入同比增长 Revenue growth YoY', 25, '12.4%'],
  ['团队绩效 Team performance', '团队目标达成率 Team goal attainment', 25, '96.0%'],
  ['战略目标 Strategic goals', '重点项目按期交付 Key projects on time', 20, '4 / 5'],
  ['领导力 Leadership', '愿景与方向 Vision and direction', 7.5, '4 / 5'],
  ['领导力 Leadership', '团队发展 Developing people', 7.5, '5 / 5'],
  ['领导力 Leadership', '决策质量 Decision quality', 7.5, '3 / 5'],
  ['领导力 Leadership', '沟通协作 Communication', 7.5, '4 / 5'],
  ['销售 Sales', '销售额达成 Sales attainment', 35, '108.2%'],
  ['客户 Customers', '客户满意度 Customer satisfaction', 15, '4.6 / 5'],
  ['客户 Customers', '客户保留率 Retention rate', 15, '91.5%'],
  ['客户 Customers', '客户拜访频次 Relationship upkeep', 10, '38 visits'],
  ['技能 Skills', '需求挖掘 Discovery', 6.25, '4 / 5'],
  ['技能 Skills', '方案呈现 Presentation', 6.25, '4 / 5'],
  ['技能 Skills', '谈判能力 Negotiation', 6.25, '3 / 5'],
  ['技能 Skills', '成交推进 Closing', 6.25, '5 / 5'],
  ['运营 Operations', '预算执行偏差 Budget variance', 5, '-2.1%'],
  ['运营 Operations', '流程改进提案 Process improvements', 5, '6'],
  ['合规 Compliance', '合规培训完成 Compliance training', 5, '100%'],
  ['合规 Compliance', '审计问题关闭 Audit findings closed', 5, '9 / 10'],
  ['人才 Talent', '关键岗位继任 Succession coverage', 5, '80%'],
  ['人才 Talent', '员工敬业度 Engagement score', 5, '78'],
  ['人才 Talent', '主动离职率 Voluntary attrition', 5, '6.5%'],
  ['创新 Innovation', '新产品收入占比 New product revenue', 5, '14%'],
  ['质量 Quality', '客户投诉率 Complaint rate', 5, '0.8%'],
  ['质量 Quality', '一次交付合格率 First-pass yield', 5, '97.3%'],
];

const CSS = `
  body { font-size: 9pt; color: #222; }
  h1 { font-size: 18pt; margin: 0 0 4mm; color: #0b3d6e; }
  h2 { font-size: 12pt; margin: 6mm 0 2mm; color: #0b3d6e; border-bottom: 1px solid #0b3d6e; }
  .meta { display: grid; grid-template-columns: 1fr 1fr; gap: 1mm 8mm; margin-bottom: 4mm; }
  table { width: 100%; border-collapse: collapse; }
  th { background: #0b3d6e; color: #fff; font-weight: 700; text-align: left; }
  th, td { padding: 1.2mm 2mm; border-bottom: 0.3mm solid #ccd; }
  tr:nth-child(even) td { background: #f3f6fa; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .total { font-size: 14pt; font-weight: 700; }
  .band { display: inline-block; padding: 1mm 3mm; border-radius: 2mm; background: #2e7d32; color: #fff; }
  p.comment { white-space: pre-wrap; line-height: 1.6; }
  .bar { height: 3mm; background: #4a90d9; }
`;

function scorecardHtml(): string {
  const rows = KPIS.map(([area, kpi, weight, actual], i) => {
    const score = 60 + ((i * 37) % 41);
    const points = ((score * weight) / 100).toFixed(2);
    return `<tr><td>${i + 1}</td><td>${area}</td><td>${kpi}</td><td class="num">${weight}%</td><td class="num">${actual}</td><td class="num">${score}</td><td class="num">${points}</td><td><div class="bar" style="width:${score * 0.3}mm"></div></td></tr>`;
  }).join('');
  const comment =
    '张伟在本年度表现卓越，带领团队超额完成销售目标，客户满意度保持在较高水平。在跨部门协作中展现出良好的沟通能力，' +
    '主动推动流程改进，为公司节约了可观的运营成本。Zhang Wei delivered an excellent year: the team beat its sales target, ' +
    'customer satisfaction stayed high, and he drove process improvements that saved real operating cost. ';
  return `
    <h1>绩效评估 Performance Scorecard — 2025 年度</h1>
    <div class="meta">
      <div>员工 Employee：<b>张伟 Zhang Wei</b></div><div>工号 ID：E-10086</div>
      <div>部门 Department：华东销售部 East China Sales</div><div>岗位 Role：客户经理 Account manager</div>
      <div>评估人 Reviewer：李娜 Li Na</div><div>周期 Cycle：2025-01-01 — 2025-12-31</div>
    </div>
    <p>总分 Total：<span class="total">87.35</span> &nbsp; 等级 Band：<span class="band">卓越 Excellent</span></p>
    <h2>关键绩效指标 Key performance indicators</h2>
    <table><thead><tr><th>#</th><th>领域 Area</th><th>指标 KPI</th><th>权重 Weight</th><th>实际 Actual</th><th>得分 Score</th><th>加权 Points</th><th></th></tr></thead>
    <tbody>${rows}</tbody></table>
    <h2>优势 Strengths</h2><p class="comment">${comment.repeat(2)}</p>
    <h2>待改进 Challenges</h2><p class="comment">${comment}</p>
    <h2>发展计划 Development plan</h2><p class="comment">${comment.repeat(2)}</p>
    <h2>签字 Signatures</h2><p>员工 Employee ____________ &nbsp; 经理 Manager ____________ &nbsp; 人力资源 HR ____________</p>`;
}

const HEADER = '<span>绩效评估 Performance Scorecard · 张伟 Zhang Wei · 2025</span>';
const FOOTER =
  '第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页 · Page <span class="pageNumber"></span> of <span class="totalPages"></span>';
const MARGIN = { top: '16mm', right: '14mm', bottom: '16mm', left: '14mm' };

/** The whole document the renderer would end up with: shell head (fonts) + CSS + body. */
function finishedDocument(fonts: CjkFonts, body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${fonts.pageCss}
    html{-webkit-print-color-adjust:exact;print-color-adjust:exact}body{margin:0;font-family:${fonts.fontStack}}</style>
    <style>${CSS}</style></head><body>${body}</body></html>`;
}

function pdfOptions(fonts: CjkFonts): PDFOptions {
  const wrap = (html: string): string =>
    `<div style="width:100%;box-sizing:border-box;padding:0 ${MARGIN.right} 0 ${MARGIN.left};font-family:${fonts.fontStack};font-size:8pt;color:#444">${html}</div>`;
  return {
    format: 'A4',
    printBackground: true,
    tagged: false,
    outline: false,
    displayHeaderFooter: true,
    headerTemplate: wrap(HEADER),
    footerTemplate: wrap(FOOTER),
    margin: MARGIN,
    waitForFonts: false,
  };
}

/** The same print as pdfOptions, as the DevTools command with the PDF returned inline: Chromium's fastest path. */
function printParams(options: PDFOptions): Protocol.Page.PrintToPDFRequest {
  return {
    paperWidth: 8.2677,
    paperHeight: 11.6929,
    marginTop: toInches(MARGIN.top),
    marginRight: toInches(MARGIN.right),
    marginBottom: toInches(MARGIN.bottom),
    marginLeft: toInches(MARGIN.left),
    printBackground: true,
    generateTaggedPDF: false,
    generateDocumentOutline: false,
    displayHeaderFooter: true,
    headerTemplate: options.headerTemplate,
    footerTemplate: options.footerTemplate,
    transferMode: 'ReturnAsBase64',
  };
}

interface Result {
  label: string;
  pdfs: number;
  ms: number;
}

const results: Result[] = [];

function report(label: string, pdfs: number, ms: number): Result {
  const result = { label, pdfs, ms };
  results.push(result);
  console.log(`${label.padEnd(52)} ${(ms / pdfs).toFixed(1).padStart(8)} ms/PDF ${((pdfs * 1000) / ms).toFixed(1).padStart(7)} PDFs/s   (${pdfs} PDFs)`);
  return result;
}

async function main(): Promise<void> {
  const chromium = findChromium();
  if (!chromium) throw new Error(chromiumMissingMessage());
  const executablePath = await prepareChromium(chromium);
  const fonts = await loadCjkFonts();
  const body = scorecardHtml();
  const documentHtml = finishedDocument(fonts, body);
  const options = pdfOptions(fonts);
  const fontDir = await mkdtemp(join(tmpdir(), 'pdf-floor-'));
  const fontEnv = await fonts.writeSystemFonts(fontDir);
  const launch = (): Promise<Browser> =>
    puppeteer.launch({
      executablePath,
      headless: chromium.headless,
      pipe: true,
      args: [...CHROMIUM_ARGS],
      env: { ...process.env, ...fontEnv },
    });

  console.log(`Chromium: ${describeChromium(chromium)}, ${POOL} cores, pool size ${POOL}`);
  console.log(`Document: ${KPIS.length} KPI rows, Chinese + English, header + "page X of Y" footer; fonts CSS ${(fonts.pageCss.length / 1e6).toFixed(1)} MB\n`);

  // (a) naive: a browser per PDF.
  let pages = 0;
  let bytes = 0;
  const naiveMs = await timed(async () => {
    for (let i = 0; i < NAIVE_RUNS; i++) {
      const browser = await launch();
      const page = await browser.newPage();
      await page.setContent(documentHtml, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await page.pdf(options);
      await browser.close();
    }
  });
  const naive = report('(a)  naive: new browser per PDF', NAIVE_RUNS, naiveMs);
  let d1: Result | undefined;
  let d2: Result | undefined;
  let e1: Result | undefined;
  let e2: Result | undefined;

  // (d) the floor: warm pages holding the finished document; only printing is timed, through
  // Chromium's fastest path (Page.printToPDF, PDF returned inline).
  const browser = await launch();
  const warm: CDPSession[] = [];
  const params = printParams(options);
  for (let i = 0; i < POOL; i++) {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setContent(documentHtml, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const cdp = await page.createCDPSession();
    const { data } = await cdp.send('Page.printToPDF', params); // warm-up
    if (i === 0) {
      const pdf = Buffer.from(data, 'base64');
      bytes = pdf.length;
      pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    }
    warm.push(cdp);
  }
  const print = async (cdp: CDPSession): Promise<void> => void (await cdp.send('Page.printToPDF', params));

  // (e) PdfRenderer.print(), warm, measured interleaved with (d) in small blocks so that load from
  // anything else on the machine hits both alike.
  const input = { html: body, css: CSS, headerHtml: HEADER, footerHtml: FOOTER };
  const renderer = new PdfRenderer({
    poolSize: POOL,
    pageMaxRenders: 0,
    browserMaxRenders: 0,
    browserMaxRssMb: 0,
    renderTimeoutMs: 60_000,
    logger: { log: () => undefined, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) },
  });
  let rss100 = 0;
  let rssEnd = 0;
  let reloadLeak: { perPdfKb: number; renders: number } | null = null;
  try {
    await renderer.warmUp();
    const render = async (): Promise<void> => void (await renderer.print(input));
    await pool(2 * POOL, POOL, render); // every page warm
    const BLOCK = 10;
    const blocks = Math.max(1, Math.round(N / BLOCK));
    const ms = { d1: 0, d2: 0, e1: 0, e2: 0 };
    for (let b = 0; b < blocks; b++) {
      ms.d1 += await timed(() => pool(BLOCK, 1, () => print(warm[0])));
      ms.e1 += await timed(() => pool(BLOCK, 1, render));
      ms.d2 += await timed(() => pool(BLOCK, POOL, (_, w) => print(warm[w])));
      ms.e2 += await timed(() => pool(BLOCK, POOL, render));
    }
    const count = blocks * BLOCK;
    d1 = report('(d1) floor: print a warm page, sequential', count, ms.d1);
    d2 = report(`(d2) floor: print warm pages, concurrency ${POOL}`, count, ms.d2);
    e1 = report('(e1) PdfRenderer.print(), sequential', count, ms.e1);
    e2 = report(`(e2) PdfRenderer.print(), concurrency ${POOL}`, count, ms.e2);

    // (c) optional: the whole document (fonts included) reloaded into a reused page per PDF.
    if (process.env.BENCH_RELOAD === '1') {
      const page = await browser.newPage();
      await page.setJavaScriptEnabled(false);
      const pid = browser.process()?.pid as number;
      const renders = 100;
      let rssAfter10 = 0;
      const reloadMs = await timed(async () => {
        for (let i = 0; i < renders; i++) {
          await page.setContent(documentHtml, { waitUntil: 'load' });
          await page.evaluate(() => document.fonts.ready.then(() => undefined));
          await page.pdf(options);
          if (i === 9) rssAfter10 = treeRssBytesSync(pid);
        }
      });
      report('(c)  reload whole document into a reused page', renders, reloadMs);
      reloadLeak = { perPdfKb: (treeRssBytesSync(pid) - rssAfter10) / 1024 / (renders - 10), renders };
      await page.close();
    }
    await browser.close();
  } finally {
    await renderer.close();
    if (browser.connected) await browser.close();
  }

  // Memory: a fresh renderer; RSS of its browser's process tree after 100 and after LEAK_RENDERS renders.
  const leakRenderer = new PdfRenderer({ poolSize: POOL, pageMaxRenders: 0, browserMaxRenders: 0, browserMaxRssMb: 0, renderTimeoutMs: 60_000 });
  try {
    const render = async (): Promise<void> => void (await leakRenderer.print(input));
    await pool(100, POOL, render);
    await sleep(500);
    rss100 = leakRenderer.stats().browserRssMb;
    const leakStarted = performance.now();
    await pool(LEAK_RENDERS - 100, POOL, render);
    const leakMs = performance.now() - leakStarted;
    await sleep(500);
    const stats = leakRenderer.stats();
    rssEnd = stats.browserRssMb;
    console.log(
      `\n${LEAK_RENDERS} renders through a fresh PdfRenderer (concurrency ${POOL}, no recycling): ${stats.renders} PDFs, ${stats.failures} failures, ${stats.restarts} restarts, ${(leakMs / (LEAK_RENDERS - 100)).toFixed(1)} ms/PDF for the last ${LEAK_RENDERS - 100}`,
    );
  } finally {
    await leakRenderer.close();
    await rm(fontDir, { recursive: true, force: true });
  }
  if (!d1 || !d2 || !e1 || !e2) throw new Error('measurements missing');

  console.log(`\nPDF: ${pages} pages, ${(bytes / 1024).toFixed(1)} kB`);
  console.log('Ratios (ms per PDF):');
  console.log(`  naive / PdfRenderer sequential      ${(naive.ms / naive.pdfs / (e1.ms / e1.pdfs)).toFixed(1)}x`);
  console.log(`  PdfRenderer sequential / floor (d1) ${(e1.ms / e1.pdfs / (d1.ms / d1.pdfs)).toFixed(2)}x`);
  console.log(`  PdfRenderer concurrent / floor (d2) ${(e2.ms / e2.pdfs / (d2.ms / d2.pdfs)).toFixed(2)}x`);
  console.log(`  floor concurrent speed-up (d1/d2)   ${(d1.ms / d2.ms).toFixed(2)}x;  PdfRenderer (e1/e2) ${(e1.ms / e2.ms).toFixed(2)}x`);
  const growth = rssEnd / rss100;
  console.log(
    `Browser RSS (sum over its process tree): ${rss100.toFixed(0)} MB after 100 renders, ${rssEnd.toFixed(0)} MB after ${LEAK_RENDERS}: ${growth.toFixed(2)}x (target < 1.2x: ${growth < 1.2 ? 'met' : 'MISSED'})`,
  );
  if (reloadLeak)
    console.log(`(c) reloading the whole document per PDF grew the RSS by ${reloadLeak.perPdfKb.toFixed(0)} kB per PDF over ${reloadLeak.renders} PDFs`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
