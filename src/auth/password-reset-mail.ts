// The "forgot password" mail. Like the reminders it carries both languages, the requester's first:
// the person who asked may not be the one who reads it on a shared HR mailbox.
import type { Lang } from '../i18n/langs.js';

export interface ResetMail {
  subject: string;
  text: string;
}

export function renderResetMail(lang: Lang, link: string, minutes: number): ResetMail {
  const zh = [
    '您好，',
    '',
    '有人请求重置您在绩效系统中的密码。如果是您本人，请在以下链接中设置新密码：',
    '',
    link,
    '',
    `该链接 ${minutes} 分钟内有效，只能使用一次。设置新密码后，您在所有设备上的登录都会失效。`,
    '如果不是您本人请求，请忽略此邮件：您的密码不会改变。',
  ];
  const en = [
    'Hello,',
    '',
    'Someone asked to reset your Scorecard password. If it was you, set a new one here:',
    '',
    link,
    '',
    `The link works for ${minutes} minutes, once. Setting a new password signs you out everywhere.`,
    'If you did not ask, ignore this mail: your password stays as it is.',
  ];
  const [first, second] = lang === 'zh-CN' ? [zh, en] : [en, zh];
  const subject = lang === 'zh-CN' ? '重置您的绩效系统密码 / Reset your Scorecard password' : 'Reset your Scorecard password / 重置您的绩效系统密码';
  return { subject, text: [...first, '', '----', '', ...second].join('\n') };
}
