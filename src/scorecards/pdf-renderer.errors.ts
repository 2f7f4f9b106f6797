// Errors of the PDF renderer. Plain errors (no HTTP types): each says its error code, and the
// exception filter sends it as a 503 SERVICE_UNAVAILABLE with Retry-After when trying again helps.
import type { CodedError, RendererDetails, RendererFailure } from '../common/error-codes.js';

export type PdfRendererErrorCode = RendererFailure;

const DEFAULT_RETRY_AFTER_SECONDS = 10;

export class PdfRendererError extends Error implements CodedError<'SERVICE_UNAVAILABLE'> {
  readonly code: PdfRendererErrorCode = 'RENDER_FAILED';
  readonly errorCode = 'SERVICE_UNAVAILABLE';
  /**
   * Seconds after which to try again. Every 503 says when (a missing or failing browser is looked for
   * and launched again on the next print, so even that one can pass without a restart).
   */
  readonly retryAfterSeconds: number;

  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  }

  get errorDetails(): RendererDetails {
    return { code: this.code, retryAfterSeconds: this.retryAfterSeconds };
  }
}

/**
 * No browser to print with: none installed (the message says how to install one), it would not
 * start, it crashed or disconnected during the render (the next print relaunches it), or the
 * renderer is shutting down.
 */
export class RendererUnavailableError extends PdfRendererError {
  override readonly code = 'RENDERER_UNAVAILABLE';
}

/** Every page of the pool is printing and the wait queue is full. */
export class RendererBusyError extends PdfRendererError {
  override readonly code = 'RENDERER_BUSY';
  constructor(message: string, retryAfterSeconds: number) {
    super(message, { retryAfterSeconds });
  }
}

/** The print took longer than the render timeout (time spent waiting in the queue included). */
export class RenderTimeoutError extends PdfRendererError {
  override readonly code = 'RENDER_TIMEOUT';

  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message, { retryAfterSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)) });
  }
}
