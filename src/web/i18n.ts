// The page language a request asks for: the language cookie, else the browser's preferences.
// Dictionaries, language list and formatting live in src/i18n (shared with the printed scorecards).
import type { Request } from 'express';
import { cookieOf } from '../common/cookies.js';
import { isLang, type Lang } from '../i18n/langs.js';

// auth-pages.controller.ts takes isLang from here along with LANG_COOKIE.
export { isLang } from '../i18n/langs.js';

export const LANG_COOKIE = 'scorecard_lang';

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
