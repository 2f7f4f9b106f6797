import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { ErrorResponseDto } from '../src/common/error-response.dto.js';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto, EmployeePageDto } from '../src/employees/dto/employee.dto.js';
import type { ReviewDto, ReviewPageDto } from '../src/reviews/dto/review.dto.js';
import {
  auditOf,
  createEmployee,
  createReview,
  errorFields,
  expectError,
  fullAccountManagerEntries,
  getEmployee,
  getReview,
  putScores,
  recordStatuses,
  seedReview,
  seedStagedCycle,
} from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

type Seen = { method: string; url: string; status: number }[];

describe('hostile and malformed input', () => {
  let t: TestApp;
  let small: TestApp;
  const seen: Seen[] = [];
  let review: ReviewDto;
  let employee: EmployeeDto;
  let cycle: CycleDto;

  /** Everything a refused request must leave alone. */
  async function state(): Promise<Record<string, unknown>> {
    const r = await getReview(t, review.id);
    const e = await getEmployee(t, employee.id);
    const employees = await t.http.get('/api/employees').query({ active: 'all', pageSize: 1 }).set(t.as('hr')).expect(200);
    const reviews = await t.http.get('/api/reviews').query({ pageSize: 1 }).set(t.as('hr')).expect(200);
    const cycles = await t.http.get('/api/cycles').set(t.as('hr')).expect(200);
    return {
      review: { version: r.version, updatedAt: r.updatedAt, inputs: r.kpis.map((k) => k.input), strengths: r.strengths, status: r.status, total: r.total },
      reviewAudit: (await auditOf(t, 'review', review.id)).length,
      employee: { version: e.version, name: e.name, active: e.active, department: e.department, updatedAt: e.updatedAt },
      employeeAudit: (await auditOf(t, 'employee', employee.id)).length,
      employees: (employees.body as EmployeePageDto).meta.total,
      reviews: (reviews.body as ReviewPageDto).meta.total,
      cycles: (cycles.body as CycleDto[]).length,
    };
  }

  const putScoresRaw = (raw: string, contentType = 'application/json') =>
    t.http.put(`/api/reviews/${review.id}/scores`).set(t.as('hr')).set('If-Match', String(review.version)).set('Content-Type', contentType).send(raw);
  const patchReview = (body: object) => t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', String(review.version)).send(body);
  const patchEmployee = (body: object) => t.http.patch(`/api/employees/${employee.id}`).set(t.as('hr')).set('If-Match', String(employee.version)).send(body);

  beforeAll(async () => {
    t = await createTestApp();
    small = await createTestApp({ BODY_LIMIT: '10kb' });
    seen.push(recordStatuses(t), recordStatuses(small));
    const seeded = await seedReview(t);
    review = await putScores(t, seeded.review, fullAccountManagerEntries());
    employee = seeded.employee;
    cycle = seeded.cycle;
  });
  afterAll(async () => {
    await small.close();
    await t.close();
  });

  describe('body parsing', () => {
    it('malformed JSON → 400 saying so', async () => {
      const before = await state();
      for (const raw of ['{"entries": [', '{entries: []}', '{"entries": [],}', "{'entries': []}", '{"entries": [] "version": 2}']) {
        const body = expectError(await putScoresRaw(raw), 400);
        expect(body.message).toMatch(/JSON/);
      }
      const create = await t.http.post('/api/employees').set(t.as('hr')).set('Content-Type', 'application/json').send('{"employeeNo": "X1", "name": ');
      expect(expectError(create, 400).message).toMatch(/^Malformed JSON body/);
      expect(await state()).toEqual(before);
    });

    it('a JSON value that is not an object → 400', async () => {
      const before = await state();
      for (const raw of ['"just a string"', '42', 'null', 'true']) expectError(await putScoresRaw(raw), 400);
      // An array is valid JSON, but not the object the route takes.
      expectError(await putScoresRaw('[{"kpiKey": "selling", "rating": 3}]'), 400);
      expectError(
        await t.http
          .patch(`/api/reviews/${review.id}`)
          .set(t.as('hr'))
          .set('If-Match', String(review.version))
          .set('Content-Type', 'application/json')
          .send('[]'),
        400,
      );
      expect(await state()).toEqual(before);
    });

    it('a body in the wrong content type is refused (4xx)', async () => {
      const before = await state();
      const xml = await putScoresRaw('<entries><entry kpiKey="selling" rating="3"/></entries>', 'application/xml');
      expect([400, 415]).toContain(xml.status);
      expectError(xml, xml.status);
      // JSON in a charset the parser does not support.
      const latin1 = await putScoresRaw(JSON.stringify({ entries: [] }), 'application/json; charset=latin1');
      expect(expectError(latin1, 415).message).toMatch(/charset/i);
      expect(await state()).toEqual(before);
    });

    it('a PATCH body in the wrong content type is refused (4xx), not silently dropped', async () => {
      // Its own review and employee: should the server accept the request, nothing else is disturbed.
      const own = await seedReview(t);
      const plain = await t.http
        .patch(`/api/reviews/${own.review.id}`)
        .set(t.as('hr'))
        .set('If-Match', '1')
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ strengths: 'sent as text/plain' }));
      const emp = await t.http
        .patch(`/api/employees/${own.employee.id}`)
        .set(t.as('hr'))
        .set('If-Match', '1')
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ name: 'sent as text/plain' }));
      const after = await getReview(t, own.review.id);
      const trail = await auditOf(t, 'review', own.review.id);
      const person = await getEmployee(t, own.employee.id);
      expect([400, 415]).toContain(plain.status);
      expectError(plain, plain.status);
      expect([400, 415]).toContain(emp.status);
      expectError(emp, emp.status);
      expect(after.version).toBe(1);
      expect(trail.map((a) => a.action)).toEqual(['create']);
      expect(person.version).toBe(1);
    });

    it('import uploads: no file, another field, a text body, garbage bytes → 4xx in the one shape, nothing imported', async () => {
      const before = await state();
      const url = '/api/imports/employees?mode=commit';
      expect(expectError(await t.http.post(url).set(t.as('hr')).field('other', 'x'), 400).message).toMatch(/field "file"/);
      expectError(await t.http.post(url).set(t.as('hr')).attach('upload', Buffer.from('a,b\n'), 'a.csv'), 400);
      const text = await t.http.post(url).set(t.as('hr')).set('Content-Type', 'text/csv').send('a,b\n');
      expectError(text, 415);
      expect(
        expectError(
          await t.http
            .post('/api/imports/employees?mode=dry-run')
            .set(t.as('hr'))
            .attach('file', Buffer.from([0, 1, 2, 3, 0, 255]), 'a.csv'),
          400,
        ).message,
      ).toMatch(/not a CSV text file/);
      expect(await state()).toEqual(before);
    });

    it('a body over the limit → 413 (default 256kb)', async () => {
      const before = await state();
      const huge = await patchReview({ strengths: 'x'.repeat(300 * 1024) });
      const body = expectError(huge, 413);
      expect(body.error).toBe('Payload Too Large');
      expect(body.message).toMatch(/too large/i);
      expect(await state()).toEqual(before);
    });

    it('BODY_LIMIT=10kb: 11kb → 413, 9kb still fine', async () => {
      const s = await seedReview(small);
      const over = await small.http
        .patch(`/api/reviews/${s.review.id}`)
        .set(small.as('hr'))
        .set('If-Match', '1')
        .send({ strengths: '好'.repeat(4000) }); // 12,000 bytes of UTF-8
      expect(expectError(over, 413).message).toMatch(/too large/i);
      expect((await getReview(small, s.review.id)).version).toBe(1);
      const under = await small.http
        .patch(`/api/reviews/${s.review.id}`)
        .set(small.as('hr'))
        .set('If-Match', '1')
        .send({ strengths: 'y'.repeat(9 * 1024) });
      expect(under.status).toBe(200);
      expect((under.body as ReviewDto).strengths).toHaveLength(9 * 1024);
    });
  });

  describe('validation', () => {
    it('unknown fields, top level and nested → 400 naming them', async () => {
      const before = await state();
      const top = expectError(await patchReview({ strengths: 'ok', salary: 100000, status: 'finalized' }), 400);
      expect(errorFields(top).sort()).toEqual(['salary', 'status']);
      expect(top.message).toContain('salary is not a known field');

      const nested = expectError(
        await t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .set('If-Match', String(review.version))
          .send({
            entries: [
              { kpiKey: 'selling', rating: 3 },
              { kpiKey: 'communication', rating: 3, weight: 100, score: 100 },
            ],
          }),
        400,
      );
      expect(errorFields(nested).sort()).toEqual(['entries[1].score', 'entries[1].weight']);

      const emp = expectError(
        await t.http
          .post('/api/employees')
          .set(t.as('hr'))
          .send({ employeeNo: 'NEW-1', name: 'N', email: 'n@example.com', roleId: employee.role.id, department: 'D', hireDate: '2020-01-01', isAdmin: true }),
        400,
      );
      expect(errorFields(emp)).toEqual(['isAdmin']);
      expect(await state()).toEqual(before);
    });

    it('wrong types → 400 naming the field', async () => {
      const before = await state();
      const send = (body: object) => t.http.put(`/api/reviews/${review.id}/scores`).set(t.as('hr')).set('If-Match', String(review.version)).send(body);
      // string for number
      expect(errorFields(expectError(await send({ entries: [{ kpiKey: 'sales_attainment', actual: '2300000' }] }), 400))).toEqual(['entries[0].actual']);
      expect(errorFields(expectError(await send({ entries: [{ kpiKey: 'selling', rating: '3' }] }), 400))).toEqual(['entries[0].rating']);
      expect(errorFields(expectError(await send({ entries: [], version: '3' }), 400))).toEqual(['version']);
      // number for string
      expect(errorFields(expectError(await send({ entries: [{ kpiKey: 7, rating: 3 }] }), 400))).toContain('entries[0].kpiKey');
      expect(errorFields(expectError(await patchReview({ strengths: 123 }), 400))).toEqual(['strengths']);
      expect(errorFields(expectError(await send({ entries: [{ kpiKey: 'selling', rating: 3, comment: 5 }] }), 400))).toEqual(['entries[0].comment']);
      // object for array, array and string for object
      expect(errorFields(expectError(await send({ entries: { kpiKey: 'selling', rating: 3 } }), 400))).toContain('entries');
      const nestedArray = errorFields(expectError(await send({ entries: [['selling', 3]] }), 400));
      expect(nestedArray.length).toBeGreaterThan(0);
      for (const f of nestedArray) expect(f.startsWith('entries[0]')).toBe(true);
      expect(errorFields(expectError(await send({ entries: ['selling'] }), 400))).toContain('entries[0]');
      // boolean for string / string for boolean
      expect(errorFields(expectError(await patchEmployee({ name: true }), 400))).toEqual(['name']);
      expect(errorFields(expectError(await patchEmployee({ active: 'false' }), 400))).toEqual(['active']);
      expect(errorFields(expectError(await patchEmployee({ hireDate: 20210315 }), 400))).toEqual(['hireDate']);
      expect(await state()).toEqual(before);
    });

    it('out-of-range numbers → 400', async () => {
      const before = await state();
      const entry = (e: object) =>
        t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .set('If-Match', String(review.version))
          .send({ entries: [{ kpiKey: 'sales_attainment', ...e }] });
      expect(errorFields(expectError(await entry({ actual: 1e13 }), 400))).toEqual(['entries[0].actual']);
      expect(errorFields(expectError(await entry({ actual: -1e13 }), 400))).toEqual(['entries[0].actual']);
      expect(errorFields(expectError(await entry({ actual: 1.23456 }), 400))).toEqual(['entries[0].actual']);
      expect(errorFields(expectError(await entry({ actual: 1, target: -1 }), 400))).toEqual(['entries[0].target']);
      expect(errorFields(expectError(await entry({ actual: 1, target: 1e13 }), 400))).toEqual(['entries[0].target']);
      const rating = await t.http
        .put(`/api/reviews/${review.id}/scores`)
        .set(t.as('hr'))
        .set('If-Match', String(review.version))
        .send({ entries: [{ kpiKey: 'selling', rating: -1 }] });
      expect(errorFields(expectError(rating, 400))).toEqual(['entries[0].rating']);
      const tooMany = Array.from({ length: 51 }, () => ({ kpiKey: 'selling', rating: 3 }));
      const many = await t.http.put(`/api/reviews/${review.id}/scores`).set(t.as('hr')).set('If-Match', String(review.version)).send({ entries: tooMany });
      expect(errorFields(expectError(many, 400))).toContain('entries');
      expect(errorFields(expectError(await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).send({ version: 0, strengths: 'x' }), 400))).toEqual([
        'version',
      ]);
      expect(errorFields(expectError(await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).send({ version: -5, strengths: 'x' }), 400))).toEqual([
        'version',
      ]);
      expect(errorFields(expectError(await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).send({ version: 2.5, strengths: 'x' }), 400))).toEqual([
        'version',
      ]);
      // Dates that do not exist.
      expect(errorFields(expectError(await patchEmployee({ hireDate: '2021-02-30' }), 400))).toEqual(['hireDate']);
      const badCycle = await t.http.post('/api/cycles').set(t.as('hr')).send({ name: 'Bad dates', periodStart: '2026-13-01', periodEnd: '2026-12-31' });
      expect(errorFields(expectError(badCycle, 400))).toEqual(['periodStart']);
      expect(await state()).toEqual(before);
    });

    it('NaN and Infinity, as strings or as overflowing JSON numbers → 400', async () => {
      const before = await state();
      for (const actual of ['NaN', 'Infinity', '-Infinity', '1e400']) {
        const res = await t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .set('If-Match', String(review.version))
          .send({ entries: [{ kpiKey: 'sales_attainment', actual }] });
        expect(errorFields(expectError(res, 400))).toEqual(['entries[0].actual']);
      }
      // 1e400 is valid JSON that JSON.parse turns into Infinity.
      for (const num of ['1e400', '-1e400']) {
        const res = await putScoresRaw(`{"entries": [{"kpiKey": "sales_attainment", "actual": ${num}}]}`);
        expect(errorFields(expectError(res, 400))).toEqual(['entries[0].actual']);
      }
      for (const q of [
        { page: 'NaN' },
        { pageSize: 'Infinity' },
        { page: '1e400' },
        { pageSize: '-Infinity' },
        { page: '1.5' },
        { pageSize: '' },
        { stage: 'nope' },
        { stage: 'self,self,self,self,self' },
        { stage: ['self', 'hr'] },
        { overdue: 'maybe' },
      ]) {
        const res = await t.http.get('/api/reviews').query(q).set(t.as('hr'));
        expect(res.status).toBe(400);
        expectError(res, 400);
      }
      expect(await state()).toEqual(before);
    });

    it('very long strings → 400, not a database error', async () => {
      const before = await state();
      expect(errorFields(expectError(await patchReview({ strengths: 'a'.repeat(10_001) }), 400))).toEqual(['strengths']);
      expect(errorFields(expectError(await patchReview({ developmentPlan: '长'.repeat(10_001) }), 400))).toEqual(['developmentPlan']);
      const comment = await t.http
        .put(`/api/reviews/${review.id}/scores`)
        .set(t.as('hr'))
        .set('If-Match', String(review.version))
        .send({ entries: [{ kpiKey: 'selling', rating: 3, comment: 'c'.repeat(4001) }] });
      expect(errorFields(expectError(comment, 400))).toEqual(['entries[0].comment']);
      const key = await t.http
        .put(`/api/reviews/${review.id}/scores`)
        .set(t.as('hr'))
        .set('If-Match', String(review.version))
        .send({ entries: [{ kpiKey: 'k'.repeat(65), rating: 3 }] });
      expect(errorFields(expectError(key, 400))).toEqual(['entries[0].kpiKey']);
      expect(errorFields(expectError(await patchEmployee({ name: '名'.repeat(201) }), 400))).toEqual(['name']);
      expect(errorFields(expectError(await patchEmployee({ employeeNo: 'E'.repeat(33) }), 400))).toEqual(['employeeNo']);
      expect(errorFields(expectError(await patchEmployee({ email: `${'a'.repeat(400)}@example.com` }), 400))).toContain('email');
      const reopenLong = await t.http
        .post(`/api/reviews/${review.id}/reopen`)
        .set(t.as('hr'))
        .set('If-Match', String(review.version))
        .send({ reason: 'r'.repeat(2001) });
      expect(errorFields(expectError(reopenLong, 400))).toEqual(['reason']);
      const skipLong = await t.http
        .post(`/api/reviews/${review.id}/skip-stage`)
        .set(t.as('hr'))
        .set('If-Match', String(review.version))
        .send({ reason: 'r'.repeat(2001) });
      expect(errorFields(expectError(skipLong, 400))).toEqual(['reason']);
      expect(
        errorFields(
          expectError(
            await t.http
              .get('/api/reviews')
              .query({ q: 'q'.repeat(101) })
              .set(t.as('hr')),
            400,
          ),
        ),
      ).toEqual(['q']);
      expect(
        errorFields(
          expectError(
            await t.http
              .get('/api/employees')
              .query({ department: 'd'.repeat(201) })
              .set(t.as('hr')),
            400,
          ),
        ),
      ).toEqual(['department']);
      expect(errorFields(expectError(await t.http.get(`/api/reviews/${'f'.repeat(5000)}`).set(t.as('hr')), 400))).toEqual(['id']);
      expect(await state()).toEqual(before);
    });

    it('null where a value is required → 400', async () => {
      const before = await state();
      const create = expectError(await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: null, cycleId: cycle.id }), 400);
      expect(errorFields(create)).toContain('employeeId');
      const entries = expectError(
        await t.http.put(`/api/reviews/${review.id}/scores`).set(t.as('hr')).set('If-Match', String(review.version)).send({ entries: null }),
        400,
      );
      expect(errorFields(entries)).toContain('entries');
      const entry = expectError(
        await t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .set('If-Match', String(review.version))
          .send({ entries: [null] }),
        400,
      );
      expect(errorFields(entry)).toContain('entries[0]');
      const kpiKey = expectError(
        await t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .set('If-Match', String(review.version))
          .send({ entries: [{ kpiKey: null, rating: 3 }] }),
        400,
      );
      expect(errorFields(kpiKey)).toContain('entries[0].kpiKey');
      const reason = expectError(
        await t.http.post(`/api/reviews/${review.id}/reopen`).set(t.as('hr')).set('If-Match', String(review.version)).send({ reason: null }),
        400,
      );
      expect(errorFields(reason)).toContain('reason');
      // Calibration: wrong types, nulls and fields the DTO does not know are 400, never a change.
      for (const body of [
        { bandKey: 'meets', reason: null },
        { bandKey: 'meets', reason: 'ok ok', total: 'high' },
        { bandKey: 7, reason: 'ok ok' },
        { bandKey: 'meets', reason: ['a', 'b', 'c'] },
        { bandKey: 'meets', reason: 'ok ok', calibratedBy: 'me' },
      ]) {
        expectError(await t.http.put(`/api/reviews/${review.id}/calibration`).set(t.as('hr')).set('If-Match', String(review.version)).send(body), 400);
      }
      expectError(
        await t.http.delete(`/api/reviews/${review.id}/calibration`).set(t.as('hr')).set('If-Match', String(review.version)).send({ reason: 5 }),
        400,
      );
      expectError(await t.http.post(`/api/cycles/${cycle.id}/calibration/locks`).set(t.as('hr')).send({ department: null }), 400);
      expectError(await t.http.post(`/api/cycles/${cycle.id}/calibration/locks/reopen`).set(t.as('hr')).send({ department: 'D', reason: {} }), 400);
      expectError(await t.http.get(`/api/cycles/${cycle.id}/calibration`).query({ managerId: 'nope' }).set(t.as('hr')), 400);
      const emp = expectError(
        await t.http
          .post('/api/employees')
          .set(t.as('hr'))
          .send({ employeeNo: 'NULL-1', name: null, email: 'n@example.com', roleId: employee.role.id, department: 'D', hireDate: '2020-01-01' }),
        400,
      );
      expect(errorFields(emp)).toContain('name');
      // Clearing a required text by PATCHing null is refused too (the column cannot be empty).
      for (const field of ['strengths', 'challenges', 'developmentPlan', 'hrNotes']) {
        expect(errorFields(expectError(await patchReview({ [field]: null }), 400))).toContain(field);
      }
      expect(await state()).toEqual(before);
    });

    it('null for a required employee field in a PATCH → 400 naming it', async () => {
      const before = await state();
      const statuses: Record<string, number> = {};
      for (const field of ['name', 'email', 'department', 'hireDate', 'employeeNo', 'roleId', 'active']) {
        const res = await patchEmployee({ [field]: null });
        statuses[field] = res.status;
        if (res.status === 400) expect(errorFields(expectError(res, 400))).toContain(field);
      }
      expect(statuses).toEqual({ name: 400, email: 400, department: 400, hireDate: 400, employeeNo: 400, roleId: 400, active: 400 });
      expect(await state()).toEqual(before);
    });

    it('numbers in exponent notation, below 1e-6 too → 400 naming the decimals, never 500 (issue 10)', async () => {
      const before = await state();
      const entry = (e: object) =>
        t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .set('If-Match', String(review.version))
          .send({ entries: [{ kpiKey: 'sales_attainment', ...e }] });
      for (const actual of [1e-7, 1.5e-7, 5e-324, -2.5e-9]) {
        const body = expectError(await entry({ actual }), 400);
        expect(body.errors).toEqual([{ field: 'entries[0].actual', code: 'maxDecimals', params: { max: 4 }, message: 'actual must have at most 4 decimals' }]);
      }
      expect(errorFields(expectError(await entry({ actual: 1, target: 3e-8 }), 400))).toEqual(['entries[0].target']);
      const full = (actual: number) =>
        t.http
          .put(`/api/reviews/${review.id}`)
          .set(t.as('hr'))
          .set('If-Match', String(review.version))
          .send({ entries: [{ kpiKey: 'sales_attainment', actual }] });
      expect(errorFields(expectError(await full(1e-7), 400))).toEqual(['entries[0].actual']);
      expect(await state()).toEqual(before);

      // Exponent notation that is a whole number, or within the decimals, is just a number.
      const ok = await entry({ actual: 2.3e6 });
      expect(ok.status).toBe(200);
      review = ok.body as ReviewDto;
      const fine = await entry({ actual: 1.25e-2 });
      expect(fine.status).toBe(200);
      review = fine.body as ReviewDto;
      expect((review.kpis.find((k) => k.key === 'sales_attainment')?.input as { actual: number }).actual).toBe(0.0125);
      review = await putScores(t, review, fullAccountManagerEntries());
    });

    it('template weights, targets and bands in exponent notation → 400 naming the field (issue 10)', async () => {
      const templates = (await t.http.get('/api/kpi-templates').set(t.as('admin')).expect(200)).body as {
        id: string;
        current: { kpis: Record<string, unknown>[]; bands: Record<string, unknown>[] };
      }[];
      const { id, current } = templates[0];
      const versionsBefore = (await t.http.get(`/api/kpi-templates/${id}/versions`).set(t.as('admin')).expect(200)).body as unknown[];
      const withWeight = (weight: number) => ({ content: { kpis: current.kpis.map((k, i) => (i === 0 ? { ...k, weight } : k)), bands: current.bands } });
      for (const w of [1e-7, 12.345]) {
        const weight = expectError(await t.http.post(`/api/kpi-templates/${id}/versions`).set(t.as('admin')).send(withWeight(w)), 400);
        expect(weight.errors).toContainEqual({
          field: 'content.kpis[0].weight',
          code: 'maxDecimals',
          params: { max: 2 },
          message: 'weight must have at most 2 decimals',
        });
        expect(errorFields(weight)).toEqual(['content.kpis[0].weight']);
      }
      const cap = expectError(
        await t.http
          .post(`/api/kpi-templates/${id}/versions`)
          .set(t.as('admin'))
          .send({
            content: {
              kpis: current.kpis.map((k) => ({
                ...k,
                rule: k.rule && (k.rule as { type: string }).type === 'target' ? { ...k.rule, cap: 1.2e2 + 1e-7 } : k.rule,
              })),
              bands: current.bands,
            },
          }),
        400,
      );
      expect(cap.errors?.every((e) => /rule\.cap$/.test(e.field) && e.message === 'cap must have at most 2 decimals')).toBe(true);
      const band = expectError(
        await t.http
          .post(`/api/kpi-templates/${id}/versions`)
          .set(t.as('admin'))
          .send({ content: { kpis: current.kpis, bands: current.bands.map((b, i) => (i === 0 ? { ...b, min: 1e-9 } : b)) } }),
        400,
      );
      expect(errorFields(band)).toEqual(['content.bands[0].min']);
      expect((await t.http.get(`/api/kpi-templates/${id}/versions`).set(t.as('admin')).expect(200)).body).toHaveLength(versionsBefore.length);
    });
  });

  describe('ids and query filters', () => {
    it('non-UUID ids in paths → 400 naming the parameter', async () => {
      const before = await state();
      for (const id of ['not-a-uuid', '123', '00000000-0000-0000-0000-000000000000', `${review.id}x`, "1' OR '1'='1", '..%2F..%2Fetc%2Fpasswd']) {
        const get = expectError(await t.http.get(`/api/reviews/${id}`).set(t.as('hr')), 400);
        expect(errorFields(get)).toEqual(['id']);
        expect(get.message).toBe('id must be a UUID');
      }
      expectError(await t.http.put('/api/reviews/abc/scores').set(t.as('hr')).set('If-Match', '1').send({ entries: [] }), 400);
      expectError(await t.http.patch('/api/reviews/abc').set(t.as('hr')).set('If-Match', '1').send({ strengths: 'x' }), 400);
      expectError(await t.http.post('/api/reviews/abc/submit').set(t.as('hr')).set('If-Match', '1').send({}), 400);
      expectError(await t.http.patch('/api/employees/42').set(t.as('hr')).set('If-Match', '1').send({ name: 'x' }), 400);
      expectError(await t.http.get('/api/cycles/42').set(t.as('hr')), 400);
      for (const file of ['results.xlsx', 'results.csv', 'actuals-template.xlsx']) {
        expect(errorFields(expectError(await t.http.get(`/api/cycles/42/${file}`).set(t.as('hr')), 400))).toEqual(['id']);
      }
      for (const id of ['not-a-uuid', "1' OR '1'='1"]) {
        expect(
          errorFields(
            expectError(
              await t.http
                .post(`/api/exports/${encodeURIComponent(id)}/retry-failed`)
                .set(t.as('hr'))
                .send({}),
              400,
            ),
          ),
        ).toEqual(['id']);
      }
      // A broken percent-encoding in the path.
      expectError(await t.http.get('/api/reviews/%FF').set(t.as('hr')), 400);
      expect(await state()).toEqual(before);
    });

    it('non-UUID ids in query filters and bodies → 400, not 500', async () => {
      for (const [name, value] of [
        ['cycleId', 'abc'],
        ['employeeId', '1'],
        ['managerId', "' OR 1=1 --"],
        ['cycleId', '00000000-0000-0000-0000-000000000000'],
      ]) {
        const res = expectError(
          await t.http
            .get('/api/reviews')
            .query({ [name]: value })
            .set(t.as('hr')),
          400,
        );
        expect(errorFields(res)).toEqual([name]);
      }
      expect(errorFields(expectError(await t.http.get('/api/employees').query({ roleId: 'manager' }).set(t.as('hr')), 400))).toEqual(['roleId']);
      expect(errorFields(expectError(await t.http.get('/api/reviews').query({ status: 'deleted' }).set(t.as('hr')), 400))).toEqual(['status']);
      expect(errorFields(expectError(await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: 'x', cycleId: cycle.id }), 400))).toEqual([
        'employeeId',
      ]);
      expect(errorFields(expectError(await patchEmployee({ managerId: 'boss' }), 400))).toEqual(['managerId']);
      // The audit's id is free text, but its entity is a closed list and its paging is numeric.
      expect(errorFields(expectError(await t.http.get('/api/audit').query({ entity: 'users', id: review.id }).set(t.as('hr')), 400))).toEqual(['entity']);
      expect(
        errorFields(
          expectError(await t.http.get('/api/audit').query({ entity: 'review', id: review.id, beforeId: '1; DROP TABLE audit_log' }).set(t.as('hr')), 400),
        ),
      ).toEqual(['beforeId']);
      expect(errorFields(expectError(await t.http.get('/api/audit').query({ entity: 'review', id: review.id, limit: 501 }).set(t.as('hr')), 400))).toEqual([
        'limit',
      ]);
      expect(errorFields(expectError(await t.http.get('/api/audit').query({ entity: 'review' }).set(t.as('hr')), 400))).toEqual(['id']);
      const sqlId = await t.http.get('/api/audit').query({ entity: 'review', id: "x' OR '1'='1" }).set(t.as('hr')).expect(200);
      expect(sqlId.body).toEqual([]);
    });

    it('unknown ids → 404 (in the path) or 400 naming the field (in a body)', async () => {
      const before = await state();
      const id = randomUUID();
      const get = expectError(await t.http.get(`/api/reviews/${id}`).set(t.as('hr')), 404);
      expect(get.message).toBe(`Review ${id} was not found`);
      expectError(await t.http.get(`/api/reviews/${id.toUpperCase()}`).set(t.as('hr')), 404);
      expectError(await t.http.put(`/api/reviews/${id}/scores`).set(t.as('hr')).set('If-Match', '1').send({ entries: [] }), 404);
      expectError(await t.http.patch(`/api/reviews/${id}`).set(t.as('hr')).set('If-Match', '1').send({ strengths: 'x' }), 404);
      expectError(await t.http.post(`/api/reviews/${id}/finalize`).set(t.as('hr')).set('If-Match', '1').send({}), 404);
      expect(expectError(await t.http.get(`/api/employees/${id}`).set(t.as('hr')), 404).message).toBe(`Employee ${id} was not found`);
      expectError(await t.http.patch(`/api/employees/${id}`).set(t.as('hr')).set('If-Match', '1').send({ name: 'x' }), 404);
      expectError(await t.http.post(`/api/cycles/${id}/open`).set(t.as('hr')).set('If-Match', '1').send({}), 404);
      expect(expectError(await t.http.post(`/api/exports/${id}/retry-failed`).set(t.as('hr')).send({}), 404).message).toBe(`Export ${id} was not found`);
      const noEmployee = expectError(await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: id, cycleId: cycle.id }), 400);
      expect(errorFields(noEmployee)).toEqual(['employeeId']);
      const noCycle = expectError(await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: employee.id, cycleId: id }), 400);
      expect(errorFields(noCycle)).toEqual(['cycleId']);
      expect(errorFields(expectError(await patchEmployee({ managerId: id }), 400))).toEqual(['managerId']);
      expect(errorFields(expectError(await patchEmployee({ roleId: id }), 400))).toEqual(['roleId']);
      // Unknown routes share the error shape.
      expectError(await t.http.get('/api/no-such-thing').set(t.as('hr')), 404);
      expectError(await t.http.delete(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', '1'), 404);
      expect(await state()).toEqual(before);
    });

    it('SQL-looking and LIKE-wildcard search text is plain text', async () => {
      const before = await state();
      for (const q of ["'; DROP TABLE employees; --", "' OR '1'='1", '%', '_', '\\', "Robert'); DELETE FROM reviews;--"]) {
        const emps = await t.http.get('/api/employees').query({ q, active: 'all' }).set(t.as('hr')).expect(200);
        expect((emps.body as EmployeePageDto).meta.total).toBe(0);
        const revs = await t.http.get('/api/reviews').query({ q }).set(t.as('hr')).expect(200);
        expect((revs.body as ReviewPageDto).meta.total).toBe(0);
      }
      const dept = await t.http.get('/api/reviews').query({ department: "x' OR 1=1; --" }).set(t.as('hr')).expect(200);
      expect((dept.body as ReviewPageDto).meta.total).toBe(0);
      // Tables and rows are all still there.
      expect(await state()).toEqual(before);

      // Stored verbatim, found by exactly that text.
      const bobby = await createEmployee(t, 'account_manager', { name: "Robert'); DROP TABLE reviews;-- 50%_off" });
      expect(bobby.name).toBe("Robert'); DROP TABLE reviews;-- 50%_off");
      const found = await t.http.get('/api/employees').query({ q: "'); DROP TABLE reviews;-- 50%_" }).set(t.as('hr')).expect(200);
      expect((found.body as EmployeePageDto).items.map((e) => e.id)).toEqual([bobby.id]);
      const reviews = await t.http.get('/api/reviews').set(t.as('hr')).expect(200);
      expect((reviews.body as ReviewPageDto).meta.total).toBe(before.reviews);
    });

    it('pageSize=100000 and other paging abuse → 400', async () => {
      for (const [path, q, field] of [
        ['/api/reviews', { pageSize: 100000 }, 'pageSize'],
        ['/api/employees', { pageSize: 100000 }, 'pageSize'],
        ['/api/reviews', { pageSize: 201 }, 'pageSize'],
        ['/api/reviews', { pageSize: 0 }, 'pageSize'],
        ['/api/reviews', { page: 0 }, 'page'],
        ['/api/reviews', { page: -1 }, 'page'],
        ['/api/employees', { sort: 'password' }, 'sort'],
        ['/api/employees', { order: 'DESC; DROP TABLE employees' }, 'order'],
      ] as const) {
        const res = expectError(await t.http.get(path).query(q).set(t.as('hr')), 400);
        expect(errorFields(res)).toEqual([field]);
      }
      const max = await t.http.get('/api/reviews').query({ pageSize: 200 }).set(t.as('hr')).expect(200);
      expect((max.body as ReviewPageDto).meta.pageSize).toBe(200);
    });
  });

  describe('deep nesting and NUL characters (issue 12)', () => {
    const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

    it('about 2,000 nested arrays → 400 before sign-in, on every JSON write', async () => {
      const before = await state();
      const body = `{"email":"a@b.c","password":"x","name":${deep(2000)}}`;
      expect(body.length).toBeLessThan(4_100);
      for (const path of ['/api/auth/login', '/api/cycles', '/api/employees', '/api/reviews', `/api/kpi-templates/${randomUUID()}/versions`]) {
        for (const auth of [{}, t.as('hr')]) {
          const res = await t.http.post(path).set(auth).set('Content-Type', 'application/json').send(body);
          const err = expectError(res, 400);
          expect(err.message).toBe('The request nests deeper than 32 levels');
          expect(err.errors?.[0].message).toBe('nests deeper than 32 levels');
        }
      }
      // At the limit it is an ordinary validation error.
      const shallow = expectError(
        await t.http
          .post('/api/cycles')
          .set(t.as('hr'))
          .set('Content-Type', 'application/json')
          .send(`{"name":${deep(31)}}`),
        400,
      );
      expect(errorFields(shallow)).toContain('name');
      expect(await state()).toEqual(before);
    });

    it('a NUL in any text field, filter or sign-in → 400 naming the field', async () => {
      const before = await state();
      const cases: [PromiseLike<Response>, string][] = [
        [t.http.post('/api/auth/login').send({ email: 'hr@test.example\u0000', password: 'x' }), 'email'],
        [t.http.post('/api/auth/login').send({ email: 'hr@test.example', password: 'pass\u0000word' }), 'password'],
        [t.http.post('/login').type('form').send('email=hr%40test.example%00&password=x'), 'email'],
        [patchEmployee({ name: 'Li\u0000Lei' }), 'name'],
        [patchReview({ strengths: 'good\u0000' }), 'strengths'],
        [putScoresRaw(`{"entries":[{"kpiKey":"selling","rating":3,"comment":"a\\u0000b"}]}`), 'entries[0].comment'],
        [t.http.post('/api/cycles').set(t.as('hr')).send({ name: 'H\u0000', periodStart: '2027-01-01', periodEnd: '2027-06-30' }), 'name'],
        [t.http.get('/api/employees?q=%00').set(t.as('hr')), 'q'],
        [t.http.get('/api/employees?department=Sales%00').set(t.as('hr')), 'department'],
        [t.http.get('/api/reviews?department=%00x').set(t.as('hr')), 'department'],
        [t.http.get('/api/reviews?q=a%00').set(t.as('hr')), 'q'],
        [t.http.get(`/api/cycles/${cycle.id}/actuals-template.xlsx?roleCode=manager%00`).set(t.as('hr')), 'roleCode'],
      ];
      for (const [request, field] of cases) {
        const res = await request;
        expect([field, res.status]).toEqual([field, 400]);
        if (res.type === 'application/json') {
          const body = res.body as ErrorResponseDto;
          expect(errorFields(body)).toEqual([field]);
          expect(body.errors?.[0].message).toBe('must not contain a NUL character');
        } else {
          expect(res.type).toBe('text/html');
          expect(res.text).toMatch(/NUL (character|字符)/);
        }
      }
      expect(await state()).toEqual(before);
    });
  });

  describe('prototype keys', () => {
    it('__proto__ and constructor in a body are refused or ignored, without effect', async () => {
      const before = await state();
      const raw = `{"version": ${employee.version}, "__proto__": {"active": false, "name": "polluted", "isAdmin": true}, "constructor": {"prototype": {"polluted": "yes"}}}`;
      const res = await t.http.patch(`/api/employees/${employee.id}`).set(t.as('hr')).set('Content-Type', 'application/json').send(raw);
      expect([200, 400]).toContain(res.status);
      if (res.status === 400) expectError(res, 400);
      const now = await getEmployee(t, employee.id);
      expect(now.name).toBe(employee.name);
      expect(now.active).toBe(true);
      if (res.status === 200) employee = now;

      const nested = await putScoresRaw(
        '{"entries": [{"kpiKey": "selling", "rating": 3, "__proto__": {"rating": 1, "actual": 5}}, {"kpiKey": "communication", "rating": 2, "constructor": {"name": "x"}}]}',
      );
      expect([200, 400]).toContain(nested.status);
      if (nested.status === 200) {
        review = nested.body as ReviewDto;
        const selling = review.kpis.find((k) => k.key === 'selling');
        expect(selling?.input).toEqual({ actual: null, target: null, rating: 3, comment: null });
        review = await putScores(t, review, fullAccountManagerEntries());
      } else {
        expectError(nested, 400);
      }

      const query = await t.http.get('/api/reviews?__proto__[x]=1&constructor=1').set(t.as('hr'));
      expect([200, 400]).toContain(query.status);

      // The server runs in this process: nothing leaked onto Object.prototype.
      for (const key of ['active', 'name', 'isAdmin', 'polluted', 'rating', 'actual', 'x']) expect(Object.hasOwn(Object.prototype, key)).toBe(false);
      const after = await state();
      if (res.status === 400 && nested.status === 400) expect(after).toEqual(before);
      expect(after.employee).toMatchObject({ name: employee.name, active: true, department: employee.department });
    });

    it('prototype names as KPI keys are not KPIs of the review (400)', async () => {
      const before = await state();
      for (const kpiKey of ['constructor', 'hasownproperty', 'tostring', '__proto__', 'prototype']) {
        const res = await t.http
          .put(`/api/reviews/${review.id}/scores`)
          .set(t.as('hr'))
          .set('If-Match', String(review.version))
          .send({ entries: [{ kpiKey, rating: 3 }] });
        expect(errorFields(expectError(res, 400))).toEqual(['entries[0].kpiKey']);
      }
      expect(await state()).toEqual(before);
    });
  });

  it('prototype-named KPI keys: constructor and prototype publish, score, submit and print like any key; the others are refused at draft (issue 12)', async () => {
    const admin = t.as('admin');
    const role = (
      await t.http
        .post('/api/roles')
        .set(admin)
        .send({ code: `proto_${randomUUID().slice(0, 8)}`, nameZh: '原型', nameEn: 'Proto' })
        .expect(201)
    ).body as { id: string; templateId: string };
    const kpi = (key: string, weight: number, rule: Record<string, unknown>) => ({
      key,
      nameZh: key,
      nameEn: key,
      descriptionZh: '',
      descriptionEn: '',
      category: 'skill',
      weight,
      rule,
    });
    const rating = { type: 'rating', min: 1, max: 5, points: [1, 2, 3, 4, 5].map((v) => ({ value: v, labelZh: `${v}分`, labelEn: `${v}` })) };
    const bands = [
      { key: 'meets', labelZh: '达标', labelEn: 'Meets', min: 0 },
      { key: 'exceeds', labelZh: '优秀', labelEn: 'Exceeds', min: 80 },
    ];
    for (const key of ['__proto__', 'toString', 'hasOwnProperty']) {
      const refused = await t.http
        .post(`/api/kpi-templates/${role.templateId}/versions`)
        .set(admin)
        .send({ content: { kpis: [kpi(key, 100, rating)], bands } });
      expect(errorFields(expectError(refused, 400))).toEqual(['content.kpis[0].key']);
    }
    const content = {
      kpis: [
        kpi('constructor', 40, rating),
        kpi('prototype', 30, { type: 'target', target: 100, unit: '%', direction: 'higher', cap: 120, threshold: null }),
        kpi('plain', 30, rating),
      ],
      bands,
    };
    const draft = (await t.http.post(`/api/kpi-templates/${role.templateId}/versions`).set(admin).send({ content }).expect(201)).body as {
      id: string;
      version: number;
    };
    await t.http.post(`/api/kpi-templates/${role.templateId}/versions/${draft.id}/publish`).set(admin).send({ version: draft.version }).expect(200);

    const person = (
      await t.http
        .post('/api/employees')
        .set(t.as('hr'))
        .send({
          employeeNo: `PROTO-${randomUUID().slice(0, 6)}`,
          name: 'Proto Person',
          email: 'proto@example.com',
          roleId: role.id,
          department: 'Proto',
          hireDate: '2022-02-02',
        })
        .expect(201)
    ).body as EmployeeDto;
    let r = (await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: person.id, cycleId: cycle.id }).expect(201)).body as ReviewDto;
    expect(r.missing.sort()).toEqual(['constructor', 'plain', 'prototype']);
    const partial = await t.http
      .put(`/api/reviews/${r.id}/scores`)
      .set(t.as('hr'))
      .set('If-Match', String(r.version))
      .send({ entries: [{ kpiKey: 'plain', rating: 3 }] });
    expect(partial.status).toBe(200);
    r = partial.body as ReviewDto;
    // Not given yet: no input, whatever a plain object's prototype holds under that name.
    expect(r.kpis.find((k) => k.key === 'constructor')?.input).toEqual({ actual: null, target: null, rating: null, comment: null });
    expect(r.missing.sort()).toEqual(['constructor', 'prototype']);
    const scored = await t.http
      .put(`/api/reviews/${r.id}/scores`)
      .set(t.as('hr'))
      .set('If-Match', String(r.version))
      .send({
        entries: [
          { kpiKey: 'constructor', rating: 4, comment: 'c' },
          { kpiKey: 'prototype', actual: 110 },
          { kpiKey: 'plain', rating: 5 },
        ],
      });
    expect(scored.status).toBe(200);
    r = scored.body as ReviewDto;
    expect(r.missing).toEqual([]);
    expect(r.kpis.map((k) => [k.key, k.score])).toEqual([
      ['constructor', 80],
      ['prototype', 110],
      ['plain', 100],
    ]);
    // 80 × 0.4 + 110 × 0.3 + 100 × 0.3
    expect(r.total).toBe(95);
    const twice = await t.http
      .put(`/api/reviews/${r.id}/scores`)
      .set(t.as('hr'))
      .set('If-Match', String(r.version))
      .send({
        entries: [
          { kpiKey: 'constructor', rating: 4 },
          { kpiKey: 'constructor', rating: 2 },
        ],
      });
    expect(errorFields(expectError(twice, 400))).toEqual(['entries[1].kpiKey']);
    r = (await t.http.post(`/api/reviews/${r.id}/submit`).set(t.as('hr')).send({ version: r.version }).expect(200)).body as ReviewDto;
    r = (await t.http.post(`/api/reviews/${r.id}/finalize`).set(t.as('hr')).send({ version: r.version }).expect(200)).body as ReviewDto;
    const html = await t.http.get(`/api/reviews/${r.id}/scorecard.pdf?format=html&lang=en`).set(t.as('hr')).expect(200);
    expect(html.text).toContain('constructor');
    expect(html.text).toContain('95.00');
  });

  it('spreadsheet downloads: a repeated, malformed or unknown roleCode or lang → 400 naming it, never 500', async () => {
    const cases: [string, string][] = [
      [`/api/cycles/${cycle.id}/actuals-template.xlsx?roleCode=a&roleCode=b`, 'roleCode'],
      [`/api/cycles/${cycle.id}/actuals-template.xlsx?roleCode=${'x'.repeat(65)}`, 'roleCode'],
      [`/api/cycles/${cycle.id}/actuals-template.xlsx?roleCode=%27%3B%20DROP%20TABLE%20roles`, 'roleCode'],
      [`/api/cycles/${cycle.id}/actuals-template.xlsx?roleCode=no_such_role`, 'roleCode'],
      [`/api/cycles/${cycle.id}/results.csv?lang=de`, 'lang'],
      [`/api/cycles/${cycle.id}/results.xlsx?lang[]=en`, 'lang[]'],
      ['/api/employees.csv?lang=', 'lang'],
      [`/api/cycles/${cycle.id}/results.csv?format=xlsx`, 'format'],
    ];
    for (const [url, field] of cases) expect([url, errorFields(expectError(await t.http.get(url).set(t.as('hr')), 400))]).toEqual([url, [field]]);
  });

  it('an If-Match of garbage → 400 naming If-Match', async () => {
    const before = await state();
    for (const ifMatch of ['abc', '*', '1, 2', '-1', '1.5', '0x10', '9999999999', 'W/abc', `"${'9'.repeat(500)}"`, "1' OR '1'='1"]) {
      const res = await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).set('If-Match', ifMatch).send({ strengths: 'garbage' });
      const body = expectError(res, 400);
      expect(errorFields(body)).toEqual(['If-Match']);
      expect(body.message).toContain('If-Match');
    }
    const emp = expectError(await t.http.patch(`/api/employees/${employee.id}`).set(t.as('hr')).set('If-Match', 'latest').send({ name: 'x' }), 400);
    expect(errorFields(emp)).toEqual(['If-Match']);
    expect(await state()).toEqual(before);
  });

  it('self-assessment writes: malformed ids, bodies, versions and entries → 400 or 428 naming the field, nothing saved', async () => {
    const staged = await seedStagedCycle(t);
    const e = await createEmployee(t);
    const r = await createReview(t, e.id, staged.id);
    const who = await t.userFor('employee', e.id);
    const url = `/api/reviews/${r.id}/self-assessment`;
    expect(errorFields(expectError(await t.http.get('/api/reviews/abc/self-assessment').set(who), 400))).toEqual(['id']);
    expect(errorFields(expectError(await t.http.put('/api/reviews/abc/self-assessment').set(who).set('If-Match', '0').send({ entries: [] }), 400))).toEqual([
      'id',
    ]);
    const cases: [object, string[]][] = [
      [{}, ['entries']],
      [{ entries: null }, ['entries']],
      [{ entries: 'all good' }, ['entries']],
      [{ entries: [{ kpiKey: 'selling', rating: '5' }] }, ['entries[0].rating']],
      [{ entries: [{ kpiKey: 'selling', rating: -1 }] }, ['entries[0].rating']],
      [{ entries: [{ kpiKey: 'selling', rating: 1e300 }] }, ['entries[0].rating']],
      [{ entries: [{ kpiKey: 'selling', comment: { $gt: '' } }] }, ['entries[0].comment']],
      [{ entries: [{ kpiKey: "'; DROP TABLE reviews; --" }] }, ['entries[0].kpiKey']],
      [{ entries: [{ kpiKey: 'selling', actual: 5 }] }, ['entries[0].actual']],
      [{ entries: [], summary: 42 }, ['summary']],
      [{ entries: [], version: -1 }, ['version']],
      [{ entries: Array.from({ length: 51 }, () => ({ kpiKey: 'selling' })) }, ['entries']],
    ];
    for (const [body, fields] of cases) {
      const res = await t.http.put(url).set(who).set('If-Match', '0').send(body);
      expect([JSON.stringify(body).slice(0, 80), errorFields(expectError(res, 400))]).toEqual([JSON.stringify(body).slice(0, 80), fields]);
    }
    expect(errorFields(expectError(await t.http.put(url).set(who).set('If-Match', 'latest').send({ entries: [] }), 400))).toEqual(['If-Match']);
    expect(expectError(await t.http.post(`${url}/submit`).set(who).send({}), 428).code).toBe('PRECONDITION_REQUIRED');
    expect(((await t.http.get(url).set(who).expect(200)).body as { version: number }).version).toBe(0);
  });

  it('manager assessment and take-proposal: bad ids, types, NULs, long texts and prototype keys → 400 naming the field, nothing written', async () => {
    const manager = await createEmployee(t, 'manager');
    const asManager = await t.userFor('manager', manager.id);
    const before = await state();
    const put = (id: string, body: object) => t.http.put(`/api/reviews/${id}/manager-assessment`).set(asManager).send(body);
    expect(errorFields(expectError(await t.http.get('/api/reviews/abc/manager-assessment').set(asManager), 400))).toEqual(['id']);
    expect(errorFields(expectError(await put('abc', { version: 0, entries: [] }), 400))).toEqual(['id']);
    expect(errorFields(expectError(await t.http.post('/api/reviews/abc/manager-assessment/submit').set(asManager).send({ version: 0 }), 400))).toEqual(['id']);
    expect(errorFields(expectError(await t.http.post('/api/reviews/abc/take-proposal').set(t.as('hr')).send({ version: 1 }), 400))).toEqual(['id']);
    const cases: [object, string][] = [
      [{ version: 0, entries: 'all' }, 'entries'],
      [{ version: 0, entries: [{ kpiKey: 'selling', rating: '4' }] }, 'entries[0].rating'],
      [{ version: 0, entries: [{ kpiKey: 'selling', rating: 4.5 }] }, 'entries[0].rating'],
      [{ version: 0, entries: [{ kpiKey: 'selling', comment: 'a\u0000b' }] }, 'entries[0].comment'],
      [{ version: 0, entries: [{ kpiKey: 'selling', comment: 'x'.repeat(4001) }] }, 'entries[0].comment'],
      [{ version: 0, entries: [{ kpiKey: '__proto__', rating: 3 }] }, 'entries[0].kpiKey'],
      [{ version: 0, entries: [], summary: 'x'.repeat(10001) }, 'summary'],
      [{ version: -1, entries: [] }, 'version'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.put(`/api/reviews/${review.id}/manager-assessment`).set(asManager).send(body);
      expect([field, errorFields(expectError(res, 400))]).toEqual([field, [field]]);
    }
    const take = (body: object) => t.http.post(`/api/reviews/${review.id}/take-proposal`).set(t.as('hr')).send(body);
    expect(errorFields(expectError(await take({ version: review.version, kpiKeys: 'selling' }), 400))).toEqual(['kpiKeys']);
    expect(errorFields(expectError(await take({ version: review.version, kpiKeys: ['Selling!'] }), 400))).toEqual(['kpiKeys']);
    const reason = await putScoresRaw(`{"entries":[{"kpiKey":"selling","rating":3,"reason":"a\\u0000b"}]}`);
    expect(errorFields(expectError(reason, 400))).toEqual(['entries[0].reason']);
    expect(await state()).toEqual(before);
  });

  it('answered no request of this file with a 5xx', () => {
    const all = seen.flat();
    expect(all.length).toBeGreaterThan(200);
    expect(all.filter((s) => s.status >= 500)).toEqual([]);
  });
});
