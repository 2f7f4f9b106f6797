// Renders server-side pages: one Handlebars instance of our own (no global helpers), templates
// read and compiled once, every value escaped unless a template uses {{{…}}} — which only the
// layout's body slot, our own SVG and the JSON data block do, all built by our code.
import { formatZonedMoment } from '../i18n/format.js';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import Handlebars from 'handlebars';
import { ensureCsrfToken } from '../auth/csrf.js';
import type { Actor, RequestWithActor } from '../common/actor.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { WebAssets, webDir } from './assets.js';
import type { Lang } from '../i18n/langs.js';
import { type Dictionary, domainWord, loadDictionaries, translator } from '../i18n/page-dictionary.js';
import { langOf } from './i18n.js';

export interface PageOptions {
  /** Dictionary key of the page title. */
  title: string;
  titleVars?: Record<string, string | number>;
  status?: number;
  /** Scripts (asset names) the page needs, after the shared one. */
  scripts?: string[];
  /** Data for the page's script, embedded as a JSON block (never executed). */
  data?: unknown;
}

interface NavItem {
  key: string;
  href: string;
  roles: readonly string[];
}

const NAV: readonly NavItem[] = [
  { key: 'dashboard', href: '/', roles: ['hr', 'admin'] },
  { key: 'reviews', href: '/reviews', roles: ['hr', 'admin'] },
  { key: 'cycles', href: '/cycles', roles: ['hr', 'admin'] },
  { key: 'employees', href: '/employees', roles: ['hr', 'admin'] },
  { key: 'imports', href: '/imports', roles: ['hr', 'admin'] },
  { key: 'team', href: '/team', roles: ['manager'] },
  { key: 'my', href: '/my', roles: ['manager', 'employee'] },
  { key: 'templates', href: '/admin/templates', roles: ['admin'] },
  { key: 'users', href: '/admin/users', roles: ['admin'] },
];

/** JSON that is safe inside <script type="application/json">: no "</script>", no HTML comment openers. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value ?? null)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Only a path on this site may be a redirect target ("//evil.example" is another site). */
export function safeNext(next: unknown, fallback = '/'): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) && !/[\r\n]/.test(next) ? next : fallback;
}

/** `url` with the one-time notice the next page shows (a dictionary key under notice.). */
export function withNotice(url: string, notice?: string): string {
  if (!notice) return url;
  const [path, hash] = url.split('#');
  return `${path}${path.includes('?') ? '&' : '?'}notice=${encodeURIComponent(notice)}${hash ? `#${hash}` : ''}`;
}

type Template = (context: unknown) => string;

