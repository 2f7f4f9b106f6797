import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntryDto } from '../src/audit/dto/audit.dto.js';
import type { EmployeeDto } from '../src/employees/dto/employee.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, fullAccountManagerEntries, putScores, seedOpenCycle } from './fixtures.js';
import { createTestApp, TEST_ADMIN, TEST_PASSWORD, type TestApp } from './support/app.js';

/** The fields of the answers these tests read (supertest types every body as any). */
interface Answer {
  message: string;
  errors: { field: string; message: string }[];
  details?: { reason?: string };
  statusCode: number;
  employee: { id: string };
  hrNotes: string | null;
  items: unknown[];
  meta: { total: number };
  managerComment: string | null;
  status: string;
  acknowledgedAt: string;
  acknowledgedBy: string;
  version: number;
}
const bodyOf = (res: { body: unknown }): Answer => res.body as Answer;

const submitAndFinalize = async (t: TestApp, r: ReviewDto): Promise<ReviewDto> => {
  const s = (await t.http.post(`/api/reviews/${r.id}/submit`).set(t.as('hr')).send({ version: r.version }).expect(200)).body as ReviewDto;
  return (await t.http.post(`/api/reviews/${r.id}/finalize`).set(t.as('hr')).send({ version: s.version }).expect(200)).body as ReviewDto;
};

