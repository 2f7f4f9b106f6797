// The bounded wait in front of the page pool: at most `poolSize` prints at once, at most `maxQueue`
// waiting; one more is refused at once with a retry estimate, and a wait ends at the print's deadline.
import { RenderTimeoutError, RendererBusyError } from './pdf-renderer.errors.js';

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  deadline: number;
}

export class RenderQueue {
  /** Prints holding a slot. */
  active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly poolSize: number,
    private readonly maxQueue: number,
    private readonly renderTimeoutMs: number,
  ) {}

  /** Prints waiting for a slot. */
  get length(): number {
    return this.waiters.length;
  }

  /** A slot, now or once one is free; `avgRenderMs` estimates the retry delay of a refusal. */
  acquire(deadline: number, avgRenderMs: number): Promise<void> {
    if (this.active < this.poolSize && this.waiters.length === 0) {
      this.active += 1;
      return Promise.resolve();
    }
    if (this.waiters.length >= this.maxQueue) {
      const ahead = this.waiters.length + this.active;
      const retryAfterSeconds = Math.max(1, Math.ceil(((ahead / this.poolSize) * avgRenderMs) / 1000));
      return Promise.reject(
        new RendererBusyError(
          `All ${this.poolSize} PDF pages are busy and ${this.waiters.length} prints are waiting; try again in ${retryAfterSeconds} s`,
          retryAfterSeconds,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        deadline,
        timer: setTimeout(
          () => {
            const index = this.waiters.indexOf(waiter);
            if (index >= 0) this.waiters.splice(index, 1);
            reject(this.waitedTooLong());
          },
          Math.max(0, deadline - Date.now()),
        ),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Hands the slot to the next waiter (the count stays), or frees it. A waiter whose deadline has
   * passed gets its timeout instead: its own timer may not have fired yet (timers that end in the
   * same millisecond fire in either order), and a print with no time left would only open a page
   * that nothing uses.
   */
  release(): void {
    for (let next = this.waiters.shift(); next; next = this.waiters.shift()) {
      clearTimeout(next.timer);
      if (Date.now() < next.deadline) {
        next.resolve();
        return;
      }
      next.reject(this.waitedTooLong());
    }
    this.active -= 1;
  }

  private waitedTooLong(): RenderTimeoutError {
    return new RenderTimeoutError(`The PDF was not ready within ${this.renderTimeoutMs} ms (it waited for a free page all that time)`, this.renderTimeoutMs);
  }

  /** Fails every waiting print (shutdown). */
  rejectAll(error: () => Error): void {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error());
    }
  }
}
