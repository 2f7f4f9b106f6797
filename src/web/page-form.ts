// The one flow of a page form: check it with the API's own DTO (same rules, same messages), call
// the service, and on a refusal give the form back with the messages beside its fields and all
// that was typed still in it; on success, see-other to the next page.
import { HttpException } from '@nestjs/common';
import { PASSWORD_WEAKNESS_MESSAGES } from '../auth/password-policy.js';
import type { ErrorCode } from '../common/error-codes.js';
import { isAnyApiError, isApiError } from '../common/errors.js';
import { checkForm, type FieldErrors, toFieldErrors } from './forms.js';
import type { PageAnswer } from './page-response.js';

/** Why a form came back: shown above it (message) and beside its fields (errors). No code: the form failed its DTO's checks. */
export interface Problem {
  status: number;
  /** The refusal's error code; absent when the page found the mistake itself. */
  code?: ErrorCode;
  message: string;
  /** field → first message. */
  errors: FieldErrors;
  /** STALE_VERSION: the version there now, when the service said. */
  currentVersion?: number;
  /** THROTTLED: seconds to wait. */
  retryAfterSeconds?: number;
  /** After a stale save: the fields someone else changed meanwhile. */
  changed?: string[];
}

type Translate = (key: string, vars?: Record<string, string | number>) => string;

/**
 * A service refusal a form can show (400 with field messages, 401, 409, 429) as a Problem;
 * anything else is rethrown to the error page.
 */
export function formRefusal(err: unknown, t?: Translate): Problem {
  if (isAnyApiError(err) && [400, 401, 409, 429].includes(err.getStatus())) {
    const api = err;
    const problem: Problem = { status: api.getStatus(), code: api.code, message: api.message, errors: toFieldErrors(api.fieldErrors) };
    if (isApiError(err, 'STALE_VERSION') && err.details) problem.currentVersion = err.details.currentVersion;
    if (isApiError(err, 'THROTTLED') && err.details) problem.retryAfterSeconds = err.details.retryAfterSeconds;
    // A weak password says why in the page's language (the API's message carries both).
    const details = isApiError(err, 'VALIDATION_FAILED') ? err.details : undefined;
    const reason = details && 'reason' in details ? details.reason : undefined;
    if (t && reason && Object.hasOwn(PASSWORD_WEAKNESS_MESSAGES, reason)) {
      const why = t(`password.weak.${reason}`);
      for (const field of Object.keys(problem.errors)) problem.errors[field] = why;
      problem.message = why;
    }
    return problem;
  }
  if (err instanceof HttpException && err.getStatus() === 400) return { status: 400, code: 'VALIDATION_FAILED', message: err.message, errors: {} };
  throw err;
}

/**
 * The version that is there now, when a write was refused because someone else wrote first and
 * the service said which; null for any other error.
 */
export function staleVersion(err: unknown): number | null {
  return isApiError(err, 'STALE_VERSION') ? (err.details?.currentVersion ?? null) : null;
}

export interface PageFormFlow<D extends object, R> {
  /** The API's DTO class for this write. */
  dto: new () => D;
  /** The form's fields, named as the DTO names them. */
  input: Record<string, unknown>;
  /** Mistakes the page found while reading the form (an unknown employee number …); the DTO's messages win on the same field. */
  errors?: FieldErrors;
  /** Checks of the page's own beside the DTO's (two password fields that must match), adding to `errors`. */
  check?: (dto: D, errors: FieldErrors) => void;
  /** The summary above a form that failed the DTO's checks (e.g. "correct the fields marked"); the first field message when absent. */
  invalid?: string;
  /** For a weak password in the page's language. */
  t?: Translate;
  /** The write. */
  call: (dto: D) => Promise<R>;
  /** The form again, saying why. */
  refused: (problem: Problem) => PageAnswer | Promise<PageAnswer>;
  /** Where to go after the write. */
  done: (result: R) => PageAnswer | Promise<PageAnswer>;
}

/** A form with fields: checked with its DTO first. */
export async function submitForm<D extends object, R>(flow: PageFormFlow<D, R>): Promise<PageAnswer> {
  const { dto, errors: invalid } = await checkForm(flow.dto, flow.input);
  const errors = { ...flow.errors, ...invalid };
  flow.check?.(dto, errors);
  if (Object.keys(errors).length > 0) return flow.refused({ status: 400, message: flow.invalid ?? Object.values(errors)[0], errors });
  return attempt({ ...flow, call: () => flow.call(dto) });
}

/** A button without fields (open a cycle, start a draft): the write, then the next page or the page saying why not. */
export async function attempt<R>(flow: Pick<PageFormFlow<object, R>, 'refused' | 'done' | 't'> & { call: () => Promise<R> }): Promise<PageAnswer> {
  let result: R;
  try {
    result = await flow.call();
  } catch (err) {
    return flow.refused(formRefusal(err, flow.t));
  }
  return flow.done(result);
}
