// A strict reader of the Prometheus text exposition format (version 0.0.4), for the tests that
// scrape GET /metrics. Written here because the npm parsers tried do not read prom-client's own
// output correctly: parse-prometheus-text-format (1.1.1) folds every labelled histogram into one
// and drops its labels, sum and count (its issue #13, open since 2020); `exposition` (1.2.0) keeps
// the labels inside the bucket keys; prom2javascript (0.2.0) throws on NaN, which prom-client
// writes for the event-loop gauges before their first sample.
// Strict on purpose: a line Prometheus would reject fails the test, and so does a histogram whose
// buckets are not cumulative or whose +Inf bucket differs from its count.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The series name as written (`x_bucket`, `x_sum`, …). */
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/** Go's ParseFloat, as Prometheus reads values: NaN and ±Inf in any case. */
function parseValue(text: string, line: string): number {
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`not a number: "${text}" in: ${line}`);
  return Number(text);
}

function unescape(text: string, quotes: boolean, line: string): string {
  return text.replace(/\\(.)/g, (_m, ch: string) => {
    if (ch === '\\') return '\\';
    if (ch === 'n') return '\n';
    if (ch === '"' && quotes) return '"';
    throw new Error(`bad escape \\${ch} in: ${line}`);
  });
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text.trim();
  while (rest.length > 0) {
    const m = /^([^=\s]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,\s*)?/.exec(rest);
    if (!m) throw new Error(`bad labels {${text}} in: ${line}`);
    if (!LABEL_NAME.test(m[1])) throw new Error(`bad label name ${m[1]} in: ${line}`);
    if (m[1] in labels) throw new Error(`label ${m[1]} twice in: ${line}`);
    labels[m[1]] = unescape(m[2], true, line);
    rest = rest.slice(m[0].length);
    if (rest.length > 0 && !m[3]) throw new Error(`missing comma in {${text}} in: ${line}`);
  }
  return labels;
}

function parseSample(line: string): Sample {
  const m = /^([^\s{]+)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/.exec(line);
  if (!m || !NAME.test(m[1])) throw new Error(`not a sample line: ${line}`);
  return { name: m[1], labels: m[2] === undefined ? {} : parseLabels(m[2], line), value: parseValue(m[3], line), ...(m[4] ? { timestamp: Number(m[4]) } : {}) };
}

/** The family a series belongs to: `x_bucket` of histogram x, and so on. */
function familyOf(families: Map<string, Family>, name: string): Family | undefined {
  const direct = families.get(name);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const family = families.get(name.slice(0, -suffix.length));
    if (family && (family.type === 'histogram' || (family.type === 'summary' && suffix !== '_bucket'))) return family;
  }
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      if (!meta) continue; // an ordinary comment
      const [, kind, name, rest = ''] = meta;
      if (!NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
      let family = families.get(name);
      if (!family) {
        family = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, family);
      }
      if (kind === 'HELP') family.help = unescape(rest, false, line);
      else {
        if (!TYPES.includes(rest as MetricType)) throw new Error(`unknown type in: ${line}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples in: ${line}`);
        family.type = rest as MetricType;
      }
      continue;
    }
    const sample = parseSample(line);
    const family = familyOf(families, sample.name);
    if (!family) throw new Error(`sample of an undeclared metric: ${line}`);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) throw new Error(`series written twice: ${line}`);
    seen.add(key);
    family.samples.push(sample);
  }
  for (const family of families.values()) if (family.type === 'histogram') for (const h of histograms(family)) checkHistogram(family.name, h);
  return families;
}

export interface HistogramSeries {
  labels: Record<string, string>;
  /** Cumulative counts by upper bound, in the order written. */
  buckets: [number, number][];
  sum: number;
  count: number;
}

const withoutLe = (labels: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(labels).filter(([k]) => k !== 'le'));
const keyOf = (labels: Record<string, string>): string => JSON.stringify(Object.entries(labels).sort());

function histograms(family: Family): HistogramSeries[] {
  const series = new Map<string, HistogramSeries>();
  for (const sample of family.samples) {
    const labels = withoutLe(sample.labels);
    const key = keyOf(labels);
    let h = series.get(key);
    if (!h) {
      h = { labels, buckets: [], sum: Number.NaN, count: Number.NaN };
      series.set(key, h);
    }
    if (sample.name === `${family.name}_bucket`) {
      if (sample.labels.le === undefined) throw new Error(`${family.name}_bucket without le`);
      h.buckets.push([parseValue(sample.labels.le, sample.labels.le), sample.value]);
    } else if (sample.name === `${family.name}_sum`) h.sum = sample.value;
    else if (sample.name === `${family.name}_count`) h.count = sample.value;
    else throw new Error(`${sample.name} does not belong to histogram ${family.name}`);
  }
  return [...series.values()];
}

function checkHistogram(name: string, h: HistogramSeries): void {
  const where = `${name}${JSON.stringify(h.labels)}`;
  if (Number.isNaN(h.count) || Number.isNaN(h.sum)) throw new Error(`${where} lacks _sum or _count`);
  for (let i = 1; i < h.buckets.length; i++) {
    if (h.buckets[i][0] <= h.buckets[i - 1][0]) throw new Error(`${where}: bucket bounds not increasing`);
    if (h.buckets[i][1] < h.buckets[i - 1][1]) throw new Error(`${where}: bucket counts not cumulative`);
  }
  const last = h.buckets[h.buckets.length - 1];
  if (!last || last[0] !== Infinity || last[1] !== h.count) throw new Error(`${where}: the +Inf bucket must equal _count`);
}

function matches(labels: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => labels[k] === v);
}

/** The family, which must exist and be of the type. */
export function family(families: Map<string, Family>, name: string, type: MetricType): Family {
  const f = families.get(name);
  if (!f) throw new Error(`no metric ${name}`);
  if (f.type !== type) throw new Error(`${name} is a ${f.type}, not a ${type}`);
  return f;
}

/** The value of the one counter or gauge series with these labels (0 when there is no such series yet). */
export function valueOf(families: Map<string, Family>, name: string, type: 'counter' | 'gauge', labels: Record<string, string> = {}): number {
  const found = family(families, name, type).samples.filter((s) => s.name === name && matches(s.labels, labels));
  if (found.length > 1) throw new Error(`${found.length} series of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

/** The one histogram series with these labels, or null when nothing was observed with them yet. */
export function histogramOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): HistogramSeries | null {
  const found = histograms(family(families, name, 'histogram')).filter((h) => matches(h.labels, labels));
  if (found.length > 1) throw new Error(`${found.length} series of ${name} match ${JSON.stringify(labels)}`);
  return found[0] ?? null;
}
