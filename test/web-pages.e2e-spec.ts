// The pages over plain HTTP (no browser): sign-in and the shared session cookie, CSRF, language,
// error pages, escaping, forced password change and the start-all action.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ExportDto } from '../src/exports/dto/export.dto.js';
import { ExportsService } from '../src/exports/exports.service.js';
import { scorecardFilename } from '../src/scorecards/scorecards.service.js';
import { ACCOUNT_MANAGER } from '../src/kpi-templates/default-templates.js';
import type { RoleDto, TemplateVersionDto } from '../src/kpi-templates/dto/template.dto.js';
import type { ReviewDto } from '../src/reviews/dto/review.dto.js';
import { ReviewsService } from '../src/reviews/reviews.service.js';
import { createEmployee, createReview, fullAccountManagerEntries, recordStatuses, seedOpenCycle, uniq } from './fixtures.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './support/app.js';
import { Browser, cookiesOf } from './support/page-client.js';
import { holdExportPrinting } from './support/print-gate.js';
import { readZip } from './support/zip.js';

const HTML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x60;': '`', '&#x3D;': '=' };
const unescapeHtml = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#x27|#x60|#x3D);/g, (e) => HTML_ENTITIES[e]);
const attr = (tag: string, name: string): string | null => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeHtml(m[1]) : null;
};

/** What a browser would post from the template editor's form as the page shows it (without the button and token). */
function draftFormFields(html: string): Record<string, string> {
  const form = /<form[^>]*id="draft-form"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1];
  if (!form) throw new Error('no draft form on the page');
  const out: Record<string, string> = {};
  for (const [, tag] of form.matchAll(/<input\b([^>]*)>/g)) {
    const name = attr(tag, 'name');
    if (name && name !== '_csrf') out[name] = attr(tag, 'value') ?? '';
  }
  for (const [, tag, body] of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) out[attr(tag, 'name') ?? ''] = unescapeHtml(body);
  for (const [, tag, options] of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const chosen = /<option value="([^"]*)"[^>]*selected/.exec(options) ?? /<option value="([^"]*)"/.exec(options);
    out[attr(tag, 'name') ?? ''] = unescapeHtml(chosen?.[1] ?? '');
  }
  return out;
}

/** The value the page shows in the field with this id. */
function fieldValue(html: string, id: string): string | null {
  const tag = new RegExp(`<input\\b[^>]*\\sid="${id}"[^>]*>`).exec(html)?.[0];
  return tag ? attr(tag, 'value') : null;
}

/** The message beside the field with this id. */
function fieldError(html: string, id: string): string | null {
  const m = new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`).exec(html);
  return m ? unescapeHtml(m[1]) : null;
}

