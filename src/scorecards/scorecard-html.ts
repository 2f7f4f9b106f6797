// Renders a ScorecardView to the HTML pieces the PDF renderer prints: the body fragment, its
// stylesheet and Chromium's header and footer templates. Handlebars runs in its own instance
// (no global partials or helpers), templates are read and compiled once, and every value is
// escaped; the only raw output is the SVG our chart code draws here, never a string from the view.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { kpiBarChartSvg, trendChartSvg } from './charts.js';
import { findTemplatesDir } from '../common/templates-dir.js';
import { safeImageDataUrl, type ScorecardView } from './scorecard-view.js';

export interface RenderScorecardOptions {
  /** Printed in the footer, e.g. "sha256:9f86d0…"; left out when empty. */
  contentHash?: string | null;
}

export interface RenderedScorecard {
  /** A body fragment (no <html>, <head> or <body>). */
  html: string;
  /** The stylesheet for `html` (templates/scorecard.css). */
  css: string;
  /** Chromium headerTemplate: inline styles only. */
  headerHtml: string;
  /** Chromium footerTemplate: inline styles only; has the pageNumber and totalPages spans. */
  footerHtml: string;
}

interface BodyContext extends ScorecardView {
  raw: { kpiBars: string; trend: string };
}

interface PageContext {
  labels: ScorecardView['labels'];
  header: ScorecardView['header'];
  footer: ScorecardView['footer'];
  contentHash: string;
}

interface CompiledTemplates {
  body: Render<BodyContext>;
  pageHeader: Render<PageContext>;
  pageFooter: Render<PageContext>;
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
    pageHeader: compile<PageContext>(readFileSync(join(partialsDir, 'page-header.hbs'), 'utf8')),
    pageFooter: compile<PageContext>(readFileSync(join(partialsDir, 'page-footer.hbs'), 'utf8')),
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
  return {
    html: t.body({ ...view, header, raw }).trim(),
    css: t.css,
    headerHtml: t.pageHeader(page).trim(),
    footerHtml: t.pageFooter(page).trim(),
  };
}
