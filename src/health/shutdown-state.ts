import { Injectable } from '@nestjs/common';

/**
 * Set when the process has been asked to stop. Readiness then answers 503 at once, so a load
 * balancer stops sending new work while the requests in flight finish.
 */
@Injectable()
export class ShutdownState {
  private since: number | null = null;

  get draining(): boolean {
    return this.since !== null;
  }

  begin(): void {
    this.since ??= Date.now();
  }
}
