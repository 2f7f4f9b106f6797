// Which errors mean "PostgreSQL cannot be reached right now", as opposed to a bad statement or bad
// input. Those are the database's outage, not our bug: the request may be retried, so they answer
// 503 with Retry-After instead of 500.
import { QueryRunnerAlreadyReleasedError } from 'typeorm';

/**
 * SQLSTATEs of a server that is going away, restarting or refusing connections (class 08 is
 * matched apart), has no connection slot left, or did not answer within statement_timeout
 * (57014: the bound that keeps a request from hanging on a stuck server; retrying is right).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/** Socket errors of a connection attempt or of a connection that was cut. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** Messages of node-postgres (pg and pg-pool) for a connection that ended or never came. */
const MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /Cannot use a pool after calling end on the pool/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
];

/** Seconds a client is told to wait before retrying; a restart of PostgreSQL takes a few. */
export const DB_RETRY_AFTER_SECONDS = 5;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  syscall?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

function matches(err: ErrorLike): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  if (UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  if (NETWORK_CODES.has(code)) return true;
  // A Unix socket that is gone (the embedded server stopped and removed it).
  if (code === 'ENOENT' && err.syscall === 'connect') return true;
  // TypeORM releases a query runner whose connection emitted 'error' (the server went away under
  // an open transaction); the transaction's next statement then fails with this instead of pg's error.
  if (err instanceof QueryRunnerAlreadyReleasedError) return true;
  const message = typeof err.message === 'string' ? err.message : '';
  return MESSAGES.some((re) => re.test(message));
}

/**
 * True when the error (or what it wraps: TypeORM's QueryFailedError keeps pg's error in
 * `driverError`, others in `cause`) says the database is unreachable.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || error === null || typeof error !== 'object') return false;
  const err = error as ErrorLike;
  if (matches(err)) return true;
  return isDatabaseUnavailable(err.driverError, depth + 1) || isDatabaseUnavailable(err.cause, depth + 1);
}
