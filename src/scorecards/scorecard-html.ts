// Renders a ScorecardView to the pieces the PDF renderer prints: the body fragment and its
// stylesheet, whose @page margin boxes carry the running header and footer (cheaper for Chromium
// than header/footer templates: docs/decisions/0010-pdf-margin-boxes.md). Handlebars runs in its own instance
// (no global partials or helpers), templates are read and compiled once, and every value is
// escaped; the only raw output is the SVG our chart code draws here, never a string from the view.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { kpiBarChartSvg, trendChartSvg } from './charts.js';
import { findTemplatesDir } from '../common/templates-dir.js';
import { FONT_STACK } from './fonts.js';
import { safeImageDataUrl, type ScorecardView } from './scorecard-view.js';

export interface RenderScorecardOptions {
  /** Printed in the footer, e.g. "sha256:9f86d0…"; left out when empty. */
  contentHash?: string | null;
}

export interface RenderedScorecard {
  /** A body fragment (no <html>, <head> or <body>). */
  html: string;
  /** The stylesheet for `html`: templates/scorecard.css, then the page-margin boxes of {@link pageMarginCss}. */
  css: string;
}

interface BodyContext extends ScorecardView {
  raw: { kpiBars: string; trend: string };
}

export interface PageContext {
  labels: ScorecardView['labels'];
  header: ScorecardView['header'];
  footer: ScorecardView['footer'];
  contentHash: string;
}

interface CompiledTemplates {
  body: Render<BodyContext>;
  css: string;
}

type Render<T> = (context: T) => string;

// strict: a field the template names but the view lacks is an error, not a silent blank.
// knownHelpersOnly: only the built-in block helpers (if, unless, each, with) can be called.
// preventIndent: an indented standalone partial call would otherwise indent every line of its
// output, including the lines of a multi-line comment (printed with white-space: pre-wrap).
const COMPILE_OPTIONS = { strict: true, knownHelpersOnly: true, preventIndent: true } as const;

let compiled: CompiledTemplates | null = null;

function loadTemplates(): CompiledTemplates {
  const dir = findTemplatesDir();
  const hbs = Handlebars.create();
  const partialsDir = join(dir, 'partials');
  for (const file of readdirSync(partialsDir).sort()) {
    if (!file.endsWith('.hbs')) continue;
    hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
  }
  const compile = <T>(source: string): Render<T> => {
    const template = hbs.compile<T>(source, COMPILE_OPTIONS);
    return (context: T) => template(context);
  };
  return {
    body: compile<BodyContext>(readFileSync(join(dir, 'scorecard.hbs'), 'utf8')),
    css: readFileSync(join(dir, 'scorecard.css'), 'utf8'),
  };
}

function templates(): CompiledTemplates {
  compiled ??= loadTemplates();
  return compiled;
}

/** Renders the scorecard. Pure apart from reading the templates on the first call. */
export function renderScorecardHtml(view: ScorecardView, options: RenderScorecardOptions = {}): RenderedScorecard {
  const t = templates();
  // Defence in depth: the view already validated the logo, but it is a plain object anyone can build.
  const header = { ...view.header, logoDataUrl: safeImageDataUrl(view.header.logoDataUrl) };
  const raw = {
    kpiBars: kpiBarChartSvg(view.charts.bars, {
      title: view.labels.chartBarsTitle,
      axisLabel: view.charts.barsAxisLabel,
      missingLabel: view.labels.missing,
    }),
    trend: trendChartSvg(view.charts.trend, { title: view.labels.chartTrendTitle, axisLabel: view.charts.trendAxisLabel }),
  };
  const page: PageContext = {
    labels: view.labels,
    header,
    footer: view.footer,
    contentHash: (options.contentHash ?? '').trim(),
  };
  return { html: t.body({ ...view, header, raw }).trim(), css: `${t.css}\n${pageMarginCss(page)}` };
}

/**
 * The running header and footer as CSS page-margin boxes: company and title top left, the person
 * and cycle top right (a draft's mark between them), print facts bottom left, "page X of Y" bottom
 * right. Every value goes into a CSS string, escaped, so no name can end the rule or the <style>.
 */
export function pageMarginCss(page: PageContext): string {
  const { header, footer, labels } = page;
  const facts = [`${labels.generatedAt}: ${footer.generatedAt}`, `${labels.templateVersion}: ${footer.templateVersionText}`];
  if (page.contentHash) facts.push(`${labels.contentHash}: ${page.contentHash}`);
  const box = `font-family: ${FONT_STACK}; font-size: 8px; line-height: 1.3; color: #6b7785; overflow-wrap: anywhere; font-synthesis-weight: none;`;
  const rules = [
    `@top-left { content: ${cssString(`${header.companyName} · ${header.title}`)}; ${box} }`,
    `@top-right { content: ${cssString(`${header.employeeName} · ${header.cycleName}`)}; ${box} text-align: right; }`,
    `@bottom-left { content: ${cssString(facts.join(' · '))}; ${box} }`,
    `@bottom-right { content: ${cssString(footer.pageOf.before)} counter(page) ${cssString(footer.pageOf.between)} counter(pages) ${cssString(footer.pageOf.after)}; ${box} text-align: right; white-space: nowrap; }`,
  ];
  if (header.draft) {
    rules.push(
      `@top-center { content: ${cssString(header.draftMark)}; ${box} color: #c0392b; font-weight: bold; border: 1px solid #c0392b; border-radius: 2px; padding: 0 3px; }`,
    );
  }
  return `@page {\n  ${rules.join('\n  ')}\n}`;
}

/** A CSS string literal of any text: quotes, backslashes, line breaks and '<' escaped. */
export function cssString(text: string): string {
  return `"${text.replace(/[\\"<\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;
}
