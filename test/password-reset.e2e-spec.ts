// "Forgot password" against a real SMTP server (smtp-server on a free port) and real PostgreSQL:
// the mailed link, its single use under a race, its time limit, the same answer for unknown
// addresses, the throttle, the sessions it ends, the audit trail, the pages in both languages, and
// a mail server that goes away and comes back. Issue 16, point 9.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ErrorResponseDto } from '../src/common/error-response.dto.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';
import { Inbox } from './support/inbox.js';
import { Browser } from './support/page-client.js';

const PUBLIC_URL = 'https://scorecard.example.test';
const NEW_PASSWORD = 'river-lantern-orchid-7';

describe('forgot password', () => {
  const inbox = new Inbox();
  let port: number;
  let t: TestApp;
  let email: string;
  /** The account's password as the tests leave it. */
  let current = TEST_PASSWORD;

  /** The token of the newest reset mail to `to`. */
  const linkTo = (to: string): string => {
    const mails = inbox.to(to);
    const text = mails[mails.length - 1]?.text ?? '';
    const m = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/reset-password\\?token=([A-Za-z0-9_-]+)`).exec(text);
    if (!m) throw new Error(`no reset link in the mail to ${to}: ${text}`);
    return m[1];
  };
  const ask = (address: string, lang?: 'en' | 'zh-CN') => t.http.post('/api/auth/forgot-password').send({ email: address, ...(lang ? { lang } : {}) });
  const auditOf = (action: string) =>
    t.db.query<{ entity_id: string; after: Record<string, unknown> }[]>('SELECT entity_id, after FROM audit_log WHERE action = $1 ORDER BY id', [action]);

  beforeAll(async () => {
    port = await inbox.start();
    t = await createTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Scorecard <hr@example.test>', PUBLIC_URL, PASSWORD_RESET_MINUTES: '30' });
    email = `reset-${Date.now()}@test.example`;
    await t.userFor('hr', null, email);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await inbox.stop();
  });

  // The client limit is per address and hour; each test starts with a clean slate of requests.
  beforeEach(async () => {
    await t.db.query('DELETE FROM password_resets WHERE token_hash IS NULL OR used_at IS NOT NULL');
    await t.db.query("UPDATE password_resets SET created_at = created_at - interval '2 hours'");
  });

  it('mails a one-time link to PUBLIC_URL, in the asked language first, and says the same for an unknown address', async () => {
    const before = inbox.to(email).length;
    const known = await ask(email, 'zh-CN');
    const unknown = await ask('nobody-here@test.example', 'zh-CN');
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.text).toBe(known.text);
    expect(inbox.to(email)).toHaveLength(before + 1);
    expect(inbox.to('nobody-here@test.example')).toHaveLength(0);
    const mail = inbox.to(email)[before];
    expect(mail.subject).toMatch(/^重置您的绩效系统密码/);
    expect(mail.text.indexOf('30 分钟')).toBeLessThan(mail.text.indexOf('30 minutes'));
    expect(linkTo(email)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only its SHA-256 is stored, never the token itself.
    const stored = await t.db.query<{ token_hash: string }[]>(
      'SELECT token_hash FROM password_resets WHERE email = $1 AND token_hash IS NOT NULL AND used_at IS NULL',
      [email],
    );
    expect(stored).toEqual([{ token_hash: createHash('sha256').update(linkTo(email)).digest('hex') }]);
    const requested = await auditOf('password_reset_requested');
    expect(requested.map((r) => [r.after.email, r.after.mailed, r.after.reason ?? null])).toEqual(
      expect.arrayContaining([
        [email, true, null],
        ['nobody-here@test.example', false, 'unknown account'],
      ]),
    );
  });

  it('sets the new password once: the old one and every session stop working, and the link is used up', async () => {
    const session = await t.signIn(email, current);
    expect((await t.http.get('/api/auth/me').set(session)).status).toBe(200);
    await ask(email).expect(202);
    const token = linkTo(email);

    const weak = await t.http.post('/api/auth/reset-password').send({ token, newPassword: 'password123' });
    expect(weak.status).toBe(400);
    expect((weak.body as ErrorResponseDto).errors?.[0]?.field).toBe('newPassword');

    await t.http.post('/api/auth/reset-password').send({ token, newPassword: NEW_PASSWORD }).expect(204);
    expect((await t.http.get('/api/auth/me').set(session)).status).toBe(401);
    expect((await t.http.post('/api/auth/login').send({ email, password: current })).status).toBe(401);
    await t.signIn(email, NEW_PASSWORD);
    current = NEW_PASSWORD;

    const again = await t.http.post('/api/auth/reset-password').send({ token, newPassword: 'another-long-password-9' });
    expect(again.status).toBe(400);
    expect((again.body as ErrorResponseDto).errors).toEqual([expect.objectContaining({ field: 'token', code: 'resetLinkInvalid' })]);
    const [done] = (await auditOf('password_reset')).slice(-1);
    expect(done.after.sessionsEnded).toBeGreaterThanOrEqual(1);
  });

  it('lets exactly one of ten simultaneous uses of a link through', async () => {
    await ask(email).expect(202);
    const token = linkTo(email);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_x, i) => t.http.post('/api/auth/reset-password').send({ token, newPassword: `${NEW_PASSWORD}-race-${i}` })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([204, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    const winner = answers.findIndex((a) => a.status === 204);
    current = `${NEW_PASSWORD}-race-${winner}`;
    await t.signIn(email, current);
    expect(await auditOf('password_reset')).toHaveLength(2);
  });

  it('refuses a link after its time, and an older link once a newer one was sent, and after a password change', async () => {
    await ask(email).expect(202);
    const first = linkTo(email);
    await ask(email).expect(202);
    const second = linkTo(email);
    expect(second).not.toBe(first);
    expect((await t.http.post('/api/auth/reset-password').send({ token: first, newPassword: NEW_PASSWORD })).status).toBe(400);

    await t.db.query("UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL AND token_hash IS NOT NULL");
    expect((await t.http.post('/api/auth/reset-password').send({ token: second, newPassword: NEW_PASSWORD })).status).toBe(400);

    await ask(email).expect(202);
    const third = linkTo(email);
    const session = await t.signIn(email, current);
    await t.http.post('/api/auth/change-password').set(session).send({ currentPassword: current, newPassword: 'changed-by-hand-password-4' }).expect(204);
    current = 'changed-by-hand-password-4';
    expect((await t.http.post('/api/auth/reset-password').send({ token: third, newPassword: 'yet-another-password-3' })).status).toBe(400);
    await t.signIn(email, current);
  });

  it('mails an address at most three times an hour, with the same answer, and throttles a client that asks too often', async () => {
    const before = inbox.to(email).length;
    for (let i = 0; i < 5; i++) await ask(email).expect(202);
    expect(inbox.to(email)).toHaveLength(before + 3);
    const skipped = (await auditOf('password_reset_requested')).filter((r) => r.after.reason === 'more than 3 links within an hour');
    expect(skipped.length).toBeGreaterThanOrEqual(2);

    // 5 requests so far this hour from this client; the limit is 20.
    for (let i = 0; i < 15; i++) await ask(`someone-${i}@test.example`).expect(202);
    const limited = await ask('one-more@test.example');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3000);
    expect((await auditOf('password_reset_throttled')).length).toBeGreaterThanOrEqual(1);
  });

  it('answers 503 with Retry-After while the mail server is away, leaves no working link, and recovers by itself', async () => {
    await inbox.stop();
    try {
      const down = await ask(email);
      expect(down.status).toBe(503);
      expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
      // The same answer for an address without an account, so the outage shows nothing about accounts.
      const unknown = await ask('nobody-here@test.example');
      expect(unknown.status).toBe(503);
      const [{ n }] = await t.db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM password_resets WHERE token_hash IS NOT NULL AND used_at IS NULL AND expires_at > now()',
      );
      expect(n).toBe(0);
      const ready = await t.http.get('/api/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'degraded', details: { mailer: { status: 'degraded' } } });
    } finally {
      await inbox.start(port);
    }
    // A failed check is repeated after 5 s.
    await new Promise((r) => setTimeout(r, 5_500));
    await ask(email).expect(202);
    expect((await t.http.get('/api/health/ready')).body).toMatchObject({ status: 'ok', details: { mailer: { status: 'up' } } });
  }, 30_000);

  describe('pages', () => {
    it('en: from the sign-in page to a new password, with the form refusing a mismatch and a weak password', async () => {
      const b = new Browser(t);
      const login = await b.get('/login');
      expect(login.text).toContain('href="/forgot-password"');
      const form = await b.get('/forgot-password');
      expect(form.status).toBe(200);
      expect(form.text).toContain('30 minutes');

      const bad = await b.post('/forgot-password', { email: 'not an address' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('aria-invalid="true"');

      const before = inbox.to(email).length;
      const sent = await b.post('/forgot-password', { email: email.toUpperCase() });
      expect(sent.status).toBe(303);
      expect(sent.headers.location).toBe('/login?notice=resetMailSent');
      expect((await b.get(String(sent.headers.location))).text).toContain('a link to set a new password is on its way');
      expect(inbox.to(email)).toHaveLength(before + 1);

      const token = linkTo(email);
      const resetPage = await b.get(`/reset-password?token=${token}`);
      expect(resetPage.status).toBe(200);
      expect(resetPage.headers['referrer-policy']).toBe('no-referrer');
      expect(resetPage.text).toContain(`name="token" value="${token}"`);

      const mismatch = await b.post('/reset-password', { token, newPassword: NEW_PASSWORD, confirmPassword: 'something else' });
      expect(mismatch.status).toBe(400);
      expect(mismatch.text).toContain('The two new passwords differ');
      const weak = await b.post('/reset-password', { token, newPassword: 'password123', confirmPassword: 'password123' });
      expect(weak.status).toBe(400);
      expect(weak.text).toContain(`name="token" value="${token}"`);

      const done = await b.post('/reset-password', { token, newPassword: 'page-set-password-5', confirmPassword: 'page-set-password-5' });
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/login?notice=passwordSet');
      expect((await b.signIn(email, 'page-set-password-5')).status).toBe(303);

      const used = await new Browser(t).get(`/reset-password?token=${token}`);
      expect(used.status).toBe(400);
      expect(used.text).toContain('This link has expired or was already used');
      expect(used.text).toContain('href="/forgot-password"');
    });

    it('zh-CN: the pages and their refusals are in Chinese', async () => {
      const b = new Browser(t);
      const form = await b.get('/forgot-password', { 'Accept-Language': 'zh-CN' });
      expect(form.text).toContain('忘记密码');
      const bad = await b.post('/forgot-password', { email: '' }, { 'Accept-Language': 'zh-CN' });
      expect(bad.status).toBe(400);
      expect(bad.text).not.toMatch(/must|email must/);
      const dead = await b.get('/reset-password?token=not-a-token', { 'Accept-Language': 'zh-CN' });
      expect(dead.status).toBe(400);
      expect(dead.text).toContain('此链接已过期或已被使用');
    });
  });
});

describe('forgot password without a mail server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('the sign-in page still links to it, and it says whom to ask; the API answers 404', async () => {
    const b = new Browser(t);
    expect((await b.get('/login')).text).toContain('href="/forgot-password"');
    const off = await b.get('/forgot-password');
    expect(off.status).toBe(200);
    expect(off.text).toContain('Ask an administrator');
    expect(off.text).not.toContain('name="email"');
    expect((await b.post('/forgot-password', { email: 'hr@test.example' })).status).toBe(404);
    const api = await t.http.post('/api/auth/forgot-password').send({ email: 'hr@test.example' });
    expect(api.status).toBe(404);
    expect((api.body as ErrorResponseDto).code).toBe('NOT_FOUND');
  });
});
