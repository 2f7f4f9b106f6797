// The log as an operator's tools read it: one JSON line per request (request id, user, route
// pattern, status, duration), Nest's own lines in the same stream, and never a password, a token,
// a cookie or what HR wrote about someone, whichever way it travelled.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pino from 'pino';
import { createRootLogger } from '../src/logging/logging.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, fullAccountManagerEntries, seedOpenCycle, seedReview, uniq } from './fixtures.js';
import { createTestApp, TEST_ADMIN, TEST_PASSWORD, type TestApp } from './support/app.js';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  userId?: string;
  route?: string;
  durationMs?: number;
  context?: string;
  req?: { method: string; url: string; headers: Record<string, string> };
  res?: { statusCode: number; headers: Record<string, unknown> };
}

/** A pino destination that keeps every line written to it. */
class Capture implements pino.DestinationStream {
  readonly chunks: string[] = [];
  write(chunk: string): void {
    this.chunks.push(chunk);
  }
  get text(): string {
    return this.chunks.join('');
  }
  lines(): LogLine[] {
    return this.text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as LogLine);
  }
  /** The request line of the one request with this method and route pattern answered with this status. */
  request(method: string, route: string, status: number): LogLine[] {
    return this.lines().filter((l) => l.req?.method === method && l.route === route && l.res?.statusCode === status);
  }
}