describe('sign-in, sessions and scope', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('sessions', () => {
    it('signs in with a token and an httpOnly SameSite=Lax cookie, either of which works, until logout', async () => {
      const res = await t.http.post('/api/auth/login').send({ email: 'HR@Test.Example', password: TEST_PASSWORD }).expect(200);
      const token = (res.body as { token: string }).token;
      expect(token.length).toBeGreaterThanOrEqual(40);
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0] ?? '';
      expect(cookie).toMatch(/^scorecard_session=/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).not.toMatch(/Secure/i);

      const viaCookie = await t.http.get('/api/auth/me').set('Cookie', cookie.split(';')[0]).expect(200);
      expect(viaCookie.body).toMatchObject({ email: 'hr@test.example', role: 'hr' });
      await t.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);

      await t.http.post('/api/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
      const after = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
      expect(bodyOf(after).message).toMatch(/session has ended/);
    });

    it('stores only an argon2id hash and never logs the password in the audit', async () => {
      const rows = await t.db.query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE email = $1', ['hr@test.example']);
      expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(rows[0].password_hash).not.toContain(TEST_PASSWORD);
      const [{ n }] = await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_log WHERE before::text LIKE $1 OR after::text LIKE $1`, [
        `%${TEST_PASSWORD}%`,
      ]);
      expect(n).toBe(0);
    });

    it('makes a user with a reset password change it before anything else, and ends their sessions', async () => {
      const employee = await createEmployee(t);
      const headers = await t.userFor('employee', employee.id, 'reset-me@test.example');
      const users = (await t.http.get('/api/users').set(t.as('admin')).expect(200)).body as { id: string; email: string; version: number }[];
      const user = users.find((u) => u.email === 'reset-me@test.example');
      if (!user) throw new Error('user missing');
      await t.http
        .post(`/api/users/${user.id}/reset-password`)
        .set(t.as('admin'))
        .set('If-Match', String(user.version))
        .send({ password: 'temporary-two-2' })
        .expect(200);
      await t.http.get('/api/auth/me').set(headers).expect(401);

      const fresh = await t.signIn('reset-me@test.example', 'temporary-two-2');
      const blocked = await t.http.get('/api/reviews').set(fresh).expect(403);
      expect(bodyOf(blocked).message).toMatch(/Change your password first/);
      await t.http.get('/api/auth/me').set(fresh).expect(200);
      await t.http.post('/api/auth/change-password').set(fresh).send({ currentPassword: 'wrong-password', newPassword: 'brand-new-pass-3' }).expect(400);
      await t.http.post('/api/auth/change-password').set(fresh).send({ currentPassword: 'temporary-two-2', newPassword: 'brand-new-pass-3' }).expect(204);
      await t.http.get('/api/reviews').set(fresh).expect(200);
    });

    it("ends a disabled user's sessions at once and refuses their sign-in", async () => {
      const employee = await createEmployee(t);
      const headers = await t.userFor('employee', employee.id, 'disable-me@test.example');
      await t.http.get('/api/reviews').set(headers).expect(200);
      const users = (await t.http.get('/api/users').set(t.as('admin')).expect(200)).body as { id: string; email: string; version: number }[];
      const user = users.find((u) => u.email === 'disable-me@test.example');
      if (!user) throw new Error('user missing');
      await t.http.patch(`/api/users/${user.id}`).set(t.as('admin')).send({ disabled: true, version: user.version }).expect(200);
      await t.http.get('/api/reviews').set(headers).expect(401);
      await t.http.post('/api/auth/login').send({ email: 'disable-me@test.example', password: TEST_PASSWORD }).expect(401);
    });

    it('refuses a session once it has expired', async () => {
      const employee = await createEmployee(t);
      const headers = await t.userFor('employee', employee.id, 'expire-me@test.example');
      await t.http.get('/api/auth/me').set(headers).expect(200);
      await t.db.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)`, [
        'expire-me@test.example',
      ]);
      await t.http.get('/api/auth/me').set(headers).expect(401);
    });

    it('requires managers and employees to be linked to an employee record', async () => {
      const res = await t.http
        .post('/api/users')
        .set(t.as('admin'))
        .send({ email: 'unlinked@test.example', role: 'manager', password: 'long-enough-1' })
        .expect(400);
      expect(bodyOf(res).errors).toEqual([{ field: 'employeeId', code: 'linkRequired', message: 'is required for the manager role' }]);
    });
  });

  describe('scope', () => {
    let managerA: EmployeeDto;
    let managerB: EmployeeDto;
    let report: EmployeeDto;
    let grandReport: EmployeeDto;
    let review: ReviewDto;
    let asA: Record<string, string>;
    let asB: Record<string, string>;

    beforeAll(async () => {
      const cycle = await seedOpenCycle(t);
      managerA = await createEmployee(t, 'manager');
      managerB = await createEmployee(t, 'manager');
      report = await createEmployee(t, 'manager', { managerId: managerA.id });
      grandReport = await createEmployee(t, 'account_manager', { managerId: report.id });
      review = await createReview(t, grandReport.id, cycle.id);
      review = await putScores(t, review, fullAccountManagerEntries());
      await t.http.patch(`/api/reviews/${review.id}`).set(t.as('hr')).send({ hrNotes: 'salary band under discussion', version: review.version }).expect(200);
      asA = await t.userFor('manager', managerA.id, 'manager-a@test.example');
      asB = await t.userFor('manager', managerB.id, 'manager-b@test.example');
    });

    it("lets a manager read their reports' reports, and hides HR-only fields", async () => {
      const res = await t.http.get(`/api/reviews/${review.id}`).set(asA).expect(200);
      expect(bodyOf(res).employee.id).toBe(grandReport.id);
      expect(res.body).not.toHaveProperty('hrNotes');
      const hr = await t.http.get(`/api/reviews/${review.id}`).set(t.as('hr')).expect(200);
      expect(bodyOf(hr).hrNotes).toBe('salary band under discussion');
      const list = await t.http.get('/api/employees').set(asA).expect(200);
      expect((bodyOf(list).items as EmployeeDto[]).map((e) => e.id).sort()).toEqual([managerA.id, report.id, grandReport.id].sort());
    });

    it('answers 404 to a manager outside the scope on every route kind', async () => {
      const json = await t.http.get(`/api/reviews/${review.id}`).set(asB).expect(404);
      expect(bodyOf(json).message).toBe(`Review ${review.id} was not found`);
      await t.http.get(`/api/employees/${grandReport.id}`).set(asB).expect(404);
      await t.http.get('/api/reviews').query({ employeeId: grandReport.id }).set(asB).expect(404);
      await t.http.get('/api/employees').query({ managerId: report.id }).set(asB).expect(404);
      const list = await t.http.get('/api/reviews').set(asB).expect(200);
      expect(bodyOf(list).meta.total).toBe(0);
      // The same ids that do not exist at all give the same answer.
      await t.http.get('/api/reviews/7d3f6a52-0c1e-4b7a-9a55-2f0b1c9d8e77').set(asB).expect(404);
    });

    it('applies a re-organisation at the next request, without a new sign-in', async () => {
      const moved = (await t.http.get(`/api/employees/${report.id}`).set(t.as('hr')).expect(200)).body as EmployeeDto;
      await t.http.patch(`/api/employees/${report.id}`).set(t.as('hr')).send({ managerId: managerB.id, version: moved.version }).expect(200);
      await t.http.get(`/api/reviews/${review.id}`).set(asA).expect(404);
      await t.http.get(`/api/reviews/${review.id}`).set(asB).expect(200);
      const back = (await t.http.get(`/api/employees/${report.id}`).set(t.as('hr')).expect(200)).body as EmployeeDto;
      await t.http.patch(`/api/employees/${report.id}`).set(t.as('hr')).send({ managerId: managerA.id, version: back.version }).expect(200);
      await t.http.get(`/api/reviews/${review.id}`).set(asA).expect(200);
    });

    it('lets a manager comment on a review in scope until it is finalized; the audit names them', async () => {
      const current = (await t.http.get(`/api/reviews/${review.id}`).set(t.as('hr')).expect(200)).body as ReviewDto;
      // A draft already takes the manager's comment.
      const onDraft = bodyOf(
        await t.http.post(`/api/reviews/${review.id}/manager-comment`).set(asA).send({ comment: 'first thoughts', version: current.version }).expect(200),
      );
      expect(onDraft).toMatchObject({ status: 'draft', managerComment: 'first thoughts' });
      const submitted = (await t.http.post(`/api/reviews/${review.id}/submit`).set(t.as('hr')).send({ version: onDraft.version }).expect(200))
        .body as ReviewDto;
      await t.http.post(`/api/reviews/${review.id}/manager-comment`).set(asB).send({ comment: 'not mine', version: submitted.version }).expect(404);
      const res = await t.http
        .post(`/api/reviews/${review.id}/manager-comment`)
        .set(asA)
        .send({ comment: '继续保持 Keep it up', version: submitted.version })
        .expect(200);
      expect(bodyOf(res).managerComment).toBe('继续保持 Keep it up');
      const audit = (await t.http.get('/api/audit').query({ entity: 'review', id: review.id }).set(t.as('hr')).expect(200)).body as AuditEntryDto[];
      expect(audit[0]).toMatchObject({ action: 'manager_comment', actor: 'manager-a@test.example', after: { managerComment: '继续保持 Keep it up' } });
      expect(audit[0].actorUserId).toMatch(/^[0-9a-f-]{36}$/);
      // Edited again after submission: the audit keeps before and after; a stale version is refused.
      const edited = bodyOf(
        await t.http
          .post(`/api/reviews/${review.id}/manager-comment`)
          .set(asA)
          .send({ comment: 'revised', version: bodyOf(res).version })
          .expect(200),
      );
      expect(edited.managerComment).toBe('revised');
      await t.http
        .post(`/api/reviews/${review.id}/manager-comment`)
        .set(asA)
        .send({ comment: 'stale', version: bodyOf(res).version })
        .expect(409);
      const again = (await t.http.get('/api/audit').query({ entity: 'review', id: review.id }).set(t.as('hr')).expect(200)).body as AuditEntryDto[];
      expect(again[0]).toMatchObject({ action: 'manager_comment', before: { managerComment: '继续保持 Keep it up' }, after: { managerComment: 'revised' } });
      // Once finalized the comment is the record: refused with 409 until a reopen.
      const fin = (await t.http.post(`/api/reviews/${review.id}/finalize`).set(t.as('hr')).send({ version: edited.version }).expect(200)).body as ReviewDto;
      const refused = await t.http.post(`/api/reviews/${review.id}/manager-comment`).set(asA).send({ comment: 'too late', version: fin.version }).expect(409);
      expect(JSON.stringify(refused.body)).toContain('finalized');
    });

    it('shows an employee only their own finalized reviews, and records their acknowledgement with time', async () => {
      const cycle = await seedOpenCycle(t);
      const me = await createEmployee(t);
      let mine = await createReview(t, me.id, cycle.id);
      const asMe = await t.userFor('employee', me.id, 'me@test.example');
      await t.http.get(`/api/reviews/${mine.id}`).set(asMe).expect(404); // a draft is not theirs to see yet
      mine = await submitAndFinalize(t, await putScores(t, mine, fullAccountManagerEntries()));
      const seen = await t.http.get(`/api/reviews/${mine.id}`).set(asMe).expect(200);
      expect(seen.body).not.toHaveProperty('hrNotes');
      await t.http.get(`/api/reviews/${review.id}`).set(asMe).expect(404);
      const list = await t.http.get('/api/reviews').set(asMe).expect(200);
      expect((bodyOf(list).items as { id: string }[]).map((r) => r.id)).toEqual([mine.id]);

      const ack = await t.http.post(`/api/reviews/${mine.id}/acknowledge`).set(asMe).send({ version: mine.version }).expect(200);
      expect(Date.parse(bodyOf(ack).acknowledgedAt)).toBeGreaterThan(Date.now() - 60_000);
      // Shown as the person's name, not the sign-in e-mail; the audit still names the account.
      expect(bodyOf(ack).acknowledgedBy).toBe(me.name);
      expect(me.name).not.toContain('@');
      const ackAudit = (await t.http.get('/api/audit').query({ entity: 'review', id: mine.id }).set(t.as('hr')).expect(200)).body as AuditEntryDto[];
      expect(ackAudit[0]).toMatchObject({ action: 'acknowledge', actor: 'me@test.example' });
      await t.http
        .post(`/api/reviews/${mine.id}/acknowledge`)
        .set(asMe)
        .send({ version: bodyOf(ack).version })
        .expect(409);
    });
  });

  describe('mass assignment', () => {
    it('rejects fields a caller may not set, anywhere, and changes nothing', async () => {
      const cycle = await seedOpenCycle(t);
      const e = await createEmployee(t);
      const r = await createReview(t, e.id, cycle.id);
      const attempts: [string, string, Record<string, unknown>][] = [
        ['patch', `/api/reviews/${r.id}`, { status: 'finalized', version: r.version }],
        ['patch', `/api/reviews/${r.id}`, { managerId: e.id, version: r.version }],
        ['patch', `/api/reviews/${r.id}`, { total: 100, version: r.version }],
        ['patch', `/api/employees/${e.id}`, { role: 'admin', version: e.version }],
        ['post', '/api/auth/change-password', { currentPassword: TEST_PASSWORD, newPassword: 'another-pass-9', role: 'admin' }],
        ['post', '/api/users', { email: 'sneaky@test.example', role: 'hr', password: 'long-enough-1', disabled: false, mustChangePassword: false }],
      ];
      for (const [method, url, body] of attempts) {
        const who = url.startsWith('/api/users') ? t.as('admin') : t.as('hr');
        const res = await t.http[method as 'patch' | 'post'](url).set(who).send(body);
        expect([url, res.status]).toEqual([url, 400]);
        expect(bodyOf(res).message).toMatch(/is not a known field/);
      }
      const proto = await t.http
        .patch(`/api/reviews/${r.id}`)
        .set(t.as('hr'))
        .set('Content-Type', 'application/json')
        .send(`{"__proto__": {"status": "finalized"}, "strengths": "x", "version": ${r.version}}`);
      expect(proto.status).toBe(400);
      const after = (await t.http.get(`/api/reviews/${r.id}`).set(t.as('hr')).expect(200)).body as ReviewDto;
      expect(after).toMatchObject({ status: 'draft', version: r.version, strengths: '' });
      const users = (await t.http.get('/api/users').set(t.as('admin')).expect(200)).body as { email: string }[];
      expect(users.map((u) => u.email)).not.toContain('sneaky@test.example');
      await t.http.post('/api/auth/login').send({ email: 'hr@test.example', password: 'another-pass-9' }).expect(401);
    });
  });

  describe('password strength (issue 12)', () => {
    it('refuses short, repeated, common and own-identity passwords at every place one is set, saying why in both languages', async () => {
      const email = `strength-${Date.now()}@test.example`;
      const person = (
        await t.http
          .post('/api/employees')
          .set(t.as('hr'))
          .send({
            employeeNo: `PW-${Date.now()}`,
            name: 'Zhang Xiaoming',
            email,
            roleId: ((await t.http.get('/api/roles').set(t.as('hr'))).body as { id: string }[])[0].id,
            department: 'QA',
            hireDate: '2020-01-01',
          })
          .expect(201)
      ).body as { id: string };
      const weak: [string, string][] = [
        ['          ', 'guessable'],
        ['aaaaaaaaaa', 'guessable'],
        ['password12', 'common'],
        [email, 'contains_identity'],
        ['xiaoming-rocks', 'contains_identity'],
      ];
      for (const [password, reason] of weak) {
        const res = await t.http.post('/api/users').set(t.as('admin')).send({ email, role: 'employee', employeeId: person.id, password });
        expect([password, res.status, bodyOf(res).details?.reason, bodyOf(res).errors?.[0]?.field]).toEqual([password, 400, reason, 'password']);
        expect(bodyOf(res).message).toMatch(/\(.*[\u4e00-\u9fff].*\)$/);
      }
      const user = (
        await t.http
          .post('/api/users')
          .set(t.as('admin'))
          .send({ email, role: 'employee', employeeId: person.id, password: 'teal-otter-bakes-bread' })
          .expect(201)
      ).body as { id: string; version: number };
      const reset = await t.http.post(`/api/users/${user.id}/reset-password`).set(t.as('admin')).send({ password: 'password12', version: user.version });
      expect([reset.status, bodyOf(reset).details?.reason]).toEqual([400, 'common']);

      const signedIn = await t.signIn(email, 'teal-otter-bakes-bread');
      for (const [newPassword, reason] of weak) {
        const res = await t.http.post('/api/auth/change-password').set(signedIn).send({ currentPassword: 'teal-otter-bakes-bread', newPassword });
        expect([newPassword, res.status, bodyOf(res).details?.reason, bodyOf(res).errors?.[0]?.field]).toEqual([newPassword, 400, reason, 'newPassword']);
      }
      await t.http
        .post('/api/auth/change-password')
        .set(signedIn)
        .send({ currentPassword: 'teal-otter-bakes-bread', newPassword: 'quiet river under stone' })
        .expect(204);
    });

    it('says why on the password page, in the page language', async () => {
      const email = `strength-page-${Date.now()}@test.example`;
      const bearer = await t.userFor('hr', null, email);
      const headers = { Cookie: `scorecard_session=${bearer.authorization.slice('Bearer '.length)}` };
      const page = await t.http.get('/password').set(headers).set('Accept-Language', 'zh-CN').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      const res = await t.http
        .post('/password')
        .set(headers)
        .set('Accept-Language', 'zh-CN')
        .type('form')
        .send({ _csrf: csrf, currentPassword: TEST_PASSWORD, newPassword: 'password12', confirmPassword: 'password12' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('这是最常见的密码之一，请换一个。');
    });
  });

  describe('HTTP hardening', () => {
    it('sends helmet headers and no-store on answers, errors included; CORS stays off', async () => {
      const malformed = await t.http.post('/api/employees').set(t.as('hr')).set('Content-Type', 'application/json').send('{"oops');
      expect(malformed.status).toBe(400);
      for (const res of [await t.http.get('/api/health'), await t.http.get('/api/nothing-here'), await t.http.get('/api/reviews'), malformed]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      }
      const preflight = await t.http.options('/api/reviews').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});

describe('brute force and rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses the 6th wrong password within a minute with 429 + Retry-After, refuses the right one during lock-out, and audits each attempt', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await t.http.post('/api/auth/login').send({ email: TEST_ADMIN.email, password: `wrong-${i}` });
      expect([i, res.status]).toEqual([i, 401]);
      expect(bodyOf(res).message).toBe('Wrong email or password');
    }
    const sixth = await t.http.post('/api/auth/login').send({ email: TEST_ADMIN.email, password: 'wrong-6' }).expect(429);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(60);
    const right = await t.http.post('/api/auth/login').send({ email: TEST_ADMIN.email, password: TEST_ADMIN.password }).expect(429);
    expect(right.body).not.toHaveProperty('token');

    const rows = await t.db.query<{ action: string }[]>(`SELECT action FROM audit_log WHERE action LIKE 'login%' AND (after->>'email') = $1 ORDER BY id`, [
      TEST_ADMIN.email,
    ]);
    expect(rows.map((r) => r.action)).toEqual([
      'login_failed',
      'login_failed',
      'login_failed',
      'login_failed',
      'login_failed',
      'login_throttled',
      'login_throttled',
    ]);
    // Another account from the same address is not locked by one account's failures.
    await t.http.post('/api/auth/login').send({ email: 'hr@test.example', password: TEST_PASSWORD }).expect(200);
  });

  it('an e-mail of any length up to the limit gets 401, not 500, and its audit keeps a bounded prefix (issue 10)', async () => {
    // Longer than the audit's 200-character actor column, within the 320 the sign-in form takes.
    const email = `${'a'.repeat(240)}@${'b'.repeat(60)}.example`;
    const res = await t.http.post('/api/auth/login').send({ email, password: 'whatever-password' });
    expect(res.status).toBe(401);
    expect(bodyOf(res).message).toBe('Wrong email or password');
    const [row] = await t.db.query<{ actor: string; entity_id: string; email: string }[]>(
      `SELECT actor, entity_id, after->>'email' AS email FROM audit_log WHERE action = 'login_failed' ORDER BY id DESC LIMIT 1`,
    );
    expect(row.actor).toBe(email.slice(0, 200));
    expect(row.entity_id).toBe(email.slice(0, 64));
    expect(row.email).toBe(email);
    // Over the limit: refused before anything is written.
    const before = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM audit_log');
    const tooLong = await t.http.post('/api/auth/login').send({ email: `${'a'.repeat(400)}@example.com`, password: 'whatever-password' });
    expect(tooLong.status).toBe(400);
    expect(bodyOf(tooLong).errors.map((e: { field: string }) => e.field)).toEqual(['email']);
    expect(await t.db.query('SELECT count(*)::int AS n FROM audit_log')).toEqual(before);
  });

  it('locks an address that guesses across many accounts', async () => {
    const t2 = await createTestApp({ LOGIN_MAX_FAILURES: '2' });
    try {
      for (let i = 0; i < 8; i++)
        await t2.http
          .post('/api/auth/login')
          .send({ email: `nobody-${i}@test.example`, password: 'x' })
          .expect(401);
      const res = await t2.http.post('/api/auth/login').send({ email: 'hr@test.example', password: TEST_PASSWORD }).expect(429);
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await t2.close();
    }
  });

  it('answers 429 with Retry-After past the global per-address limit', async () => {
    const t3 = await createTestApp({ RATE_LIMIT_PER_MINUTE: '40' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 45; i++) statuses.push((await t3.http.get('/api/health')).status);
      // The harness itself made a few requests while signing users in.
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
      const res = await t3.http.get('/api/health').expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(bodyOf(res).statusCode).toBe(429);
    } finally {
      await t3.close();
    }
  });
});
