// What SIGTERM and SIGINT do (main.ts): stop taking work, let the work in flight finish within a
// bound (SHUTDOWN_TIMEOUT_MS), give unstarted export work back to the queue, then close the
// browser, the pools and the embedded PostgreSQL, and exit.
import type { Server } from 'node:http';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { ExportQueue } from '../exports/export-queue.js';
import { ShutdownState } from './shutdown-state.js';

export interface ShutdownOptions {
  /** The whole shutdown, from the signal to the exit. */
  timeoutMs: number;
  logger: LoggerService;
  /** What runs outside Nest and must stop last (the embedded PostgreSQL). */
  stopDatabase?: () => Promise<void>;
}

/** How often keep-alive connections that went idle are closed while draining. */
const IDLE_SWEEP_MS = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Resolves with the promise's outcome, or with 'timeout' after `ms`; never rejects. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout' | 'failed'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise.catch(() => 'failed' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops accepting connections and lets the requests in flight finish until `until`; then cuts
 * what is left. Node's server.close() alone is not enough: it only closes the keep-alive
 * connections that are idle at that instant, keeps serving new requests on the others, and each
 * one that was busy then stays open for keepAliveTimeout (5 s) after its last answer. So answers
 * from now on say `Connection: close`, and connections that turn idle are closed as they do.
 * Resolves with the number of connections cut at the deadline.
 */
export async function drainHttpServer(server: Server, until: number): Promise<number> {
  const closed = new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
  const onRequest = (_req: unknown, res: { headersSent: boolean; setHeader(name: string, value: string): void }) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  server.on('request', onRequest);
  let done = false;
  void closed.then(() => {
    done = true;
  });
  try {
    while (!done && Date.now() < until) {
      server.closeIdleConnections();
      await Promise.race([closed, sleep(Math.min(IDLE_SWEEP_MS, until - Date.now()))]);
    }
    if (done) return 0;
    let cut = 0;
    server.getConnections((_err, count) => {
      cut = count;
    });
    server.closeAllConnections();
    await within(closed, 1000);
    return cut;
  } finally {
    server.off('request', onRequest);
  }
}

/**
 * The orderly shutdown. Returns the exit code: 0 when everything closed within the bound, 1 when
 * something had to be cut or failed to close (it is logged).
 */
export async function gracefulShutdown(app: INestApplication, options: ShutdownOptions): Promise<number> {
  const started = Date.now();
  const { logger } = options;
  // Closing the browser, the pools and PostgreSQL after the drain takes well under a second;
  // this much of the bound is kept for it, so that the process is gone within the bound.
  const reserve = Math.min(2000, Math.floor(options.timeoutMs / 4));
  const drainUntil = started + options.timeoutMs - reserve;
  let code = 0;

  // Readiness answers 503 from now on, so load balancers stop sending work here.
  app.get(ShutdownState).begin();
  const server = app.getHttpServer() as Server;
  // Export chunks in flight finish their renders in flight and hand the rest back; this runs
  // beside the HTTP drain, with the same deadline.
  const [cut] = await Promise.all([drainHttpServer(server, drainUntil), app.get(ExportQueue).stop(Math.max(0, drainUntil - Date.now()))]);
  const drained = Date.now();
  if (cut > 0) {
    logger.warn?.(`Cut ${cut} connection(s) still busy after ${options.timeoutMs - reserve} ms`);
    code = 1;
  }

  // Nest's own teardown: the export queue (already stopped), the database pool, the browser.
  const logged = (error: unknown) => {
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  };
  const closed = await within(app.close().catch(logged), Math.max(500, started + options.timeoutMs - 500 - Date.now()));
  if (closed === 'timeout' || closed === 'failed') {
    logger.error(`The application did not close cleanly (${closed})`);
    code = 1;
  }
  const appClosed = Date.now();
  if (options.stopDatabase) {
    const stopped = await within(options.stopDatabase().catch(logged), Math.max(500, started + options.timeoutMs - Date.now()));
    if (stopped === 'timeout' || stopped === 'failed') {
      logger.error(`The embedded PostgreSQL did not stop cleanly (${stopped})`);
      code = 1;
    }
  }
  const end = Date.now();
  logger.log(`Shut down in ${end - started} ms (drain ${drained - started} ms, app ${appClosed - drained} ms, database ${end - appClosed} ms)`);
  return code;
}
