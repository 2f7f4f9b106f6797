import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  type CalibrationLockedDetails,
  type CycleStatusDetails,
  type DraftExistsDetails,
  ERROR_CODES,
  type ErrorCode,
  type ErrorDetails,
  type ExistingReviewDetails,
  type ExportProgressDetails,
  type MissingInputsDetails,
  type NotFinalizedDetails,
  type RendererDetails,
  type RendererFailure,
  type RetryAfterDetails,
  type RetryRefusedDetails,
  type StaleVersionDetails,
  type StageDetails,
  type StatusDetails,
  type StillReferencedDetails,
  type WeakPasswordDetails,
  type WeakPasswordReason,
} from './error-codes.js';

export class FieldErrorDto {
  @ApiProperty({ example: 'weight', description: 'Path of the offending field in the request (empty when no field is at fault)' })
  field: string;

  @ApiProperty({
    example: 'max',
    description:
      "Stable code of the broken rule, to say it in the reader's language: the class-validator constraint (isUuid, minLength, max, isIn …), " +
      "'required' for a value left empty, 'unknownField' for a field the request does not take, or a domain rule (weightSum, notAKpi, noLoop …)",
  })
  code: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { max: 100 },
    description: "The rule's arguments by name (min, max, values …); empty when the rule has none",
  })
  params?: Record<string, string | number | (string | number)[]>;

  @ApiProperty({ example: 'weight must not be greater than 100' })
  message: string;
}

// The shapes `details` takes, one class each so that clients get a type per shape. Which one
// comes is told by `code` (and, for 409 INVALID_STATE, by the operation).

/** THROTTLED (429), and SERVICE_UNAVAILABLE (503) when the database is away: when to try again. */
export class RetryAfterDetailsDto implements RetryAfterDetails {
  @ApiProperty({ type: 'integer', minimum: 1, example: 30, description: 'Seconds to wait; also in the Retry-After header' })
  retryAfterSeconds: number;
}

/** SERVICE_UNAVAILABLE (503) from the PDF renderer. */
export class RendererDetailsDto implements RendererDetails {
  @ApiProperty({ enum: ['RENDERER_UNAVAILABLE', 'RENDERER_BUSY', 'RENDER_TIMEOUT', 'RENDER_FAILED'], description: 'Why the scorecard could not be printed' })
  code: RendererFailure;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Seconds to wait before trying again; also in Retry-After' })
  retryAfterSeconds: number;
}

/** STALE_VERSION (409). */
export class StaleVersionDetailsDto implements StaleVersionDetails {
  @ApiProperty({ type: 'integer', minimum: 0, example: 4, description: '0: nothing saved yet (a self-assessment before its first save)' })
  currentVersion: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3 })
  yourVersion: number;
}

/** STILL_REFERENCED (409) on deleting an employee: what still points at them. */
export class StillReferencedDetailsDto implements StillReferencedDetails {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Their reviews' })
  reviews?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Employees reporting to them' })
  reports?: number;
}

/** DUPLICATE (409) on creating a review: the one that exists. */
export class ExistingReviewDetailsDto implements ExistingReviewDetails {
  @ApiProperty({ format: 'uuid' })
  reviewId: string;
}

/** INVALID_STATE (409): the state of the review, cycle or template version that forbids the change. */
export class StatusDetailsDto implements StatusDetails {
  @ApiProperty({ example: 'finalized' })
  status: string;
}

/** INVALID_STATE (409): the review is in another stage than the change needs. */
export class StageDetailsDto implements StageDetails {
  @ApiProperty({ enum: ['self', 'manager', 'hr', 'done'], description: 'Where the review is' })
  stage: string;

  @ApiProperty({ enum: ['self', 'manager', 'hr', 'done'], description: 'Where it must be for the change' })
  expectedStage: string;
}

export class CalibrationLockDto {
  @ApiProperty({ example: 'Sales East' })
  department: string;

  @ApiProperty({ format: 'date-time' })
  lockedAt: string;

  @ApiProperty({ description: 'Who locked it' })
  lockedBy: string;
}

/** INVALID_STATE (409): the calibration of the review's department is locked; reopen it (with a reason) first. */
export class CalibrationLockedDetailsDto implements CalibrationLockedDetails {
  @ApiProperty({ type: CalibrationLockDto })
  calibrationLocked: CalibrationLockDto;
}

/** INVALID_STATE (409) on a review whose cycle is not open. */
export class CycleStatusDetailsDto implements CycleStatusDetails {
  @ApiProperty({ enum: ['planned', 'open', 'closed'] })
  cycleStatus: string;
}

/** INVALID_STATE (409) on starting a second draft of a template. */
export class DraftExistsDetailsDto implements DraftExistsDetails {
  @ApiProperty({ format: 'uuid' })
  draftVersionId: string;
}

/** INVALID_STATE (409) on downloading an export that is not done. */
export class ExportProgressDetailsDto implements ExportProgressDetails {
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] })
  state: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  total: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  done: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  failed: number;
}

