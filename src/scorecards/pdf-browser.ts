// The renderer's Chromium: one live browser session at a time, launched on demand with a temporary
// profile, replaced after a crash or when retired (the old one finishes its renders first), and
// closed leaving no process and no profile behind, even when the process exits without close().
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { type ChromiumExecutable, chromiumMissingMessage, prepareChromium } from './chromium.js';
import type { CjkFonts } from './fonts.js';
import type { RendererLogger } from './pdf-options.js';
import type { PooledPage } from './pdf-pages.js';
import { RendererUnavailableError } from './pdf-renderer.errors.js';
import { isAlive, processTreeSync } from './process-tree.js';
import { writeOwner } from './stale-profiles.js';

/** Flags asked for by the product issue, plus the host-resolver rule that cuts Chromium off the network. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

export interface Session {
  id: number;
  browser: Browser;
  pid: number | null;
  executablePath: string;
  /** Temporary folder holding the profile and the fonts; removed on close. */
  root: string;
  userDataDir: string;
  /** Tabs the browser opened by itself, set up as pool pages before any new one is made. */
  spare: Page[];
  idle: PooledPage[];
  /** Pages open (idle, busy or being set up). */
  pages: number;
  active: number;
  renders: number;
  consecutiveTimeouts: number;
  state: 'live' | 'retiring' | 'dead' | 'closed';
  closing: Promise<void> | null;
  lastRssCheck: number;
  /** The browser's process tree as last read from /proc, and when (see PdfRenderer's memory check). */
  tree: { pids: number[]; readAt: number } | null;
}

export interface BrowserSettings {
  env: NodeJS.ProcessEnv;
  extraArgs: readonly string[];
  launchTimeoutMs: number;
  renderTimeoutMs: number;
  logger: RendererLogger;
  /** The browser to launch; null when none is found. */
  chromium(): ChromiumExecutable | null;
  fonts(): Promise<CjkFonts>;
  /** The renderer is shutting down: launch nothing more. */
  closing(): boolean;
}

export class BrowserSessions {
  /** Browser launches since start (the first one included). */
  launches = 0;
  crashes = 0;
  private current: Session | null = null;
  private launching: Promise<Session> | null = null;
  private readonly sessions = new Set<Session>();
  private sessionIds = 0;
  private exitHandlerInstalled = false;

  constructor(private readonly settings: BrowserSettings) {}

  /** The session new renders go to, if one runs. */
  live(): Session | null {
    return this.current && this.current.state === 'live' ? this.current : null;
  }

  /** The live session, launching one if none runs (concurrent callers share one launch). */
  get(): Promise<Session> {
    const current = this.current;
    if (current && current.state === 'live') return Promise.resolve(current);
    if (this.settings.closing()) return Promise.reject(new RendererUnavailableError('The PDF renderer is shutting down', { retryAfterSeconds: 5 }));
    if (!this.launching) {
      this.launching = this.launch().finally(() => {
        this.launching = null;
      });
    }
    return this.launching;
  }

