// The page language a request asks for: the language cookie, else the browser's preferences.
// Dictionaries, language list and formatting live in src/i18n (shared with the printed scorecards).
import type { Request } from 'express';
import { isLang, type Lang } from '../i18n/langs.js';

// auth-pages.controller.ts takes isLang from here along with LANG_COOKIE.
export { isLang } from '../i18n/langs.js';

export const LANG_COOKIE = 'scorecard_lang';

function cookieValue(req: Request, name: string): string | null {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) {
      try {
        return decodeURIComponent(rest.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The chosen language (cookie), else the browser's first Chinese or English preference, else the default. */
export function langOf(req: Request, fallback: Lang): Lang {
  const chosen = cookieValue(req, LANG_COOKIE);
  if (isLang(chosen)) return chosen;
  for (const part of (req.header('accept-language') ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}
