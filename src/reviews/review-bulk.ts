import { isAnyApiError } from '../common/errors.js';
import type { BulkSkipCode } from './dto/review-bulk.dto.js';

/** Why one review of a bulk action was left as it was: a stable code, what it needs to be said in words, and the English sentence. */
export interface BulkSkip {
  code: BulkSkipCode;
  params: Record<string, string>;
  message: string;
}

/**
 * The skip that a single action's refusal becomes. The single actions refuse with our error codes
 * and details; a bulk run reports them per review instead of failing the rest. Anything that is not
 * a refusal (a lost database, a bug) is rethrown: that is no reason to skip, and the run stops.
 */
export function skipOf(err: unknown): BulkSkip {
  if (!isAnyApiError(err)) throw err;
  const message = err.message;
  const details = (err.details ?? {}) as Record<string, unknown>;
  switch (err.code) {
    case 'NOT_FOUND':
      return { code: 'not_found', params: {}, message };
    case 'STALE_VERSION':
      return { code: 'changed_meanwhile', params: {}, message };
    case 'DUPLICATE':
      return { code: 'already_started', params: {}, message };
    case 'INVALID_STATE':
      if (Array.isArray(details.missing)) return { code: 'missing_inputs', params: { count: String(details.missing.length) }, message };
      if (typeof details.stage === 'string') return { code: 'wrong_stage', params: { stage: details.stage }, message };
      if (typeof details.cycleStatus === 'string') return { code: 'cycle_not_open', params: { status: details.cycleStatus }, message };
      if (typeof details.status === 'string') return { code: 'wrong_status', params: { status: details.status }, message };
      if (details.calibrationLocked) return { code: 'calibration_locked', params: {}, message };
      return { code: 'refused', params: {}, message };
    default:
      if (err.getStatus() < 500) return { code: 'refused', params: {}, message };
      throw err;
  }
}
