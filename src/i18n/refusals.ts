// A service's refusal that names no field (a review in the wrong stage, a cycle that is closed, a
// version someone else replaced) said in the page's language from its code and details, never
// from the API's English message. English pages keep that message: it is already a sentence for
// people, and more specific than a dictionary's. Sentences live under `refusal` in the dictionaries.
import type { ErrorCode, ErrorDetails } from '../common/error-codes.js';
import { interpolate } from './format.js';
import type { FieldErrorLocale } from './field-errors.js';

/** The sentence for a refusal, or undefined when the page should keep the service's own (English pages). */
export function refusalText(locale: FieldErrorLocale, code: ErrorCode, details: ErrorDetails | undefined, message: string): string {
  if (locale.lang === 'en') return message;
  const words = locale.section('refusal');
  const say = (key: string, vars: Record<string, string | number> = {}) => (Object.hasOwn(words, key) ? interpolate(words[key], vars) : undefined);
  const name = (kind: string, value: string) => say(`${kind}.${value}`) ?? value;
  const d: Record<string, unknown> = details && typeof details === 'object' ? (details as unknown as Record<string, unknown>) : {};
  let text: string | undefined;
  if (typeof d.stage === 'string' && typeof d.expectedStage === 'string') {
    text = say('stage', { stage: name('stageIs', d.stage), expected: name('stageIs', d.expectedStage) });
  } else if (Array.isArray(d.missing)) {
    text = say('missing', { count: d.missing.length });
  } else if (d.calibrationLocked && typeof d.calibrationLocked === 'object' && 'department' in d.calibrationLocked) {
    text = say('calibrationLocked', { department: String(d.calibrationLocked.department) });
  } else if (typeof d.cycleStatus === 'string') {
    text = say('cycleStatus', { status: name('cycleStatusIs', d.cycleStatus) });
  } else if (typeof d.messageZh === 'string' && d.messageZh) {
    text = d.messageZh;
  } else if (code === 'INVALID_STATE' && typeof d.status === 'string') {
    text = say('status', { status: name('statusIs', d.status) });
  } else if (code === 'THROTTLED' && typeof d.retryAfterSeconds === 'number') {
    text = say('THROTTLED', { seconds: d.retryAfterSeconds });
  }
  return text ?? say(code) ?? say('generic') ?? message;
}