  private async launch(): Promise<Session> {
    const chromium = this.settings.chromium();
    if (!chromium) throw new RendererUnavailableError(chromiumMissingMessage(this.settings.env));
    const fonts = await this.settings.fonts();
    // <tmp>/scorecard-chromium-XXXXXX/{owner.json, profile, fonts, fonts.conf}: removed on close, or by
    // the next process's sweep (stale-profiles.ts) when this one is killed.
    const root = await mkdtemp(join(tmpdir(), 'scorecard-chromium-'));
    const userDataDir = join(root, 'profile');
    let browser: Browser;
    try {
      await writeOwner(root);
      const [fontEnv, executablePath] = await Promise.all([fonts.writeSystemFonts(root), prepareChromium(chromium)]);
      browser = await puppeteer.launch({
        env: { ...process.env, ...fontEnv },
        executablePath,
        headless: chromium.headless,
        pipe: true,
        userDataDir,
        args: [...CHROMIUM_ARGS, ...this.settings.extraArgs],
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: this.settings.launchTimeoutMs,
        protocolTimeout: Math.max(30_000, this.settings.renderTimeoutMs * 2),
        defaultViewport: { width: 794, height: 1123 },
      });
    } catch (error) {
      await rm(root, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
      // The packaged build links the system's NSS and expat; a bare machine without them fails here.
      const hint = /error while loading shared libraries/.test(messageOf(error))
        ? ' (install the missing library: `apt-get install libnss3 libexpat1` brings what the packaged Chromium needs)'
        : '';
      throw new RendererUnavailableError(`Chromium (${chromium.executablePath}) did not start: ${messageOf(error)}${hint}`, {
        cause: error,
        retryAfterSeconds: 5,
      });
    }
    this.launches += 1;
    const session: Session = {
      id: ++this.sessionIds,
      browser,
      pid: browser.process()?.pid ?? null,
      executablePath: chromium.executablePath,
      root,
      userDataDir,
      spare: [],
      idle: [],
      pages: 0,
      active: 0,
      renders: 0,
      consecutiveTimeouts: 0,
      state: 'live',
      closing: null,
      lastRssCheck: Date.now(),
      tree: null,
    };
    this.sessions.add(session);
    if (!this.exitHandlerInstalled) {
      process.on('exit', this.onProcessExit);
      this.exitHandlerInstalled = true;
    }
    browser.on('disconnected', () => this.onDisconnected(session));
    session.spare = await browser.pages().catch(() => []);
    if (this.settings.closing()) {
      await this.closeSession(session);
      throw new RendererUnavailableError('The PDF renderer is shutting down', { retryAfterSeconds: 5 });
    }
    if (this.launches > 1) this.settings.logger.log(`Chromium restarted (pid ${session.pid ?? '?'}, restart ${this.launches - 1})`);
    else
      void browser.version().then(
        (version) => this.settings.logger.log(`Chromium started: ${version}, pid ${session.pid ?? '?'}, from ${chromium.source}`),
        () => undefined,
      );
    this.current = session;
    return session;
  }

  private onDisconnected(session: Session): void {
    if (session.state === 'closed' || session.closing) return;
    session.state = 'dead';
    this.crashes += 1;
    if (this.current === session) this.current = null;
    this.settings.logger.warn(`Chromium (pid ${session.pid ?? '?'}) crashed or disconnected; the next print starts a new one`);
    void this.closeSession(session);
  }

  /** No new renders go to the session; it closes once its renders in flight are done. A new browser starts now. */
  retire(session: Session, reason: string): void {
    if (session.state !== 'live') return;
    session.state = 'retiring';
    if (this.current === session) this.current = null;
    this.settings.logger.log(`Restarting Chromium (pid ${session.pid ?? '?'}): ${reason}`);
    if (session.active === 0) void this.closeSession(session);
    if (!this.settings.closing()) void this.get().catch((error: unknown) => this.settings.logger.warn(`Chromium did not restart: ${messageOf(error)}`));
  }

  closeSession(session: Session): Promise<void> {
    session.closing ??= (async () => {
      const wasDead = session.state === 'dead';
      session.state = 'closed';
      if (this.current === session) this.current = null;
      const tree = session.pid !== null ? processTreeSync(session.pid) : [];
      if (!wasDead && session.browser.connected) {
        await withTimeout(session.browser.close(), 5_000).catch(() => undefined);
      }
      await killTree(session.pid, tree, session.executablePath);
      await rm(session.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch((error: unknown) =>
        this.settings.logger.warn(`Could not remove Chromium's profile ${session.root}: ${messageOf(error)}`),
      );
      this.sessions.delete(session);
    })();
    return session.closing;
  }

  /** Closes every session (after a launch in flight), leaving no Chromium process and no profile. */
  async closeAll(): Promise<void> {
    if (this.launching) await this.launching.catch(() => undefined);
    await Promise.all([...this.sessions].map((session) => this.closeSession(session)));
    this.current = null;
    if (this.exitHandlerInstalled) {
      process.off('exit', this.onProcessExit);
      this.exitHandlerInstalled = false;
    }
  }

  /** Last resort when the process exits without close(): no orphan browser, no profile left behind. */
  private readonly onProcessExit = (): void => {
    for (const session of this.sessions) {
      if (session.pid !== null && runs(session.pid, session.executablePath)) {
        for (const pid of [-session.pid, session.pid]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      try {
        rmSync(session.root, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  };
}

function runs(pid: number, executablePath: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(executablePath);
  } catch {
    return false;
  }
}

export function isClosedTargetError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TargetCloseError') return true;
  return /Target closed|Session closed|Connection closed|Target crashed|Page crashed|detached|browser has disconnected/i.test(error.message);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * SIGKILLs what is left of a browser's process tree (its process group first) and waits until it
 * is gone. Only processes still running the browser's executable are signalled, so a pid reused
 * since the tree was read is left alone.
 */
async function killTree(rootPid: number | null, known: number[], executablePath: string): Promise<void> {
  if (rootPid === null) return;
  const pids = new Set([...known, ...processTreeSync(rootPid)].filter((pid) => runs(pid, executablePath)));
  const signal = (pid: number): void => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  };
  if (pids.has(rootPid) && isAlive(rootPid)) signal(-rootPid);
  for (const pid of pids) if (isAlive(pid)) signal(pid);
  const until = Date.now() + 3_000;
  while ([...pids].some(isAlive) && Date.now() < until) await sleep(25);
}
