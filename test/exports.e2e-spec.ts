// Bulk export of scorecards: jobs in PostgreSQL (our tables + pg-boss), printed by workers in the
// app and in any other process on the same database, downloaded as a zip built on the fly.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { AuditEntryDto } from '../src/audit/dto/audit.dto.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ExportCreatedDto, ExportDto } from '../src/exports/dto/export.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { PdfRenderer } from '../src/scorecards/pdf-renderer.js';
import { scorecardFilename } from '../src/scorecards/scorecards.service.js';
import { createEmployee, createReview, expectError, fullAccountManagerEntries, putScores, seedOpenCycle, uniq } from './fixtures.js';
import { ExportsService } from '../src/exports/exports.service.js';
import { MetricsService } from '../src/metrics/metrics.service.js';
import { createTestApp, type TestApp } from './support/app.js';
import { adminQuery } from './support/database.js';
import { expectValidPdfs } from './support/pdf.js';
import { readZip, type ZipEntry } from './support/zip.js';

interface Seeded {
  employee: EmployeeDto;
  review: ReviewDto;
}

/** Runs `count` jobs, `concurrency` at a time, keeping results in order. */
async function inParallel<T>(count: number, concurrency: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await job(i);
      }
    }),
  );
  return out;
}

/** Employees with a review each in the cycle, made through the API. */
async function seedPeople(t: TestApp, cycle: CycleDto, count: number, overrides: { managerId?: string; department?: string } = {}): Promise<Seeded[]> {
  return inParallel(count, 8, async () => {
    const employee = await createEmployee(t, 'account_manager', overrides);
    return { employee, review: await createReview(t, employee.id, cycle.id) };
  });
}

async function startExport(t: TestApp, cycleId: string, body: Record<string, unknown>, headers: Record<string, string>): Promise<ExportCreatedDto> {
  const res = await t.http.post(`/api/cycles/${cycleId}/scorecards`).set(headers).send(body);
  if (res.status !== 202) throw new Error(`export: ${res.status} ${JSON.stringify(res.body)}`);
  const created = res.body as ExportCreatedDto;
  expect(res.headers.location).toBe(`/api/exports/${created.id}`);
  expect(Object.keys(created).sort()).toEqual(['id', 'state', 'total']);
  return created;
}

