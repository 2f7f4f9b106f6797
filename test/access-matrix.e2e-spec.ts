// Every registered route × every kind of caller, with the exact status each must get. The route
// list comes from the running app, so a new route without a row here fails the suite.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, fullAccountManagerEntries, putScores, seedOpenCycle, seedStagedCycle } from './fixtures.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';

type Persona = 'anonymous' | 'employee' | 'managerIn' | 'managerOut' | 'hr' | 'admin';
const PERSONAS: Persona[] = ['anonymous', 'employee', 'managerIn', 'managerOut', 'hr', 'admin'];

interface Ids {
  employee: string; // X: reports to manager A; the "employee" persona
  teammate: string; // Y: reports to manager A, has a submitted review
  managerA: string;
  cycle: string;
  plannedCycle: string; // not open: starting reviews in it is refused (409), so the matrix changes nothing
  finalReview: string; // X's finalized review
  submittedReview: string; // Y's submitted review
  selfReview: string; // X's review in a cycle with every stage: waiting for X's self-assessment
  template: string;
  templateVersion: string;
  role: string;
  user: string;
  exportJob: string; // an export made by managerIn (of nobody: done at once)
}

interface Cell {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The registered route, as Express lists it. */
  route: string;
  /** The concrete request. */
  path: (ids: Ids) => string;
  body?: Record<string, unknown> | ((ids: Ids) => Record<string, unknown>);
  /** Writes send a stale version so an allowed caller gets 409 and nothing changes. */
  stale?: boolean;
  /** Needs a throw-away session (logout ends the session it is called with). */
  fresh?: boolean;
  expect: Record<Persona, number>;
}

const all = (status: number): Record<Persona, number> => ({
  anonymous: status,
  employee: status,
  managerIn: status,
  managerOut: status,
  hr: status,
  admin: status,
});
const signedIn = (status: number): Record<Persona, number> => ({ ...all(status), anonymous: 401 });
const only = (allowed: Partial<Record<Persona, number>>): Record<Persona, number> => ({ ...signedIn(403), ...allowed });
// Pages answer a caller who is not signed in with a redirect to the sign-in page, not 401.
const page = (status: number): Record<Persona, number> => ({ ...all(status), anonymous: 303 });
const onlyPage = (allowed: Partial<Record<Persona, number>>): Record<Persona, number> => ({ ...page(403), ...allowed });
// Every request carries a CSRF cookie and the same token in the header, so that page writes are
// judged by their access rule (CSRF itself is tested in web.e2e-spec.ts).
const CSRF = 'matrix-csrf-token-0123456789abcdefghij';
const NOWHERE = '00000000-0000-4000-8000-000000000000';

