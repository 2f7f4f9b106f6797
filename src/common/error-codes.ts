// The machine-readable `code` of every error body and the `details` each code carries. Clients and
// pages branch on the code (a stale version wants a reload, a duplicate a different value, an
// invalid state a different action), never on the English message, so codes are stable: add new
// ones, never rename. Nothing here knows a feature; features import from here.

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_BODY',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'CSRF_REJECTED',
  'PASSWORD_CHANGE_REQUIRED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'STALE_VERSION',
  'DUPLICATE',
  'INVALID_STATE',
  'STILL_REFERENCED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'PRECONDITION_REQUIRED',
  'THROTTLED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status each code is sent with. */
export const STATUS_OF: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_BODY: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  STALE_VERSION: 409,
  DUPLICATE: 409,
  INVALID_STATE: 409,
  STILL_REFERENCED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PRECONDITION_REQUIRED: 428,
  THROTTLED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** The code an error gets when nothing more specific was said (Nest's own exceptions, parsers). */
export function defaultCode(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'VALIDATION_FAILED';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 409:
      return 'INVALID_STATE';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 428:
      return 'PRECONDITION_REQUIRED';
    case 429:
      return 'THROTTLED';
    case 503:
      return 'SERVICE_UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED';
  }
}

// The shapes of `details`. The OpenAPI classes in error-response.dto.ts implement these.

/** THROTTLED, and SERVICE_UNAVAILABLE while the database is away: when to try again. */
export interface RetryAfterDetails {
  retryAfterSeconds: number;
}

export type RendererFailure = 'RENDERER_UNAVAILABLE' | 'RENDERER_BUSY' | 'RENDER_TIMEOUT' | 'RENDER_FAILED';

/** SERVICE_UNAVAILABLE from the PDF renderer. */
export interface RendererDetails {
  code: RendererFailure;
  retryAfterSeconds: number;
}

export interface StaleVersionDetails {
  currentVersion: number;
  yourVersion: number;
}

/** STILL_REFERENCED on deleting an employee: what still points at them. */
export interface StillReferencedDetails {
  reviews?: number;
  reports?: number;
}

/** DUPLICATE on creating a review: the one that exists. */
export interface ExistingReviewDetails {
  reviewId: string;
}

export type WeakPasswordReason = 'too_short' | 'contains_identity' | 'common' | 'guessable';

/** VALIDATION_FAILED for a password refused as too weak: why, so that pages can say it in their language. */
export interface WeakPasswordDetails {
  reason: WeakPasswordReason;
  messageZh: string;
}

/** INVALID_STATE: the state of the review, cycle or template version that forbids the change. */
export interface StatusDetails {
  status: string;
}

/** INVALID_STATE: the review is in another stage than the change needs (see review-stages.ts). */
export interface StageDetails {
  stage: string;
  expectedStage: string;
}

/** INVALID_STATE: HR locked the calibration of the review's department; only a reopen (with a reason) changes it. */
export interface CalibrationLockedDetails {
  calibrationLocked: { department: string; lockedAt: string; lockedBy: string };
}

export interface CycleStatusDetails {
  cycleStatus: string;
}

export interface DraftExistsDetails {
  draftVersionId: string;
}

export interface ExportProgressDetails {
  state: string;
  total: number;
  done: number;
  failed: number;
}

export interface RetryRefusedDetails {
  state: string;
  failed?: number;
}

export interface NotFinalizedDetails {
  notFinalized: { reviewId: string; employeeNo: string; name: string; status: string }[];
}

export interface MissingInputsDetails {
  missing: string[];
}

/** An import refused (400, 409) or too large (413): the message in Chinese too, and what to act on. */
export interface ImportRefusalDetails {
  messageZh: string;
  /** The setting that was exceeded (413). */
  limit?: string;
  fileHash?: string;
  refusedRows?: number;
  /** Rows refused now, as in an import report. */
  rows?: object[];
}

type EveryCode<T extends Record<ErrorCode, unknown>> = T;

/** What `details` holds for each code; `never`: that code has none. */
export type ErrorDetailsByCode = EveryCode<{
  VALIDATION_FAILED: WeakPasswordDetails | ImportRefusalDetails;
  MALFORMED_BODY: never;
  UNAUTHENTICATED: never;
  INVALID_CREDENTIALS: never;
  FORBIDDEN: never;
  CSRF_REJECTED: never;
  PASSWORD_CHANGE_REQUIRED: never;
  NOT_FOUND: never;
  METHOD_NOT_ALLOWED: never;
  STALE_VERSION: StaleVersionDetails;
  DUPLICATE: ExistingReviewDetails;
  INVALID_STATE:
    | StatusDetails
    | StageDetails
    | CalibrationLockedDetails
    | CycleStatusDetails
    | DraftExistsDetails
    | ExportProgressDetails
    | RetryRefusedDetails
    | NotFinalizedDetails
    | MissingInputsDetails
    | ImportRefusalDetails;
  STILL_REFERENCED: StillReferencedDetails;
  PAYLOAD_TOO_LARGE: ImportRefusalDetails;
  UNSUPPORTED_MEDIA_TYPE: never;
  PRECONDITION_REQUIRED: never;
  THROTTLED: RetryAfterDetails;
  SERVICE_UNAVAILABLE: RetryAfterDetails | RendererDetails;
  INTERNAL: never;
}>;

export type ErrorDetails<C extends ErrorCode = ErrorCode> = ErrorDetailsByCode[C];

/**
 * An error of a lower layer that is not an HTTP exception (the PDF renderer's) but says which
 * code it answers with; the exception filter sends it in the one error shape.
 */
export interface CodedError<C extends ErrorCode = ErrorCode> extends Error {
  readonly errorCode: C;
  readonly errorDetails?: ErrorDetails<C>;
}

export function isCodedError(err: unknown): err is CodedError {
  return (
    err instanceof Error &&
    typeof (err as Partial<CodedError>).errorCode === 'string' &&
    (ERROR_CODES as readonly string[]).includes((err as CodedError).errorCode)
  );
}
