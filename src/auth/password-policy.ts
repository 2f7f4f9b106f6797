import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import type { WeakPasswordReason } from '../common/error-codes.js';
import { badRequest } from '../common/errors.js';

export const PASSWORD_MIN_LENGTH = 10;
/** zxcvbn's 0-4 scale; 3 is "safely unguessable: moderate protection from offline slow-hash scenario". */
const MIN_SCORE = 3;

export type PasswordWeakness = WeakPasswordReason;

/** Why a password is refused, in the two languages of the product (NIST SP 800-63B: say why, no composition rules). */
export const PASSWORD_WEAKNESS_MESSAGES: Record<PasswordWeakness, { en: string; zh: string }> = {
  too_short: { en: `must be at least ${PASSWORD_MIN_LENGTH} characters`, zh: `至少需要 ${PASSWORD_MIN_LENGTH} 个字符` },
  contains_identity: { en: 'must not contain your e-mail address or name', zh: '不能包含您的邮箱地址或姓名' },
  common: { en: 'is one of the most common passwords; choose another', zh: '是最常见的密码之一，请换一个' },
  guessable: {
    en: 'is too easy to guess (repeats, sequences, keyboard patterns or common words); a few unrelated words make a strong one',
    zh: '太容易被猜中（重复、顺序、键盘排列或常用词）；几个不相关的词组合起来更安全',
  },
};

let estimator: ZxcvbnFactory | null = null;
/** Built at first use: the dictionaries take tens of milliseconds and a few MB. */
function strength(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return estimator;
}

/** The parts of who someone is that a password must not contain: the e-mail, its name part, the words of their name. */
export function identityParts(email: string | null, name: string | null): string[] {
  const parts = new Set<string>();
  const mail = email?.trim().toLowerCase() ?? '';
  if (mail) {
    parts.add(mail);
    const local = mail.split('@')[0];
    if (local.length >= 3) parts.add(local);
  }
  const full = name?.trim().toLowerCase() ?? '';
  if (full.length >= 2) parts.add(full.replace(/\s+/g, ''));
  for (const word of full.split(/[\s.,'-]+/)) if (Array.from(word).length >= 3) parts.add(word);
  return [...parts];
}

/**
 * Why this password is too weak for this person, or null. Length counts characters (a Chinese
 * passphrase is as long as it looks); common and breached passwords come from zxcvbn's lists.
 */
export function passwordWeakness(password: string, identity: readonly string[]): PasswordWeakness | null {
  if (Array.from(password).length < PASSWORD_MIN_LENGTH) return 'too_short';
  const lower = password.toLowerCase();
  if (identity.some((part) => part && lower.includes(part))) return 'contains_identity';
  const result = strength().check(password, [...identity]);
  if (result.score >= MIN_SCORE) return null;
  return result.sequence.some(
    (m) => m.pattern === 'dictionary' && 'dictionaryName' in m && typeof m.dictionaryName === 'string' && m.dictionaryName.startsWith('passwords'),
  )
    ? 'common'
    : 'guessable';
}

let checks: Promise<unknown> = Promise.resolve();

/**
 * One estimate at a time, each after a turn of the event loop, so other requests get a turn between
 * two (docs/decisions/0007-password-estimates-in-turn.md).
 */
function weaknessInTurn(password: string, identity: readonly string[]): Promise<PasswordWeakness | null> {
  const result = checks.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => passwordWeakness(password, identity));
  checks = result.catch(() => undefined);
  return result;
}

/** 400 naming the field, saying why in English and Chinese; `details.reason` lets pages say it in their language. */
export async function assertStrongPassword(field: string, password: string, identity: readonly string[]): Promise<void> {
  const reason = await weaknessInTurn(password, identity);
  if (!reason) return;
  const { en: english, zh } = PASSWORD_WEAKNESS_MESSAGES[reason];
  throw badRequest(`${field} ${english} (${zh})`, [{ field, code: 'weakPassword', message: `${field} ${english}` }], { reason, messageZh: `密码${zh}` });
}