/** Why failed scorecards of an export cannot be retried now: it still runs, or nothing failed. */
export class RetryRefusedDetailsDto implements RetryRefusedDetails {
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] })
  state: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Failed scorecards (0: nothing to retry)' })
  failed?: number;
}

export class PendingReviewDto {
  @ApiProperty({ format: 'uuid' })
  reviewId: string;

  @ApiProperty()
  employeeNo: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ['draft', 'submitted'] })
  status: string;
}

/** INVALID_STATE (409) on closing a cycle with reviews not finalized. */
export class NotFinalizedDetailsDto implements NotFinalizedDetails {
  @ApiProperty({ type: [PendingReviewDto] })
  notFinalized: PendingReviewDto[];
}

/** INVALID_STATE (409) on submitting a review with KPIs that have no input. */
export class MissingInputsDetailsDto implements MissingInputsDetails {
  @ApiProperty({ type: [String], description: 'Keys of the KPIs without input' })
  missing: string[];
}

/** A password refused as too weak (NIST SP 800-63B): why, so that pages can say it in their language. */
export class WeakPasswordDetailsDto implements WeakPasswordDetails {
  @ApiProperty({ enum: ['too_short', 'contains_identity', 'common', 'guessable'] })
  reason: WeakPasswordReason;

  @ApiProperty({ example: '密码是最常见的密码之一，请换一个' })
  messageZh: string;
}

/** An import file refused (400, 413 PAYLOAD_TOO_LARGE) or a commit refused (409): the message in Chinese too, and what applies. */
export class ImportRefusalDetailsDto {
  @ApiProperty({ example: '文件超过 IMPORT_MAX_BYTES（10485760 字节，10.0 MB）' })
  messageZh: string;

  @ApiPropertyOptional({ enum: ['IMPORT_MAX_BYTES', 'IMPORT_MAX_ROWS', 'IMPORT_MAX_UNZIPPED_BYTES'], description: 'The setting that was exceeded (413)' })
  limit?: string;

  @ApiPropertyOptional({ description: 'SHA-256 of the file (409)' })
  fileHash?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Rows the dry run refused (409)' })
  refusedRows?: number;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'Rows refused now, as in an import report (409)' })
  rows?: Record<string, unknown>[];
}

/** Which details each code carries (the codes not named carry none). */
export const DETAILS_BY_CODE = {
  VALIDATION_FAILED: [WeakPasswordDetailsDto, ImportRefusalDetailsDto],
  STALE_VERSION: [StaleVersionDetailsDto],
  DUPLICATE: [ExistingReviewDetailsDto],
  INVALID_STATE: [
    StatusDetailsDto,
    StageDetailsDto,
    CalibrationLockedDetailsDto,
    CycleStatusDetailsDto,
    DraftExistsDetailsDto,
    ExportProgressDetailsDto,
    RetryRefusedDetailsDto,
    NotFinalizedDetailsDto,
    MissingInputsDetailsDto,
    ImportRefusalDetailsDto,
  ],
  PAYLOAD_TOO_LARGE: [ImportRefusalDetailsDto],
  STILL_REFERENCED: [StillReferencedDetailsDto],
  THROTTLED: [RetryAfterDetailsDto],
  SERVICE_UNAVAILABLE: [RetryAfterDetailsDto, RendererDetailsDto],
} satisfies Partial<Record<ErrorCode, (new () => object)[]>>;

/** Every details shape, once (for the document's schemas). */
export const ERROR_DETAIL_MODELS = [...new Set(Object.values(DETAILS_BY_CODE).flat())];

const detailsByCode = Object.entries(DETAILS_BY_CODE)
  .map(([code, models]) => `${code}: ${models.map((m) => m.name).join(' or ')}`)
  .join('; ');

/** The one error shape every failing request gets. */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode: number;

  @ApiProperty({
    enum: ERROR_CODES,
    enumName: 'ErrorCode',
    example: 'VALIDATION_FAILED',
    description:
      'Stable and machine-readable; branch on this, not on `message`. VALIDATION_FAILED, MALFORMED_BODY (400); UNAUTHENTICATED, ' +
      'INVALID_CREDENTIALS (401); FORBIDDEN, CSRF_REJECTED, PASSWORD_CHANGE_REQUIRED (403); NOT_FOUND (404); STALE_VERSION (reload and ' +
      "apply again), DUPLICATE (a unique value is taken), INVALID_STATE (the object's state forbids it), STILL_REFERENCED (409); " +
      'PAYLOAD_TOO_LARGE (413); UNSUPPORTED_MEDIA_TYPE (415); PRECONDITION_REQUIRED (428); THROTTLED (429); SERVICE_UNAVAILABLE (503)',
  })
  code: ErrorCode;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'Validation failed' })
  message: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Field-level problems, when the input was at fault' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({
    description: `Facts about the failure; its shape follows from \`code\` (${detailsByCode})`,
    anyOf: ERROR_DETAIL_MODELS.map((m) => ({ $ref: getSchemaPath(m) })),
  })
  details?: ErrorDetails;
}
