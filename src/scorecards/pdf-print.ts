// One print on a pooled page: the body and its CSS swapped into the shell document (parsed inert
// first), then Page.printToPDF on A4, with header and footer templates drawn in the margins when
// the input has them (the scorecard draws its own as CSS page-margin boxes, which costs less).
import type { Protocol } from 'puppeteer-core';
import type { CjkFonts } from './fonts.js';
import type { PdfInput, PdfMargins } from './pdf-options.js';
import type { PooledPage } from './pdf-pages.js';
import { PdfRendererError } from './pdf-renderer.errors.js';

const A4_INCHES = { width: 8.2677, height: 11.6929 };

/** The PDF of `input`, printed on `pooled` (whose shell must still be there). */
export async function printOnPage(
  pooled: PooledPage,
  input: PdfInput,
  fonts: CjkFonts,
  margin: PdfMargins,
  marginInches: Record<keyof PdfMargins, number>,
): Promise<Buffer> {
  const state = await pooled.page.evaluate(replaceBody, input.html, input.css ?? '', pooled.token);
  if (state !== 'ok') throw new PdfRendererError('The render page lost its shell document (it navigated away)');
  // Page.printToPDF straight, with the PDF inline (base64), not Puppeteer's streaming page.pdf():
  // see docs/decisions/0001-pdf-renderer.md.
  const { data } = await pooled.cdp.send('Page.printToPDF', printParameters(input, fonts, margin, marginInches));
  return Buffer.from(data, 'base64');
}

/** What Page.printToPDF is told for `input` (the benches print with the very same). */
export function printParameters(
  input: Pick<PdfInput, 'headerHtml' | 'footerHtml'>,
  fonts: Pick<CjkFonts, 'fontStack'>,
  margin: PdfMargins,
  marginInches: Record<keyof PdfMargins, number>,
): Protocol.Page.PrintToPDFRequest {
  // Templates are separate documents laid out for every page: only when there are any.
  const templates = Boolean(input.headerHtml || input.footerHtml);
  return {
    paperWidth: A4_INCHES.width,
    paperHeight: A4_INCHES.height,
    marginTop: marginInches.top,
    marginRight: marginInches.right,
    marginBottom: marginInches.bottom,
    marginLeft: marginInches.left,
    printBackground: true,
    // Untagged, no outline: smaller files (docs/decisions/0001-pdf-renderer.md).
    generateTaggedPDF: false,
    generateDocumentOutline: false,
    displayHeaderFooter: templates,
    ...(templates
      ? { headerTemplate: marginTemplate(input.headerHtml, fonts, margin, 'header'), footerTemplate: marginTemplate(input.footerHtml, fonts, margin, 'footer') }
      : {}),
    // The margins above, not an @page rule's: the page-margin boxes sit inside them.
    preferCSSPageSize: false,
    transferMode: 'ReturnAsBase64',
  };
}

/** A header or footer template in the default style (8pt, padded like the page). */
export function marginTemplate(html: string | undefined, fonts: Pick<CjkFonts, 'fontStack'>, margin: PdfMargins, where: 'header' | 'footer'): string {
  if (!html) return '<span></span>';
  // A separate document per printed page, without the page's web fonts: 'Noto Sans SC' here is
  // the system font from the browser's private fontconfig (see fonts.ts).
  const style = [
    'width:100%',
    'box-sizing:border-box',
    `padding:0 ${margin.right} 0 ${margin.left}`,
    `font-family:${fonts.fontStack}`,
    'font-size:8pt',
    'line-height:1.3',
    'color:#444',
    '-webkit-print-color-adjust:exact',
    'print-color-adjust:exact',
  ].join(';');
  return `<div class="pdf-${where}" style="${style}">${html}</div>`;
}

// Runs inside the render page (DevTools evaluation; the page's own scripts are off).
/** Replaces the body with the fragment (parsed inert first) and the render <style>, then waits for fonts. */
function replaceBody(html: string, css: string, token: string): Promise<string> | string {
  if (document.documentElement.dataset.shell !== token) return 'lost';
  const template = document.createElement('template');
  template.innerHTML = html;
  // A body fragment has no business with these; <meta http-equiv=refresh> would reload the page.
  for (const element of Array.from(template.content.querySelectorAll('meta, base, link, script'))) element.remove();
  const style = document.getElementById('render-style');
  if (!style) return 'lost';
  style.textContent = css;
  document.body.replaceChildren(template.content);
  // Layout now, so that fonts (fallback slices) the new text needs start loading before we wait.
  void document.body.offsetHeight;
  return document.fonts.ready.then(() => 'ok');
}
