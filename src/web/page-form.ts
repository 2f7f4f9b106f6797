// The one flow of a page form: check it with the API's own DTO (same rules, same messages), call
// the service, and on a refusal give the form back with the messages beside its fields and all
// that was typed still in it; on success, see-other to the next page.
import { HttpException } from '@nestjs/common';
import { PASSWORD_WEAKNESS_MESSAGES } from '../auth/password-policy.js';
import type { ErrorCode } from '../common/error-codes.js';
import type { FieldErrorDto } from '../common/error-response.dto.js';
import { isAnyApiError, isApiError } from '../common/errors.js';
import { type FieldErrorLocale, fieldErrorText } from '../i18n/field-errors.js';
import { refusalText } from '../i18n/refusals.js';
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
  /** A cycle that cannot close: every review still open in it (not a sample), to link each one. */
  openReviews?: { reviewId: string; employeeNo: string; name: string; status: string }[];
}

type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** How a page says field errors: its language, and the row a nested field is in (`entries[1]` → the KPI's name). */
export interface FieldWording extends FieldErrorLocale {
  row?: (path: string) => string | undefined;
}

/** The name of the KPI a nested field path is in (`kpis[2].weight` → that KPI's name in the page language), if any. */
export function rowName(
  rows: readonly { key: string; nameZh: string; nameEn: string }[],
  index: RegExp,
  path: string,
  lang: FieldErrorLocale['lang'],
): string | undefined {
  const m = index.exec(path);
  const row = m ? rows[Number(m[1])] : undefined;
  if (!row) return undefined;
  return (lang === 'zh-CN' ? row.nameZh : row.nameEn) || row.nameZh || row.nameEn || row.key || undefined;
}

/** field → first message, each said in the page's language from its code (the English only when there is no wording). */
export function localFieldErrors(list: FieldErrorDto[] | undefined, wording?: FieldWording): FieldErrors {
  if (!wording) return toFieldErrors(list);
  return toFieldErrors(list?.map((e) => (e.code ? { ...e, message: fieldErrorText(wording, e, wording.row?.(e.field)) } : e)));
}

/**
 * A service refusal a form can show (400 with field messages, 401, 409, 429) as a Problem;
 * anything else is rethrown to the error page.
 */
export function formRefusal(err: unknown, t?: Translate, wording?: FieldWording): Problem {
  if (isAnyApiError(err) && [400, 401, 409, 429].includes(err.getStatus())) {
    const api = err;
    const errors = localFieldErrors(api.fieldErrors, wording);
    // Refused input (400, or a value taken) reads, in the page's language, as its first field's
    // sentence; a refused state (a review with KPIs missing …) from its code and details. Either
    // way a Chinese page never shows the service's English.
    const first = wording && (api.getStatus() === 400 || api.code === 'DUPLICATE') ? api.fieldErrors?.[0] : undefined;
    const message = first ? errors[first.field] : wording ? refusalText(wording, api.code, api.details, api.message) : api.message;
    const problem: Problem = { status: api.getStatus(), code: api.code, message, errors };
    if (isApiError(err, 'STALE_VERSION') && err.details) problem.currentVersion = err.details.currentVersion;
    if (isApiError(err, 'THROTTLED') && err.details) problem.retryAfterSeconds = err.details.retryAfterSeconds;
    const state = isApiError(err, 'INVALID_STATE') ? err.details : undefined;
    if (state && 'notFinalized' in state) {
      problem.openReviews = state.notFinalized;
      if (t) problem.message = t('validation.cycleOpenReviews', { count: state.notFinalized.length });
    }
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
  /** For the DTO's and the service's field errors in the page's language (a page's Locale fits). */
  wording?: FieldWording;
  /** The write. */
  call: (dto: D) => Promise<R>;
  /** The form again, saying why. */
  refused: (problem: Problem) => PageAnswer | Promise<PageAnswer>;
  /** Where to go after the write. */
  done: (result: R) => PageAnswer | Promise<PageAnswer>;
}

/**
 * A form field left blank arrives as "" and may be turned into a value before the DTO checks it
 * (a number field into 0 or NaN): what the person did is leave it empty, so that is what is said.
 */
function requiredWhenBlank(e: FieldErrorDto, input: Record<string, unknown>): FieldErrorDto {
  let v: unknown = input;
  for (const part of e.field.split(/[.[\]]+/).filter(Boolean)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v === '' && e.code !== 'unknownField' ? { ...e, code: 'required', params: {} } : e;
}

/** A form with fields: checked with its DTO first. */
export async function submitForm<D extends object, R>(flow: PageFormFlow<D, R>): Promise<PageAnswer> {
  const { dto, list } = await checkForm(flow.dto, flow.input);
  const errors = {
    ...flow.errors,
    ...localFieldErrors(
      list.map((e) => requiredWhenBlank(e, flow.input)),
      flow.wording,
    ),
  };
  flow.check?.(dto, errors);
  if (Object.keys(errors).length > 0) return flow.refused({ status: 400, message: flow.invalid ?? Object.values(errors)[0], errors });
  return attempt({ ...flow, call: () => flow.call(dto) });
}

/** A button without fields (open a cycle, start a draft): the write, then the next page or the page saying why not. */
export async function attempt<R>(flow: Pick<PageFormFlow<object, R>, 'refused' | 'done' | 't' | 'wording'> & { call: () => Promise<R> }): Promise<PageAnswer> {
  let result: R;
  try {
    result = await flow.call();
  } catch (err) {
    return flow.refused(formRefusal(err, flow.t, flow.wording));
  }
  return flow.done(result);
}
