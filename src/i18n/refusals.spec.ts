import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { webDir } from '../web/assets.js';
import { ERROR_CODES } from '../common/error-codes.js';
import { loadDictionaries } from './page-dictionary.js';
import type { Lang } from './langs.js';
import { refusalText } from './refusals.js';

const dictionaries = loadDictionaries(join(webDir(), 'i18n'));
const locale = (lang: Lang) => ({
  lang,
  section: (prefix: string) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(dictionaries[lang])) if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v;
    return out;
  },
});

describe('refusals said in the page language', () => {
  const zh = locale('zh-CN');

  it('says a stage, a status, a closed cycle, missing inputs and a locked calibration in Chinese, with no English', () => {
    const said = [
      refusalText(zh, 'INVALID_STATE', { stage: 'self', expectedStage: 'hr' }, 'This review waits for the self-assessment…'),
      refusalText(zh, 'INVALID_STATE', { status: 'finalized' }, 'Cannot submit a finalized review'),
      refusalText(zh, 'INVALID_STATE', { cycleStatus: 'closed' }, 'Cycle "x" is closed'),
      refusalText(zh, 'INVALID_STATE', { missing: ['a', 'b'] }, 'The review cannot be submitted: 2 KPI(s) have no input'),
      refusalText(zh, 'INVALID_STATE', { calibrationLocked: { department: '华东销售部', lockedAt: '', lockedBy: 'HR' } }, 'locked'),
      refusalText(zh, 'STALE_VERSION', { currentVersion: 3, yourVersion: 2 }, 'changed by someone else'),
      refusalText(zh, 'THROTTLED', { retryAfterSeconds: 30 }, 'Too many'),
      refusalText(zh, 'DUPLICATE', { reviewId: 'x' }, 'already has a review'),
    ];
    expect(said[0]).toBe('该评估目前处于“员工自评”阶段，需到“HR 审核”阶段才能进行此操作。');
    expect(said[1]).toBe('该评估当前为“已定稿”，不能进行此操作；请刷新页面查看。');
    expect(said[2]).toContain('已结束');
    expect(said[3]).toContain('2');
    expect(said[4]).toContain('华东销售部');
    expect(said[6]).toContain('30');
    // No English words (KPI and HR are the Chinese pages' own terms).
    for (const text of said) expect(text.replace(/KPI|HR/g, '')).not.toMatch(/[A-Za-z]{3,}/);
  });

  it('has a Chinese sentence for every error code, and keeps the service English on English pages', () => {
    for (const code of ERROR_CODES) expect(refusalText(zh, code, undefined, 'ENGLISH')).not.toBe('ENGLISH');
    expect(refusalText(locale('en'), 'INVALID_STATE', { status: 'finalized' }, 'Cannot submit a finalized review')).toBe('Cannot submit a finalized review');
  });
});
