// Errors of the PDF renderer. Plain errors (no HTTP types): the app maps them to responses,
// e.g. RendererUnavailableError and RendererBusyError to 503 with Retry-After, RenderTimeoutError to 503/504.

export type PdfRendererErrorCode = 'RENDERER_UNAVAILABLE' | 'RENDERER_BUSY' | 'RENDER_TIMEOUT' | 'RENDER_FAILED';

export class PdfRendererError extends Error {
  readonly code: PdfRendererErrorCode = 'RENDER_FAILED';
  /** Seconds after which trying again makes sense, when it does. */
  readonly retryAfterSeconds?: number;

  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
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
  declare readonly retryAfterSeconds: number;

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
