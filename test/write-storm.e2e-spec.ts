// Issue 10: 20 concurrent creates wedged the whole app. Inside a transaction a request asked the
// pool for a second connection; with as many such requests as connections, each held one and
// waited for another forever. Here every write route, API and pages, takes 60 requests at once
// on a pool of 5, with production settings (no strict guard, so a nested connection would really
// deadlock): each request must answer, none with a 5xx, and health must stay 200.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response, Test } from 'supertest';
import type { CycleDto } from '../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { TemplateDto, TemplateVersionDto } from '../src/kpi-templates/dto/template.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, fullAccountManagerEntries, getRole, putScores, seedOpenCycle, uniq } from './fixtures.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';
import { Inbox } from './support/inbox.js';

const STORM = 60;
const CSRF = 'storm-csrf-token-0123456789abcdefghijkl';
const POOL = 5;
/** Every request of a storm must have its answer by then. */
const ANSWER_WITHIN_MS = 10_000;

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Storm {
  method: Method;
  route: string;
  /** Set-up before the storm (a fresh target), returning what the requests aim at. */
  prepare?: () => Promise<Target>;
  /** Request i of the storm. */
  send: (i: number, target: Target) => Test;
}

/** What a case's prepare() made: ids, versions, and for a fresh account its bearer `authorization`. */
type Target = Record<string, string | number>;

const headersOf = (x: Target): Record<string, string> => ({ authorization: String(x.authorization) });

/** Form fields named by API path (kpis[0].rule.type), as the template editor posts them. */
function formFields(value: unknown, prefix: string, out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value)) value.forEach((v, i) => formFields(v, `${prefix}[${i}]`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) formFields(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[prefix] = String(value);
  return out;
}

/** "METHOD /path" of every write route the app registered. */
function writeRoutes(t: TestApp): string[] {
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
  }
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  const out = new Set<string>();
  for (const layer of express.router.stack) {
    for (const [method, on] of Object.entries(layer.route?.methods ?? {})) {
      if (on && ['post', 'put', 'patch', 'delete'].includes(method)) out.add(`${method.toUpperCase()} ${layer.route?.path}`);
    }
  }
  return [...out].sort();
}

