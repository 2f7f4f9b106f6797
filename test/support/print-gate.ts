// Holds the printing of export scorecards until the test lets each one through, so a test can see
// an export in progress (a page's progress bar at 0, then 1, then 2 of 2) however fast or slow the
// machine prints. Wraps the service method the export workers call; the PDFs are still real.
import { jest } from '@jest/globals';
import { ScorecardsService } from '../../src/scorecards/scorecards.service.js';
import type { TestApp } from './app.js';

export interface PrintGate {
  /** Prints waiting at the gate now. */
  waiting(): number;
  /** Lets `n` prints through: those waiting first, then ones still to come. */
  release(n?: number): void;
  /** Lets everything through and restores the service (call it in `finally`). */
  open(): void;
}

export function holdExportPrinting(t: TestApp): PrintGate {
  const service = t.app.get(ScorecardsService);
  const original = service.pdfForExport.bind(service);
  const queue: (() => void)[] = [];
  let credits = 0;
  let opened = false;
  const spy = jest.spyOn(service, 'pdfForExport').mockImplementation(async (reviewId, lang, batch) => {
    if (!opened) {
      if (credits > 0) credits -= 1;
      else await new Promise<void>((resolve) => queue.push(resolve));
    }
    return original(reviewId, lang, batch);
  });
  return {
    waiting: () => queue.length,
    release: (n = 1) => {
      for (let i = 0; i < n; i++) {
        const next = queue.shift();
        if (next) next();
        else credits += 1;
      }
    },
    open: () => {
      opened = true;
      spy.mockRestore();
      for (const next of queue.splice(0)) next();
    },
  };
}