async function getExport(t: TestApp, id: string, headers: Record<string, string> = t.as('hr')): Promise<ExportDto> {
  const res = await t.http.get(`/api/exports/${id}`).set(headers);
  if (res.status !== 200) throw new Error(`GET export: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ExportDto;
}

/** Polls until the export is done (or failed), returning every `done` count seen on the way. */
async function waitForExport(
  t: TestApp,
  id: string,
  timeoutMs: number,
  headers: Record<string, string> = t.as('hr'),
): Promise<{ final: ExportDto; seen: ExportDto[] }> {
  const seen: ExportDto[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const e = await getExport(t, id, headers);
    seen.push(e);
    if (e.state === 'done' || e.state === 'failed') return { final: e, seen };
    if (Date.now() > until) throw new Error(`export ${id} not finished after ${timeoutMs} ms: ${JSON.stringify(e)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** For refusals: the error body parsed as JSON. */
function tryDownload(t: TestApp, id: string, headers: Record<string, string>): Promise<Response> {
  return t.http.get(`/api/exports/${id}/download`).set(headers);
}

/** The body as raw bytes. */
function download(t: TestApp, id: string, headers: Record<string, string>): Promise<Response> {
  return t.http
    .get(`/api/exports/${id}/download`)
    .set(headers)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
}

async function downloadZip(t: TestApp, id: string, headers: Record<string, string> = t.as('hr')): Promise<ZipEntry[]> {
  const res = await download(t, id, headers);
  const body = res.body as Buffer;
  if (res.status !== 200) throw new Error(`download: ${res.status} ${body.toString('utf8').slice(0, 300)}`);
  expect(res.headers['content-type']).toBe('application/zip');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[\x20-\x7e]+\.zip"; filename\*=UTF-8''[A-Za-z0-9%._~-]+\.zip$/);
  expect(Number(res.headers['content-length'])).toBe(body.length);
  return readZip(body);
}

async function auditActions(t: TestApp, id: string): Promise<AuditEntryDto[]> {
  return (await t.http.get('/api/audit').query({ entity: 'export', id }).set(t.as('hr')).expect(200)).body as AuditEntryDto[];
}

describe('bulk export of scorecards', () => {
  let t: TestApp;
  /** A second app on the same database, its workers sharing the queue. */
  let other: TestApp;
  let cycle: CycleDto;
  let all: Seeded[];
  let managerA: EmployeeDto;
  let lead: EmployeeDto;
  let managerB: EmployeeDto;
  let managerReviews: Seeded[];
  /** managerA's subtree: lead and the lead's reports. */
  let teamA: Seeded[];
  let managerAHeaders: Record<string, string>;
  let managerBHeaders: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    cycle = await seedOpenCycle(t, `2026 H1 导出 ${uniq()}`);
    // 200 reviews: managerA → lead → 20 reports in Sales East; managerB with 177 reports elsewhere.
    managerA = await createEmployee(t, 'manager', { department: 'Management' });
    managerB = await createEmployee(t, 'manager', { department: 'Management' });
    lead = await createEmployee(t, 'manager', { managerId: managerA.id, department: 'Sales East' });
    managerReviews = await Promise.all(
      [managerA, managerB, lead].map(async (employee) => ({ employee, review: await createReview(t, employee.id, cycle.id) })),
    );
    const team = await seedPeople(t, cycle, 20, { managerId: lead.id, department: 'Sales East' });
    const rest = await seedPeople(t, cycle, 177, { managerId: managerB.id, department: 'Sales North' });
    // Two finalized: their export is the issued copy.
    for (const s of team.slice(0, 2)) {
      let r = await putScores(t, s.review, fullAccountManagerEntries());
      r = (await t.http.post(`/api/reviews/${r.id}/submit`).set(t.as('hr')).send({ version: r.version }).expect(200)).body as ReviewDto;
      s.review = (await t.http.post(`/api/reviews/${r.id}/finalize`).set(t.as('hr')).send({ version: r.version }).expect(200)).body as ReviewDto;
    }
    all = [...managerReviews, ...team, ...rest];
    teamA = [managerReviews[2], ...team];
    managerAHeaders = await t.userFor('manager', managerA.id, `manager-a-${uniq()}@test.example`);
    managerBHeaders = await t.userFor('manager', managerB.id, `manager-b-${uniq()}@test.example`);
    other = await createTestApp({}, { database: t.database, keepDatabase: true });
  }, 180_000);

  afterAll(async () => {
    // The second app first: the first one drops the database both use.
    await other?.close();
    await t?.close();
  }, 60_000);

  it('exports all 200 scorecards of the cycle: progress readable throughout, a zip of 200 valid PDFs named <number>-<name>-<cycle>.pdf', async () => {
    expect(all).toHaveLength(200);
    const created = await startExport(t, cycle.id, {}, t.as('hr'));
    expect(created.total).toBe(200);
    expect(['queued', 'running']).toContain(created.state);

    // Not done yet: the download says so.
    const early = await tryDownload(t, created.id, t.as('hr'));
    expectError(early, 409);

    const { final, seen } = await waitForExport(t, created.id, 150_000);
    expect(final).toMatchObject({ id: created.id, state: 'done', total: 200, done: 200, failed: 0, cycleId: cycle.id, filters: {}, error: null });
    expect(Number.isNaN(Date.parse(final.createdAt))).toBe(false);
    expect(Date.parse(final.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(final.createdAt));
    // Progress moved in steps, never backwards, and was seen part-way.
    const dones = seen.map((e) => e.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(dones.some((d) => d > 0 && d < 200)).toBe(true);
    expect(seen.some((e) => e.state === 'running')).toBe(true);

    // Both apps' workers took part: the queue is shared through the database.
    expect(t.app.get(PdfRenderer).stats().renders).toBeGreaterThan(0);
    expect(other.app.get(PdfRenderer).stats().renders).toBeGreaterThan(0);

    const entries = await downloadZip(t, created.id);
    expect(entries.map((e) => e.name).sort()).toEqual(all.map((s) => scorecardFilename(s.review, 'pdf')).sort());
    // Ordered by employee number.
    expect(entries.map((e) => e.name)).toEqual([...entries.map((e) => e.name)].sort());
    expect(entries.some((e) => /[\u4e00-\u9fff]/.test(e.name))).toBe(true);
    await expectValidPdfs(entries);

    // A finalized review's PDF in the zip is its issued copy, byte for byte.
    const finalized = teamA[1];
    const issued = await t.http.get(`/api/reviews/${finalized.review.id}/scorecard.pdf`).set(t.as('hr')).expect(200);
    const inZip = entries.find((e) => e.name === scorecardFilename(finalized.review, 'pdf'));
    expect(inZip?.data.equals(issued.body as Buffer)).toBe(true);
    // Drafts say so in their file names; a finalized scorecard's name is unchanged.
    expect(inZip?.name.endsWith('-DRAFT.pdf')).toBe(false);
    const drafts = all.filter((s) => s.review.status !== 'finalized');
    expect(drafts.length).toBeGreaterThan(0);
    expect(entries.filter((e) => e.name.endsWith('-DRAFT.pdf')).length).toBe(drafts.length);
    // An issued scorecard is stored once: the export names it rather than copying its bytes; a
    // draft's, printed for this export only, is the export's own.
    const stored = await t.db.query<{ review_id: string; own_bytes: boolean; named: boolean; issued_bytes: number | null; size: number }[]>(
      `SELECT i.review_id, i.pdf IS NOT NULL AS own_bytes, i.issued_scorecard_id IS NOT NULL AS named, octet_length(s.pdf) AS issued_bytes, i.size
         FROM export_items i LEFT JOIN issued_scorecards s ON s.id = i.issued_scorecard_id AND s.review_id = i.review_id WHERE i.job_id = $1`,
      [created.id],
    );
    const finalizedIds = new Set(all.filter((s) => s.review.status === 'finalized').map((s) => s.review.id));
    expect(finalizedIds.size).toBeGreaterThan(0);
    expect(stored.filter((r) => finalizedIds.has(r.review_id)).every((r) => r.named && !r.own_bytes && r.issued_bytes === r.size)).toBe(true);
    expect(stored.filter((r) => !finalizedIds.has(r.review_id)).every((r) => r.own_bytes && !r.named)).toBe(true);
    expect(stored).toHaveLength(200);

    // Audited: the export and each download, with who did it.
    const audit = await auditActions(t, created.id);
    expect(audit.map((a) => a.action).sort()).toEqual(['download_export', 'export_scorecards']);
    expect(audit.every((a) => a.actor === 'hr@test.example')).toBe(true);
    expect(audit.find((a) => a.action === 'export_scorecards')?.after).toMatchObject({ cycleId: cycle.id, total: 200 });
  }, 200_000);

  it('narrows by department, role and manager subtree; an empty selection is done at once', async () => {
    const byDepartment = await startExport(t, cycle.id, { department: 'Sales East' }, t.as('admin'));
    expect(byDepartment.total).toBe(21);
    const byRole = await startExport(t, cycle.id, { roleCode: 'manager', lang: 'en' }, t.as('hr'));
    expect(byRole.total).toBe(3);
    const bySubtree = await startExport(t, cycle.id, { managerId: managerA.id, roleCode: 'account_manager' }, t.as('hr'));
    expect(bySubtree.total).toBe(20);
    const empty = await startExport(t, cycle.id, { managerId: managerB.id, department: 'Sales East' }, t.as('hr'));
    expect(empty).toMatchObject({ total: 0, state: 'done' });
    expect(await downloadZip(t, empty.id)).toEqual([]);

    const { final } = await waitForExport(t, byRole.id, 60_000);
    expect(final).toMatchObject({ state: 'done', done: 3, lang: 'en', filters: { roleCode: 'manager' } });
    const names = (await downloadZip(t, byRole.id)).map((e) => e.name).sort();
    expect(names).toEqual(managerReviews.map((s) => scorecardFilename(s.review, 'pdf')).sort());
    await waitForExport(t, byDepartment.id, 60_000);
    await waitForExport(t, bySubtree.id, 60_000);
  }, 120_000);

  it('deletes exports finished more than EXPORT_RETENTION_HOURS ago, with their PDFs, and keeps newer ones', async () => {
    const byRole = await startExport(t, cycle.id, { roleCode: 'manager' }, t.as('hr'));
    await waitForExport(t, byRole.id, 60_000);
    const recent = await startExport(t, cycle.id, { managerId: managerB.id, department: 'Sales East' }, t.as('hr'));
    // 72 hours is the default; one export is made older than that, the other stays recent.
    await t.db.query(`UPDATE export_jobs SET finished_at = now() - interval '73 hours' WHERE id = $1`, [byRole.id]);
    expect(await t.app.get(ExportsService).purgeExpired()).toBe(1);
    await t.http.get(`/api/exports/${byRole.id}`).set(t.as('hr')).expect(404);
    expect((await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM export_items WHERE job_id = $1', [byRole.id]))[0].n).toBe(0);
    await t.http.get(`/api/exports/${recent.id}`).set(t.as('hr')).expect(200);
  }, 90_000);

  it('a manager exports only their subtree, and sees only their own exports', async () => {
    const created = await startExport(t, cycle.id, {}, managerAHeaders);
    expect(created.total).toBe(teamA.length);
    const { final } = await waitForExport(t, created.id, 60_000, managerAHeaders);
    expect(final).toMatchObject({ state: 'done', done: 21, failed: 0 });
    const entries = await downloadZip(t, created.id, managerAHeaders);
    expect(entries.map((e) => e.name).sort()).toEqual(teamA.map((s) => scorecardFilename(s.review, 'pdf')).sort());
    // The finalized ones were issued by the first export: this one names the same rows, and its zip
    // holds their bytes.
    const finalized = teamA.filter((s) => s.review.status === 'finalized');
    expect(finalized).toHaveLength(2);
    for (const s of finalized) {
      const [issued] = await t.db.query<{ pdf: Buffer; named: boolean }[]>(
        `SELECT s.pdf, EXISTS (SELECT 1 FROM export_items i WHERE i.job_id = $2 AND i.issued_scorecard_id = s.id AND i.pdf IS NULL AND i.size = octet_length(s.pdf)) AS named
           FROM issued_scorecards s WHERE s.review_id = $1`,
        [s.review.id, created.id],
      );
      expect(issued.named).toBe(true);
      expect(entries.find((e) => e.name === scorecardFilename(s.review, 'pdf'))?.data.equals(issued.pdf)).toBe(true);
    }

    // Down to one of their managers' subtrees.
    expect((await startExport(t, cycle.id, { managerId: lead.id }, managerAHeaders)).total).toBe(20);
    // Outside their subtree, or no such employee: not found.
    expectError(await t.http.post(`/api/cycles/${cycle.id}/scorecards`).set(managerAHeaders).send({ managerId: managerB.id }), 404);
    expectError(await t.http.post(`/api/cycles/${cycle.id}/scorecards`).set(t.as('hr')).send({ managerId: '4f0c7c1e-9a43-4c8e-8d65-3f1f8c2a9b10' }), 404);
    expectError(await t.http.post(`/api/cycles/4f0c7c1e-9a43-4c8e-8d65-3f1f8c2a9b10/scorecards`).set(t.as('hr')).send({}), 404);
    expectError(await t.http.post(`/api/cycles/${cycle.id}/scorecards`).set(t.as('hr')).send({ lang: 'fr' }), 400);
    expectError(await t.http.post(`/api/cycles/${cycle.id}/scorecards`).set(t.as('hr')).send({ managerId: 'nope' }), 400);

    // Another manager cannot see or download it; HR can.
    expectError(await t.http.get(`/api/exports/${created.id}`).set(managerBHeaders), 404);
    expectError(await tryDownload(t, created.id, managerBHeaders), 404);
    expect((await getExport(t, created.id, t.as('admin'))).total).toBe(21);
    // Nor HR's exports.
    const hrExport = await startExport(t, cycle.id, { roleCode: 'nobody' }, t.as('hr'));
    expectError(await t.http.get(`/api/exports/${hrExport.id}`).set(managerAHeaders), 404);
  }, 120_000);
});

describe('an export survives a restart', () => {
  it('is queued by an app without workers, and finished by the next app on the same database', async () => {
    const first = await createTestApp({ RUN_WORKERS: 'false' }, { keepDatabase: true });
    let second: TestApp | null = null;
    try {
      const cycle = await seedOpenCycle(first);
      const people = await seedPeople(first, cycle, 30);
      const created = await startExport(first, cycle.id, { lang: 'en' }, first.as('hr'));
      expect(created).toMatchObject({ state: 'queued', total: 30 });
      await new Promise((r) => setTimeout(r, 1500));
      expect(await getExport(first, created.id)).toMatchObject({ state: 'queued', done: 0, failed: 0 });
      expectError(await tryDownload(first, created.id, first.as('hr')), 409);
      await first.close();

      second = await createTestApp({}, { database: first.database });
      const { final } = await waitForExport(second, created.id, 60_000);
      expect(final).toMatchObject({ state: 'done', total: 30, done: 30, failed: 0, lang: 'en' });
      const entries = await downloadZip(second, created.id);
      expect(entries.map((e) => e.name).sort()).toEqual(people.map((s) => scorecardFilename(s.review, 'pdf')).sort());
      await expectValidPdfs(entries);
    } finally {
      if (second) await second.close();
      else {
        await first.close().catch(() => undefined);
        await dropDatabase(first.database);
      }
    }
  }, 120_000);
});

describe('retrying the failed scorecards of an export', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scorecard-retry-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints only the failed ones again once the export has finished: 409 before and after, the creator, HR and admins only', async () => {
    // A "browser" that dies at every start: each print fails as with a Chromium that keeps crashing,
    // so every item is given up after its attempts and the export fails as a whole.
    const crashing = join(dir, 'crashing-chromium');
    await writeFile(crashing, '#!/bin/sh\necho "crashed on purpose" >&2\nexit 1\n', { mode: 0o755 });
    const broken = await createTestApp({ CHROMIUM_PATH: crashing }, { keepDatabase: true });
    let fixed: TestApp | null = null;
    try {
      const cycle = await seedOpenCycle(broken);
      const people = await seedPeople(broken, cycle, 3, { department: 'Retry' });
      const owner = await createEmployee(broken, 'manager', { department: 'Management' });
      const ownerHeaders = await broken.userFor('manager', owner.id, `retry-owner-${uniq()}@test.example`);
      const otherManager = await createEmployee(broken, 'manager', { department: 'Management' });
      const otherHeaders = await broken.userFor('manager', otherManager.id, `retry-other-${uniq()}@test.example`);

      // HR's export of the department, and a manager's own (of nobody in their team: done at once).
      const created = await startExport(broken, cycle.id, { department: 'Retry' }, broken.as('hr'));
      // Still running: nothing to retry yet.
      const early = expectError(await broken.http.post(`/api/exports/${created.id}/retry-failed`).set(broken.as('hr')), 409);
      expect(early.message).toMatch(/still (queued|running)/);
      const { final: failed } = await waitForExport(broken, created.id, 90_000);
      expect(failed).toMatchObject({ state: 'failed', total: 3, done: 0, failed: 3 });
      expect(failed.error).toMatch(/3 of 3 scorecard\(s\) could not be printed/);
      // Each item given up is counted as failed (the runner read its UPDATE's answer wrongly and never did).
      const failedItems = await broken.app.get(MetricsService).registry.getSingleMetric('scorecard_export_items_processed_total')?.get();
      expect(failedItems?.values.find((v) => v.labels.outcome === 'failed')?.value).toBe(3);
      const mine = await startExport(broken, cycle.id, {}, ownerHeaders);
      expect(mine).toMatchObject({ state: 'done', total: 0 });
      await broken.close();

      // The browser works again (a new app on the same data): retry.
      fixed = await createTestApp({}, { database: broken.database });
      const t = fixed;
      const hr = t.as('hr');
      const admin = t.as('admin');
      // Sessions live in the database: the managers' sign-ins carry over to the new app.
      const managerOwner = ownerHeaders;
      const managerOther = otherHeaders;

      // Not theirs: a manager who did not make the export does not see it (404), as for reading it.
      expectError(await t.http.post(`/api/exports/${created.id}/retry-failed`).set(managerOwner), 404);
      expectError(await t.http.post(`/api/exports/${created.id}/retry-failed`).set(managerOther), 404);
      // Their own export printed everything (nothing): nothing to retry, said so.
      const nothing = expectError(await t.http.post(`/api/exports/${mine.id}/retry-failed`).set(managerOwner), 409);
      expect(nothing.message).toMatch(/no failed scorecards to retry/);

      const res = await t.http.post(`/api/exports/${created.id}/retry-failed`).set(hr);
      expect(res.status).toBe(202);
      expect(res.headers.location).toBe(`/api/exports/${created.id}`);
      expect(res.body).toEqual({ id: created.id, state: 'queued', total: 3, retried: 3 });
      // At once again: it is running now.
      expect(expectError(await t.http.post(`/api/exports/${created.id}/retry-failed`).set(admin), 409).message).toMatch(/still (queued|running)/);

      const { final } = await waitForExport(t, created.id, 90_000);
      expect(final).toMatchObject({ state: 'done', total: 3, done: 3, failed: 0, error: null });
      const entries = await downloadZip(t, created.id);
      expect(entries.map((e) => e.name).sort()).toEqual(people.map((p) => scorecardFilename(p.review, 'pdf')).sort());
      await expectValidPdfs(entries);
      // Printed now: nothing left to retry.
      expectError(await t.http.post(`/api/exports/${created.id}/retry-failed`).set(admin), 409);
      const audit = await auditActions(t, created.id);
      expect(audit.map((a) => a.action).sort()).toEqual(['download_export', 'export_scorecards', 'retry_export']);
      expect(audit.find((a) => a.action === 'retry_export')).toMatchObject({ actor: 'hr@test.example', before: { state: 'failed' }, after: { retried: 3 } });
    } finally {
      if (fixed) await fixed.close();
      else {
        await broken.close().catch(() => undefined);
        await dropDatabase(broken.database);
      }
    }
  }, 240_000);

  it('from the export page: a button while some scorecards failed, which queues them again', async () => {
    const crashing = join(dir, 'crashing-chromium-2');
    await writeFile(crashing, '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const broken = await createTestApp({ CHROMIUM_PATH: crashing });
    try {
      const cycle = await seedOpenCycle(broken);
      await seedPeople(broken, cycle, 1, { department: 'Retry page' });
      const created = await startExport(broken, cycle.id, { department: 'Retry page' }, broken.as('hr'));
      await waitForExport(broken, created.id, 90_000);
      const csrf = 'retry-page-csrf-token-0123456789abcdef';
      const page = await broken.http.get(`/exports/${created.id}`).set(broken.as('hr')).set('Accept-Language', 'en');
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<form method="post" action="/exports/${created.id}/retry-failed" class="actions inline" id="export-retry-form">`);
      expect(page.text).toContain('Retry the failed scorecards');
      const posted = await broken.http
        .post(`/exports/${created.id}/retry-failed`)
        .set(broken.as('hr'))
        .set('Cookie', `scorecard_csrf=${csrf}`)
        .type('form')
        .send({ _csrf: csrf });
      expect(posted.status).toBe(303);
      expect(posted.headers.location).toBe(`/exports/${created.id}?notice=exportRetried`);
      const after = await broken.http.get(String(posted.headers.location)).set(broken.as('hr')).set('Accept-Language', 'en');
      expect(after.text).toContain('The failed scorecards are queued again.');
      // Queued again (its retries back off for seconds before failing again, the browser still
      // being broken): no button while it runs, and a post from a stale page gets the 409 page.
      expect(after.text).toMatch(/data-state="(queued|running)"/);
      expect(after.text).toMatch(/id="export-retry-form" hidden>/);
      const again = await broken.http
        .post(`/exports/${created.id}/retry-failed`)
        .set(broken.as('hr'))
        .set('Cookie', `scorecard_csrf=${csrf}`)
        .type('form')
        .send({ _csrf: csrf });
      expect(again.status).toBe(409);
      expect(again.text).toContain('<!doctype html>');
    } finally {
      await broken.close();
    }
  }, 180_000);
});

async function dropDatabase(name: string): Promise<void> {
  const serverUrl = process.env.E2E_SERVER_URL;
  if (serverUrl) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