describe('pages over HTTP', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];
  let review: ReviewDto;

  beforeAll(async () => {
    t = await createTestApp();
    statuses = recordStatuses(t);
    const cycle = await seedOpenCycle(t);
    const e = await createEmployee(t, 'account_manager', { name: '<img src=x onerror=alert(1)>' });
    review = await createReview(t, e.id, cycle.id);
  });
  afterAll(async () => {
    // Only the one 500 provoked on purpose below.
    expect(statuses.filter((s) => s.status >= 500).map((s) => s.url)).toEqual([`/reviews/${review.id}`]);
    await t.close();
  });

  describe('signing in', () => {
    it('gives a fresh browser a CSRF cookie and the same token in the form', async () => {
      const res = await t.http.get('/login').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const { pairs, lines } = cookiesOf(res);
      expect(pairs.scorecard_csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(lines.find((l) => l.startsWith('scorecard_csrf='))).toMatch(/HttpOnly; SameSite=Lax/i);
      expect(res.text).toContain(`name="_csrf" value="${pairs.scorecard_csrf}"`);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('sets the same session cookie as the API and goes to the start page', async () => {
      const b = new Browser(t);
      const res = await b.signIn('hr@test.example', TEST_PASSWORD);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      const session = cookiesOf(res).lines.find((l) => l.startsWith('scorecard_session='));
      expect(session).toMatch(/HttpOnly/i);
      expect(session).toMatch(/SameSite=Lax/i);
      expect(session).toMatch(/Path=\//);
      const me = await t.http.get('/api/auth/me').set('Cookie', `scorecard_session=${b.cookies.scorecard_session}`).expect(200);
      expect(me.body).toMatchObject({ email: 'hr@test.example', role: 'hr' });
    });

    it('returns to the page asked for, but never to another site', async () => {
      const b = new Browser(t);
      await b.get('/login?next=%2Freviews');
      expect((await b.post('/login', { email: 'hr@test.example', password: TEST_PASSWORD, next: '/reviews' })).headers.location).toBe('/reviews');
      for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
        const c = new Browser(t);
        await c.get('/login');
        expect((await c.post('/login', { email: 'hr@test.example', password: TEST_PASSWORD, next })).headers.location).toBe('/');
      }
    });

    it('says "wrong email or password" beside a kept email, never echoing the password', async () => {
      const b = new Browser(t);
      await b.get('/login');
      const res = await b.post('/login', { email: 'hr@test.example', password: 'not-the-password' });
      expect(res.status).toBe(401);
      expect(res.text).toContain('Wrong email or password.');
      expect(res.text).toContain('value="hr@test.example"');
      expect(res.text).not.toContain('not-the-password');
      expect(b.cookies.scorecard_session).toBeUndefined();
    });

    it('sends someone who is not signed in to the sign-in page, and back afterwards', async () => {
      const res = await t.http.get(`/reviews/${review.id}`).expect(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(`/reviews/${review.id}`)}`);
    });

    it('makes a user with a temporary password choose a new one first', async () => {
      const email = 'fresh@web.example';
      await t.http.post('/api/users').set(t.as('admin')).send({ email, role: 'hr', password: 'temporary-pass-9' }).expect(201);
      const b = new Browser(t);
      const res = await b.signIn(email, 'temporary-pass-9');
      expect(res.headers.location).toBe('/password');
      expect((await b.get('/')).headers.location).toBe('/password');
      const page = await b.get('/password');
      expect(page.text).toContain('Your password was set by an administrator');
      const mismatch = await b.post('/password', { currentPassword: 'temporary-pass-9', newPassword: 'brand-new-pass-1', confirmPassword: 'other-pass-123' });
      expect(mismatch.status).toBe(400);
      expect(mismatch.text).toContain('The two new passwords differ.');
      const done = await b.post('/password', { currentPassword: 'temporary-pass-9', newPassword: 'brand-new-pass-1', confirmPassword: 'brand-new-pass-1' });
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/?notice=passwordChanged');
      expect((await b.get('/')).status).toBe(200);
    });

    it('signs out: the session ends and the cookie is cleared', async () => {
      const b = new Browser(t);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      const token = b.cookies.scorecard_session;
      await b.get('/');
      const res = await b.post('/logout', {});
      expect(res.headers.location).toBe('/login?notice=signedOut');
      expect(b.cookies.scorecard_session).toBeUndefined();
      await t.http.get('/api/auth/me').set('Cookie', `scorecard_session=${token}`).expect(401);
    });
  });

  describe('CSRF', () => {
    it('refuses a page form without the token, or with another token, with a page that says what to do', async () => {
      const b = new Browser(t);
      await b.get('/login');
      b.csrf = '';
      const missing = await b.post('/login', { email: 'hr@test.example', password: TEST_PASSWORD });
      expect(missing.status).toBe(403);
      expect(missing.headers['content-type']).toMatch(/^text\/html/);
      expect(missing.text).toContain('This form has expired or did not come from this site');
      b.csrf = 'x'.repeat(43);
      expect((await b.post('/login', { email: 'hr@test.example', password: TEST_PASSWORD })).status).toBe(403);
      expect(b.cookies.scorecard_session).toBeUndefined();
    });

    it('refuses a page form posted from another origin even with the token', async () => {
      const b = new Browser(t);
      await b.get('/login');
      const res = await b.post('/login', { email: 'hr@test.example', password: TEST_PASSWORD }, { Origin: 'https://evil.example' });
      expect(res.status).toBe(403);
      // An opaque origin (a sandboxed frame, a data: URL) and a foreign Referer without Origin are
      // refused too; our own forms name their origin (Referrer-Policy: same-origin).
      expect((await b.get('/login')).headers['referrer-policy']).toBe('same-origin');
      expect((await b.post('/login', { email: 'hr@test.example', password: TEST_PASSWORD }, { Origin: 'null' })).status).toBe(403);
      expect((await b.post('/login', { email: 'hr@test.example', password: TEST_PASSWORD }, { Referer: 'https://evil.example/form' })).status).toBe(403);
      expect(b.cookies.scorecard_session).toBeUndefined();
      expect((await b.post('/login', { email: 'hr@test.example', password: TEST_PASSWORD }, { Referer: `${t.url}/login` })).status).toBe(303);
    });

    it('binds the token to the session: a planted cookie and field, or the token from before sign-in, are refused (issue 12)', async () => {
      const b = new Browser(t);
      await b.get('/login');
      const anonymous = b.csrf;
      expect(anonymous).toBe(b.cookies.scorecard_csrf);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      // Sign-in cleared the anonymous cookie; the pages now carry a token tied to the session.
      expect(b.cookies.scorecard_csrf).toBeUndefined();
      expect(b.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(b.csrf).not.toBe(anonymous);
      const form = { name: `csrf ${Date.now()}`, periodStart: '2027-01-01', periodEnd: '2027-06-30' };
      const session = b.csrf;
      b.csrf = anonymous;
      expect((await b.post('/cycles', form)).status).toBe(403);
      // Another site that can set our cookies (a sibling subdomain) plants one and repeats it.
      const planted = 'p'.repeat(43);
      b.cookies.scorecard_csrf = planted;
      b.csrf = planted;
      expect((await b.post('/cycles', form)).status).toBe(403);
      const api = await t.http
        .post('/api/cycles')
        .set('Cookie', `scorecard_session=${b.cookies.scorecard_session}; scorecard_csrf=${planted}`)
        .set('X-CSRF-Token', planted)
        .send(form);
      expect(api.status).toBe(403);
      b.csrf = session;
      expect((await b.post('/cycles', form)).status).toBe(303);

      // A second sign-in is a new session with a new token; the old one is worth nothing.
      const again = new Browser(t);
      await again.signIn('hr@test.example', TEST_PASSWORD);
      expect(again.csrf).not.toBe(session);
      // Signing out rotates the anonymous token as well.
      await b.post('/logout', {});
      expect(b.cookies.scorecard_session).toBeUndefined();
      await b.get('/login');
      expect(b.csrf).not.toBe(anonymous);
    });

    it('allows styles and fonts from this site only', async () => {
      const csp = String((await t.http.get('/login')).headers['content-security-policy']);
      expect(csp.split(';')).toEqual(expect.arrayContaining(["style-src 'self'", "font-src 'self' data:"]));
      expect(csp).not.toContain('https:');
    });

    it('refuses a sign-in posted to the API from another site (login CSRF), not from this one or a plain client', async () => {
      const form = { email: 'hr@test.example', password: TEST_PASSWORD };
      const evil = await t.http.post('/api/auth/login').set('Origin', 'https://evil.example').type('form').send(form);
      expect(evil.status).toBe(403);
      expect(cookiesOf(evil).pairs.scorecard_session).toBeUndefined();
      await t.http.post('/api/auth/login').set('Origin', 'null').type('form').send(form).expect(403);
      await t.http.post('/api/auth/login').set('Origin', t.url).send(form).expect(200);
      await t.http.post('/api/auth/login').send(form).expect(200);
    });

    it('makes cookie-authenticated API writes repeat the token in X-CSRF-Token; bearer clients need nothing', async () => {
      const b = new Browser(t);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      const cookie = `scorecard_session=${b.cookies.scorecard_session}`;
      const body = { version: 999, entries: [] };
      const refused = await t.http.put(`/api/reviews/${review.id}`).set('Cookie', cookie).send(body).expect(403);
      expect(refused.headers['content-type']).toMatch(/^application\/json/);
      expect((refused.body as { message: string }).message).toMatch(/X-CSRF-Token/);
      // With the header the request gets through to the service (which finds the version stale).
      await t.http.put(`/api/reviews/${review.id}`).set('Cookie', cookie).set('X-CSRF-Token', b.csrf).send(body).expect(409);
      await t.http.put(`/api/reviews/${review.id}`).set(t.as('hr')).send(body).expect(409);
      // Reading needs no token.
      await t.http.get(`/api/reviews/${review.id}`).set('Cookie', cookie).expect(200);
    });
  });

  describe('language', () => {
    it('follows the browser until a language is chosen, then remembers the choice in a cookie', async () => {
      // Neither choice nor preference: the configured default (DEFAULT_LANG, zh-CN).
      expect((await t.http.get('/login').expect(200)).text).toContain('<h1>登录</h1>');
      const zh = await t.http.get('/login').set('Accept-Language', 'zh-CN,zh;q=0.9,en;q=0.8').expect(200);
      expect(zh.text).toContain('<html lang="zh-CN">');
      expect(zh.text).toContain('<h1>登录</h1>');
      const en = await t.http.get('/login').set('Accept-Language', 'en-GB,en;q=0.9').expect(200);
      expect(en.text).toContain('<h1>Sign in</h1>');

      const b = new Browser(t);
      await b.get('/login', { 'Accept-Language': 'en' });
      const set = await b.post('/lang', { lang: 'zh-CN', next: '/login' });
      expect(set.status).toBe(303);
      expect(set.headers.location).toBe('/login');
      expect(cookiesOf(set).lines.find((l) => l.startsWith('scorecard_lang='))).toMatch(/Max-Age=31536000/);
      const after = await b.get('/login', { 'Accept-Language': 'en' });
      expect(after.text).toContain('<h1>登录</h1>');
    });

    it('returns from the switch to the page it was on, without one-time notices or form addresses', async () => {
      const b = new Browser(t);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      expect((await b.get('/reviews?status=draft&notice=started')).text).toContain('name="next" value="/reviews?status&#x3D;draft"');
      await b.get(`/reviews/${review.id}`);
      const refused = await b.post(`/reviews/${review.id}/reopen`, { version: '1', reason: 'x' }, { Referer: `${t.url}/reviews/${review.id}` });
      expect(refused.text).toContain(`name="next" value="/reviews/${review.id}"`);
    });

    it('shows every signed-in page in the chosen language, Chinese included', async () => {
      const b = new Browser(t);
      b.cookies.scorecard_lang = 'zh-CN';
      await b.signIn('hr@test.example', TEST_PASSWORD);
      const page = await b.get(`/reviews/${review.id}`);
      expect(page.text).toContain('保存');
      expect(page.text).toContain('销售业绩完成情况');
      expect(page.text).not.toContain('>Save<');
    });
  });

  describe('error pages', () => {
    it('answers an unknown page with a not-found page, and an unknown API path with JSON', async () => {
      const page = await t.http.get('/no/such/page').set('Accept-Language', 'en').expect(404);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('Page not found');
      const api = await t.http.get('/api/no/such/thing').expect(404);
      expect(api.headers['content-type']).toMatch(/^application\/json/);
    });

    it('turns a failure inside a page into a friendly page without internals', async () => {
      const b = new Browser(t);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      const spy = jest.spyOn(t.app.get(ReviewsService), 'get').mockRejectedValueOnce(new Error('boom in secret-module.ts:42'));
      try {
        const res = await b.get(`/reviews/${review.id}`);
        expect(res.status).toBe(500);
        expect(res.text).toContain('Something went wrong on our side');
        expect(res.text).not.toContain('boom');
        expect(res.text).not.toContain('secret-module');
      } finally {
        spy.mockRestore();
      }
    });

    it('tells a signed-in user without the role that the page is not for them', async () => {
      const b = new Browser(t);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      const res = await b.get('/admin/users');
      expect(res.status).toBe(403);
      expect(res.text).toContain('Not for your role');
    });
  });

  describe('what pages send', () => {
    it('escapes names from the data, and runs no inline script', async () => {
      const b = new Browser(t);
      await b.signIn('admin@test.example', 'first-boss-key-42');
      for (const path of ['/', '/reviews', `/reviews/${review.id}`, '/cycles', '/employees', '/admin/templates', '/admin/users']) {
        const res = await b.get(path);
        expect([path, res.status]).toEqual([path, 200]);
        expect(res.text).not.toContain('<img src=x');
        for (const tag of res.text.match(/<script\b[^>]*>/g) ?? [])
          expect([path, tag]).toEqual([path, expect.stringMatching(/ src="\/assets\/|type="application\/json"/)]);
        expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
        expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
      }
      for (const path of ['/reviews', '/employees']) expect((await b.get(path)).text).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      const search = await b.get('/employees?q=%3Cimg');
      expect(search.text).toContain('value="&lt;img"');
      expect(search.text).toMatch(/1–1 of 1/);
    });

    it('serves its assets with a content hash and a long cache only for the current hash', async () => {
      const page = await t.http.get('/login').expect(200);
      const css = /href="(\/assets\/app\.css\?v(?:=|&#x3D;)([0-9a-f]{16}))"/.exec(page.text);
      expect(css).not.toBeNull();
      const hash = css?.[2] ?? '';
      const res = await t.http.get(`/assets/app.css?v=${hash}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/css/);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await t.http.get('/assets/app.css').expect(200)).headers['cache-control']).toBe('no-cache');
      await t.http.get('/assets/app.css').set('If-None-Match', `"${hash}"`).expect(304);
      await t.http.get('/assets/nope.js').expect(404);
    });
  });

  describe('review actions from plain forms', () => {
    it('refuses to submit with KPIs missing and marks each of them on the page', async () => {
      const cycle = await seedOpenCycle(t);
      const e = await createEmployee(t);
      const r = await createReview(t, e.id, cycle.id);
      await t.http
        .put(`/api/reviews/${r.id}`)
        .set(t.as('hr'))
        .send({ version: r.version, entries: [{ kpiKey: 'selling', rating: 4 }] })
        .expect(200);
      const b = new Browser(t);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      await b.get(`/reviews/${r.id}`);
      const res = await b.post(`/reviews/${r.id}/submit`, { version: String(r.version + 1) });
      expect(res.status).toBe(409);
      expect(res.text).toMatch(/7 KPI\(s\) have no input/);
      expect(res.text.match(/<tr data-kpi="[a-z_]+" class="has-error">/g)?.length).toBe(7);
      expect(res.text).not.toContain('<tr data-kpi="selling" class="has-error">');
    });

    it('reopens with a reason (and asks for one), and lets a manager comment on a submitted review', async () => {
      const cycle = await seedOpenCycle(t);
      const boss = await createEmployee(t, 'manager');
      const e = await createEmployee(t, 'account_manager', { managerId: boss.id });
      let r = await createReview(t, e.id, cycle.id);
      r = (await t.http.put(`/api/reviews/${r.id}`).set(t.as('hr')).send({ version: r.version, entries: fullAccountManagerEntries() }).expect(200))
        .body as ReviewDto;
      r = (await t.http.post(`/api/reviews/${r.id}/submit`).set(t.as('hr')).send({ version: r.version }).expect(200)).body as ReviewDto;

      await t.userFor('manager', boss.id, 'boss@web.example');
      const m = new Browser(t);
      await m.signIn('boss@web.example', TEST_PASSWORD);
      const page = await m.get(`/reviews/${r.id}`);
      expect(page.text).toContain('action="/reviews/' + r.id + '/comment"');
      expect((await m.post(`/reviews/${r.id}/comment`, { version: String(r.version), comment: '  ' })).status).toBe(400);
      const commented = await m.post(`/reviews/${r.id}/comment`, { version: String(r.version), comment: 'Strong year' });
      expect(commented.headers.location).toBe(`/reviews/${r.id}?notice=commented`);
      r = (await t.http.get(`/api/reviews/${r.id}`).set(t.as('hr')).expect(200)).body as ReviewDto;
      expect(r.managerComment).toBe('Strong year');

      const b = new Browser(t);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      await b.get(`/reviews/${r.id}`);
      const noReason = await b.post(`/reviews/${r.id}/reopen`, { version: String(r.version), reason: 'x' });
      expect(noReason.status).toBe(400);
      expect(noReason.text).toContain('Give a reason of at least 3 characters.');
      const stale = await b.post(`/reviews/${r.id}/reopen`, { version: String(r.version - 1), reason: 'Wrong sales figure' });
      expect(stale.status).toBe(409);
      expect(stale.text).toContain('Someone else changed this review');
      const ok = await b.post(`/reviews/${r.id}/reopen`, { version: String(r.version), reason: 'Wrong sales figure' });
      expect(ok.headers.location).toBe(`/reviews/${r.id}?notice=reopened`);
      const reopened = await b.get(`/reviews/${r.id}`);
      expect(reopened.text).toContain('Reopened: Wrong sales figure');
      expect(reopened.text).toContain('id="save"');
    });

    it("holds a page's reopen reason and manager comment to the API's length limits, in the page's language, saving nothing", async () => {
      const cycle = await seedOpenCycle(t);
      const boss = await createEmployee(t, 'manager');
      const e = await createEmployee(t, 'account_manager', { managerId: boss.id });
      let r = await createReview(t, e.id, cycle.id);
      r = (await t.http.put(`/api/reviews/${r.id}`).set(t.as('hr')).send({ version: r.version, entries: fullAccountManagerEntries() }).expect(200))
        .body as ReviewDto;
      r = (await t.http.post(`/api/reviews/${r.id}/submit`).set(t.as('hr')).send({ version: r.version }).expect(200)).body as ReviewDto;
      // The API refuses the same lengths (ReopenDto: 2000, ManagerCommentDto: 10000).
      await t.http
        .post(`/api/reviews/${r.id}/reopen`)
        .set(t.as('hr'))
        .send({ version: r.version, reason: 'r'.repeat(2001) })
        .expect(400);

      await t.userFor('manager', boss.id, 'longboss@web.example');
      const m = new Browser(t);
      await m.signIn('longboss@web.example', TEST_PASSWORD);
      await m.get(`/reviews/${r.id}`);
      const longComment = `Strong year ${'c'.repeat(10000)}`;
      const tooLong = await m.post(`/reviews/${r.id}/comment`, { version: String(r.version), comment: longComment });
      expect(tooLong.status).toBe(400);
      expect(tooLong.text).toContain('The comment can be at most 10000 characters long; shorten it.');
      expect(tooLong.text).toContain(`>${longComment}</textarea>`);
      m.cookies.scorecard_lang = 'zh-CN';
      const zh = await m.post(`/reviews/${r.id}/comment`, { version: String(r.version), comment: longComment }, { 'Accept-Language': 'zh-CN' });
      expect(zh.status).toBe(400);
      expect(zh.text).toContain('评语最多 10000 个字，请删减后重试。');

      const b = new Browser(t);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      await b.get(`/reviews/${r.id}`);
      const longReason = `Wrong figure ${'r'.repeat(2000)}`;
      const refused = await b.post(`/reviews/${r.id}/reopen`, { version: String(r.version), reason: longReason });
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('The reason can be at most 2000 characters long; shorten it.');
      expect(refused.text).toContain(`>${longReason}</textarea>`);
      b.cookies.scorecard_lang = 'zh-CN';
      const zhReason = await b.post(`/reviews/${r.id}/reopen`, { version: String(r.version), reason: longReason }, { 'Accept-Language': 'zh-CN' });
      expect(zhReason.status).toBe(400);
      expect(zhReason.text).toContain('原因最多 2000 个字，请删减后重试。');

      const after = (await t.http.get(`/api/reviews/${r.id}`).set(t.as('hr')).expect(200)).body as ReviewDto;
      expect(after.version).toBe(r.version);
      expect(after.status).toBe('submitted');
      expect(after.managerComment).toBe(r.managerComment);
    });
  });

  describe('cycles', () => {
    it('plans, opens and closes a cycle, saying why one cannot close yet', async () => {
      const b = new Browser(t);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      await b.get('/cycles');
      const bad = await b.post('/cycles', { name: '', periodStart: '2027-07-01', periodEnd: '2027-13-01' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Period end must be a valid date (YYYY-MM-DD)');
      const created = await b.post('/cycles', { name: 'Web 2027 H2', periodStart: '2027-07-01', periodEnd: '2027-12-31' });
      expect(created.headers.location).toBe('/cycles?notice=cycleCreated');
      const cycle = ((await t.http.get('/api/cycles').set(t.as('hr')).expect(200)).body as { id: string; name: string; version: number }[]).find(
        (c) => c.name === 'Web 2027 H2',
      );
      if (!cycle) throw new Error('cycle not created');
      await b.get('/cycles');
      expect((await b.post(`/cycles/${cycle.id}/open`, { version: String(cycle.version) })).headers.location).toBe('/cycles?notice=cycleOpened');
      const e = await createEmployee(t);
      await createReview(t, e.id, cycle.id);
      const refused = await b.post(`/cycles/${cycle.id}/close`, { version: String(cycle.version + 1) });
      expect(refused.status).toBe(409);
      expect(refused.text).toMatch(/cannot close: 1 review\(s\) are not finalized yet/);
    });
  });

  describe('admin pages', () => {
    it('creates a user linked by employee number, changes the role, disables and resets the password', async () => {
      const e = await createEmployee(t, 'account_manager');
      const b = new Browser(t);
      await b.signIn('admin@test.example', 'first-boss-key-42');
      await b.get('/admin/users');
      const unknown = await b.post('/admin/users', { email: 'linked@web.example', role: 'employee', employeeNo: 'NOPE-1', password: 'first-pass-123' });
      expect(unknown.status).toBe(400);
      expect(unknown.text).toContain('No employee has the number NOPE-1.');
      expect(unknown.text).toContain('value="linked@web.example"');
      const created = await b.post('/admin/users', {
        email: 'linked@web.example',
        role: 'employee',
        employeeNo: e.employeeNo.toLowerCase(),
        password: 'first-pass-123',
      });
      expect(created.status).toBe(303);
      const userPath = created.headers.location.split('?')[0];
      const u = new Browser(t);
      await u.signIn('linked@web.example', 'first-pass-123');
      await u.post('/password', { currentPassword: 'first-pass-123', newPassword: 'second-pass-123', confirmPassword: 'second-pass-123' });
      expect((await u.get('/my')).status).toBe(200);

      const page = await b.get(userPath);
      expect(page.text).toContain(`value="${e.employeeNo}"`);
      const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '';

      const upd = await b.post(userPath, { version, role: 'manager', employeeNo: e.employeeNo, disabled: 'on' });
      expect([upd.status, /id="problem">([^<]*)/.exec(upd.text)?.[1]]).toEqual([303, undefined]);
      const after = await b.get(userPath);
      expect(after.text).toContain('<option value="manager" selected>');
      expect(after.text).toMatch(/badge disabled/);
      // Disabling ended their session: the next page sends them to sign in.
      expect((await u.get('/my')).headers.location).toBe('/login?next=%2Fmy');

      const v2 = /name="version" value="(\d+)"/.exec(after.text)?.[1] ?? '';
      expect((await b.post(`${userPath}/reset-password`, { version: v2, password: 'short' })).status).toBe(400);
      expect((await b.post(`${userPath}/reset-password`, { version: v2, password: 'temporary-pass-77' })).headers.location).toBe(
        `${userPath}?notice=passwordReset`,
      );
    });

    it('pages the user list and searches it', async () => {
      const tag = `pager${Date.now().toString(36)}`;
      for (let i = 1; i <= 51; i++) {
        await t.http
          .post('/api/users')
          .set(t.as('admin'))
          .send({ email: `${tag}-${String(i).padStart(2, '0')}@web.example`, role: 'hr', password: 'long-enough-1' })
          .expect(201);
      }
      const b = new Browser(t);
      await b.signIn('admin@test.example', 'first-boss-key-42');
      const emails = (html: string) => [...html.matchAll(/<a href="\/admin\/users\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
      const first = await b.get(`/admin/users?q=${tag}`);
      expect(emails(first.text)).toHaveLength(50);
      expect(first.text).toContain('1–50 of 51 · 51 of ');
      const second = await b.get(`/admin/users?q=${tag}&page=2`);
      expect(emails(second.text)).toEqual([`${tag}-51@web.example`]);
    });

    it('shows what a template draft changes against the published version', async () => {
      const templates = (await t.http.get('/api/kpi-templates').set(t.as('admin')).expect(200)).body as { id: string; role: { code: string } }[];
      const id = templates.find((x) => x.role.code === 'manager')?.id ?? '';
      const b = new Browser(t);
      await b.signIn('admin@test.example', 'first-boss-key-42');
      await b.get(`/admin/templates/${id}`);
      expect((await b.post(`/admin/templates/${id}/draft`, {})).status).toBe(303);
      const page = await b.get(`/admin/templates/${id}`);
      expect(page.text).toContain('The draft is identical to the published version so far.');
      const draftAction = /action="(\/admin\/templates\/[^"]+\/draft\/[^"/]+)"/.exec(page.text)?.[1] ?? '';
      // manager: 25/25/20 on results, 4 × 7.5 on skills; move 5 from company to team.
      const form = { ...draftFormFields(page.text), 'kpis[0].weight': '20', 'kpis[1].weight': '30', notes: 'Team matters more', action: 'save' };
      expect((await b.post(draftAction, form)).status).toBe(303);
      const diff = await b.get(`/admin/templates/${id}`);
      expect(diff.text).toMatch(/<tr class="diff-changed"><td>Company performance<\/td><td><code>weight<\/code><\/td><td>25<\/td><td>20<\/td><\/tr>/);
      expect(diff.text).toMatch(/<tr class="diff-changed"><td>Team performance<\/td><td><code>weight<\/code><\/td><td>25<\/td><td>30<\/td><\/tr>/);
      expect(diff.text).toContain('Team matters more');
    });
  });

  describe('employees', () => {
    const form = (b: Browser, over: Record<string, string> = {}) => ({
      employeeNo: '',
      name: '',
      email: '',
      roleId: /<option value="([0-9a-f-]{36})"(?: selected)?>Account manager<\/option>/.exec(b.lastText)?.[1] ?? '',
      department: '华东销售部',
      managerNo: '',
      hireDate: '2024-03-01',
      active: 'on',
      ...over,
    });

    it('adds an employee from the form, with the manager named by number, then edits them', async () => {
      const boss = await createEmployee(t, 'manager');
      const u = Date.now().toString(36).toUpperCase();
      const b = new Browser(t);
      await b.signIn('admin@test.example', 'first-boss-key-42');
      await b.get('/employees/new');
      const created = await b.post(
        '/employees',
        form(b, { employeeNo: `F${u}`, name: '欧阳修', email: `f${u}@web.example`, managerNo: boss.employeeNo.toLowerCase() }),
      );
      expect(created.status).toBe(303);
      const id = /\/employees\/([0-9a-f-]{36})\?notice=employeeCreated/.exec(created.headers.location ?? '')?.[1] ?? '';
      const api = (await t.http.get(`/api/employees/${id}`).set(t.as('hr')).expect(200)).body as {
        name: string;
        manager: { id: string } | null;
        version: number;
        active: boolean;
      };
      expect(api).toMatchObject({ name: '欧阳修', manager: { id: boss.id }, active: true });

      const page = await b.get(`/employees/${id}?notice=employeeCreated`);
      expect(page.text).toContain('The employee is added.');
      expect(page.text).toContain(`value="${boss.employeeNo}"`);
      // Untick active and clear the manager.
      const saved = await b.post(
        `/employees/${id}`,
        form(b, { version: String(api.version), employeeNo: `F${u}`, name: '欧阳修', email: `f${u}@web.example`, managerNo: '', active: '' }),
      );
      expect(saved.status).toBe(303);
      const after = (await t.http.get(`/api/employees/${id}`).set(t.as('hr')).expect(200)).body as { manager: unknown; active: boolean };
      expect(after).toMatchObject({ manager: null, active: false });
    });

    it('shows each refused field next to its input, keeps what was typed and adds nothing', async () => {
      const taken = await createEmployee(t);
      const b = new Browser(t);
      await b.signIn('admin@test.example', 'first-boss-key-42');
      await b.get('/employees/new');
      const before = (await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM employees'))[0].n;
      const bad = await b.post(
        '/employees',
        form(b, { employeeNo: 'has space', name: '', email: 'not-an-email', managerNo: 'NOBODY-HERE', hireDate: '2024-13-45' }),
      );
      expect(bad.status).toBe(400);
      for (const field of ['employeeNo', 'name', 'email', 'managerNo', 'hireDate'])
        expect(bad.text).toMatch(new RegExp(`<p class="field-error" id="e-${field}">`));
      expect(bad.text).toContain('No employee has the number NOBODY-HERE.');
      expect(bad.text).toContain('value="not-an-email"');
      const dup = await b.post('/employees', form(b, { employeeNo: taken.employeeNo, name: 'Dup', email: 'dup@web.example' }));
      expect(dup.status).toBe(409);
      expect(dup.text).toMatch(/<p class="field-error" id="e-employeeNo">Employee number is already taken; choose another<\/p>/);
      expect((await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM employees'))[0].n).toBe(before);
    });

    it('says when someone else saved first, names what they changed, and keeps what was typed', async () => {
      const e = await createEmployee(t, 'account_manager', { name: 'Stale Test' });
      const [a, b] = [new Browser(t), new Browser(t)];
      for (const x of [a, b]) {
        await x.signIn('admin@test.example', 'first-boss-key-42');
        await x.get(`/employees/${e.id}`);
      }
      const base = { employeeNo: e.employeeNo, email: e.email, hireDate: e.hireDate, version: String(e.version) };
      expect((await a.post(`/employees/${e.id}`, form(a, { ...base, name: 'Stale Test', department: 'Moved by A' }))).status).toBe(303);
      const late = await b.post(`/employees/${e.id}`, form(b, { ...base, name: 'Renamed by B' }));
      expect(late.status).toBe(409);
      expect(late.text).toContain('Someone else saved this employee while you were editing.');
      expect(late.text).toMatch(/<strong class="changed-field">Name<\/strong>, <strong class="changed-field">Department<\/strong>/);
      expect(late.text).toContain('value="Renamed by B"');
      const stored = (await t.http.get(`/api/employees/${e.id}`).set(t.as('hr')).expect(200)).body as { name: string; department: string; version: number };
      expect(stored).toMatchObject({ name: 'Stale Test', department: 'Moved by A' });
      // The page now carries the current version: saving again is a deliberate overwrite.
      expect(late.text).toContain(`name="version" value="${stored.version}"`);
      expect((await b.post(`/employees/${e.id}`, form(b, { ...base, version: String(stored.version), name: 'Renamed by B' }))).status).toBe(303);
    });
  });

  describe('the team page', () => {
    it('searches the team by name or number and pages it, while the chart counts the whole team', async () => {
      const cycle = await seedOpenCycle(t);
      const manager = await createEmployee(t, 'manager');
      const u = `T${Date.now().toString(36).toUpperCase()}`;
      // 51 reports: one more than a page.
      for (let i = 1; i <= 51; i++) {
        const e = await createEmployee(t, 'account_manager', {
          managerId: manager.id,
          employeeNo: `${u}-${String(i).padStart(2, '0')}`,
          name: i === 7 ? '欧阳娜娜' : `Member ${i}`,
        });
        if (i <= 2) await createReview(t, e.id, cycle.id);
      }
      await t.userFor('manager', manager.id, 'team-pager@web.example');
      const b = new Browser(t);
      await b.signIn('team-pager@web.example', TEST_PASSWORD);
      const rows = (html: string) => [...html.matchAll(/<tr data-employee="([^"]+)">/g)].map((m) => m[1]);

      const first = await b.get(`/team?cycleId=${cycle.id}`);
      expect(rows(first.text)).toHaveLength(50);
      expect(first.text).toContain('0 final · 0 complete but not finalized · 2 still incomplete · 49 not started');
      expect(first.text).toMatch(/<a class="button small" href="[^"]*page&#x3D;2" rel="next">/);
      const second = await b.get(`/team?cycleId=${cycle.id}&page=2`);
      expect(rows(second.text)).toEqual([`${u}-51`]);

      const byName = await b.get(`/team?cycleId=${cycle.id}&q=${encodeURIComponent('欧阳')}`);
      expect(rows(byName.text)).toEqual([`${u}-07`]);
      // The summary still speaks of the whole team.
      expect(byName.text).toContain('0 final · 0 complete but not finalized · 2 still incomplete · 49 not started');
      const byNumber = await b.get(`/team?cycleId=${cycle.id}&q=${u.toLowerCase()}-0`);
      expect(rows(byNumber.text)).toHaveLength(9);
      const none = await b.get(`/team?cycleId=${cycle.id}&q=nobody-here`);
      expect(rows(none.text)).toEqual([]);
      expect(none.text).toContain('Nobody in your team matches that search.');
      // A page past the end shows the last one.
      expect(rows((await b.get(`/team?cycleId=${cycle.id}&page=99`)).text)).toEqual([`${u}-51`]);
    });

    it("counts the bands of the whole team, names each complete review's band, and lists an employee's own finalized reviews", async () => {
      const cycle = await seedOpenCycle(t);
      const manager = await createEmployee(t, 'manager');
      const done = await createEmployee(t, 'account_manager', { managerId: manager.id });
      const started = await createEmployee(t, 'account_manager', { managerId: manager.id });
      const waiting = await createEmployee(t, 'account_manager', { managerId: manager.id });
      const pending = await createEmployee(t, 'account_manager', { managerId: manager.id });
      let r = await createReview(t, done.id, cycle.id);
      r = (await t.http.put(`/api/reviews/${r.id}`).set(t.as('hr')).send({ version: r.version, entries: fullAccountManagerEntries() }).expect(200))
        .body as ReviewDto;
      r = (await t.http.post(`/api/reviews/${r.id}/submit`).set(t.as('hr')).send({ version: r.version }).expect(200)).body as ReviewDto;
      r = (await t.http.post(`/api/reviews/${r.id}/finalize`).set(t.as('hr')).send({ version: r.version }).expect(200)).body as ReviewDto;
      await createReview(t, started.id, cycle.id);
      // Complete and submitted, not finalized, no manager comment yet: provisional, and waiting for the manager.
      let p = await createReview(t, pending.id, cycle.id);
      p = (await t.http.put(`/api/reviews/${p.id}`).set(t.as('hr')).send({ version: p.version, entries: fullAccountManagerEntries() }).expect(200))
        .body as ReviewDto;
      p = (await t.http.post(`/api/reviews/${p.id}/submit`).set(t.as('hr')).send({ version: p.version }).expect(200)).body as ReviewDto;
      expect(r.band).not.toBeNull();
      const band = r.band as NonNullable<ReviewDto['band']>;

      const managerEmail = `team-bands-${uniq()}@web.example`.toLowerCase();
      const asManager = await t.userFor('manager', manager.id, managerEmail);
      const mb = new Browser(t);
      await mb.signIn(managerEmail, TEST_PASSWORD);
      const team = await mb.get(`/team?cycleId=${cycle.id}`);
      expect(team.status).toBe(200);
      expect(team.text).toContain('1 final · 1 complete but not finalized · 1 still incomplete · 1 not started');
      expect(team.text).toContain('The 3 scorecard(s) of your team in this cycle');
      expect(team.text).toContain('1 submitted reviews await your comment.');
      const row = (no: string) => new RegExp(`<tr data-employee="${no}">[\\s\\S]*?</tr>`).exec(team.text)?.[0] ?? '';
      expect(row(done.employeeNo)).toContain(`<td data-label="Rating band">${band.labelEn}</td>`);
      expect(row(started.employeeNo)).toContain('<span class="muted">—</span>');
      expect(row(waiting.employeeNo)).toContain('not_started');
      expect(row(pending.employeeNo)).toContain('awaiting-comment');
      expect(row(done.employeeNo)).not.toContain('awaiting-comment');
      expect(row(started.employeeNo)).not.toContain('awaiting-comment');
      // The charts: every band of the pinned template, highest first; the finalized review in the final chart,
      // the submitted one only in the provisional chart.
      const chart = (id: string) => new RegExp(`<div id="${id}">([\\s\\S]*?)</div>`).exec(team.text)?.[1] ?? '';
      const labels = [...chart('team-final-chart').matchAll(/<text [^>]*text-anchor="end">([^<]+)<\/text>/g)].map((m) => m[1]);
      expect(labels).toEqual([...r.bands].sort((a, b) => b.min - a.min).map((b) => b.labelEn));
      const counts = (id: string) => [...chart(id).matchAll(/<rect [^>]*\/><text [^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]));
      const sorted = [...r.bands].sort((a, b) => b.min - a.min);
      expect(counts('team-final-chart')).toEqual(sorted.map((b) => (b.key === band.key ? 1 : 0)));
      expect(counts('team-provisional-chart')).toEqual(sorted.map((b) => (b.key === p.band?.key ? 1 : 0)));

      // Once the manager comments, the mark goes away.
      await t.http.post(`/api/reviews/${p.id}/manager-comment`).set(asManager).send({ comment: 'Solid.', version: p.version }).expect(200);
      const after = await mb.get(`/team?cycleId=${cycle.id}`);
      expect(after.text).not.toContain('awaiting-comment');
      expect(after.text).not.toContain('await your comment');

      const email = `my-${uniq()}@web.example`.toLowerCase();
      await t.userFor('employee', done.id, email);
      const eb = new Browser(t);
      await eb.signIn(email, TEST_PASSWORD);
      const my = await eb.get('/my');
      const mine = new RegExp(`<tr data-review="${r.id}">[\\s\\S]*?</tr>`).exec(my.text)?.[0] ?? '';
      expect(mine).toContain(cycle.name);
      expect(mine).toContain(`${cycle.periodStart} – ${cycle.periodEnd}`);
      expect(mine).toContain(r.total.toFixed(2));
      expect(mine).toContain(band.labelEn);
      expect(mine).toContain(`name="version" value="${r.version}"`);
      expect(mine).toContain('class="primary small acknowledge"');
      expect([...my.text.matchAll(/<tr data-review="/g)]).toHaveLength(1);
    });
  });

  describe('the team zip without JavaScript', () => {
    let cycle: { id: string; name: string };
    let reviews: ReviewDto[];
    const boss = 'zip-boss@web.example';
    const otherBoss = 'zip-other@web.example';
    let bossApi: Record<string, string>;

    beforeAll(async () => {
      cycle = await seedOpenCycle(t);
      const manager = await createEmployee(t, 'manager');
      const other = await createEmployee(t, 'manager');
      reviews = [];
      for (const name of ['张伟', 'Ann Lee'])
        reviews.push(await createReview(t, (await createEmployee(t, 'account_manager', { managerId: manager.id, name })).id, cycle.id));
      await createReview(t, (await createEmployee(t, 'account_manager', { managerId: other.id, name: 'Outside Person' })).id, cycle.id);
      bossApi = await t.userFor('manager', manager.id, boss);
      await t.userFor('manager', other.id, otherBoss);
    });

    /** An export of the boss's that matches no review: done at once, nothing printed. */
    const emptyExport = async () => {
      const res = await t.http.post(`/api/cycles/${cycle.id}/scorecards`).set(bossApi).send({ department: 'web: nobody' }).expect(202);
      return (res.body as { id: string }).id;
    };
    const exportsBy = async (email: string) =>
      (await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM export_jobs WHERE created_by = $1', [email]))[0].n;

    it('starts from a plain form, follows the export by refreshing, then links the zip', async () => {
      const gate = holdExportPrinting(t);
      try {
        const b = new Browser(t);
        await b.signIn(boss, TEST_PASSWORD);
        const team = await b.get(`/team?cycleId=${cycle.id}`);
        expect(team.text).toContain(`<form method="post" action="/cycles/${cycle.id}/scorecards" class="card actions inline" id="team-zip-form">`);
        expect(team.text).toContain('The 2 scorecard(s) of your team in this cycle');

        const started = await b.post(`/cycles/${cycle.id}/scorecards`, {});
        expect(started.status).toBe(303);
        const location = String(started.headers.location);
        expect(location).toMatch(/^\/exports\/[0-9a-f-]{36}$/);
        const id = location.split('/')[2];

        // Nothing printed yet: an empty bar, a refresh link (and the script that makes it unneeded), no download.
        const running = await b.get(location);
        expect(running.status).toBe(200);
        expect(running.text).toContain('<progress id="export-progress" max="2" value="0" aria-valuetext="0 of 2 scorecard(s) processed"');
        expect(running.text).toContain(`<a id="export-refresh" class="button" href="${location}">Refresh</a>`);
        expect(running.text).toMatch(/<a id="export-download"[^>]* hidden>/);
        expect(running.text).toMatch(/<script src="\/assets\/export-progress\.js\?v(?:=|&#x3D;)[0-9a-f]{16}" defer>/);
        expect(running.text).toContain('Back to my team');

        gate.open();
        let page = running;
        for (const until = Date.now() + 60_000; !page.text.includes('data-state="done"');) {
          if (Date.now() > until) throw new Error(`export not done after a minute: ${/id="export-state"[^>]*>([^<]*)/.exec(page.text)?.[1]}`);
          await new Promise((r) => setTimeout(r, 250));
          page = await b.get(location);
        }
        expect(page.text).toContain('<progress id="export-progress" max="2" value="2"');
        expect(page.text).toContain('Ready: 2 scorecard(s) in the zip.');
        expect(page.text).toContain(`<a id="export-download" class="button primary" href="/api/exports/${id}/download" download>Download zip</a>`);
        expect(page.text).not.toContain('id="export-refresh"');
        expect(page.text).not.toContain('export-progress.js');

        const zip = await b.download(`/api/exports/${id}/download`);
        expect([zip.status, zip.type]).toEqual([200, 'application/zip']);
        const entries = readZip(zip.body);
        // The team's two, not the other team's; the browser test checks the PDFs with poppler.
        expect(entries.map((e) => e.name).sort()).toEqual(reviews.map((r) => scorecardFilename(r, 'pdf')).sort());
        for (const e of entries) expect(e.data.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      } finally {
        gate.open();
      }
    });

    it("shows the page of someone else's export, an unknown one or a malformed address as not found", async () => {
      const location = `/exports/${await emptyExport()}`;
      const b = new Browser(t);
      await b.signIn(boss, TEST_PASSWORD);
      const own = await b.get(location);
      expect(own.status).toBe(200);
      expect(own.text).toContain('There were no reviews to put in a zip.');
      const other = new Browser(t);
      await other.signIn(otherBoss, TEST_PASSWORD);
      for (const path of [location, '/exports/00000000-0000-4000-8000-000000000000', '/exports/not-an-id']) {
        const res = await other.get(path);
        expect([path, res.status]).toEqual([path, 404]);
        expect(res.text).toContain('Page not found');
        expect(res.text).not.toContain(cycle.name);
        expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
      }
      // HR may follow anyone's export (the API's rule).
      const hr = new Browser(t);
      await hr.signIn('hr@test.example', TEST_PASSWORD);
      const seen = await hr.get(location);
      expect(seen.status).toBe(200);
      expect(seen.text).toContain('Back to the dashboard');
    });

    it('refuses to start an export from a form without the CSRF token', async () => {
      const b = new Browser(t);
      await b.signIn(boss, TEST_PASSWORD);
      await b.get(`/team?cycleId=${cycle.id}`);
      const before = await exportsBy(boss);
      b.csrf = '';
      const res = await b.post(`/cycles/${cycle.id}/scorecards`, {});
      expect(res.status).toBe(403);
      expect(res.text).toContain('This form has expired or did not come from this site');
      expect(await exportsBy(boss)).toBe(before);
    });

    it('says how many scorecards failed, and that an export failed as a whole', async () => {
      const id = await emptyExport();
      const location = `/exports/${id}`;
      const b = new Browser(t);
      await b.signIn(boss, TEST_PASSWORD);
      const real = (await t.http.get(`/api/exports/${id}`).set(bossApi).expect(200)).body as ExportDto;
      // The page as it looks for exports in these states; the states themselves come from the workers.
      const service = t.app.get(ExportsService);
      const as = (over: Partial<ExportDto>) => jest.spyOn(service, 'get').mockResolvedValueOnce({ ...real, ...over });

      as({ state: 'done', total: 3, done: 2, failed: 1 });
      const partial = await b.get(location);
      expect(partial.text).toContain('Ready: 2 of 3 scorecard(s) in the zip.');
      expect(partial.text).toContain('<p id="export-failed" class="alert warn">1 scorecard(s) could not be printed.');
      expect(partial.text).toMatch(/<a id="export-download"[^>]* download>/);
      expect(partial.text).toContain(`<form method="post" action="/exports/${id}/retry-failed" class="actions inline" id="export-retry-form">`);

      as({ state: 'failed', total: 2, done: 0, failed: 2 });
      const failed = await b.get(location);
      expect(failed.status).toBe(200);
      expect(failed.text).toContain('<p id="export-state" role="status" class="alert">The export failed: none of the 2 scorecard(s) could be printed');
      expect(failed.text).toMatch(/<a id="export-download"[^>]* hidden>/);
      expect(failed.text).toMatch(/<p id="export-failed" class="alert warn" hidden>/);
      expect(failed.text).not.toContain('export-progress.js');
      expect(failed.text).toContain(`<form method="post" action="/exports/${id}/retry-failed" class="actions inline" id="export-retry-form">`);
      // Nothing failed: no button.
      expect((await b.get(location)).text).toMatch(/id="export-retry-form" hidden>/);
    });
  });

  describe('template editor without script', () => {
    let b: Browser;
    let templateId: string;
    let draftAction: string;

    /** A role of its own (so reviews of the default roles are untouched), published once, with a draft open on the page. */
    beforeAll(async () => {
      const role = (
        await t.http
          .post('/api/roles')
          .set(t.as('admin'))
          .send({ code: `editor_${uniq()}`, nameZh: '编辑测试', nameEn: 'Editor test' })
          .expect(201)
      ).body as RoleDto;
      templateId = role.templateId;
      const { kpis, bands } = ACCOUNT_MANAGER;
      const first = (
        await t.http
          .post(`/api/kpi-templates/${templateId}/versions`)
          .set(t.as('admin'))
          .send({ content: { kpis, bands, notes: 'first' } })
          .expect(201)
      ).body as TemplateVersionDto;
      await t.http.post(`/api/kpi-templates/${templateId}/versions/${first.id}/publish`).set(t.as('admin')).send({ version: first.version }).expect(200);
      b = new Browser(t);
      await b.signIn('admin@test.example', 'first-boss-key-42');
      await b.get(`/admin/templates/${templateId}`);
      expect((await b.post(`/admin/templates/${templateId}/draft`, {})).status).toBe(303);
      const page = await b.get(`/admin/templates/${templateId}`);
      draftAction = /action="(\/admin\/templates\/[^"]+\/draft\/[^"/]+)"/.exec(page.text)?.[1] ?? '';
    });

    async function storedDraft(): Promise<TemplateVersionDto> {
      const tpl = (await t.http.get(`/api/kpi-templates/${templateId}`).set(t.as('admin')).expect(200)).body as { draftVersionId: string };
      return (await t.http.get(`/api/kpi-templates/${templateId}/versions/${tpl.draftVersionId}`).set(t.as('admin')).expect(200)).body as TemplateVersionDto;
    }

    it('adds, removes and moves KPIs and adds a band by redrawing the form, keeping everything typed and storing nothing', async () => {
      const before = await storedDraft();
      const page = await b.get(`/admin/templates/${templateId}`);
      const typed = { ...draftFormFields(page.text), 'kpis[0].weight': '30', 'kpis[1].nameEn': 'Satisfaction <typed>', notes: 'Typed, not saved' };

      const added = await b.post(draftAction, { ...typed, action: 'kpi.add' });
      expect(added.status).toBe(200);
      expect(added.text).toContain('id="unsaved"');
      expect(fieldValue(added.text, 'f-kpis-0-weight')).toBe('30');
      expect(fieldValue(added.text, 'f-kpis-1-nameEn')).toBe('Satisfaction <typed>');
      expect(added.text).toContain('>Typed, not saved</textarea>');
      // The new KPI is last, open, empty, a target rule, and has the focus.
      expect(added.text).toMatch(/<input type="text" id="f-kpis-8-key" name="kpis\[8\]\.key" value=""[^>]*autofocus>/);
      expect(added.text).toMatch(/<fieldset class="kpi-edit" id="kpi-8"[^>]*>\s*<legend><span class="kpi-pos">9\.<\/span> New KPI<\/legend>/);
      expect(added.text).toMatch(/id="kpi-8"[\s\S]*?<details open>/);
      expect(added.text).toContain('id="weight-sum" aria-live="polite">? %');

      const withNew = {
        ...draftFormFields(added.text),
        'kpis[8].key': 'upsell_deals',
        'kpis[8].nameZh': '增购',
        'kpis[8].nameEn': 'Upsell deals',
        'kpis[8].category': 'sales_results',
        'kpis[8].weight': '10',
        'kpis[8].rule.target': '12',
        'kpis[8].rule.unit': 'deals',
        'kpis[8].rule.cap': '120',
      };
      // Relationship upkeep (4th) goes; the new KPI moves up into its 8th place.
      const removed = await b.post(draftAction, { ...withNew, action: 'kpi.remove.3' });
      expect(removed.status).toBe(200);
      expect(removed.text).not.toMatch(/name="kpis\[\d+\]\.key" value="relationship_upkeep"/);
      expect(fieldValue(removed.text, 'f-kpis-7-key')).toBe('upsell_deals');
      expect(fieldValue(removed.text, 'f-kpis-7-rule-target')).toBe('12');
      expect(removed.text).toMatch(/<input type="text" id="f-kpis-3-weight"[^>]*autofocus>/);

      const moved = await b.post(draftAction, { ...draftFormFields(removed.text), action: 'kpi.up.7' });
      expect(fieldValue(moved.text, 'f-kpis-6-key')).toBe('upsell_deals');
      expect(fieldValue(moved.text, 'f-kpis-7-key')).toBe('problem_solving');
      expect(moved.text).toMatch(/<button type="submit" name="action" value="kpi\.up\.6" class="small" id="kpi-6-up" autofocus>/);
      // 30 + 15 + 15 + 4 × 6.25 + 10 = 95.
      expect(moved.text).toContain('id="weight-sum" aria-live="polite">95 %');

      const banded = await b.post(draftAction, { ...draftFormFields(moved.text), action: 'band.add' });
      expect(banded.text).toMatch(/<input type="text" id="f-bands-5-key" name="bands\[5\]\.key" value=""[^>]*autofocus>/);
      expect(fieldValue(banded.text, 'f-kpis-6-key')).toBe('upsell_deals');

      // Switching a KPI to a rating and asking for its fields shows the scale, still unsaved.
      const rated = await b.post(draftAction, { ...draftFormFields(banded.text), 'kpis[6].rule.type': 'rating', 'kpis[6].rule.max': '4', action: 'refresh.6' });
      expect(rated.text).toMatch(/id="kpi-6"[\s\S]*?<div data-rule-kind="rating">/);
      expect(fieldValue(rated.text, 'f-kpis-6-rule-points-3-labelEn')).toBe('Exceeds expectations');
      expect(fieldValue(rated.text, 'f-kpis-6-rule-points-4-labelEn')).toBeNull();
      expect(fieldValue(rated.text, 'f-kpis-6-rule-target')).toBe('12');

      const after = await storedDraft();
      expect(after.version).toBe(before.version);
      expect(after.kpis.map((k) => k.key)).toEqual(before.kpis.map((k) => k.key));
    });

    it('takes a form as large as the largest template the API accepts (50 KPIs on an 11-point scale)', async () => {
      const fields = draftFormFields((await b.get(`/admin/templates/${templateId}`)).text);
      const big: Record<string, string> = { version: fields.version, notes: '', action: 'refresh' };
      for (let i = 0; i < 50; i++) {
        for (const [name, v] of Object.entries(fields)) {
          const m = /^kpis\[4\]\.(.*)$/.exec(name);
          if (m && !m[1].startsWith('rule.points')) big[`kpis[${i}].${m[1]}`] = m[1] === 'key' ? `skill_${i}` : v;
        }
        Object.assign(big, { [`kpis[${i}].rule.min`]: '0', [`kpis[${i}].rule.max`]: '10' });
        for (let j = 0; j <= 10; j++)
          Object.assign(big, {
            [`kpis[${i}].rule.points[${j}].value`]: String(j),
            [`kpis[${i}].rule.points[${j}].labelZh`]: `${j} 分`,
            [`kpis[${i}].rule.points[${j}].labelEn`]: `${j} points`,
          });
      }
      expect(Object.keys(big).length).toBeGreaterThan(2000);
      const res = await b.post(draftAction, big);
      expect(res.status).toBe(200);
      expect(fieldValue(res.text, 'f-kpis-49-key')).toBe('skill_49');
      expect(fieldValue(res.text, 'f-kpis-49-rule-points-10-labelEn')).toBe('10 points');
    });

    it("Enter without script (the form's first button) only redraws", async () => {
      const page = await b.get(`/admin/templates/${templateId}`);
      expect(page.text).toMatch(
        /<form method="post" action="[^"]+" id="draft-form"[^>]*>\s*(?:\{\{!--[\s\S]*?--\}\}\s*)?<button type="submit" name="action" value="refresh"/,
      );
      const before = await storedDraft();
      const res = await b.post(draftAction, { ...draftFormFields(page.text), 'kpis[0].weight': '40', action: 'refresh' });
      expect(res.status).toBe(200);
      expect(fieldValue(res.text, 'f-kpis-0-weight')).toBe('40');
      expect((await storedDraft()).version).toBe(before.version);
    });

    it('shows each refused value beside its field (400), keeps what was typed and stores nothing', async () => {
      const before = await storedDraft();
      const fields = draftFormFields((await b.get(`/admin/templates/${templateId}`)).text);
      // Refused by the DTO (class-validator), as the API would.
      const bad = await b.post(draftAction, { ...fields, 'kpis[0].rule.cap': '90', 'kpis[1].key': 'Bad Key', 'bands[2].labelEn': '', action: 'save' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('Some values cannot be accepted; see the marked fields.');
      expect(fieldError(bad.text, 'f-kpis-0-rule-cap')).toBe('Cap (% of target) of “Sales attainment” must be at least 100');
      expect(fieldError(bad.text, 'f-kpis-1-key')).toBe('Key of “Customer satisfaction” is not in the expected format');
      expect(fieldError(bad.text, 'f-bands-2-labelEn')).toBe('Label (English) is required');
      expect(bad.text).toMatch(
        /<input type="text" id="f-kpis-0-rule-cap" name="kpis\[0\]\.rule\.cap" value="90" inputmode="decimal" aria-invalid="true" aria-describedby="f-kpis-0-rule-cap-error">/,
      );
      expect(fieldValue(bad.text, 'f-kpis-1-key')).toBe('Bad Key');
      // The KPIs with a problem are open; the others stay folded.
      expect(bad.text).toMatch(/id="kpi-0"[\s\S]*?<details open>/);
      expect(bad.text).toMatch(/id="kpi-2"[^>]*>[\s\S]*?<details>/);

      // Refused by the template rules in the service: a band bound used twice. The weights adding up
      // to 95 only warn: a draft saves as it is, publishing needs 100.
      const rules = await b.post(draftAction, { ...fields, 'kpis[0].weight': '30', 'bands[1].min': '90', action: 'save' });
      expect(rules.status).toBe(400);
      expect(rules.text).toMatch(
        /<span id="weight-sum-note" class="small field-error">The weights must sum to exactly 100 % before the draft can be published; until then it can be saved as it is.<\/span>/,
      );
      expect(fieldError(rules.text, 'f-bands-1-min')).toBe('Minimum “90” is used more than once; choose another');
      expect(fieldValue(rules.text, 'f-kpis-0-weight')).toBe('30');

      // Publishing with weights at 95 is refused; what was typed is saved as the draft, so nothing is lost.
      const publish = await b.post(draftAction, { ...fields, 'kpis[0].weight': '30', action: 'publish' });
      expect(publish.status).toBe(400);
      expect(publish.text).toMatch(
        /<span id="weight-sum-note" class="small field-error">The KPI weights add up to 95; they must add up to exactly 100<\/span>/,
      );
      const after = await storedDraft();
      expect([after.status, after.version, after.weightSum]).toEqual(['draft', before.version + 1, 95]);
    });

    it('says someone else saved first (409), keeps what was typed, and saves it over theirs only when asked again', async () => {
      const page = await b.get(`/admin/templates/${templateId}`);
      const fields = draftFormFields(page.text);
      const draft = await storedDraft();
      expect(fields.version).toBe(String(draft.version));
      // Another admin saves in between.
      const { kpis, bands } = draft;
      await t.http
        .put(`/api/kpi-templates/${templateId}/versions/${draft.id}`)
        .set(t.as('admin'))
        .send({ version: draft.version, kpis, bands, notes: 'Theirs' })
        .expect(200);

      const stale = await b.post(draftAction, { ...fields, 'kpis[0].nameEn': 'Sales (mine)', notes: 'Mine', action: 'save' });
      expect(stale.status).toBe(409);
      expect(stale.text).toContain('Someone else saved this draft after you opened it');
      expect(stale.text).toContain('id="load-theirs"');
      expect(fieldValue(stale.text, 'f-kpis-0-nameEn')).toBe('Sales (mine)');
      expect(stale.text).toContain('>Mine</textarea>');
      expect((await storedDraft()).notes).toBe('Theirs');

      const again = draftFormFields(stale.text);
      expect(again.version).toBe(String(draft.version + 1));
      expect((await b.post(draftAction, { ...again, action: 'save' })).status).toBe(303);
      const saved = await storedDraft();
      expect(saved.notes).toBe('Mine');
      expect(saved.kpis[0].nameEn).toBe('Sales (mine)');
    });
  });

  describe('spreadsheet download buttons', () => {
    it("dashboard, cycles, team and employees pages link the exports with labels in the reader's language; the links download with the session", async () => {
      const cycle = await seedOpenCycle(t);
      const boss = await createEmployee(t, 'manager');
      const member = await createEmployee(t, 'account_manager', { managerId: boss.id });
      await createReview(t, member.id, cycle.id);
      const hr = new Browser(t);
      await hr.signIn('hr@test.example', TEST_PASSWORD);
      const dash = (await hr.get(`/?cycleId=${cycle.id}`)).text;
      expect(dash).toContain(`<a class="button" href="/api/cycles/${cycle.id}/results.xlsx" download id="results-xlsx">Results (Excel)</a>`);
      expect(dash).toContain(`href="/api/cycles/${cycle.id}/results.csv" download id="results-csv">Results (CSV)</a>`);
      expect(dash).toContain(`href="/api/cycles/${cycle.id}/actuals-template.xlsx" download id="actuals-template">KPI actuals template (Excel)</a>`);
      expect((await hr.get(`/?cycleId=${cycle.id}`, { 'Accept-Language': 'zh-CN' })).text).toContain('考核结果（Excel）');
      expect((await hr.get('/cycles')).text).toContain(`href="/api/cycles/${cycle.id}/actuals-template.xlsx" download>Actuals template</a>`);
      const people = (await hr.get('/employees')).text;
      expect(people).toContain('<a class="button" href="/api/employees.xlsx" download id="employees-xlsx">Export (Excel)</a>');
      expect(people).toContain('href="/api/employees.csv" download id="employees-csv">Export (CSV)</a>');
      for (const path of [
        `/api/cycles/${cycle.id}/results.xlsx`,
        `/api/cycles/${cycle.id}/results.csv`,
        `/api/cycles/${cycle.id}/actuals-template.xlsx`,
        '/api/employees.csv',
      ]) {
        const file = await hr.download(path);
        expect([path, file.status]).toEqual([path, 200]);
        expect(file.body.length).toBeGreaterThan(100);
      }
      const email = `sheets-boss-${uniq()}@web.example`;
      await t.userFor('manager', boss.id, email);
      const mgr = new Browser(t);
      await mgr.signIn(email, TEST_PASSWORD);
      const team = (await mgr.get(`/team?cycleId=${cycle.id}`)).text;
      expect(team).toContain(`href="/api/cycles/${cycle.id}/results.csv" download id="team-results-csv">Team results (CSV)</a>`);
      const csv = await mgr.download(`/api/cycles/${cycle.id}/results.csv`);
      expect(csv.status).toBe(200);
      expect(csv.body.toString('utf8')).toContain(member.employeeNo);
    });
  });

  describe('starting reviews from the dashboard', () => {
    it('starts a draft for everyone without one and says who was skipped', async () => {
      const cycle = await seedOpenCycle(t);
      await createEmployee(t);
      const b = new Browser(t);
      await b.signIn('hr@test.example', TEST_PASSWORD);
      const dash = await b.get(`/?cycleId=${cycle.id}`);
      expect(dash.text).toContain('id="start-all"');
      // Not yet: there is no review to put in a zip.
      expect(dash.text).not.toContain('id="cycle-zip"');
      const posted = await b.post(`/cycles/${cycle.id}/start-reviews`, {});
      // POST-redirect-GET: the result is a page reached by GET, so a reload starts nothing again.
      expect(posted.status).toBe(303);
      const location = String(posted.headers.location);
      const res = await b.get(location);
      const [{ n }] = await t.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM reviews WHERE cycle_id = $1', [cycle.id]);
      expect(n).toBeGreaterThan(0);
      expect(res.text).toContain(`Started ${n} review(s).`);
      expect(res.text).toContain('id="count-not-started">0<');
      const audited = async () =>
        (
          await t.db.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM audit_log a JOIN reviews r ON r.id::text = a.entity_id::text WHERE a.action = 'create' AND r.cycle_id = $1`,
            [cycle.id],
          )
        )[0].n;
      expect(await audited()).toBe(n);
      const reloaded = await b.get(location);
      expect(reloaded.text).toContain(`Started ${n} review(s).`);
      expect(await audited()).toBe(n);
      expect(res.text).not.toContain('id="start-all"');
      expect((await b.get(`/?cycleId=${cycle.id}`)).text).toContain(
        `<form method="post" action="/cycles/${cycle.id}/scorecards" class="card actions inline" id="cycle-zip-form">`,
      );
    });
  });
});