const MATRIX: Cell[] = [
  // Probes of load balancers and orchestrators carry no credentials.
  ...['/api/health', '/api/health/live', '/api/health/ready'].map((route): Cell => ({ method: 'GET', route, path: () => route, expect: all(200) })),
  // API documentation is public on purpose: it describes routes, never data.
  ...[
    '/api/docs',
    '/api/docs/',
    '/api/docs-json',
    '/api/docs-yaml',
    '/api/docs/index.html',
    '/api/docs/swagger-ui-init.js',
    '/api/docs/docs/swagger-ui-init.js',
  ].map((route): Cell => ({ method: 'GET', route, path: () => route, expect: all(200) })),
  // Registered by swagger-ui for a file its npm package does not ship.
  { method: 'GET', route: '/api/docs/LICENSE', path: () => '/api/docs/LICENSE', expect: all(404) },
  { method: 'POST', route: '/api/auth/login', path: () => '/api/auth/login', body: {}, expect: all(400) },
  { method: 'POST', route: '/api/auth/logout', path: () => '/api/auth/logout', fresh: true, expect: signedIn(204) },
  { method: 'GET', route: '/api/auth/me', path: () => '/api/auth/me', expect: signedIn(200) },
  { method: 'POST', route: '/api/auth/change-password', path: () => '/api/auth/change-password', body: {}, expect: signedIn(400) },
  // Public on purpose: whoever forgot their password is not signed in. This app has no SMTP server,
  // so a valid request would be 404; an empty one is refused first.
  { method: 'POST', route: '/api/auth/forgot-password', path: () => '/api/auth/forgot-password', body: {}, expect: all(400) },
  { method: 'POST', route: '/api/auth/reset-password', path: () => '/api/auth/reset-password', body: {}, expect: all(400) },

  { method: 'GET', route: '/api/users', path: () => '/api/users', expect: only({ admin: 200 }) },
  { method: 'GET', route: '/api/users/:id', path: (i) => `/api/users/${i.user}`, expect: only({ admin: 200 }) },
  { method: 'POST', route: '/api/users', path: () => '/api/users', body: {}, expect: only({ admin: 400 }) },
  { method: 'PATCH', route: '/api/users/:id', path: (i) => `/api/users/${i.user}`, body: { disabled: false }, stale: true, expect: only({ admin: 409 }) },
  {
    method: 'POST',
    route: '/api/users/:id/reset-password',
    path: (i) => `/api/users/${i.user}/reset-password`,
    body: { password: 'short' },
    expect: only({ admin: 400 }),
  },

  { method: 'GET', route: '/api/roles', path: () => '/api/roles', expect: only({ hr: 200, admin: 200 }) },
  { method: 'GET', route: '/api/roles/:id', path: (i) => `/api/roles/${i.role}`, expect: only({ hr: 200, admin: 200 }) },
  { method: 'POST', route: '/api/roles', path: () => '/api/roles', body: {}, expect: only({ admin: 400 }) },
  { method: 'PATCH', route: '/api/roles/:id', path: (i) => `/api/roles/${i.role}`, body: { nameEn: 'x' }, stale: true, expect: only({ admin: 409 }) },
  { method: 'GET', route: '/api/kpi-templates', path: () => '/api/kpi-templates', expect: only({ hr: 200, admin: 200 }) },
  { method: 'GET', route: '/api/kpi-templates/:id', path: (i) => `/api/kpi-templates/${i.template}`, expect: only({ hr: 200, admin: 200 }) },
  { method: 'GET', route: '/api/kpi-templates/:id/versions', path: (i) => `/api/kpi-templates/${i.template}/versions`, expect: only({ hr: 200, admin: 200 }) },
  {
    method: 'GET',
    route: '/api/kpi-templates/:id/versions/:versionId',
    path: (i) => `/api/kpi-templates/${i.template}/versions/${i.templateVersion}`,
    expect: only({ hr: 200, admin: 200 }),
  },
  {
    method: 'POST',
    route: '/api/kpi-templates/:id/versions',
    path: (i) => `/api/kpi-templates/${i.template}/versions`,
    body: { content: {} },
    expect: only({ admin: 400 }),
  },
  {
    method: 'PUT',
    route: '/api/kpi-templates/:id/versions/:versionId',
    path: (i) => `/api/kpi-templates/${i.template}/versions/${i.templateVersion}`,
    body: {},
    expect: only({ admin: 400 }),
  },
  {
    method: 'DELETE',
    route: '/api/kpi-templates/:id/versions/:versionId',
    path: (i) => `/api/kpi-templates/${i.template}/versions/${i.templateVersion}`,
    stale: true,
    expect: only({ admin: 409 }),
  },
  {
    method: 'POST',
    route: '/api/kpi-templates/:id/versions/:versionId/publish',
    path: (i) => `/api/kpi-templates/${i.template}/versions/${i.templateVersion}/publish`,
    body: {},
    stale: true,
    expect: only({ admin: 409 }),
  },

  { method: 'GET', route: '/api/employees', path: () => '/api/employees', expect: only({ managerIn: 200, managerOut: 200, hr: 200, admin: 200 }) },
  {
    method: 'GET',
    route: '/api/employees',
    path: (i) => `/api/employees?managerId=${i.managerA}`,
    expect: only({ managerIn: 200, managerOut: 404, hr: 200, admin: 200 }),
  },
  {
    method: 'GET',
    route: '/api/employees/:id',
    path: (i) => `/api/employees/${i.employee}`,
    expect: only({ managerIn: 200, managerOut: 404, hr: 200, admin: 200 }),
  },
  { method: 'POST', route: '/api/employees', path: () => '/api/employees', body: {}, expect: only({ hr: 400 }) },
  // No file in the body: an allowed caller gets 400 and nothing is imported.
  { method: 'POST', route: '/api/imports/employees', path: () => '/api/imports/employees?mode=dry-run', body: {}, expect: only({ hr: 400, admin: 400 }) },
  {
    method: 'POST',
    route: '/api/imports/cycles/:id/actuals',
    path: (i) => `/api/imports/cycles/${i.cycle}/actuals?mode=dry-run`,
    body: {},
    expect: only({ hr: 400, admin: 400 }),
  },
  {
    method: 'PATCH',
    route: '/api/employees/:id',
    path: (i) => `/api/employees/${i.employee}`,
    body: { department: 'x' },
    stale: true,
    expect: only({ hr: 409 }),
  },
  { method: 'DELETE', route: '/api/employees/:id', path: (i) => `/api/employees/${i.employee}`, stale: true, expect: only({ hr: 409 }) },

  { method: 'GET', route: '/api/cycles', path: () => '/api/cycles', expect: only({ managerIn: 200, managerOut: 200, hr: 200, admin: 200 }) },
  { method: 'GET', route: '/api/cycles/:id', path: (i) => `/api/cycles/${i.cycle}`, expect: only({ managerIn: 200, managerOut: 200, hr: 200, admin: 200 }) },
  { method: 'POST', route: '/api/cycles', path: () => '/api/cycles', body: {}, expect: only({ hr: 400 }) },
  { method: 'PATCH', route: '/api/cycles/:id', path: (i) => `/api/cycles/${i.cycle}`, body: { name: 'x' }, stale: true, expect: only({ hr: 409 }) },
  { method: 'POST', route: '/api/cycles/:id/open', path: (i) => `/api/cycles/${i.cycle}/open`, body: {}, stale: true, expect: only({ hr: 409 }) },
  { method: 'POST', route: '/api/cycles/:id/close', path: (i) => `/api/cycles/${i.cycle}/close`, body: {}, stale: true, expect: only({ hr: 409 }) },
  { method: 'DELETE', route: '/api/cycles/:id', path: (i) => `/api/cycles/${i.cycle}`, stale: true, expect: only({ hr: 409 }) },
  { method: 'POST', route: '/api/cycles/:id/reviews', path: (i) => `/api/cycles/${i.plannedCycle}/reviews`, body: {}, expect: only({ hr: 409 }) },

  { method: 'GET', route: '/api/reviews', path: () => '/api/reviews', expect: signedIn(200) },
  { method: 'GET', route: '/api/reviews', path: () => '/api/reviews?stage=manager,hr&overdue=true', expect: signedIn(200) },
  { method: 'GET', route: '/api/reviews', path: (i) => `/api/reviews?employeeId=${i.employee}`, expect: { ...signedIn(200), managerOut: 404 } },
  { method: 'GET', route: '/api/reviews', path: (i) => `/api/reviews?managerId=${i.managerA}`, expect: { ...signedIn(200), employee: 404, managerOut: 404 } },
  { method: 'GET', route: '/api/reviews/:id', path: (i) => `/api/reviews/${i.finalReview}`, expect: { ...signedIn(200), managerOut: 404 } },
  { method: 'GET', route: '/api/reviews/:id', path: (i) => `/api/reviews/${i.submittedReview}`, expect: { ...signedIn(200), employee: 404, managerOut: 404 } },
  { method: 'POST', route: '/api/reviews', path: () => '/api/reviews', body: {}, expect: only({ hr: 400 }) },
  // No reviews chosen: HR gets 400 and nothing changes; the single actions' rule (HR only) holds for many.
  { method: 'POST', route: '/api/reviews/bulk', path: () => '/api/reviews/bulk', body: { action: 'finalize' }, expect: only({ hr: 400 }) },
  {
    method: 'PUT',
    route: '/api/reviews/:id/scores',
    path: (i) => `/api/reviews/${i.submittedReview}/scores`,
    body: { entries: [] },
    stale: true,
    expect: only({ hr: 409 }),
  },
  { method: 'PUT', route: '/api/reviews/:id', path: (i) => `/api/reviews/${i.submittedReview}`, body: { entries: [] }, stale: true, expect: only({ hr: 409 }) },
  {
    method: 'PATCH',
    route: '/api/reviews/:id',
    path: (i) => `/api/reviews/${i.submittedReview}`,
    body: { strengths: 'x' },
    stale: true,
    expect: only({ hr: 409 }),
  },
  {
    method: 'POST',
    route: '/api/reviews/:id/submit',
    path: (i) => `/api/reviews/${i.submittedReview}/submit`,
    body: {},
    stale: true,
    expect: only({ hr: 409 }),
  },
  {
    method: 'POST',
    route: '/api/reviews/:id/finalize',
    path: (i) => `/api/reviews/${i.submittedReview}/finalize`,
    body: {},
    stale: true,
    expect: only({ hr: 409 }),
  },
  {
    method: 'POST',
    route: '/api/reviews/:id/reopen',
    path: (i) => `/api/reviews/${i.submittedReview}/reopen`,
    body: { reason: 'matrix check' },
    stale: true,
    expect: only({ hr: 409 }),
  },
  {
    method: 'GET',
    route: '/api/cycles/:id/calibration',
    path: (i) => `/api/cycles/${i.cycle}/calibration`,
    expect: only({ hr: 200, admin: 200 }),
  },
  {
    method: 'PUT',
    route: '/api/reviews/:id/calibration',
    path: (i) => `/api/reviews/${i.submittedReview}/calibration`,
    body: { bandKey: 'meets', reason: 'matrix check' },
    stale: true,
    expect: only({ hr: 409 }),
  },
  {
    method: 'DELETE',
    route: '/api/reviews/:id/calibration',
    path: (i) => `/api/reviews/${i.submittedReview}/calibration`,
    body: { reason: 'matrix check' },
    stale: true,
    expect: only({ hr: 409 }),
  },
  { method: 'POST', route: '/api/cycles/:id/calibration/locks', path: (i) => `/api/cycles/${i.cycle}/calibration/locks`, body: {}, expect: only({ hr: 400 }) },
  {
    method: 'POST',
    route: '/api/cycles/:id/calibration/locks/reopen',
    path: (i) => `/api/cycles/${i.cycle}/calibration/locks/reopen`,
    body: {},
    expect: only({ hr: 400 }),
  },
  {
    method: 'POST',
    route: '/api/reviews/:id/skip-stage',
    path: (i) => `/api/reviews/${i.submittedReview}/skip-stage`,
    body: { reason: 'matrix check' },
    stale: true,
    expect: only({ hr: 409 }),
  },
  {
    method: 'POST',
    route: '/api/reviews/:id/manager-comment',
    path: (i) => `/api/reviews/${i.submittedReview}/manager-comment`,
    body: { comment: 'x' },
    stale: true,
    expect: only({ managerIn: 409, managerOut: 404 }),
  },
  // The manager's assessment: managers of the employee and HR read it; only those managers write it
  // (here the review is with HR, so 409), and the employee is told nothing is there.
  {
    method: 'GET',
    route: '/api/reviews/:id/manager-assessment',
    path: (i) => `/api/reviews/${i.submittedReview}/manager-assessment`,
    expect: { ...signedIn(200), employee: 404, managerOut: 404 },
  },
  {
    method: 'PUT',
    route: '/api/reviews/:id/manager-assessment',
    path: (i) => `/api/reviews/${i.submittedReview}/manager-assessment`,
    body: { entries: [] },
    stale: true,
    expect: only({ employee: 404, managerIn: 409, managerOut: 404 }),
  },
  {
    method: 'POST',
    route: '/api/reviews/:id/manager-assessment/submit',
    path: (i) => `/api/reviews/${i.submittedReview}/manager-assessment/submit`,
    body: {},
    stale: true,
    expect: only({ employee: 404, managerIn: 409, managerOut: 404 }),
  },
  {
    method: 'POST',
    route: '/api/reviews/:id/take-proposal',
    path: (i) => `/api/reviews/${i.submittedReview}/take-proposal`,
    body: {},
    stale: true,
    expect: only({ hr: 409 }),
  },
  {
    method: 'POST',
    route: '/api/reviews/:id/acknowledge',
    path: (i) => `/api/reviews/${i.finalReview}/acknowledge`,
    body: {},
    stale: true,
    expect: only({ employee: 409, managerIn: 404, managerOut: 404 }),
  },

  // The self-assessment: X writes their own (stale version: 409); HR and admins read it but may not
  // write it (403); managers read it only once submitted, so before that it is not there for them.
  {
    method: 'GET',
    route: '/api/reviews/:id/self-assessment',
    path: (i) => `/api/reviews/${i.selfReview}/self-assessment`,
    expect: only({ employee: 200, managerIn: 404, managerOut: 404, hr: 200, admin: 200 }),
  },
  {
    method: 'PUT',
    route: '/api/reviews/:id/self-assessment',
    path: (i) => `/api/reviews/${i.selfReview}/self-assessment`,
    body: { entries: [] },
    stale: true,
    expect: only({ employee: 409, managerIn: 404, managerOut: 404, hr: 403, admin: 403 }),
  },
  {
    method: 'POST',
    route: '/api/reviews/:id/self-assessment/submit',
    path: (i) => `/api/reviews/${i.selfReview}/self-assessment/submit`,
    body: {},
    stale: true,
    expect: only({ employee: 409, managerIn: 404, managerOut: 404, hr: 403, admin: 403 }),
  },

  {
    method: 'GET',
    route: '/api/reviews/:id/scorecard.pdf',
    path: (i) => `/api/reviews/${i.finalReview}/scorecard.pdf?format=html`,
    expect: { ...signedIn(200), managerOut: 404 },
  },
  {
    method: 'GET',
    route: '/api/reviews/:id/scorecard.pdf',
    path: (i) => `/api/reviews/${i.submittedReview}/scorecard.pdf?format=html`,
    expect: { ...signedIn(200), employee: 404, managerOut: 404 },
  },
  // Bulk export: an invalid body (400 for whoever may export), then a cheap real one (no review
  // matches, so nothing is printed); reading and downloading: only the creator, HR and admins.
  // Spreadsheets: managers get their own team's rows (scoping is tested in spreadsheets.e2e-spec.ts).
  ...(['results.xlsx', 'results.csv'] as const).flatMap((file): Cell[] => [
    {
      method: 'GET',
      route: `/api/cycles/:id/${file}`,
      path: (i) => `/api/cycles/${i.cycle}/${file}`,
      expect: only({ managerIn: 200, managerOut: 200, hr: 200, admin: 200 }),
    },
    {
      method: 'GET',
      route: `/api/cycles/:id/${file}`,
      path: () => `/api/cycles/${NOWHERE}/${file}`,
      expect: only({ managerIn: 404, managerOut: 404, hr: 404, admin: 404 }),
    },
  ]),
  ...(['employees.xlsx', 'employees.csv'] as const).map((file): Cell => ({
    method: 'GET',
    route: `/api/${file}`,
    path: () => `/api/${file}`,
    expect: only({ managerIn: 200, managerOut: 200, hr: 200, admin: 200 }),
  })),
  {
    method: 'GET',
    route: '/api/cycles/:id/actuals-template.xlsx',
    path: (i) => `/api/cycles/${i.cycle}/actuals-template.xlsx`,
    expect: only({ hr: 200, admin: 200 }),
  },
  {
    method: 'GET',
    route: '/api/cycles/:id/actuals-template.xlsx',
    path: (i) => `/api/cycles/${i.cycle}/actuals-template.xlsx?roleCode=nobody`,
    expect: only({ hr: 400, admin: 400 }),
  },
  {
    method: 'POST',
    route: '/api/cycles/:id/scorecards',
    path: (i) => `/api/cycles/${i.cycle}/scorecards`,
    body: { lang: 'xx' },
    expect: only({ managerIn: 400, managerOut: 400, hr: 400, admin: 400 }),
  },
  {
    method: 'POST',
    route: '/api/cycles/:id/scorecards',
    path: (i) => `/api/cycles/${i.cycle}/scorecards`,
    body: { department: 'matrix: nobody' },
    expect: only({ managerIn: 202, managerOut: 202, hr: 202, admin: 202 }),
  },
  {
    method: 'POST',
    route: '/api/cycles/:id/scorecards',
    path: (i) => `/api/cycles/${i.cycle}/scorecards`,
    body: (i) => ({ managerId: i.managerA, department: 'matrix: nobody' }),
    expect: only({ managerIn: 202, managerOut: 404, hr: 202, admin: 202 }),
  },
  {
    method: 'GET',
    route: '/api/exports/:id',
    path: (i) => `/api/exports/${i.exportJob}`,
    expect: only({ managerIn: 200, managerOut: 404, hr: 200, admin: 200 }),
  },
  // Retrying its failed scorecards: the same people as reading it; this export printed everything
  // (nothing), so an allowed caller is told there is nothing to retry.
  {
    method: 'POST',
    route: '/api/exports/:id/retry-failed',
    path: (i) => `/api/exports/${i.exportJob}/retry-failed`,
    expect: only({ managerIn: 409, managerOut: 404, hr: 409, admin: 409 }),
  },
  {
    method: 'POST',
    route: '/api/exports/:id/retry-failed',
    path: () => `/api/exports/${NOWHERE}/retry-failed`,
    expect: only({ managerIn: 404, managerOut: 404, hr: 404, admin: 404 }),
  },
  {
    method: 'GET',
    route: '/api/exports/:id/download',
    path: (i) => `/api/exports/${i.exportJob}/download`,
    expect: only({ managerIn: 200, managerOut: 404, hr: 200, admin: 200 }),
  },
  { method: 'GET', route: '/api/audit', path: (i) => `/api/audit?entity=review&id=${i.finalReview}`, expect: only({ hr: 200, admin: 200 }) },

  // ---- pages ----
  { method: 'GET', route: '/assets/:name', path: () => '/assets/app.css', expect: all(200) },
  { method: 'GET', route: '/login', path: () => '/login', expect: { ...all(303), anonymous: 200 } },
  { method: 'POST', route: '/login', path: () => '/login', body: {}, expect: all(400) },
  { method: 'POST', route: '/logout', path: () => '/logout', fresh: true, expect: all(303) },
  { method: 'POST', route: '/lang', path: () => '/lang', body: { lang: 'en', next: '/' }, expect: all(303) },
  { method: 'GET', route: '/forgot-password', path: () => '/forgot-password', expect: all(200) },
  { method: 'POST', route: '/forgot-password', path: () => '/forgot-password', body: {}, expect: all(404) },
  { method: 'GET', route: '/reset-password', path: () => '/reset-password', expect: all(400) },
  { method: 'POST', route: '/reset-password', path: () => '/reset-password', body: {}, expect: all(400) },
  { method: 'GET', route: '/password', path: () => '/password', expect: page(200) },
  { method: 'POST', route: '/password', path: () => '/password', body: {}, expect: page(400) },
  { method: 'GET', route: '/', path: () => '/', expect: { ...page(200), employee: 303, managerIn: 303, managerOut: 303 } },
  { method: 'POST', route: '/cycles/:id/start-reviews', path: (i) => `/cycles/${i.plannedCycle}/start-reviews`, body: {}, expect: onlyPage({ hr: 409 }) },
  { method: 'GET', route: '/reviews', path: () => '/reviews', expect: onlyPage({ hr: 200, admin: 200 }) },
  { method: 'GET', route: '/cycles/:id/calibration', path: (i) => `/cycles/${i.cycle}/calibration`, expect: onlyPage({ hr: 200, admin: 200 }) },
  {
    method: 'POST',
    route: '/cycles/:id/calibration/reviews/:reviewId',
    path: (i) => `/cycles/${i.cycle}/calibration/reviews/${i.submittedReview}`,
    body: { version: '999', bandKey: 'meets', reason: 'matrix check' },
    expect: onlyPage({ hr: 409 }),
  },
  { method: 'POST', route: '/cycles/:id/calibration/lock', path: (i) => `/cycles/${i.cycle}/calibration/lock`, body: {}, expect: onlyPage({ hr: 400 }) },
  { method: 'POST', route: '/cycles/:id/calibration/reopen', path: (i) => `/cycles/${i.cycle}/calibration/reopen`, body: {}, expect: onlyPage({ hr: 400 }) },
  { method: 'GET', route: '/reviews', path: (i) => `/reviews?status=not_started&cycleId=${i.cycle}`, expect: onlyPage({ hr: 200, admin: 200 }) },
  { method: 'GET', route: '/reviews', path: (i) => `/reviews?stage=hr,done&overdue=true&cycleId=${i.cycle}`, expect: onlyPage({ hr: 200, admin: 200 }) },
  { method: 'POST', route: '/reviews', path: () => '/reviews', body: {}, expect: onlyPage({ hr: 400 }) },
  { method: 'POST', route: '/reviews/bulk', path: () => '/reviews/bulk', body: {}, expect: onlyPage({ hr: 400 }) },
  { method: 'GET', route: '/reviews/bulk/:runId', path: () => `/reviews/bulk/${NOWHERE}`, expect: onlyPage({ hr: 404 }) },
  { method: 'GET', route: '/reviews/:id', path: (i) => `/reviews/${i.finalReview}`, expect: { ...page(200), managerOut: 404 } },
  { method: 'GET', route: '/reviews/:id', path: (i) => `/reviews/${i.submittedReview}`, expect: { ...page(200), employee: 404, managerOut: 404 } },
  { method: 'GET', route: '/reviews/:id', path: () => '/reviews/not-an-id', expect: page(404) },
  {
    method: 'POST',
    route: '/reviews/:id/submit',
    path: (i) => `/reviews/${i.submittedReview}/submit`,
    body: { version: '999' },
    expect: onlyPage({ hr: 409 }),
  },
  {
    method: 'POST',
    route: '/reviews/:id/finalize',
    path: (i) => `/reviews/${i.submittedReview}/finalize`,
    body: { version: '999' },
    expect: onlyPage({ hr: 409 }),
  },
  {
    method: 'POST',
    route: '/reviews/:id/reopen',
    path: (i) => `/reviews/${i.submittedReview}/reopen`,
    body: { version: '999', reason: 'matrix check' },
    expect: onlyPage({ hr: 409 }),
  },
  {
    method: 'POST',
    route: '/reviews/:id/comment',
    path: (i) => `/reviews/${i.submittedReview}/comment`,
    body: { version: '999', comment: 'x' },
    expect: onlyPage({ managerIn: 409, managerOut: 404 }),
  },
  {
    method: 'POST',
    route: '/reviews/:id/acknowledge',
    path: (i) => `/reviews/${i.finalReview}/acknowledge`,
    body: { version: '999' },
    expect: onlyPage({ employee: 409, managerIn: 404, managerOut: 404 }),
  },
  {
    method: 'GET',
    route: '/my/reviews/:id/self-assessment',
    path: (i) => `/my/reviews/${i.selfReview}/self-assessment`,
    expect: onlyPage({ employee: 200, managerIn: 404, managerOut: 404 }),
  },
  {
    method: 'POST',
    route: '/my/reviews/:id/self-assessment',
    path: (i) => `/my/reviews/${i.selfReview}/self-assessment`,
    body: { version: '999' },
    expect: onlyPage({ employee: 409, managerIn: 404, managerOut: 404 }),
  },
  { method: 'GET', route: '/team', path: () => '/team', expect: onlyPage({ managerIn: 200, managerOut: 200 }) },
  {
    method: 'GET',
    route: '/team/reviews/:id/assessment',
    path: (i) => `/team/reviews/${i.submittedReview}/assessment`,
    expect: onlyPage({ managerIn: 200, managerOut: 404 }),
  },
  // The review is with HR: the manager's save is refused (409) and nothing changes.
  {
    method: 'POST',
    route: '/team/reviews/:id/assessment',
    path: (i) => `/team/reviews/${i.submittedReview}/assessment`,
    body: { version: '999', intent: 'save' },
    expect: onlyPage({ managerIn: 409, managerOut: 404 }),
  },
  {
    method: 'POST',
    route: '/reviews/:id/take-proposal',
    path: (i) => `/reviews/${i.submittedReview}/take-proposal`,
    body: { version: '999' },
    expect: onlyPage({ hr: 409 }),
  },
  { method: 'GET', route: '/my', path: () => '/my', expect: onlyPage({ employee: 200, managerIn: 200, managerOut: 200 }) },
  // The zip from the pages: aimed at the planned cycle, which has no reviews, so an allowed caller
  // starts a real but empty export (done at once, nothing printed) and is sent to its page.
  {
    method: 'POST',
    route: '/cycles/:id/scorecards',
    path: (i) => `/cycles/${i.plannedCycle}/scorecards`,
    body: {},
    expect: onlyPage({ managerIn: 303, managerOut: 303, hr: 303, admin: 303 }),
  },
  {
    method: 'POST',
    route: '/cycles/:id/scorecards',
    path: () => `/cycles/${NOWHERE}/scorecards`,
    body: {},
    expect: onlyPage({ managerIn: 404, managerOut: 404, hr: 404, admin: 404 }),
  },
  { method: 'GET', route: '/exports/:id', path: (i) => `/exports/${i.exportJob}`, expect: onlyPage({ managerIn: 200, managerOut: 404, hr: 200, admin: 200 }) },
  { method: 'GET', route: '/exports/:id', path: () => `/exports/${NOWHERE}`, expect: onlyPage({ managerIn: 404, managerOut: 404, hr: 404, admin: 404 }) },
  {
    method: 'POST',
    route: '/exports/:id/retry-failed',
    path: (i) => `/exports/${i.exportJob}/retry-failed`,
    body: {},
    expect: onlyPage({ managerIn: 409, managerOut: 404, hr: 409, admin: 409 }),
  },
  {
    method: 'POST',
    route: '/exports/:id/retry-failed',
    path: () => '/exports/not-an-id/retry-failed',
    body: {},
    expect: onlyPage({ managerIn: 404, managerOut: 404, hr: 404, admin: 404 }),
  },
  { method: 'GET', route: '/exports/:id', path: () => '/exports/not-an-id', expect: onlyPage({ managerIn: 404, managerOut: 404, hr: 404, admin: 404 }) },
  { method: 'GET', route: '/employees', path: () => '/employees?q=E-&active=all', expect: onlyPage({ hr: 200, admin: 200 }) },
  { method: 'GET', route: '/employees/new', path: () => '/employees/new', expect: onlyPage({ hr: 200, admin: 200 }) },
  { method: 'POST', route: '/employees', path: () => '/employees', body: {}, expect: onlyPage({ hr: 400, admin: 400 }) },
  { method: 'GET', route: '/employees/:id', path: (i) => `/employees/${i.employee}`, expect: onlyPage({ hr: 200, admin: 200 }) },
  { method: 'POST', route: '/employees/:id', path: (i) => `/employees/${i.employee}`, body: {}, expect: onlyPage({ hr: 400, admin: 400 }) },
  { method: 'GET', route: '/cycles', path: () => '/cycles', expect: onlyPage({ hr: 200, admin: 200 }) },
  { method: 'GET', route: '/imports', path: () => '/imports', expect: onlyPage({ hr: 200, admin: 200 }) },
  { method: 'POST', route: '/cycles', path: () => '/cycles', body: {}, expect: onlyPage({ hr: 400 }) },
  { method: 'GET', route: '/cycles', path: (i) => `/cycles?edit=${i.plannedCycle}`, expect: onlyPage({ hr: 200, admin: 200 }) },
  { method: 'POST', route: '/cycles/:id', path: (i) => `/cycles/${i.plannedCycle}`, body: { version: '999' }, expect: onlyPage({ hr: 400 }) },
  { method: 'POST', route: '/cycles/:id/open', path: (i) => `/cycles/${i.plannedCycle}/open`, body: { version: '999' }, expect: onlyPage({ hr: 409 }) },
  { method: 'POST', route: '/cycles/:id/close', path: (i) => `/cycles/${i.cycle}/close`, body: { version: '999' }, expect: onlyPage({ hr: 409 }) },
  { method: 'POST', route: '/cycles/:id/delete', path: (i) => `/cycles/${i.plannedCycle}/delete`, body: { version: '999' }, expect: onlyPage({ hr: 409 }) },
  { method: 'GET', route: '/admin/templates', path: () => '/admin/templates', expect: onlyPage({ admin: 200 }) },
  { method: 'GET', route: '/admin/templates/:id', path: (i) => `/admin/templates/${i.template}`, expect: onlyPage({ admin: 200 }) },
  // Writes aim at a template that does not exist, so an allowed caller changes nothing (404).
  { method: 'POST', route: '/admin/templates/:id/draft', path: () => `/admin/templates/${NOWHERE}/draft`, body: {}, expect: onlyPage({ admin: 404 }) },
  // An empty form: an allowed caller is refused (400) and nothing is created.
  { method: 'POST', route: '/admin/templates/roles', path: () => '/admin/templates/roles', body: {}, expect: onlyPage({ admin: 400 }) },
  { method: 'POST', route: '/admin/templates/:id/role', path: () => `/admin/templates/${NOWHERE}/role`, body: {}, expect: onlyPage({ admin: 404 }) },
  {
    method: 'POST',
    route: '/admin/templates/:id/draft/:versionId',
    path: () => `/admin/templates/${NOWHERE}/draft/${NOWHERE}`,
    body: {},
    expect: onlyPage({ admin: 404 }),
  },
  {
    method: 'POST',
    route: '/admin/templates/:id/draft/:versionId/discard',
    path: () => `/admin/templates/${NOWHERE}/draft/${NOWHERE}/discard`,
    body: { version: '1' },
    expect: onlyPage({ admin: 404 }),
  },
  { method: 'GET', route: '/admin/users', path: () => '/admin/users', expect: onlyPage({ admin: 200 }) },
  { method: 'GET', route: '/admin/users/:id', path: (i) => `/admin/users/${i.user}`, expect: onlyPage({ admin: 200 }) },
  { method: 'POST', route: '/admin/users', path: () => '/admin/users', body: {}, expect: onlyPage({ admin: 400 }) },
  { method: 'POST', route: '/admin/users/:id', path: (i) => `/admin/users/${i.user}`, body: { version: '999', role: 'hr' }, expect: onlyPage({ admin: 409 }) },
  {
    method: 'POST',
    route: '/admin/users/:id/reset-password',
    path: (i) => `/admin/users/${i.user}/reset-password`,
    body: { password: 'short' },
    expect: onlyPage({ admin: 400 }),
  },
];

