// Page text in two languages. Dictionaries live in templates/web/i18n/<lang>.json as nested
// objects, flattened here to "section.key" once at start; both languages must have exactly the
// same keys, checked at load, so a missing translation stops the app instead of showing a key.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request } from 'express';
import { cookieOf } from '../common/cookies.js';
import { interpolate, SCORECARD_LANGS, scorecardDictionary, type ScorecardLang } from '../scorecards/scorecard-view.js';

export type Lang = ScorecardLang;
export const LANGS = SCORECARD_LANGS;
export const LANG_COOKIE = 'scorecard_lang';

export type Dictionary = Readonly<Record<string, string>>;

function flatten(value: unknown, prefix: string, out: Record<string, string>, file: string): void {
  if (typeof value === 'string') {
    out[prefix] = value;
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: ${prefix || '(root)'} must be a string or an object`);
  for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out, file);
}

/** Both dictionaries, flattened and checked against each other. */
export function loadDictionaries(dir: string): Record<Lang, Dictionary> {
  const load = (lang: Lang) => {
    const file = join(dir, `${lang}.json`);
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    flatten(JSON.parse(readFileSync(file, 'utf8')) as unknown, '', out, file);
    return out;
  };
  const zh = load('zh-CN');
  const en = load('en');
  const onlyZh = Object.keys(zh).filter((k) => !Object.hasOwn(en, k));
  const onlyEn = Object.keys(en).filter((k) => !Object.hasOwn(zh, k));
  if (onlyZh.length || onlyEn.length) {
    throw new Error(`Page dictionaries differ: only in zh-CN: ${onlyZh.join(', ') || '-'}; only in en: ${onlyEn.join(', ') || '-'}`);
  }
  return { 'zh-CN': zh, en };
}

/** A translator for one language. An unknown key is a programming error and says so loudly. */
export function translator(dict: Dictionary): (key: string, vars?: Record<string, string | number>) => string {
  return (key, vars = {}) => {
    if (!Object.hasOwn(dict, key)) throw new Error(`No page text "${key}"`);
    return interpolate(dict[key], vars);
  };
}

export const isLang = (v: unknown): v is Lang => typeof v === 'string' && (LANGS as readonly string[]).includes(v);

/** The chosen language (cookie), else the browser's first Chinese or English preference, else the default. */
export function langOf(req: Request, fallback: Lang): Lang {
  const chosen = cookieOf(req, LANG_COOKIE);
  if (isLang(chosen)) return chosen;
  for (const part of (req.header('accept-language') ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}

/** Status, KPI category and unit names are shared with the scorecard's dictionary, not repeated. */
export function domainWord(lang: Lang, kind: 'status' | 'category' | 'unit', key: string): string {
  const map = scorecardDictionary(lang)[kind];
  return Object.hasOwn(map, key) ? map[key] : key;
}

