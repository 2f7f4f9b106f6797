import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { findTemplatesDir } from '../common/templates-dir.js';
import { interpolate } from './format.js';
import { FORMAT_KEYS, parseDictionary, UI_KEYS } from './scorecard-dictionary.js';

describe('dictionaries', () => {
  const dir = join(findTemplatesDir(), 'i18n');
  const read = (lang: string): unknown => JSON.parse(readFileSync(join(dir, `${lang}.json`), 'utf8'));
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('have the same keys in both languages and pass validation', () => {
    const en = parseDictionary(read('en'), 'en');
    const zh = parseDictionary(read('zh-CN'), 'zh-CN');
    for (const section of ['ui', 'format', 'status', 'category', 'unit'] as const) {
      expect(Object.keys(zh[section]).sort()).toEqual(Object.keys(en[section]).sort());
    }
    expect(Object.keys(en.ui).sort()).toEqual([...UI_KEYS].sort());
    expect(Object.keys(en.format).sort()).toEqual([...FORMAT_KEYS].sort());
    for (const key of FORMAT_KEYS) expect(placeholders(zh.format[key])).toEqual(placeholders(en.format[key]));
  });

  it('rejects a dictionary that lacks a key or has a non-string value', () => {
    const en = read('en') as { ui: Record<string, unknown> };
    expect(() => parseDictionary({ ...en, ui: { ...en.ui, title: 1 } }, 'x')).toThrow('x: ui.title must be a string');
    const { title: _t, ...rest } = en.ui;
    expect(() => parseDictionary({ ...en, ui: rest }, 'x')).toThrow('x: ui lacks title');
  });

  it('fills placeholders in one pass', () => {
    expect(interpolate('{a} and {b} and {c}', { a: '{b}', b: 2 })).toBe('{b} and 2 and {c}');
  });
});
