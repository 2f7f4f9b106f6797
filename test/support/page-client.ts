// A browser-like HTTP client for page tests that need no real browser: it keeps cookies and sends
// the CSRF token the last page gave it, as a browser's form would.
import type { Response } from 'supertest';
import type { TestApp } from './app.js';

/** name=value of each Set-Cookie, and the full header lines. */
export function cookiesOf(res: Response): { pairs: Record<string, string>; lines: string[] } {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const pairs: Record<string, string> = {};
  for (const line of lines) {
    const [pair] = line.split(';');
    const [name, ...rest] = pair.split('=');
    pairs[name] = rest.join('=');
  }
  return { pairs, lines };
}

/** A browser-like client: keeps cookies, sends the CSRF token the last page gave it. */
export class Browser {
  cookies: Record<string, string> = {};
  csrf = '';
  constructor(private readonly t: TestApp) {}

  private header(): string {
    return Object.entries(this.cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }

  /** The last page's HTML. */
  lastText = '';

  private keep(res: Response): Response {
    if (typeof res.text === 'string' && res.text.startsWith('<!doctype html>')) this.lastText = res.text;
    for (const [k, v] of Object.entries(cookiesOf(res).pairs)) {
      if (v === '') delete this.cookies[k];
      else this.cookies[k] = v;
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.text ?? '');
    if (m) this.csrf = m[1];
    return res;
  }

  // English unless a test says otherwise (without a choice or a browser preference, pages are in the default, Chinese).
  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.keep(
      await this.t.http
        .get(path)
        .set('Cookie', this.header())
        .set({ 'Accept-Language': 'en', ...headers }),
    );
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.keep(
      await this.t.http
        .post(path)
        .set('Cookie', this.header())
        .set({ 'Accept-Language': 'en', ...headers })
        .type('form')
        .send({ _csrf: this.csrf, ...form }),
    );
  }

  /** Signs in and, as a browser does, follows the redirect: the next page carries the session's own CSRF token. */
  async signIn(email: string, password: string): Promise<Response> {
    await this.get('/login');
    const res = await this.post('/login', { email, password });
    if (res.status === 303) await this.get(String(res.headers.location));
    return res;
  }

  /** A link followed for its bytes (a download), with this browser's cookies. */
  async download(path: string): Promise<{ status: number; type: string; body: Buffer }> {
    const res = await this.t.http
      .get(path)
      .set('Cookie', this.header())
      .buffer(true)
      .parse((stream, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    return { status: res.status, type: String(res.headers['content-type'] ?? ''), body: res.body as Buffer };
  }
}