describe('request logs', () => {
  const capture = new Capture();
  let t: TestApp;
  const u = uniq();
  /** Everything that must never reach the log, gathered as the test uses it. */
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'debug' }, { logger: createRootLogger({ logLevel: 'debug', logFormat: 'json' }, capture) });
    secrets.set('first admin password', TEST_ADMIN.password);
    secrets.set('temporary password', 'temporary-pass-1');
    secrets.set('HR password', TEST_PASSWORD);
    secrets.set('admin bearer token', t.as('admin').authorization.slice('Bearer '.length));
    secrets.set('HR bearer token', t.as('hr').authorization.slice('Bearer '.length));
  });

  afterAll(async () => {
    await t?.close();
  });

  it('writes one JSON line per request with its id, user, route pattern, status and duration', async () => {
    const { review } = await seedReview(t);
    const res = await t.http.get(`/api/reviews/${review.id}`).set(t.as('hr')).expect(200);
    const id = String(res.headers['x-request-id']);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = capture.lines().filter((l) => l.reqId === id);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    const me = (await t.http.get('/api/auth/me').set(t.as('hr')).expect(200)).body as { id: string };
    expect(line).toMatchObject({
      level: 30,
      route: '/api/reviews/:id',
      userId: me.id,
      req: { method: 'GET', url: `/api/reviews/${review.id}` },
      res: { statusCode: 200 },
    });
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(line.msg).toBe(`GET /api/reviews/:id 200 ${line.durationMs} ms`);
    // No route matched: the path is in the message and the URL, and no route is claimed.
    const missing = await t.http.get(`/api/nothing-here/${u}`).expect(404);
    const [miss] = capture.lines().filter((l) => l.reqId === missing.headers['x-request-id']);
    expect(miss).toMatchObject({ req: { url: `/api/nothing-here/${u}` }, res: { statusCode: 404 } });
    expect(miss.route).toBeUndefined();
    expect(miss.userId).toBeUndefined();
  });

  it('keeps an incoming X-Request-Id, echoes it, and replaces one that could forge log lines', async () => {
    const kept = await t.http.get('/api/auth/me').set(t.as('hr')).set('X-Request-Id', `trace-${u}.1`).expect(200);
    expect(kept.headers['x-request-id']).toBe(`trace-${u}.1`);
    expect(capture.lines().filter((l) => l.reqId === `trace-${u}.1`)).toHaveLength(1);

    const forged = await t.http.get('/api/auth/me').set(t.as('hr')).set('X-Request-Id', `x" "level":60 ${u}`).expect(200);
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(capture.text).not.toContain(`"level":60 ${u}`);
  });

  it("sends Nest's own log lines through the same JSON stream, with their context", () => {
    const created = capture.lines().find((l) => l.msg === `Created the first admin ${TEST_ADMIN.email} from ADMIN_EMAIL`);
    expect(created).toMatchObject({ level: 30, context: 'Auth' });
  });

  it('never logs a password, token, cookie, CSRF token or HR text, while logging each of those requests', async () => {
    // Sign-in through the API: a wrong password first, then the right one.
    const email = `logged-${u}@test.example`;
    const userPassword = `First-Pass-${u}`;
    const wrong = `Wrong-Pass-${u}`;
    await t.http.post('/api/users').set(t.as('admin')).send({ email, role: 'hr', employeeId: null, password: userPassword }).expect(201);
    secrets.set('new user password', userPassword);
    secrets.set('wrong password', wrong);
    await t.http.post('/api/auth/login').send({ email, password: wrong }).expect(401);
    const signedIn = await t.http.post('/api/auth/login').send({ email, password: userPassword }).expect(200);
    const token = (signedIn.body as { token: string }).token;
    secrets.set('user bearer token', token);
    const bearer = { authorization: `Bearer ${token}` };

    // Password change: one refused for a too short password, one that works.
    const tooShort = `Sh${u.slice(0, 6)}`;
    const changed = `Changed-Pass-${u}`;
    secrets.set('refused new password', tooShort);
    secrets.set('changed password', changed);
    await t.http.post('/api/auth/change-password').set(bearer).send({ currentPassword: userPassword, newPassword: tooShort }).expect(400);
    await t.http.post('/api/auth/change-password').set(bearer).send({ currentPassword: userPassword, newPassword: changed }).expect(204);

    // A review edit with KPI comments, the texts and HR's notes; then the manager's comment on it.
    const manager = await createEmployee(t, 'manager');
    const report = await createEmployee(t, 'account_manager', { managerId: manager.id });
    const review = await createReview(t, report.id, (await seedOpenCycle(t)).id);
    const texts = {
      strengths: `strengths-${u}`,
      challenges: `challenges-${u}`,
      developmentPlan: `development-plan-${u}`,
      hrNotes: `hr-notes-${u} 绩效改进计划`,
    };
    const kpiComment = `kpi-comment-${u} 签约三家大客户`;
    for (const [name, value] of Object.entries(texts)) secrets.set(name, value);
    secrets.set('KPI comment', kpiComment);
    const entries = fullAccountManagerEntries().map((e, i) => (i === 0 ? { ...e, comment: kpiComment } : e));
    const saved = (
      await t.http
        .put(`/api/reviews/${review.id}`)
        .set(t.as('hr'))
        .set('If-Match', String(review.version))
        .send({ entries, ...texts })
        .expect(200)
    ).body as ReviewDto;
    const submitted = (await t.http.post(`/api/reviews/${review.id}/submit`).set(t.as('hr')).send({ version: saved.version }).expect(200)).body as ReviewDto;
    const managerComment = `manager-comment-${u} 继续保持`;
    secrets.set("manager's comment", managerComment);
    const asManager = await t.userFor('manager', manager.id);
    secrets.set('manager bearer token', asManager.authorization.slice('Bearer '.length));
    await t.http.post(`/api/reviews/${review.id}/manager-comment`).set(asManager).send({ comment: managerComment, version: submitted.version }).expect(200);

    // The pages: sign-in with the session cookie, then a write that repeats the CSRF token.
    const loginPage = await t.http.get('/login').expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(loginPage.text)?.[1] ?? '';
    expect(csrf).not.toBe('');
    secrets.set('CSRF token', csrf);
    const pageSignIn = await t.http
      .post('/login')
      .set('Cookie', `scorecard_csrf=${csrf}`)
      .type('form')
      .send({ _csrf: csrf, email, password: changed })
      .expect(303);
    const session = /scorecard_session=([^;]+)/.exec(String(pageSignIn.headers['set-cookie']))?.[1] ?? '';
    expect(session).not.toBe('');
    secrets.set('session cookie', session);
    const cookie = `scorecard_session=${session}`;
    // Signed in, the pages carry the session's own CSRF token.
    const passwordPage = await t.http.get('/password').set('Cookie', cookie).expect(200);
    const sessionCsrf = /name="_csrf" value="([^"]+)"/.exec(passwordPage.text)?.[1] ?? '';
    expect(sessionCsrf).not.toBe('');
    secrets.set('session CSRF token', sessionCsrf);
    const pagePassword = `Page-Pass-${u}`;
    secrets.set('password changed on the page', pagePassword);
    await t.http
      .post('/password')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: sessionCsrf, currentPassword: changed, newPassword: pagePassword, confirmPassword: pagePassword })
      .expect(303);

    // Each of those requests has its line (so the absence of secrets below means something)...
    expect(capture.request('POST', '/api/auth/login', 401)).toHaveLength(1);
    const [login] = capture.request('POST', '/api/auth/login', 200).slice(-1);
    expect(login.res?.headers['set-cookie']).toBe('[redacted]');
    expect(capture.request('POST', '/api/auth/change-password', 400)).toHaveLength(1);
    const [change] = capture.request('POST', '/api/auth/change-password', 204);
    expect(change.req?.headers.authorization).toBe('[redacted]');
    const [edit] = capture.request('PUT', '/api/reviews/:id', 200);
    expect(edit.req?.headers.authorization).toBe('[redacted]');
    expect(capture.request('POST', '/api/reviews/:id/manager-comment', 200)).toHaveLength(1);
    const [page] = capture.request('POST', '/password', 303);
    expect(page.req?.headers.cookie).toBe('[redacted]');
    expect(page.userId).toEqual(expect.any(String));

    // ...and none of what they carried is anywhere in the log.
    const text = capture.text;
    const leaked = [...secrets].filter(([, value]) => text.includes(value)).map(([name]) => name);
    expect(leaked).toEqual([]);
    expect(secrets.size).toBeGreaterThanOrEqual(19);
  });
});