@Injectable()
export class Pages {
  private readonly hbs = Handlebars.create();
  private readonly views = new Map<string, Template>();
  private readonly layout: Template;
  private readonly dictionaries: Record<Lang, Dictionary>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly assets: WebAssets,
  ) {
    const dir = webDir();
    this.dictionaries = loadDictionaries(join(dir, 'i18n'));
    this.registerHelpers();
    const compile = (file: string): Template =>
      this.hbs.compile(readFileSync(file, 'utf8'), { knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, preventIndent: true });
    // A page with many sections keeps them in a folder of its own: partials/review/kpis.hbs is `review/kpis`.
    for (const file of partialFiles(join(dir, 'partials'))) {
      this.hbs.registerPartial(file.replace(/\.hbs$/, ''), readFileSync(join(dir, 'partials', file), 'utf8'));
    }
    for (const file of readdirSync(join(dir, 'views')).sort()) {
      if (file.endsWith('.hbs')) this.views.set(basename(file, '.hbs'), compile(join(dir, 'views', file)));
    }
    this.layout = compile(join(dir, 'layout.hbs'));
  }

  lang(req: Request): Lang {
    return langOf(req, this.config.scorecards.defaultLang);
  }

  t(req: Request): (key: string, vars?: Record<string, string | number>) => string {
    return translator(this.dictionaries[this.lang(req)]);
  }

  /** The texts under `prefix.` (without it), for a page's script. */
  section(req: Request, prefix: string): Record<string, string> {
    const dict = this.dictionaries[this.lang(req)];
    return Object.fromEntries(
      Object.keys(dict)
        .filter((k) => k.startsWith(`${prefix}.`))
        .map((k) => [k.slice(prefix.length + 1), dict[k]]),
    );
  }

  /** A page for the current user, with the layout (navigation, language switch, sign-out). */
  render(req: Request, res: Response, view: string, model: object, options: PageOptions): void {
    const html = this.html(req, res, view, model, options);
    res
      .status(options.status ?? 200)
      .type('html')
      .send(html);
  }

  /**
   * The page's HTML. It sets what the page needs on `res` before anything is sent: the CSRF
   * cookie (when the browser has none yet) and no-store.
   */
  html(req: Request, res: Response, view: string, model: object, options: PageOptions): string {
    const template = this.views.get(view);
    if (!template) throw new Error(`No page view ${view}`);
    const lang = this.lang(req);
    const t = translator(this.dictionaries[lang]);
    const actor = (req as RequestWithActor).actor ?? null;
    const csrf = ensureCsrfToken(req, res, this.config.auth.cookieSecure);
    const path = this.here(req);
    // The layout's own fields come last and win; `session` (not `user`) so that a page about a
    // user (the admin's user page) keeps its own `user`.
    const root = {
      ...model,
      lang,
      csrf,
      session: actor ? { email: actor.name, role: actor.role } : null,
      nav: actor ? this.nav(actor, req.path) : [],
      here: path,
      notice: this.notice(req, t),
    };
    const body = template(root);
    const html = this.layout({
      ...root,
      body,
      title: t(options.title, options.titleVars),
      htmlLang: lang,
      css: this.assets.url('app.css'),
      scripts: ['app.js', ...(options.scripts ?? [])].map((s) => this.assets.url(s)),
      data: options.data === undefined ? null : scriptJson(options.data),
    });
    // Pages show personal data: no browser or proxy keeps a copy (as for the API).
    res.setHeader('Cache-Control', 'no-store');
    return html;
  }

  /** After a successful form: see-other, so that reload does not post again. */
  redirect(res: Response, url: string, notice?: string): void {
    res.redirect(303, withNotice(url, notice));
  }

  /**
   * Where the language switch returns to: this page without its one-time notice; after a form post
   * (a page rendered in answer to a POST), the page the form was on, since the post's own address
   * has no page to GET.
   */
  private here(req: Request): string {
    let raw = req.originalUrl;
    if (req.method !== 'GET') {
      try {
        const referer = new URL(req.get('referer') ?? '');
        raw = referer.host === req.get('host') ? `${referer.pathname}${referer.search}` : '/';
      } catch {
        raw = '/';
      }
    }
    const url = new URL(raw, 'http://page');
    url.searchParams.delete('notice');
    return safeNext(`${url.pathname}${url.search}`);
  }

  private notice(req: Request, t: (key: string) => string): string | null {
    const key = typeof req.query.notice === 'string' ? req.query.notice : null;
    // Only known messages: a link cannot make the page say anything it likes.
    if (!key || !/^[a-zA-Z]+$/.test(key) || !Object.hasOwn(this.dictionaries.en, `notice.${key}`)) return null;
    return t(`notice.${key}`);
  }

  private nav(actor: Actor, path: string): { href: string; key: string; active: boolean }[] {
    return NAV.filter((n) => n.roles.includes(actor.role)).map((n) => ({
      href: n.href,
      key: n.key,
      active: n.href === '/' ? path === '/' : path === n.href || path.startsWith(`${n.href}/`),
    }));
  }

  private registerHelpers(): void {
    const hbs = this.hbs;
    const langOfCtx = (options: Handlebars.HelperOptions): Lang => (options.data as { root: { lang: Lang } }).root.lang;
    const dicts = this.dictionaries;
    const timeZone = this.config.scorecards.timeZone;
    hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
      return translator(dicts[langOfCtx(options)])(key, options.hash as Record<string, string | number>);
    });
    hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
    hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    hbs.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
    hbs.registerHelper('not', (a: unknown) => !a);
    hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
    // Bilingual data fields: {{loc kpi "name"}} picks nameZh or nameEn.
    hbs.registerHelper('loc', (obj: Record<string, unknown> | null | undefined, field: string, options: Handlebars.HelperOptions) => {
      if (!obj) return '';
      const v = obj[`${field}${langOfCtx(options) === 'zh-CN' ? 'Zh' : 'En'}`];
      return typeof v === 'string' ? v : '';
    });
    hbs.registerHelper('word', (kind: 'status' | 'category' | 'unit', key: string, options: Handlebars.HelperOptions) =>
      domainWord(langOfCtx(options), kind, String(key ?? '')),
    );
    hbs.registerHelper('num', (n: unknown, options: Handlebars.HelperOptions) =>
      typeof n === 'number' && Number.isFinite(n) ? new Intl.NumberFormat(langOfCtx(options), { maximumFractionDigits: 4 }).format(n) : '—',
    );
    hbs.registerHelper('fixed2', (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(2) : '—'));
    hbs.registerHelper('date', (iso: unknown) => {
      if (typeof iso !== 'string' || !iso) return '—';
      const d = new Date(iso);
      // Every page time on the company's clock, with the zone named (issue 16.9).
      return Number.isNaN(d.getTime()) ? '—' : formatZonedMoment(d, timeZone);
    });
  }
}

const KNOWN_HELPERS = {
  t: true,
  concat: true,
  eq: true,
  ne: true,
  not: true,
  or: true,
  and: true,
  loc: true,
  word: true,
  num: true,
  fixed2: true,
  date: true,
} as const;

/** The partials' files relative to their folder (`field.hbs`, `review/kpis.hbs`), one folder level deep. */
export function partialFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && entry.name.endsWith('.hbs')) out.push(entry.name);
    if (entry.isDirectory()) for (const f of readdirSync(join(dir, entry.name)).sort()) if (f.endsWith('.hbs')) out.push(`${entry.name}/${f}`);
  }
  return out;
}
