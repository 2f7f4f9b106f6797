// The pool's render pages. Each holds a "shell" document whose <head> carries the CJK fonts, loaded
// once per page; a print only replaces the body (pdf-print.ts). Scripts are off and every request
// but a data: sub-resource is aborted before any content is set. Why: docs/decisions/0001-pdf-renderer.md.
import { randomUUID } from 'node:crypto';
import type { CDPSession, HTTPRequest, Page } from 'puppeteer-core';
import type { CjkFonts } from './fonts.js';
import { isClosedTargetError, messageOf, type Session, withTimeout } from './pdf-browser.js';
import { PdfRendererError, RendererUnavailableError } from './pdf-renderer.errors.js';

export const SHELL_URL = 'about:blank';

export interface PooledPage {
  page: Page;
  /** A DevTools session of its own on the page, for Page.printToPDF. */
  cdp: CDPSession;
  /** Marks the shell document, so a page that lost it (navigated away) is noticed. */
  token: string;
  renders: number;
  broken: boolean;
  closed: boolean;
}

/** Opens a page in the session (a tab the browser opened by itself first) and loads its shell. */
export async function openPage(session: Session, loadFonts: () => Promise<CjkFonts>, launchTimeoutMs: number, onBlocked: () => void): Promise<PooledPage> {
  session.pages += 1;
  let page: Page | undefined;
  try {
    page = session.spare.pop() ?? (await session.browser.newPage());
    // Before any content: from here on no script of the page runs.
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => onRequest(request, onBlocked));
    const fonts = await loadFonts();
    const token = randomUUID();
    await page.setContent(shellDocument(fonts, token), { waitUntil: 'load', timeout: launchTimeoutMs });
    await page.evaluate(loadShellFonts, fonts.weights as number[]);
    const cdp = await page.createCDPSession();
    return { page, cdp, token, renders: 0, broken: false, closed: false };
  } catch (error) {
    session.pages -= 1;
    if (page) await page.close().catch(() => undefined);
    if (error instanceof PdfRendererError) throw error;
    if (session.state === 'dead' || !session.browser.connected || isClosedTargetError(error)) {
      throw new RendererUnavailableError(`Chromium went away while a render page was being set up (${messageOf(error)})`, {
        cause: error,
        retryAfterSeconds: 1,
      });
    }
    throw new PdfRendererError(`Could not set up a render page: ${messageOf(error)}`, { cause: error });
  }
}

function onRequest(request: HTTPRequest, onBlocked: () => void): void {
  if (request.isInterceptResolutionHandled()) return;
  const url = request.url();
  if (url.startsWith('data:') && !request.isNavigationRequest()) {
    request.continue().catch(() => undefined);
    return;
  }
  // ERR_ABORTED, not the default ERR_FAILED: a failed navigation would replace the shell with an error page.
  request.abort('aborted').then(onBlocked, () => undefined);
}

/** Closes the page and takes it out of the session's count and idle list. */
export async function discardPage(session: Session, pooled: PooledPage): Promise<void> {
  if (pooled.closed) return;
  pooled.closed = true;
  session.pages -= 1;
  const index = session.idle.indexOf(pooled);
  if (index >= 0) session.idle.splice(index, 1);
  if (session.state === 'dead' || session.state === 'closed') return;
  await withTimeout(pooled.page.close(), 5_000).catch(() => undefined);
}

// ---- code that runs inside the render page (DevTools evaluation; the page's own scripts are off) --

/** Decodes the shell's fonts once, so that the first render does not pay for it. */
async function loadShellFonts(weights: number[]): Promise<void> {
  await Promise.all(weights.map((weight) => document.fonts.load(`${weight} 16px "Noto Sans SC"`, '张A')));
  await document.fonts.ready;
}

function shellDocument(fonts: CjkFonts, token: string): string {
  return [
    '<!DOCTYPE html>',
    `<html data-shell="${token}"><head><meta charset="utf-8">`,
    `<style>${fonts.pageCss}\nhtml{-webkit-print-color-adjust:exact;print-color-adjust:exact}body{margin:0;font-family:${fonts.fontStack}}</style>`,
    '<style id="render-style"></style>',
    '</head><body></body></html>',
  ].join('');
}
