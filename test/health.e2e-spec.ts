import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './support/app.js';

describe('health and docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is live, and ready with every check up (GET /api/health is readiness too)', async () => {
    const live = await t.http.get('/api/health/live').expect(200);
    expect(live.body).toMatchObject({ status: 'ok', details: { process: { status: 'up', pid: process.pid } } });
    for (const path of ['/api/health/ready', '/api/health']) {
      const res = await t.http.get(path).expect(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        error: {},
        details: {
          lifecycle: { status: 'up' },
          database: { status: 'up' },
          migrations: { status: 'up', applied: t.db.migrations.length },
          exportQueue: { status: 'up', running: true, workers: true, queued: 0, active: 0 },
          pdfBrowser: { status: 'up', executable: expect.any(String), running: false },
        },
      });
    }
  });

  it('is not ready (503) while a migration is missing, and ready again once it is applied', async () => {
    const [last] = await t.db.query<{ id: number; timestamp: string; name: string }[]>('SELECT id, timestamp, name FROM migrations ORDER BY id DESC LIMIT 1');
    await t.db.query('DELETE FROM migrations WHERE id = $1', [last.id]);
    try {
      const res = await t.http.get('/api/health/ready').expect(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body).toMatchObject({
        status: 'error',
        error: { migrations: { status: 'down', message: expect.stringContaining(last.name) } },
        info: { database: { status: 'up' } },
      });
      await t.http.get('/api/health').expect(503);
      // Liveness does not care: restarting would not apply it either.
      await t.http.get('/api/health/live').expect(200);
    } finally {
      await t.db.query('INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)', [last.id, last.timestamp, last.name]);
    }
    await t.http.get('/api/health/ready').expect(200);
  });

  it('stays ready, degraded, when only the PDF browser is missing', async () => {
    const noBrowser = await createTestApp({ CHROMIUM_PATH: '/nonexistent/chrome' });
    try {
      const res = await noBrowser.http.get('/api/health/ready').expect(200);
      expect(res.body).toMatchObject({
        status: 'degraded',
        details: { database: { status: 'up' }, pdfBrowser: { status: 'degraded', message: expect.stringContaining('Chromium') } },
      });
    } finally {
      await noBrowser.close();
    }
  });

  it('documents every API route under /api (the API is mounted there, the pages are not)', async () => {
    const res = await t.http.get('/api/docs-json').expect(200);
    const paths = Object.keys((res.body as { paths: Record<string, unknown> }).paths);
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !p.startsWith('/api/'))).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining(['/api/health', '/api/health/live', '/api/health/ready', '/api/reviews/{id}', '/api/auth/login']));
  });
});
