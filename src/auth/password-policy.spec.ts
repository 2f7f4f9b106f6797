import { describe, expect, it } from '@jest/globals';
import { assertStrongPassword, identityParts, passwordWeakness } from './password-policy.js';

describe('password policy (NIST SP 800-63B)', () => {
  const me = identityParts('li.lei@example.com', 'Li Lei');

  it('refuses what the outside test got accepted, each with its reason', () => {
    expect(passwordWeakness('          ', me)).toBe('guessable');
    expect(passwordWeakness('aaaaaaaaaa', me)).toBe('guessable');
    expect(passwordWeakness('password12', me)).toBe('common');
    expect(passwordWeakness('qwerty123456', me)).toBe('common');
    expect(passwordWeakness('li.lei@example.com', me)).toBe('contains_identity');
    expect(passwordWeakness('my-LI.LEI-secret-2026', me)).toBe('contains_identity');
    expect(passwordWeakness('short', me)).toBe('too_short');
  });

  it('takes long passphrases in any script, with no composition rules', () => {
    expect(passwordWeakness('correct horse battery staple', me)).toBeNull();
    expect(passwordWeakness('teal-otter-bakes-bread', me)).toBeNull();
    expect(passwordWeakness('春眠不觉晓处处闻啼鸟夜来风雨声', me)).toBeNull();
    // Ten characters counted as a person sees them, not as UTF-16 units.
    expect(passwordWeakness('🌟🌟🌟🌟🌟', me)).toBe('too_short');
  });

  it('names the e-mail, its name part and the words of the name', () => {
    expect(identityParts('Wang.Wei@Example.com', '王 伟')).toEqual(['wang.wei@example.com', 'wang.wei', '王伟']);
    expect(identityParts('hr@x.example', null)).toEqual(['hr@x.example']);
  });

  it('refuses with a 400 naming the field, in English and Chinese', async () => {
    let refused: unknown;
    try {
      await assertStrongPassword('newPassword', 'password12', me);
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({
      message: 'newPassword is one of the most common passwords; choose another (是最常见的密码之一，请换一个)',
      fieldErrors: [{ field: 'newPassword', message: 'newPassword is one of the most common passwords; choose another' }],
      details: { reason: 'common', messageZh: '密码是最常见的密码之一，请换一个' },
    });
    await expect(assertStrongPassword('newPassword', 'teal-otter-bakes-bread', me)).resolves.toBeUndefined();
  });
});
