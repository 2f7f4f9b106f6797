// The last line of defence of a long-running process (the app, `npm run worker`): a promise
// rejected with nobody listening, or an exception thrown from a callback, is logged and the
// process keeps serving. Node's default ends the process, so one stray rejection from a library
// (pg-boss failing a job while PostgreSQL restarted did exactly that, issue 10) took every
// request in flight down with it. Known failures are handled where they happen; this only
// catches what slipped through, loudly, so it can be fixed there.
import { Logger } from '@nestjs/common';

let installed = false;

export interface ProcessGuardLogger {
  error(message: string): void;
}

/** Installs the handlers once per process; later calls do nothing. */
export function installProcessGuards(logger: ProcessGuardLogger = new Logger('Process')): void {
  if (installed) return;
  installed = true;
  // A closed stdout or stderr (the reader of a pipe went away) errors on every write: with no
  // listener that is an uncaught exception, whose log line is one more write, and so on forever.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  let reporting = false;
  const report = (text: string) => {
    if (reporting) return;
    reporting = true;
    try {
      logger.error(text);
    } catch {
      // nowhere left to say it
    } finally {
      reporting = false;
    }
  };
  process.on('unhandledRejection', (reason: unknown) => {
    report(`Unhandled promise rejection (the process keeps running): ${describe(reason)}`);
  });
  process.on('uncaughtException', (error: Error, origin: string) => {
    if (isBrokenOutput(error)) return;
    report(`Uncaught exception (${origin}; the process keeps running): ${describe(error)}`);
  });
}

function isBrokenOutput(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

function describe(reason: unknown): string {
  if (reason instanceof Error) {
    const code = (reason as { code?: unknown }).code;
    return `${typeof code === 'string' ? `[${code}] ` : ''}${reason.stack ?? reason.message}`;
  }
  return String(reason);
}
