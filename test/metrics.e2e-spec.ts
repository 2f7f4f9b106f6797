// GET /metrics as Prometheus scrapes it: off without METRICS_TOKEN, refused without the token, and
// with it a valid text exposition whose numbers move with what the app does (requests, prints,
// a browser crash, an export, the database pool).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExportCreatedDto, ExportDto } from '../src/exports/dto/export.dto.js';
import { PdfRenderer } from '../src/scorecards/pdf-renderer.js';
import { expectError, seedReview, uniq } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';
import { type Family, family, histogramOf, parsePrometheusText, valueOf } from './support/prometheus-text.js';

const TOKEN = `metrics-token-${uniq()}${uniq()}`;

describe('the Prometheus text reader used below', () => {
  it('reads labels with escapes, NaN and ±Inf, and histograms by their labels', () => {
    const families = parsePrometheusText(
      [
        '# HELP a_total Things, with a \\\\ and a \\n in the help',
        '# TYPE a_total counter',
        'a_total{path="C:\\\\DIR",msg="say \\"hi\\"\\n",} 3 1395066363000',
        '# TYPE g gauge',
        'g{k="x"} NaN',
        'g{k="y"} -Inf',
        '# TYPE h histogram',
        'h_bucket{le="0.5",route="/a"} 1',
        'h_bucket{le="+Inf",route="/a"} 2',
        'h_sum{route="/a"} 1.5e0',
        'h_count{route="/a"} 2',
        'h_bucket{route="/b",le="+Inf"} 0',
        'h_sum{route="/b"} 0',
        'h_count{route="/b"} 0',
      ].join('\n'),
    );
    expect(family(families, 'a_total', 'counter').help).toBe('Things, with a \\ and a \n in the help');
    expect(valueOf(families, 'a_total', 'counter', { path: 'C:\\DIR', msg: 'say "hi"\n' })).toBe(3);
    expect(valueOf(families, 'g', 'gauge', { k: 'x' })).toBeNaN();
    expect(valueOf(families, 'g', 'gauge', { k: 'y' })).toBe(-Infinity);
    expect(histogramOf(families, 'h', { route: '/a' })).toEqual({
      labels: { route: '/a' },
      buckets: [
        [0.5, 1],
        [Infinity, 2],
      ],
      sum: 1.5,
      count: 2,
    });
    expect(histogramOf(families, 'h', { route: '/b' })?.count).toBe(0);
  });

  it('refuses what Prometheus would refuse, and histograms that do not add up', () => {
    const bad = [
      'undeclared 1',
      '# TYPE x gauge\nx{a="1} 1',
      '# TYPE x gauge\nx 1 2 3',
      '# TYPE x gauge\nx one',
      '# TYPE x gauge\nx{a="1"} 1\nx{a="1"} 2',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1',
      '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3',
    ];
    for (const text of bad) expect(() => parsePrometheusText(text)).toThrow();
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('does not exist', async () => {
    await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let t: TestApp;

  const scrape = async (): Promise<Map<string, Family>> => {
    const res = await t.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parsePrometheusText(res.text);
  };
  const requests = (families: Map<string, Family>, labels: Record<string, string>): number =>
    histogramOf(families, 'http_request_duration_seconds', labels)?.count ?? 0;

  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN: TOKEN, PDF_POOL_SIZE: '2' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 401 with a Bearer challenge to a missing or wrong token', async () => {
    for (const auth of [undefined, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`]) {
      const req = t.http.get('/metrics');
      const res = auth ? await req.set('Authorization', auth) : await req;
      expectError(res, 401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.text).not.toContain('http_request_duration_seconds');
    }
  });

  it('times HTTP requests by route pattern, method and status', async () => {
    const { review } = await seedReview(t);
    const before = await scrape();
    const route = { method: 'GET', route: '/api/reviews/:id' };
    await t.http.get(`/api/reviews/${review.id}`).set(t.as('hr')).expect(200);
    await t.http.get(`/api/reviews/${review.id}`).set(t.as('hr')).expect(200);
    await t.http.get(`/api/reviews/${review.id}`).expect(401);
    await t.http.get(`/api/nothing-here/${uniq()}`).expect(404);
    const after = await scrape();

    expect(requests(after, { ...route, status: '200' }) - requests(before, { ...route, status: '200' })).toBe(2);
    expect(requests(after, { ...route, status: '401' }) - requests(before, { ...route, status: '401' })).toBe(1);
    expect(requests(after, { route: '(unmatched)', status: '404' }) - requests(before, { route: '(unmatched)', status: '404' })).toBe(1);
    // The raw URL never becomes a label: one series per pattern, whatever the ids.
    const routes = family(after, 'http_request_duration_seconds', 'histogram').samples.map((s) => s.labels.route);
    expect(routes.some((r) => r.includes(review.id))).toBe(false);
    const ok = histogramOf(after, 'http_request_duration_seconds', { ...route, status: '200' });
    expect(ok?.sum).toBeGreaterThan(0);
    // The earlier scrape was itself a request.
    expect(requests(after, { method: 'GET', route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(1);
  });

  it('reports PDF render time, queue wait, the page pool and browser restarts', async () => {
    const { review } = await seedReview(t);
    const before = await scrape();
    expect(valueOf(before, 'scorecard_pdf_pool_size', 'gauge')).toBe(2);
    await t.http.get(`/api/reviews/${review.id}/scorecard.pdf`).set(t.as('hr')).expect(200);
    const printed = await scrape();
    const renders = (f: Map<string, Family>) => histogramOf(f, 'scorecard_pdf_render_duration_seconds')?.count ?? 0;
    const waits = (f: Map<string, Family>) => histogramOf(f, 'scorecard_pdf_queue_wait_seconds')?.count ?? 0;
    expect(renders(printed) - renders(before)).toBe(1);
    expect(waits(printed) - waits(before)).toBe(1);
    expect(histogramOf(printed, 'scorecard_pdf_render_duration_seconds')?.sum).toBeGreaterThan(0);
    expect(valueOf(printed, 'scorecard_pdf_renders_total', 'counter') - valueOf(before, 'scorecard_pdf_renders_total', 'counter')).toBe(1);
    expect(valueOf(printed, 'scorecard_pdf_browser_up', 'gauge')).toBe(1);
    expect(valueOf(printed, 'scorecard_pdf_pages_open', 'gauge')).toBeGreaterThanOrEqual(1);
    expect(valueOf(printed, 'scorecard_pdf_browser_rss_bytes', 'gauge')).toBeGreaterThan(10 * 1024 * 1024);
    expect(valueOf(printed, 'scorecard_pdf_browser_restarts_total', 'counter')).toBe(0);

    // Chromium dies: the gauge drops, and the next print's relaunch counts as a restart.
    const renderer = t.app.get(PdfRenderer);
    process.kill(renderer.stats().browserPid as number, 'SIGKILL');
    for (let i = 0; i < 100 && renderer.stats().browserRunning; i++) await sleep(50);
    const crashed = await scrape();
    expect(valueOf(crashed, 'scorecard_pdf_browser_up', 'gauge')).toBe(0);
    expect(valueOf(crashed, 'scorecard_pdf_browser_crashes_total', 'counter')).toBe(1);
    await t.http.get(`/api/reviews/${review.id}/scorecard.pdf`).set(t.as('hr')).expect(200);
    const relaunched = await scrape();
    expect(valueOf(relaunched, 'scorecard_pdf_browser_restarts_total', 'counter')).toBe(1);
    expect(valueOf(relaunched, 'scorecard_pdf_browser_up', 'gauge')).toBe(1);
    expect(renders(relaunched) - renders(before)).toBe(2);
  });

  it('counts export jobs by state and the items printed', async () => {
    const { cycle } = await seedReview(t);
    await seedReview(t, 'account_manager', cycle);
    const before = await scrape();
    expect(valueOf(before, 'scorecard_export_jobs', 'gauge', { state: 'done' })).toBe(0);
    const created = (await t.http.post(`/api/cycles/${cycle.id}/scorecards`).set(t.as('hr')).send({}).expect(202)).body as ExportCreatedDto;
    let job: ExportDto | null = null;
    for (let i = 0; i < 300; i++) {
      job = (await t.http.get(`/api/exports/${created.id}`).set(t.as('hr')).expect(200)).body as ExportDto;
      if (job.state === 'done' || job.state === 'failed') break;
      await sleep(100);
    }
    expect(job?.state).toBe('done');
    const after = await scrape();
    expect(valueOf(after, 'scorecard_export_jobs', 'gauge', { state: 'done' })).toBe(1);
    expect(valueOf(after, 'scorecard_export_jobs', 'gauge', { state: 'queued' })).toBe(0);
    expect(valueOf(after, 'scorecard_export_items', 'gauge', { state: 'done' })).toBe(2);
    const done = (f: Map<string, Family>) => valueOf(f, 'scorecard_export_items_processed_total', 'counter', { outcome: 'done' });
    expect(done(after) - done(before)).toBe(2);
    expect(valueOf(after, 'scorecard_export_items_processed_total', 'counter', { outcome: 'failed' })).toBe(0);
  });

  it("reports the database pool's connections, idle ones, waiters and size", async () => {
    const families = await scrape();
    const total = valueOf(families, 'scorecard_db_pool_connections', 'gauge');
    expect(total).toBeGreaterThanOrEqual(1);
    expect(valueOf(families, 'scorecard_db_pool_idle', 'gauge')).toBeLessThanOrEqual(total);
    expect(valueOf(families, 'scorecard_db_pool_waiting', 'gauge')).toBe(0);
    expect(valueOf(families, 'scorecard_db_pool_max', 'gauge')).toBe(10);
    // Process metrics come along, for memory and event-loop panels.
    expect(valueOf(families, 'process_resident_memory_bytes', 'gauge')).toBeGreaterThan(0);
  });
});