describe(`${STORM} concurrent writes on every write route, pool of ${POOL}`, () => {
  let t: TestApp;
  const inbox = new Inbox();
  let cycle: CycleDto;
  let manager: EmployeeDto;
  let reports: EmployeeDto[];
  let employeeHeaders: Record<string, string>;
  let managerHeaders: Record<string, string>;
  /** A manager without reports: their whole-team export from the page prints nothing. */
  let loneManagerHeaders: Record<string, string>;
  let amTemplate: TemplateVersionDto;
  let storms: Storm[];

  const hr = () => t.as('hr');
  const admin = () => t.as('admin');
  const post = (path: string, headers: Record<string, string>) => t.http.post(path).set(headers);
  // Page writes always need the CSRF token (CSRF itself is tested in web.e2e-spec.ts).
  const page = (path: string, headers: Record<string, string> = {}) =>
    t.http.post(path).set(headers).set('Cookie', `scorecard_csrf=${CSRF}`).set('X-CSRF-Token', CSRF).type('form');

  /** A review of a new report of the manager, brought to the given status. */
  const reviewIn = async (status: 'draft' | 'submitted' | 'finalized'): Promise<ReviewDto> => {
    const person = await createEmployee(t, 'account_manager', { managerId: manager.id });
    let r = await putScores(t, await createReview(t, person.id, cycle.id), fullAccountManagerEntries());
    if (status !== 'draft') r = (await post(`/api/reviews/${r.id}/submit`, hr()).send({ version: r.version }).expect(200)).body as ReviewDto;
    if (status === 'finalized') r = (await post(`/api/reviews/${r.id}/finalize`, hr()).send({ version: r.version }).expect(200)).body as ReviewDto;
    return r;
  };
  /** The employee persona's own finalized review (they may acknowledge only their own). */
  const ownFinalized = async (): Promise<ReviewDto> => {
    const me = reports[0];
    const c = await seedOpenCycle(t);
    let r = await putScores(t, await createReview(t, me.id, c.id), fullAccountManagerEntries());
    r = (await post(`/api/reviews/${r.id}/submit`, hr()).send({ version: r.version }).expect(200)).body as ReviewDto;
    return (await post(`/api/reviews/${r.id}/finalize`, hr()).send({ version: r.version }).expect(200)).body as ReviewDto;
  };
  /** A new report of the manager with a review in a cycle running the given stages (it starts at the first). */
  const stagedReview = async (stages: { selfAssessment: boolean; managerAssessment: boolean }): Promise<{ review: ReviewDto; person: EmployeeDto }> => {
    const c = await seedOpenCycle(t, `storm staged ${uniq()}`, stages);
    const person = await createEmployee(t, 'account_manager', { managerId: manager.id });
    return { review: await createReview(t, person.id, c.id), person };
  };
  /** The manager's proposal for every rating KPI, as the manager-assessment API takes it. */
  const proposal = () =>
    fullAccountManagerEntries().flatMap((e) => (e.rating != null ? [{ kpiKey: e.kpiKey, rating: e.rating === 5 ? 4 : 5, comment: 'storm' }] : []));
  /** A draft with HR whose manager submitted a proposal (so HR may take it). */
  const proposed = async (): Promise<Target> => {
    const { review } = await stagedReview({ selfAssessment: false, managerAssessment: true });
    const saved = (await t.http.put(`/api/reviews/${review.id}/manager-assessment`).set(managerHeaders).send({ version: 0, entries: proposal() }).expect(200))
      .body as { version: number };
    await post(`/api/reviews/${review.id}/manager-assessment/submit`, managerHeaders).send({ version: saved.version }).expect(200);
    const r = (await t.http.get(`/api/reviews/${review.id}`).set(hr()).expect(200)).body as ReviewDto;
    return { id: r.id, version: r.version };
  };
  /** A department of its own with one review in the storm's cycle, for the calibration locks. */
  const department = async (): Promise<Target> => {
    const name = `storm-dept-${uniq()}`;
    const person = await createEmployee(t, 'account_manager', { department: name });
    await createReview(t, person.id, cycle.id);
    return { department: name };
  };
  const lockedDepartment = async (): Promise<Target> => {
    const d = await department();
    await post(`/api/cycles/${cycle.id}/calibration/locks`, hr()).send({ department: d.department }).expect(200);
    return d;
  };
  const calibrated = async (): Promise<Target> => {
    const r = await reviewIn('draft');
    const c = (
      await t.http.put(`/api/reviews/${r.id}/calibration`).set(hr()).send({ version: r.version, bandKey: r.bands[0].key, reason: 'storm set-up' }).expect(200)
    ).body as ReviewDto;
    return { id: c.id, version: c.version };
  };
  const plannedCycle = async (): Promise<CycleDto> =>
    (
      await post('/api/cycles', hr())
        .send({ name: `storm ${uniq()}`, periodStart: '2027-01-01', periodEnd: '2027-06-30' })
        .expect(201)
    ).body as CycleDto;
  /** A role of our own with a published template and a fresh draft, so the storms leave the defaults alone. */
  const templateWithDraft = async (): Promise<Target> => {
    const role = (
      await post('/api/roles', admin())
        .send({ code: `storm_${uniq()}`, nameZh: '风暴', nameEn: 'Storm' })
        .expect(201)
    ).body as { templateId: string };
    const first = (
      await post(`/api/kpi-templates/${role.templateId}/versions`, admin())
        .send({ content: { kpis: amTemplate.kpis, bands: amTemplate.bands } })
        .expect(201)
    ).body as TemplateVersionDto;
    await post(`/api/kpi-templates/${role.templateId}/versions/${first.id}/publish`, admin()).send({ version: first.version }).expect(200);
    const next = (await post(`/api/kpi-templates/${role.templateId}/versions`, admin()).send({}).expect(201)).body as TemplateVersionDto;
    return { template: role.templateId, draft: next.id, version: next.version };
  };

  /** A finished export of one scorecard, left as a browser that kept crashing leaves it: that scorecard failed. */
  const failedExport = async (): Promise<Target> => {
    const department = `storm-retry-${uniq()}`;
    const person = await createEmployee(t, 'account_manager', { department });
    await createReview(t, person.id, cycle.id);
    const { id } = (await post(`/api/cycles/${cycle.id}/scorecards`, hr()).send({ department }).expect(202)).body as { id: string };
    for (let i = 0; i < 600; i++) {
      const state = ((await t.http.get(`/api/exports/${id}`).set(hr()).expect(200)).body as { state: string }).state;
      if (state === 'done' || state === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await t.db.query(`UPDATE export_items SET state = 'failed', error = 'storm: made to fail' WHERE job_id = $1`, [id]);
    await t.db.query(`UPDATE export_jobs SET state = 'failed' WHERE id = $1`, [id]);
    return { id };
  };

  /** A user of its own, so one storm's failed sign-ins do not throttle the next. */
  const freshAccount = async (): Promise<Target> => {
    const email = `storm-${uniq()}@test.example`;
    return { email, authorization: (await t.userFor('hr', null, email)).authorization };
  };

  /** A fresh account with a mailed reset link, the client's hourly request count cleared first. */
  const resetLink = async (): Promise<Target> => {
    await t.db.query('DELETE FROM password_resets');
    // Made without t.userFor, which would make it the suite's HR user: the reset ends its sessions.
    const email = `storm-reset-${uniq()}@test.example`;
    await post('/api/users', admin()).send({ email, role: 'hr', employeeId: null, password: 'temporary-pass-1' }).expect(201);
    await t.http.post('/api/auth/forgot-password').send({ email }).expect(202);
    const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(inbox.to(email).at(-1)?.text ?? '')?.[1];
    if (!token) throw new Error(`no reset mail to ${email}`);
    return { email, token };
  };

  beforeAll(async () => {
    // "Forgot password" mails through a real SMTP server of the test's own.
    const smtpPort = await inbox.start();
    // Sign-in throttling per address would stop the later storms' own sign-ins.
    t = await createTestApp({
      DB_POOL_SIZE: String(POOL),
      DB_STRICT_TRANSACTIONS: 'false',
      DB_ACQUIRE_TIMEOUT_MS: '5000',
      LOGIN_MAX_FAILURES: '1000',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: 'storm@example.test',
      PUBLIC_URL: 'https://scorecard.example.test',
    });
    cycle = await seedOpenCycle(t);
    manager = await createEmployee(t, 'manager');
    reports = [];
    for (let i = 0; i < 3; i++) reports.push(await createEmployee(t, 'account_manager', { managerId: manager.id }));
    managerHeaders = await t.userFor('manager', manager.id);
    employeeHeaders = await t.userFor('employee', reports[0].id);
    loneManagerHeaders = await t.userFor('manager', (await createEmployee(t, 'manager')).id);
    const am = await getRole(t, 'account_manager', 'admin');
    const template = (await t.http.get(`/api/kpi-templates/${am.templateId}`).set(admin()).expect(200)).body as TemplateDto;
    if (!template.current) throw new Error('the default account-manager template is not published');
    amTemplate = template.current;
    const amRoleId = am.id;
    const managerRoleId = (await getRole(t, 'manager')).id;

    storms = [
      // ---- API ----
      // Half of them wrong: failed sign-ins are written (and throttled) in a transaction too.
      {
        method: 'POST',
        route: '/api/auth/login',
        prepare: freshAccount,
        send: (i, x) => t.http.post('/api/auth/login').send({ email: x.email, password: i % 2 ? TEST_PASSWORD : 'wrong-password' }),
      },
      {
        method: 'POST',
        route: '/api/auth/logout',
        prepare: freshAccount,
        send: (_i, x) => post('/api/auth/logout', headersOf(x)),
      },
      {
        method: 'POST',
        route: '/api/auth/change-password',
        prepare: freshAccount,
        send: (i, x) => post('/api/auth/change-password', headersOf(x)).send({ currentPassword: TEST_PASSWORD, newPassword: `storm-password-${i}` }),
      },
      {
        method: 'POST',
        route: '/api/users',
        send: (i) =>
          post('/api/users', admin()).send({ email: `storm-${i}-${uniq()}@test.example`, role: 'hr', employeeId: null, password: 'temporary-pass-1' }),
      },
      {
        method: 'PATCH',
        route: '/api/users/:id',
        prepare: async () => {
          const person = await createEmployee(t, 'account_manager');
          const u = (
            await post('/api/users', admin())
              .send({ email: `storm-${uniq()}@test.example`, role: 'employee', employeeId: person.id, password: 'temporary-pass-1' })
              .expect(201)
          ).body as { id: string; version: number };
          return { id: u.id, version: u.version, employee: (await createEmployee(t, 'account_manager')).id };
        },
        // A new link checks the employee inside the transaction.
        send: (i, x) =>
          t.http
            .patch(`/api/users/${x.id}`)
            .set(admin())
            .set('If-Match', String(x.version))
            .send(i % 2 ? { employeeId: x.employee } : { disabled: true }),
      },
      // 60 requests for one address: three mails, the same answer for the rest, then the client's limit (429).
      {
        method: 'POST',
        route: '/api/auth/forgot-password',
        prepare: async () => {
          await t.db.query('DELETE FROM password_resets');
          return freshAccount();
        },
        send: (_i, x) => t.http.post('/api/auth/forgot-password').send({ email: x.email }),
      },
      // 60 uses of one link at once: one sets the password, 59 are refused.
      {
        method: 'POST',
        route: '/api/auth/reset-password',
        prepare: resetLink,
        send: (i, x) => t.http.post('/api/auth/reset-password').send({ token: x.token, newPassword: `storm-reset-password-${i}` }),
      },
      {
        method: 'POST',
        route: '/api/users/:id/reset-password',
        prepare: async () => {
          const u = (
            await post('/api/users', admin())
              .send({ email: `storm-${uniq()}@test.example`, role: 'hr', employeeId: null, password: 'temporary-pass-1' })
              .expect(201)
          ).body as { id: string; version: number };
          return { id: u.id, version: u.version };
        },
        send: (i, x) => post(`/api/users/${x.id}/reset-password`, admin()).send({ password: `reset-password-${i}`, version: x.version }),
      },
      { method: 'POST', route: '/api/roles', send: (i) => post('/api/roles', admin()).send({ code: `storm_${i}_${uniq()}`, nameZh: '角色', nameEn: 'Role' }) },
      {
        method: 'PATCH',
        route: '/api/roles/:id',
        prepare: async () => {
          const role = (
            await post('/api/roles', admin())
              .send({ code: `storm_${uniq()}`, nameZh: '角色', nameEn: 'Role' })
              .expect(201)
          ).body as { id: string; version: number };
          return { id: role.id, version: role.version };
        },
        send: (i, x) =>
          t.http
            .patch(`/api/roles/${x.id}`)
            .set(admin())
            .set('If-Match', String(x.version))
            .send({ nameEn: `Role ${i}` }),
      },
      {
        method: 'POST',
        route: '/api/kpi-templates/:id/versions',
        prepare: async () => {
          const x = await templateWithDraft();
          await t.http.delete(`/api/kpi-templates/${x.template}/versions/${x.draft}`).set(admin()).set('If-Match', String(x.version)).expect(204);
          return x;
        },
        send: (_i, x) => post(`/api/kpi-templates/${x.template}/versions`, admin()).send({}),
      },
      {
        method: 'PUT',
        route: '/api/kpi-templates/:id/versions/:versionId',
        prepare: templateWithDraft,
        send: (i, x) =>
          t.http
            .put(`/api/kpi-templates/${x.template}/versions/${x.draft}`)
            .set(admin())
            .set('If-Match', String(x.version))
            .send({ kpis: amTemplate.kpis, bands: amTemplate.bands, notes: `storm ${i}` }),
      },
      {
        method: 'DELETE',
        route: '/api/kpi-templates/:id/versions/:versionId',
        prepare: templateWithDraft,
        send: (_i, x) => t.http.delete(`/api/kpi-templates/${x.template}/versions/${x.draft}`).set(admin()).set('If-Match', String(x.version)),
      },
      {
        method: 'POST',
        route: '/api/kpi-templates/:id/versions/:versionId/publish',
        prepare: templateWithDraft,
        send: (_i, x) => post(`/api/kpi-templates/${x.template}/versions/${x.draft}/publish`, admin()).send({ version: x.version }),
      },
      // The reported deadlock: roleExists() outside the transaction.
      {
        method: 'POST',
        route: '/api/employees',
        send: (i) =>
          post('/api/employees', hr()).send({
            employeeNo: `S-${i}-${uniq()}`,
            name: `风暴 ${i}`,
            email: `storm-${i}@example.com`,
            roleId: amRoleId,
            department: 'Storm',
            hireDate: '2024-01-02',
            managerId: manager.id,
          }),
      },
      {
        method: 'PATCH',
        route: '/api/employees/:id',
        prepare: async () => {
          const e = await createEmployee(t, 'account_manager');
          return { id: e.id, version: e.version };
        },
        send: (i, x) =>
          t.http
            .patch(`/api/employees/${x.id}`)
            .set(hr())
            .set('If-Match', String(x.version))
            .send(i % 2 ? { roleId: managerRoleId } : { managerId: manager.id }),
      },
      {
        method: 'DELETE',
        route: '/api/employees/:id',
        prepare: async () => {
          const e = await createEmployee(t, 'account_manager');
          return { id: e.id, version: e.version };
        },
        send: (_i, x) => t.http.delete(`/api/employees/${x.id}`).set(hr()).set('If-Match', String(x.version)),
      },
      {
        method: 'POST',
        route: '/api/cycles',
        send: (i) => post('/api/cycles', hr()).send({ name: `storm ${i} ${uniq()}`, periodStart: '2027-01-01', periodEnd: '2027-06-30' }),
      },
      {
        method: 'PATCH',
        route: '/api/cycles/:id',
        prepare: async () => {
          const c = await plannedCycle();
          return { id: c.id, version: c.version };
        },
        send: (i, x) =>
          t.http
            .patch(`/api/cycles/${x.id}`)
            .set(hr())
            .set('If-Match', String(x.version))
            .send({ name: `storm renamed ${i} ${uniq()}` }),
      },
      {
        method: 'POST',
        route: '/api/cycles/:id/open',
        prepare: async () => {
          const c = await plannedCycle();
          return { id: c.id, version: c.version };
        },
        send: (_i, x) => post(`/api/cycles/${x.id}/open`, hr()).send({ version: x.version }),
      },
      {
        method: 'POST',
        route: '/api/cycles/:id/close',
        prepare: async () => {
          const c = await seedOpenCycle(t);
          return { id: c.id, version: c.version };
        },
        send: (_i, x) => post(`/api/cycles/${x.id}/close`, hr()).send({ version: x.version }),
      },
      {
        method: 'DELETE',
        route: '/api/cycles/:id',
        prepare: async () => {
          const c = await plannedCycle();
          return { id: c.id, version: c.version };
        },
        send: (_i, x) => t.http.delete(`/api/cycles/${x.id}`).set(hr()).set('If-Match', String(x.version)),
      },
      {
        method: 'POST',
        route: '/api/cycles/:id/reviews',
        prepare: async () => ({ id: (await seedOpenCycle(t)).id }),
        send: (_i, x) => post(`/api/cycles/${x.id}/reviews`, hr()).send({}),
      },
      // A manager's export reads their subtree inside the transaction. Nobody matches the
      // department, so nothing is printed.
      {
        method: 'POST',
        route: '/api/cycles/:id/scorecards',
        send: (i) => post(`/api/cycles/${cycle.id}/scorecards`, managerHeaders).send({ department: `storm nobody ${i}` }),
      },
      {
        method: 'POST',
        route: '/api/reviews',
        prepare: async () => {
          const c = await seedOpenCycle(t);
          return { cycle: c.id };
        },
        // Two requests per employee: one creates, the other finds it there.
        send: (i, x) => post('/api/reviews', hr()).send({ cycleId: x.cycle, employeeId: reports[i % reports.length].id }),
      },
      ...(['PUT /api/reviews/:id/scores', 'PUT /api/reviews/:id', 'PATCH /api/reviews/:id'] as const).map((key): Storm => {
        const [method, route] = key.split(' ') as [Method, string];
        return {
          method,
          route,
          prepare: async () => {
            const r = await reviewIn('draft');
            return { id: r.id, version: r.version };
          },
          send: (i, x) => {
            const req = method === 'PATCH' ? t.http.patch(`/api/reviews/${x.id}`) : t.http.put(route.replace(':id', String(x.id)));
            return req
              .set(hr())
              .set('If-Match', String(x.version))
              .send(
                route.endsWith('scores')
                  ? { entries: fullAccountManagerEntries() }
                  : method === 'PUT'
                    ? { entries: fullAccountManagerEntries(), strengths: `storm ${i}` }
                    : { strengths: `storm ${i}` },
              );
          },
        };
      }),
      {
        method: 'POST',
        route: '/api/reviews/:id/submit',
        prepare: async () => {
          const r = await reviewIn('draft');
          return { id: r.id, version: r.version };
        },
        send: (_i, x) => post(`/api/reviews/${x.id}/submit`, hr()).send({ version: x.version }),
      },
      {
        method: 'POST',
        route: '/api/reviews/:id/finalize',
        prepare: async () => {
          const r = await reviewIn('submitted');
          return { id: r.id, version: r.version };
        },
        send: (_i, x) => post(`/api/reviews/${x.id}/finalize`, hr()).send({ version: x.version }),
      },
      {
        method: 'POST',
        route: '/api/reviews/:id/reopen',
        prepare: async () => {
          const r = await reviewIn('finalized');
          return { id: r.id, version: r.version };
        },
        send: (i, x) => post(`/api/reviews/${x.id}/reopen`, hr()).send({ version: x.version, reason: `storm reason ${i}` }),
      },
      // A bulk run: every request finalizes the same three reviews, each in its own transaction; one
      // request wins each, the others skip it (already finalized or changed meanwhile).
      {
        method: 'POST',
        route: '/api/reviews/bulk',
        prepare: async () => {
          const [a, b, c] = [await reviewIn('submitted'), await reviewIn('submitted'), await reviewIn('submitted')];
          return { a: a.id, b: b.id, c: c.id };
        },
        send: (_i, x) => post('/api/reviews/bulk', hr()).send({ action: 'finalize', reviewIds: [x.a, x.b, x.c] }),
      },
      // The second reported deadlock: the manager's subtree read outside the transaction.
      {
        method: 'POST',
        route: '/api/reviews/:id/manager-comment',
        prepare: async () => {
          const r = await reviewIn('submitted');
          return { id: r.id, version: r.version };
        },
        send: (i, x) => post(`/api/reviews/${x.id}/manager-comment`, managerHeaders).send({ version: x.version, comment: `storm comment ${i}` }),
      },
      {
        method: 'POST',
        route: '/api/reviews/:id/acknowledge',
        prepare: async () => {
          const r = await ownFinalized();
          return { id: r.id, version: r.version };
        },
        send: (_i, x) => post(`/api/reviews/${x.id}/acknowledge`, employeeHeaders).send({ version: x.version }),
      },

      // One retry requeues the failed scorecard; the others find nothing left to retry (409).
      {
        method: 'POST',
        route: '/api/exports/:id/retry-failed',
        prepare: failedExport,
        send: (_i, x) => post(`/api/exports/${x.id}/retry-failed`, hr()).send({}),
      },
      // Imports: 60 commits of one file whose dry run was seen; they queue on the reporting-tree lock
      // (employees) or the cycle's lock (actuals), the first applies it and the rest find it applied.
      {
        method: 'POST',
        route: '/api/imports/employees',
        prepare: async () => {
          const u = uniq();
          const file = `Employee number,Name,Email,Department,Role code,Manager's employee number,Hire date,Active\r\nI-${u},导入 ${u},imp-${u}@example.com,Storm,account_manager,,2024-01-02,true\r\n`;
          await post('/api/imports/employees?mode=dry-run', hr()).attach('file', Buffer.from(file), 'people.csv').expect(200);
          return { file };
        },
        send: (_i, x) => post('/api/imports/employees?mode=commit', hr()).attach('file', Buffer.from(String(x.file)), 'people.csv'),
      },
      {
        method: 'POST',
        route: '/api/imports/cycles/:id/actuals',
        prepare: async () => {
          const person = await createEmployee(t, 'account_manager');
          const file = `Employee number,KPI key,Actual,Personal target,Rating,Comment\n${person.employeeNo},customer_satisfaction,92%,,,\n`;
          await post(`/api/imports/cycles/${cycle.id}/actuals?mode=dry-run`, hr()).attach('file', Buffer.from(file), 'actuals.csv').expect(200);
          return { file };
        },
        send: (_i, x) => post(`/api/imports/cycles/${cycle.id}/actuals?mode=commit`, hr()).attach('file', Buffer.from(String(x.file)), 'actuals.csv'),
      },

      // ---- pages (bearer-authenticated; page writes still carry the CSRF token) ----
      {
        method: 'POST',
        route: '/login',
        prepare: freshAccount,
        send: (i, x) => page('/login').send({ email: x.email, password: i % 2 ? TEST_PASSWORD : 'wrong-password' }),
      },
      {
        method: 'POST',
        route: '/logout',
        prepare: freshAccount,
        send: (_i, x) => page('/logout', headersOf(x)).send({}),
      },
      { method: 'POST', route: '/lang', send: (i) => page('/lang').send({ lang: i % 2 ? 'en' : 'zh-CN' }) },
      {
        method: 'POST',
        route: '/password',
        prepare: freshAccount,
        send: (i, x) =>
          page('/password', headersOf(x)).send({ currentPassword: TEST_PASSWORD, newPassword: `storm-password-${i}`, confirmPassword: `storm-password-${i}` }),
      },
      {
        method: 'POST',
        route: '/forgot-password',
        prepare: async () => {
          await t.db.query('DELETE FROM password_resets');
          return freshAccount();
        },
        send: (_i, x) => page('/forgot-password').send({ email: x.email }),
      },
      {
        method: 'POST',
        route: '/reset-password',
        prepare: resetLink,
        send: (i, x) =>
          page('/reset-password').send({ token: x.token, newPassword: `storm-reset-password-${i}`, confirmPassword: `storm-reset-password-${i}` }),
      },
      {
        method: 'POST',
        route: '/admin/users',
        send: (i) => page('/admin/users', admin()).send({ email: `storm-page-${i}-${uniq()}@test.example`, role: 'hr', password: 'temporary-pass-1' }),
      },
      {
        method: 'POST',
        route: '/admin/users/:id',
        prepare: async () => {
          const person = await createEmployee(t, 'account_manager');
          const u = (
            await post('/api/users', admin())
              .send({ email: `storm-${uniq()}@test.example`, role: 'employee', employeeId: person.id, password: 'temporary-pass-1' })
              .expect(201)
          ).body as { id: string; version: number };
          return { id: u.id, version: u.version, employeeNo: (await createEmployee(t, 'account_manager')).employeeNo };
        },
        send: (_i, x) => page(`/admin/users/${x.id}`, admin()).send({ role: 'employee', employeeNo: String(x.employeeNo), version: String(x.version) }),
      },
      {
        method: 'POST',
        route: '/admin/users/:id/reset-password',
        prepare: async () => {
          const u = (
            await post('/api/users', admin())
              .send({ email: `storm-${uniq()}@test.example`, role: 'hr', employeeId: null, password: 'temporary-pass-1' })
              .expect(201)
          ).body as { id: string; version: number };
          return { id: u.id, version: u.version };
        },
        send: (i, x) => page(`/admin/users/${x.id}/reset-password`, admin()).send({ password: `reset-password-${i}`, version: String(x.version) }),
      },
      // 60 admins create the same role at once: one does, the others are told it exists.
      {
        method: 'POST',
        route: '/admin/templates/roles',
        prepare: () =>
          Promise.resolve({
            code: `storm_role_${uniq()
              .toLowerCase()
              .replace(/[^a-z0-9]/g, '')}`,
          }),
        send: (_i, x) => page('/admin/templates/roles', admin()).send({ code: String(x.code), nameZh: '风暴岗位', nameEn: 'Storm role' }),
      },
      {
        method: 'POST',
        route: '/admin/templates/:id/role',
        prepare: async () => {
          const x = await templateWithDraft();
          const role = (await t.http.get(`/api/kpi-templates/${x.template}`).set(admin()).expect(200)).body as TemplateDto;
          return { template: x.template, version: role.role.version };
        },
        send: (i, x) => page(`/admin/templates/${x.template}/role`, admin()).send({ version: String(x.version), nameZh: `风暴 ${i}`, nameEn: `Storm ${i}` }),
      },
      {
        method: 'POST',
        route: '/admin/templates/:id/draft',
        prepare: async () => {
          const x = await templateWithDraft();
          await t.http.delete(`/api/kpi-templates/${x.template}/versions/${x.draft}`).set(admin()).set('If-Match', String(x.version)).expect(204);
          return x;
        },
        send: (_i, x) => page(`/admin/templates/${x.template}/draft`, admin()).send({}),
      },
      {
        method: 'POST',
        route: '/admin/templates/:id/draft/:versionId',
        prepare: templateWithDraft,
        send: (i, x) =>
          page(`/admin/templates/${x.template}/draft/${x.draft}`, admin()).send({
            ...formFields({ kpis: amTemplate.kpis, bands: amTemplate.bands }, ''),
            version: String(x.version),
            notes: `storm ${i}`,
            action: i % 2 ? 'save' : 'publish',
          }),
      },
      {
        method: 'POST',
        route: '/admin/templates/:id/draft/:versionId/discard',
        prepare: templateWithDraft,
        send: (_i, x) => page(`/admin/templates/${x.template}/draft/${x.draft}/discard`, admin()).send({ version: String(x.version) }),
      },
      {
        method: 'POST',
        route: '/employees',
        send: (i) =>
          page('/employees', hr()).send({
            employeeNo: `P-${i}-${uniq()}`,
            name: `页面 ${i}`,
            email: `page-${i}@example.com`,
            roleId: amRoleId,
            department: 'Storm',
            managerNo: manager.employeeNo,
            hireDate: '2024-01-02',
            active: 'on',
          }),
      },
      {
        method: 'POST',
        route: '/employees/:id',
        prepare: async () => {
          const e = await createEmployee(t, 'account_manager');
          return { id: e.id, version: e.version, employeeNo: e.employeeNo };
        },
        send: (i, x) =>
          page(`/employees/${x.id}`, hr()).send({
            employeeNo: String(x.employeeNo),
            name: `改名 ${i}`,
            email: 'renamed@example.com',
            roleId: i % 2 ? managerRoleId : amRoleId,
            department: 'Storm',
            managerNo: manager.employeeNo,
            hireDate: '2024-01-02',
            active: 'on',
            version: String(x.version),
          }),
      },
      {
        method: 'POST',
        route: '/cycles',
        send: (i) => page('/cycles', hr()).send({ name: `page storm ${i} ${uniq()}`, periodStart: '2027-01-01', periodEnd: '2027-06-30' }),
      },
      ...(['open', 'close', 'delete'] as const).map((action): Storm => ({
        method: 'POST',
        route: `/cycles/:id/${action}`,
        prepare: async () => {
          const c = action === 'close' ? await seedOpenCycle(t) : await plannedCycle();
          return { id: c.id, version: c.version };
        },
        send: (_i, x) => page(`/cycles/${x.id}/${action}`, hr()).send({ version: String(x.version) }),
      })),
      {
        method: 'POST',
        route: '/cycles/:id/start-reviews',
        prepare: async () => ({ id: (await seedOpenCycle(t)).id }),
        send: (_i, x) => page(`/cycles/${x.id}/start-reviews`, hr()).send({}),
      },
      { method: 'POST', route: '/cycles/:id/scorecards', send: () => page(`/cycles/${cycle.id}/scorecards`, loneManagerHeaders).send({}) },
      { method: 'POST', route: '/exports/:id/retry-failed', prepare: failedExport, send: (_i, x) => page(`/exports/${x.id}/retry-failed`, hr()).send({}) },
      {
        method: 'POST',
        route: '/reviews',
        prepare: async () => ({ cycle: (await seedOpenCycle(t)).id }),
        send: (i, x) => page('/reviews', hr()).send({ cycleId: String(x.cycle), employeeId: reports[i % reports.length].id }),
      },
      ...(
        [
          ['submit', 'draft', () => hr()],
          ['finalize', 'submitted', () => hr()],
          ['reopen', 'finalized', () => hr()],
          ['comment', 'submitted', () => managerHeaders],
        ] as const
      ).map(([action, status, who]): Storm => ({
        method: 'POST',
        route: `/reviews/:id/${action}`,
        prepare: async () => {
          const r = await reviewIn(status);
          return { id: r.id, version: r.version };
        },
        send: (i, x) =>
          page(`/reviews/${x.id}/${action}`, who()).send({ version: String(x.version), reason: `storm reason ${i}`, comment: `storm comment ${i}` }),
      })),
      // ---- Issue 15: stages, assessments, calibration ----
      {
        method: 'POST',
        route: '/api/reviews/:id/skip-stage',
        prepare: async () => {
          const { review } = await stagedReview({ selfAssessment: true, managerAssessment: true });
          return { id: review.id, version: review.version };
        },
        send: (i, x) => post(`/api/reviews/${x.id}/skip-stage`, hr()).send({ version: x.version, reason: `storm reason ${i}` }),
      },
      ...(['PUT', 'POST'] as const).map((method): Storm => ({
        method,
        route: method === 'PUT' ? '/api/reviews/:id/self-assessment' : '/api/reviews/:id/self-assessment/submit',
        prepare: async () => {
          const { review, person } = await stagedReview({ selfAssessment: true, managerAssessment: false });
          const who = await t.userFor('employee', person.id, `storm-self-${uniq()}@test.example`);
          const ratings = fullAccountManagerEntries().flatMap((e) => (e.rating != null ? [{ kpiKey: e.kpiKey, rating: e.rating, comment: 'mine' }] : []));
          if (method === 'PUT') return { id: review.id, version: 0, authorization: who.authorization };
          const saved = (await t.http.put(`/api/reviews/${review.id}/self-assessment`).set(who).send({ version: 0, entries: ratings }).expect(200)).body as {
            version: number;
          };
          return { id: review.id, version: saved.version, authorization: who.authorization };
        },
        send: (i, x) =>
          method === 'PUT'
            ? t.http
                .put(`/api/reviews/${x.id}/self-assessment`)
                .set(headersOf(x))
                .send({ version: x.version, entries: [], summary: `storm ${i}` })
            : post(`/api/reviews/${x.id}/self-assessment/submit`, headersOf(x)).send({ version: x.version }),
      })),
      ...(['PUT', 'POST'] as const).map((method): Storm => ({
        method,
        route: method === 'PUT' ? '/api/reviews/:id/manager-assessment' : '/api/reviews/:id/manager-assessment/submit',
        prepare: async () => {
          const { review } = await stagedReview({ selfAssessment: false, managerAssessment: true });
          if (method === 'PUT') return { id: review.id, version: 0 };
          const saved = (
            await t.http.put(`/api/reviews/${review.id}/manager-assessment`).set(managerHeaders).send({ version: 0, entries: proposal() }).expect(200)
          ).body as { version: number };
          return { id: review.id, version: saved.version };
        },
        send: (i, x) =>
          method === 'PUT'
            ? t.http
                .put(`/api/reviews/${x.id}/manager-assessment`)
                .set(managerHeaders)
                .send({ version: x.version, entries: proposal(), summary: `storm ${i}` })
            : post(`/api/reviews/${x.id}/manager-assessment/submit`, managerHeaders).send({ version: x.version }),
      })),
      {
        method: 'POST',
        route: '/api/reviews/:id/take-proposal',
        prepare: proposed,
        send: (_i, x) => post(`/api/reviews/${x.id}/take-proposal`, hr()).send({ version: x.version }),
      },
      {
        method: 'PUT',
        route: '/api/reviews/:id/calibration',
        prepare: async () => {
          const r = await reviewIn('draft');
          return { id: r.id, version: r.version, band: r.bands[0].key };
        },
        send: (i, x) =>
          t.http
            .put(`/api/reviews/${x.id}/calibration`)
            .set(hr())
            .send({ version: x.version, bandKey: x.band, reason: `storm reason ${i}` }),
      },
      {
        method: 'DELETE',
        route: '/api/reviews/:id/calibration',
        prepare: calibrated,
        send: (i, x) =>
          t.http
            .delete(`/api/reviews/${x.id}/calibration`)
            .set(hr())
            .send({ version: x.version, reason: `storm reason ${i}` }),
      },
      {
        method: 'POST',
        route: '/api/cycles/:id/calibration/locks',
        prepare: department,
        send: (_i, x) => post(`/api/cycles/${cycle.id}/calibration/locks`, hr()).send({ department: x.department }),
      },
      {
        method: 'POST',
        route: '/api/cycles/:id/calibration/locks/reopen',
        prepare: lockedDepartment,
        send: (i, x) => post(`/api/cycles/${cycle.id}/calibration/locks/reopen`, hr()).send({ department: x.department, reason: `storm reason ${i}` }),
      },
      {
        method: 'POST',
        route: '/cycles/:id',
        prepare: async () => {
          const c = await plannedCycle();
          return { id: c.id, version: c.version, name: c.name };
        },
        send: (_i, x) =>
          page(`/cycles/${x.id}`, hr()).send({
            version: String(x.version),
            name: String(x.name),
            periodStart: '2027-01-01',
            periodEnd: '2027-06-30',
            selfAssessment: 'on',
            managerAssessment: 'on',
          }),
      },
      {
        method: 'POST',
        route: '/cycles/:id/calibration/reviews/:reviewId',
        prepare: async () => {
          const r = await reviewIn('draft');
          return { id: r.id, version: r.version, band: r.bands[0].key };
        },
        send: (i, x) =>
          page(`/cycles/${cycle.id}/calibration/reviews/${x.id}`, hr()).send({ version: String(x.version), bandKey: x.band, reason: `storm reason ${i}` }),
      },
      {
        method: 'POST',
        route: '/cycles/:id/calibration/lock',
        prepare: department,
        send: (_i, x) => page(`/cycles/${cycle.id}/calibration/lock`, hr()).send({ department: x.department }),
      },
      {
        method: 'POST',
        route: '/cycles/:id/calibration/reopen',
        prepare: lockedDepartment,
        send: (i, x) => page(`/cycles/${cycle.id}/calibration/reopen`, hr()).send({ department: x.department, reason: `storm reason ${i}` }),
      },
      {
        method: 'POST',
        route: '/my/reviews/:id/self-assessment',
        prepare: async () => {
          const { review, person } = await stagedReview({ selfAssessment: true, managerAssessment: false });
          const who = await t.userFor('employee', person.id, `storm-self-page-${uniq()}@test.example`);
          return { id: review.id, authorization: who.authorization };
        },
        send: (i, x) => page(`/my/reviews/${x.id}/self-assessment`, headersOf(x)).send({ version: '0', summary: `storm ${i}`, intent: 'save' }),
      },
      {
        method: 'POST',
        route: '/team/reviews/:id/assessment',
        prepare: async () => {
          const { review } = await stagedReview({ selfAssessment: false, managerAssessment: true });
          return { id: review.id };
        },
        send: (i, x) => page(`/team/reviews/${x.id}/assessment`, managerHeaders).send({ version: '0', summary: `storm ${i}`, intent: 'save' }),
      },
      {
        method: 'POST',
        route: '/reviews/:id/take-proposal',
        prepare: proposed,
        send: (_i, x) => page(`/reviews/${x.id}/take-proposal`, hr()).send({ version: String(x.version) }),
      },
      {
        method: 'POST',
        route: '/reviews/bulk',
        prepare: async () => {
          const r = await reviewIn('submitted');
          return { id: r.id };
        },
        send: (_i, x) => page('/reviews/bulk', hr()).send({ action: 'finalize', choose: 'selected', ids: String(x.id), cycleId: cycle.id }),
      },
      {
        method: 'POST',
        route: '/reviews/:id/acknowledge',
        prepare: async () => {
          const r = await ownFinalized();
          return { id: r.id, version: r.version };
        },
        send: (_i, x) => page(`/reviews/${x.id}/acknowledge`, employeeHeaders).send({ version: String(x.version) }),
      },
    ];
  });

  afterAll(async () => {
    await t.close();
    await inbox.stop();
  });

  it('has a storm for every write route the app registers', () => {
    const covered = new Set(storms.map((s) => `${s.method} ${s.route}`));
    expect(writeRoutes(t).filter((r) => !covered.has(r))).toEqual([]);
    expect([...covered].filter((r) => !writeRoutes(t).includes(r))).toEqual([]);
  });

  it(`answers every request within ${ANSWER_WITHIN_MS / 1000} s without a 5xx, and health stays 200`, async () => {
    const failures: string[] = [];
    for (const storm of storms) {
      const target = (await storm.prepare?.()) ?? {};
      const started = Date.now();
      const requests = Array.from({ length: STORM }, (_, i) =>
        storm
          .send(i, target)
          .timeout(ANSWER_WITHIN_MS)
          .then(
            (res: Response) => res.status,
            (err: Error) => `no answer (${err.message})`,
          ),
      );
      // Health is asked while the storm is on, then once it is over.
      const during = t.http
        .get('/api/health')
        .timeout(ANSWER_WITHIN_MS)
        .then(
          (r) => r.status,
          (err: Error) => `no answer (${err.message})`,
        );
      const statuses = await Promise.all(requests);
      const after = await t.http
        .get('/api/health')
        .timeout(ANSWER_WITHIN_MS)
        .then(
          (r) => r.status,
          (err: Error) => `no answer (${err.message})`,
        );
      const bad = statuses.filter((s) => typeof s !== 'number' || s >= 500);
      const healthDuring = await during;
      if (bad.length > 0 || healthDuring !== 200 || after !== 200) {
        failures.push(
          `${storm.method} ${storm.route}: ${bad.length} bad (${[...new Set(bad)].join(', ')}), health during ${healthDuring}, after ${after}, ${Date.now() - started} ms`,
        );
      }
      // At least one request of each storm did its work: the storm reached the transaction.
      if (!statuses.some((s) => typeof s === 'number' && s < 400))
        failures.push(`${storm.method} ${storm.route}: no request succeeded (${[...new Set(statuses)].join(', ')})`);
    }
    expect(failures).toEqual([]);
    // About 60 storms of 60; a wedged pool turns each into 5 s waits, so allow far more than a pass takes.
  }, 600_000);
});