/** "METHOD /path" of every route the app registered, read from Express's router. */
function registeredRoutes(t: TestApp): string[] {
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
  }
  const express = t.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  const out = new Set<string>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') out.add(`${method.toUpperCase()} ${layer.route.path}`);
    }
  }
  return [...out].sort();
}

describe('access matrix', () => {
  let t: TestApp;
  let ids: Ids;
  const headers = new Map<Persona, Record<string, string>>();
  const emails = new Map<Persona, string>();

  beforeAll(async () => {
    t = await createTestApp();
    const cycle = await seedOpenCycle(t);
    const planned = (
      await t.http.post('/api/cycles').set(t.as('hr')).send({ name: 'matrix planned', periodStart: '2027-01-01', periodEnd: '2027-06-30' }).expect(201)
    ).body as { id: string };
    const managerA = await createEmployee(t, 'manager');
    const managerB = await createEmployee(t, 'manager');
    const x = await createEmployee(t, 'account_manager', { managerId: managerA.id });
    const y = await createEmployee(t, 'account_manager', { managerId: managerA.id });
    await createEmployee(t, 'account_manager', { managerId: managerB.id });

    let final = await createReview(t, x.id, cycle.id);
    final = await putScores(t, final, fullAccountManagerEntries());
    final = (await t.http.post(`/api/reviews/${final.id}/submit`).set(t.as('hr')).send({ version: final.version }).expect(200)).body as ReviewDto;
    final = (await t.http.post(`/api/reviews/${final.id}/finalize`).set(t.as('hr')).send({ version: final.version }).expect(200)).body as ReviewDto;
    let submitted = await createReview(t, y.id, cycle.id);
    submitted = await putScores(t, submitted, fullAccountManagerEntries());
    submitted = (await t.http.post(`/api/reviews/${submitted.id}/submit`).set(t.as('hr')).send({ version: submitted.version }).expect(200)).body as ReviewDto;
    const selfReview = await createReview(t, x.id, (await seedStagedCycle(t)).id);

    for (const [persona, role, employeeId] of [
      ['employee', 'employee', x.id],
      ['managerIn', 'manager', managerA.id],
      ['managerOut', 'manager', managerB.id],
    ] as const) {
      const email = `${persona.toLowerCase()}@matrix.example`;
      headers.set(persona, await t.userFor(role, employeeId, email));
      emails.set(persona, email);
    }
    headers.set('hr', t.as('hr'));
    emails.set('hr', 'hr@test.example');
    headers.set('admin', t.as('admin'));
    emails.set('admin', 'admin@test.example');
    headers.set('anonymous', {});

    const templates = (await t.http.get('/api/kpi-templates').set(t.as('admin')).expect(200)).body as {
      id: string;
      role: { id: string };
      current: { id: string };
    }[];
    const users = (await t.http.get('/api/users').set(t.as('admin')).expect(200)).body as { id: string; email: string }[];
    ids = {
      employee: x.id,
      teammate: y.id,
      managerA: managerA.id,
      cycle: cycle.id,
      plannedCycle: planned.id,
      finalReview: final.id,
      submittedReview: submitted.id,
      selfReview: selfReview.id,
      template: templates[0].id,
      templateVersion: templates[0].current.id,
      role: templates[0].role.id,
      user: users.find((u) => u.email === 'employee@matrix.example')?.id ?? '',
      exportJob: '',
    };
    const exported = await t.http
      .post(`/api/cycles/${cycle.id}/scorecards`)
      .set(headers.get('managerIn') ?? {})
      .send({ department: 'matrix: nobody' })
      .expect(202);
    ids.exportJob = (exported.body as { id: string }).id;
  });

  afterAll(async () => {
    await t.close();
  });

  it('has a row for every registered route, and no row for a route that does not exist', () => {
    const registered = registeredRoutes(t);
    const covered = new Set(MATRIX.map((c) => `${c.method} ${c.route}`));
    expect(registered.filter((r) => !covered.has(r))).toEqual([]);
    expect([...covered].filter((r) => !registered.includes(r))).toEqual([]);
  });

  // One test per route: each stays well inside the timeout on a loaded machine, and a failure names its route.
  describe('gives every caller exactly the expected status', () => {
    for (const cell of MATRIX) {
      it(`${cell.method} ${cell.route}`, async () => {
        const mismatches: string[] = [];
        for (const persona of PERSONAS) {
          let auth = headers.get(persona) ?? {};
          if (cell.fresh && persona !== 'anonymous') {
            const password = persona === 'admin' ? 'first-boss-key-42' : TEST_PASSWORD;
            auth = await t.signIn(emails.get(persona) ?? '', password);
          }
          let req = t.http[cell.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](cell.path(ids))
            .set(auth)
            .set('Cookie', `scorecard_csrf=${CSRF}`)
            .set('X-CSRF-Token', CSRF);
          if (cell.stale) req = req.set('If-Match', '999');
          const body = typeof cell.body === 'function' ? cell.body(ids) : cell.body;
          const res = body !== undefined ? await req.send(body) : await req;
          if (res.status !== cell.expect[persona]) {
            mismatches.push(
              `${cell.method} ${cell.path(ids)} as ${persona}: expected ${cell.expect[persona]}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`,
            );
          }
        }
        expect(mismatches).toEqual([]);
      });
    }
  });

  it('left the data as it was (every write in the matrix was refused)', async () => {
    const review = (await t.http.get(`/api/reviews/${ids.submittedReview}`).set(t.as('hr')).expect(200)).body as ReviewDto;
    expect(review.status).toBe('submitted');
    expect(review.managerComment).toBe('');
    const final = (await t.http.get(`/api/reviews/${ids.finalReview}`).set(t.as('hr')).expect(200)).body as ReviewDto;
    expect(final.acknowledgedAt).toBeNull();
    const self = (await t.http.get(`/api/reviews/${ids.selfReview}/self-assessment`).set(t.as('hr')).expect(200)).body as { version: number };
    expect(self.version).toBe(0);
  });
});
