// Real app and worker processes for the tests that must kill one (SIGKILL skips every cleanup of
// the process it hits) or see one outlive its database. They run the TypeScript sources through
// ts-register.mjs, so what they run is exactly the code under test, without a build.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves once the output matches (fails after `timeoutMs`, or when the process exits first). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** True while it runs. */
  alive(): boolean;
  /** Its exit: code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal (if still running) and waits for the exit, SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Starts `node <script>` (a .ts path from the project root) with the environment given on top of ours. */
export function startProcess(script: string, env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['--import', './test/support/ts-register.mjs', script], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${script} did not start`);
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      running = false;
      for (const listener of [...listeners]) listener();
      resolve({ code, signal });
    });
  });
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(text)) finish(null);
        else if (!running) finish(new Error(`${script} exited before printing ${pattern}:\n${text.slice(-3000)}`));
      };
      const timer = setTimeout(() => finish(new Error(`${script} did not print ${pattern} within ${timeoutMs} ms:\n${text.slice(-3000)}`)), timeoutMs);
      const finish = (error: Error | null) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      listeners.add(check);
      check();
    });
  return {
    child,
    pid: child.pid,
    output: () => text,
    waitFor,
    alive: () => running,
    exited,
    stop: async (signal = 'SIGTERM', graceMs = 15_000) => {
      if (!running) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
