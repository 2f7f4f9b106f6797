// The OpenAPI document as a contract: what /api/docs-json promises (security, statuses, headers,
// types, error codes) and that the response checker every e2e test runs does catch a mismatch.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import { createEmployee, expectError, uniq } from './fixtures.js';
import { ModulesContainer, NestFactory, RouterModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { API_MODULES, AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/config.js';
import { createOpenApiDocument } from '../src/openapi/document.js';
import { createTestApp, type TestApp } from './support/app.js';

type Json = Record<string, unknown>;
interface Op {
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, Json>;
}

describe('OpenAPI contract', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, Op>>; security: unknown[]; components: { schemas: Record<string, Json>; responses: Record<string, Json> } };
  const ops = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.http.get('/api/docs-json').expect(200)).body as typeof doc;
  });
  afterAll(async () => {
    await t.close();
  });

  it('declares bearer and cookie security globally and marks only sign-in, forgot password and health anonymous', () => {
    expect(doc.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    const anonymous = ops()
      .filter(({ op }) => Array.isArray(op.security) && op.security.length === 0)
      .map(({ method, path }) => `${method} ${path}`);
    expect(anonymous.sort()).toEqual(expect.arrayContaining(['post /api/auth/login']));
    for (const a of anonymous) expect(a).toMatch(/^(post \/api\/auth\/(login|forgot-password|reset-password)|get \/api\/health(\/\w+)?)$/);
    // Everyone else can be refused for want of a session.
    for (const { op, method, path } of ops())
      if (!op.security) expect([`${method} ${path}`, op.responses['401']]).toEqual([`${method} ${path}`, expect.anything()]);
  });

  it('documents 403 on every write (CSRF) and 429/503 with Retry-After everywhere', () => {
    for (const { op, method } of ops()) {
      if (['post', 'put', 'patch', 'delete'].includes(method)) expect(op.responses['403']).toBeDefined();
      expect(op.responses['429']).toEqual({ $ref: '#/components/responses/TooManyRequests' });
      expect(op.responses['503']).toBeDefined();
    }
    expect(Object.keys(doc.components.responses.TooManyRequests.headers as Json)).toEqual(['Retry-After']);
  });

  it('documents If-Match where it is honoured, 204 of change-password, binary downloads with JSON errors', () => {
    const ifMatch = (op: Op) => op.parameters?.some((p) => p.in === 'header' && p.name === 'If-Match');
    expect(ifMatch(doc.paths['/api/users/{id}'].patch)).toBe(true);
    expect(ifMatch(doc.paths['/api/users/{id}/reset-password'].post)).toBe(true);
    expect(doc.paths['/api/auth/change-password'].post.responses['204']).toBeDefined();
    const pdf = doc.paths['/api/reviews/{id}/scorecard.pdf'].get.responses;
    expect(Object.keys(pdf['200'].content as Json).sort()).toEqual(['application/pdf', 'text/html']);
    expect(Object.keys(pdf['200'].headers as Json).sort()).toEqual(['Content-Disposition', 'X-Content-SHA256']);
    expect(Object.keys(pdf['503'].content as Json)).toEqual(['application/json']);
    const zip = doc.paths['/api/exports/{id}/download'].get.responses;
    expect((zip['200'].content as Record<string, Json>)['application/zip'].schema).toEqual({ type: 'string', format: 'binary' });
  });

  it('answers every create with 201 and a Location that reads the new object back', async () => {
    const creates = ops().filter(({ op }) => op.responses['201']);
    expect(creates.length).toBe(6);
    for (const { op } of creates) expect(Object.keys(op.responses['201'].headers as Json)).toEqual(['Location']);
    const created = await t.http
      .post('/api/cycles')
      .set(t.as('hr'))
      .send({ name: `Contract ${uniq()}`, periodStart: '2026-01-01', periodEnd: '2026-06-30' })
      .expect(201);
    expect(created.headers.location).toBe(`/api/cycles/${(created.body as { id: string }).id}`);
    const again = await t.http.get(created.headers.location).set(t.as('hr')).expect(200);
    expect(again.body).toEqual(created.body);
  });

  it('types what the server enforces: formats, integers, patterns, the scoring rule as oneOf', () => {
    const s = doc.components.schemas;
    const props = (name: string) => s[name].properties as Record<string, Json>;
    expect(props('CreateEmployeeDto').employeeNo.pattern).toBe('^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$');
    expect(props('CreateEmployeeDto').email.format).toBe('email');
    expect(props('CreateEmployeeDto').hireDate.format).toBe('date');
    expect(props('KpiDto').key.pattern).toBe('^[a-z][a-z0-9_]{0,63}$');
    expect(props('EmployeeDto').id.format).toBe('uuid');
    expect(props('EmployeeDto').createdAt.format).toBe('date-time');
    expect(props('ReviewDto').version.type).toBe('integer');
    expect(props('KpiEntryDto').rating).toMatchObject({ type: 'integer', minimum: 0, maximum: 10 });
    expect(props('TargetRule').cap).toMatchObject({ minimum: 100, maximum: 1000 });
    expect(s.ScoringRuleDto).toMatchObject({
      oneOf: [{ $ref: '#/components/schemas/RatingRule' }, { $ref: '#/components/schemas/TargetRule' }],
      discriminator: { propertyName: 'type' },
    });
    expect(props('EmployeeDto').manager.oneOf).toEqual([{ $ref: '#/components/schemas/EmployeeRefDto' }, { type: 'object', nullable: true, enum: [null] }]);
  });

  it('gives errors a stable code: STALE_VERSION, DUPLICATE, INVALID_STATE, PRECONDITION_REQUIRED, UNAUTHENTICATED, NOT_FOUND', async () => {
    const e: EmployeeDto = await createEmployee(t);
    const stale = expectError(
      await t.http
        .patch(`/api/employees/${e.id}`)
        .set(t.as('hr'))
        .send({ name: 'X', version: e.version + 5 }),
      409,
    );
    expect(stale.code).toBe('STALE_VERSION');
    expect(stale.details).toEqual({ currentVersion: e.version, yourVersion: e.version + 5 });
    const dup = expectError(
      await t.http
        .post('/api/employees')
        .set(t.as('hr'))
        .send({ employeeNo: e.employeeNo, name: 'Dup', email: `d-${uniq()}@example.com`, roleId: e.role.id, department: 'D', hireDate: '2021-01-01' }),
      409,
    );
    expect(dup.code).toBe('DUPLICATE');
    const cycle = (
      await t.http
        .post('/api/cycles')
        .set(t.as('hr'))
        .send({ name: `C ${uniq()}`, periodStart: '2026-01-01', periodEnd: '2026-06-30' })
        .expect(201)
    ).body as { id: string; version: number };
    const closePlanned = expectError(await t.http.post(`/api/cycles/${cycle.id}/close`).set(t.as('hr')).send({ version: cycle.version }), 409);
    expect(closePlanned.code).toBe('INVALID_STATE');
    expect(expectError(await t.http.post(`/api/cycles/${cycle.id}/open`).set(t.as('hr')).send({}), 428).code).toBe('PRECONDITION_REQUIRED');
    expect(expectError(await t.http.get('/api/employees'), 401).code).toBe('UNAUTHENTICATED');
    expect(expectError(await t.http.get('/api/employees/9b2f7c1e-4d3a-4e8b-9c6f-0a1b2c3d4e5f').set(t.as('hr')), 404).code).toBe('NOT_FOUND');
    expect(expectError(await t.http.get('/api/users').set(t.as('hr')), 403).code).toBe('FORBIDDEN');
  });

  it('is the same document that `npm run lint:openapi` prints without a database (scripts/openapi.ts)', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://openapi@127.0.0.1:1/none' });
    const preview = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ config, databaseUrl: config.databaseUrl ?? '' }), {
      preview: true,
      logger: ['error'],
      abortOnError: false,
    });
    new RouterModule(
      preview.get(ModulesContainer),
      API_MODULES.map((module) => ({ path: 'api', module })),
    );
    expect(JSON.parse(JSON.stringify(createOpenApiDocument(preview)))).toEqual(doc);
    await preview.close();
  });

  it('the response check fails on an undocumented status, field, header or content type', () => {
    const fake = (status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }) =>
      ({ status, body, headers }) as unknown as Response;
    const good = { statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: 'x' };
    expect(t.contract.check('get', '/api/cycles/9b2f7c1e-4d3a-4e8b-9c6f-0a1b2c3d4e5f', fake(404, good))).toEqual([]);
    expect(t.contract.check('get', '/api/cycles/9b2f7c1e-4d3a-4e8b-9c6f-0a1b2c3d4e5f', fake(418, good)).join()).toMatch(/418 is not documented/);
    expect(t.contract.check('get', '/api/cycles/9b2f7c1e-4d3a-4e8b-9c6f-0a1b2c3d4e5f', fake(404, { ...good, extra: 1 })).join()).toMatch(
      /must NOT have additional properties/,
    );
    expect(t.contract.check('get', '/api/cycles/9b2f7c1e-4d3a-4e8b-9c6f-0a1b2c3d4e5f', fake(404, { ...good, code: 'NOPE' })).join()).toMatch(/allowed values/);
    expect(
      t.contract
        .check('get', '/api/cycles/9b2f7c1e-4d3a-4e8b-9c6f-0a1b2c3d4e5f', fake(404, good, { 'content-type': 'application/json', 'x-content-sha256': 'ab' }))
        .join(),
    ).toMatch(/x-content-sha256 is sent but not declared/);
    expect(t.contract.check('get', '/api/cycles', fake(200, [{ id: 'not-a-uuid' }])).join()).toMatch(/must match format "uuid"|must have required property/);
    expect(
      t.contract.check('get', '/api/reviews/9b2f7c1e-4d3a-4e8b-9c6f-0a1b2c3d4e5f/scorecard.pdf', fake(200, {}, { 'content-type': 'application/zip' })).join(),
    ).toMatch(/application\/zip is not documented/);
  });
});
