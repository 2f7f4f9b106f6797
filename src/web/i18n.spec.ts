// Every text a page can ask for exists in both languages: literal keys in the templates, the
// keys built from data (roles, statuses, error kinds ...) and the keys the page scripts read.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { USER_ROLES } from '../auth/user.entity.js';
import { START_SKIP_REASONS } from '../reviews/dto/review.dto.js';
import { webDir } from './assets.js';
import { partialFiles } from './pages.js';
import { loadDictionaries, translator } from '../i18n/page-dictionary.js';

const dir = webDir();
const dictionaries = loadDictionaries(join(dir, 'i18n'));

function templates(): { file: string; text: string }[] {
  const out = [{ file: 'layout.hbs', text: readFileSync(join(dir, 'layout.hbs'), 'utf8') }];
  for (const f of readdirSync(join(dir, 'views'))) if (f.endsWith('.hbs')) out.push({ file: `views/${f}`, text: readFileSync(join(dir, 'views', f), 'utf8') });
  for (const f of partialFiles(join(dir, 'partials'))) out.push({ file: `partials/${f}`, text: readFileSync(join(dir, 'partials', f), 'utf8') });
  return out;
}

describe('page dictionaries', () => {
  it('have the same keys in Chinese and English, none empty', () => {
    expect(Object.keys(dictionaries['zh-CN']).sort()).toEqual(Object.keys(dictionaries.en).sort());
    for (const lang of ['zh-CN', 'en'] as const) {
      expect(Object.entries(dictionaries[lang]).filter(([, v]) => v.trim() === '')).toEqual([]);
    }
  });

  it('hold every key a template names literally', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const { file, text } of templates()) {
      for (const m of text.matchAll(/\(?\bt "([A-Za-z0-9_.]+)"/g)) {
        seen += 1;
        if (!Object.hasOwn(dictionaries.en, m[1])) missing.push(`${file}: ${m[1]}`);
      }
    }
    expect(seen).toBeGreaterThan(150);
    expect(missing).toEqual([]);
  });

  it('hold every key built from data', () => {
    const keys = [
      ...['dashboard', 'reviews', 'cycles', 'employees', 'team', 'my', 'templates', 'users'].map((k) => `nav.${k}`),
      ...[...USER_ROLES, 'system'].map((r) => `role.${r}`),
      ...['planned', 'open', 'closed'].map((s) => `cycleStatus.${s}`),
      ...['draft', 'published'].map((s) => `templates.status.${s}`),
      ...START_SKIP_REASONS.map((r) => `dashboard.skip.${r}`),
      ...['true', 'false', 'all'].map((a) => `employees.active.${a}`),
      ...['badRequest', 'forbidden', 'notFound', 'conflict', 'tooMany', 'serverError', 'unavailable', 'generic'].flatMap((k) => [
        `errors.${k}.title`,
        `errors.${k}.text`,
      ]),
    ];
    expect(keys.filter((k) => !Object.hasOwn(dictionaries.en, k))).toEqual([]);
  });

  it.each([
    ['review.js', 'reviewJs'],
    ['review-proposal.js', 'reviewJs'],
    ['review-conflict.js', 'reviewJs'],
    ['export-progress.js', 'export'],
  ])('hold every text the page script %s reads (section %s)', (file, section) => {
    const script = readFileSync(join(dir, 'assets', file), 'utf8');
    const used = new Set([...script.matchAll(/\bS\.([A-Za-z]+)/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((k) => !Object.hasOwn(dictionaries.en, `${section}.${k}`))).toEqual([]);
  });

  it('fill placeholders, and refuse a key that does not exist', () => {
    const t = translator(dictionaries.en);
    expect(t('review.templateVersion', { n: 3 })).toBe('template v3');
    expect(() => t('no.such.key')).toThrow(/No page text/);
  });
});
