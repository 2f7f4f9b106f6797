// The printed scorecard's words in each language: templates/i18n/<lang>.json, checked and read once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findTemplatesDir } from '../common/templates-dir.js';
import type { Lang } from './langs.js';

/** Labels the template prints as they are. */
export const UI_KEYS = [
  'title',
  'draftMark',
  'draftNotice',
  'employee',
  'employeeNo',
  'role',
  'department',
  'manager',
  'cycle',
  'period',
  'status',
  'none',
  'sectionKpis',
  'colKpi',
  'colCategory',
  'colWeight',
  'colTarget',
  'colActual',
  'colScore',
  'colPoints',
  'missing',
  'personalTarget',
  'attainment',
  'total',
  'band',
  'incomplete',
  'bandsLegend',
  'sectionCharts',
  'chartBarsTitle',
  'chartTrendTitle',
  'trendLegend',
  'sectionSkills',
  'sectionStrengths',
  'sectionChallenges',
  'sectionDevelopmentPlan',
  'sectionManagerComment',
  'empty',
  'sectionStanding',
  'standingNote',
  'sectionAcknowledgement',
  'generatedAt',
  'templateVersion',
  'contentHash',
  'sectionAssessments',
  'colSelf',
  'colManagerProposal',
  'colFinal',
] as const;

/** Patterns with {placeholders}, filled in by the view. */
export const FORMAT_KEYS = [
  'period',
  'dateTimeWithZone',
  'ratingValue',
  'ratingScale',
  'skillValue',
  'incomplete',
  'listSeparator',
  'bandMin',
  'rank',
  'rankTied',
  'rankNoPeers',
  'rankIncomplete',
  'acknowledged',
  'notAcknowledged',
  'pageOf',
  'templateVersionValue',
  'chartScoreAxis',
  'chartTotalAxis',
  'calibrated',
  'calibratedValue',
] as const;

export type UiKey = (typeof UI_KEYS)[number];
export type FormatKey = (typeof FORMAT_KEYS)[number];
export type ScorecardLabels = Record<UiKey, string>;

export interface ScorecardDictionary {
  ui: ScorecardLabels;
  format: Record<FormatKey, string>;
  /** Review status → label; an unknown status prints as its key. */
  status: Record<string, string>;
  /** KPI category → label; an unknown category prints as its key. */
  category: Record<string, string>;
  /** Unit of a target KPI → label; an unknown unit prints as it is. */
  unit: Record<string, string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown, where: string, required: readonly string[]): Record<string, string> {
  if (!isRecord(v)) throw new Error(`${where} must be an object`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new Error(`${where}.${k} must be a string`);
    out[k] = val;
  }
  const absent = required.filter((k) => !Object.hasOwn(out, k));
  if (absent.length > 0) throw new Error(`${where} lacks ${absent.join(', ')}`);
  return out;
}

/** Checks a parsed dictionary file: every UI and format key present, every value a string. */
export function parseDictionary(json: unknown, name: string): ScorecardDictionary {
  if (!isRecord(json)) throw new Error(`${name} must be a JSON object`);
  return {
    ui: stringMap(json.ui, `${name}: ui`, UI_KEYS) as ScorecardLabels,
    format: stringMap(json.format, `${name}: format`, FORMAT_KEYS),
    status: stringMap(json.status, `${name}: status`, []),
    category: stringMap(json.category, `${name}: category`, []),
    unit: stringMap(json.unit, `${name}: unit`, []),
  };
}

let dictionaries: Record<Lang, ScorecardDictionary> | null = null;

/** The dictionary of a language, read from templates/i18n/<lang>.json once. */
export function scorecardDictionary(lang: Lang): ScorecardDictionary {
  if (!dictionaries) {
    const dir = join(findTemplatesDir(), 'i18n');
    const load = (l: Lang) => {
      const file = join(dir, `${l}.json`);
      return parseDictionary(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
    };
    dictionaries = { 'zh-CN': load('zh-CN'), en: load('en') };
  }
  if (!Object.hasOwn(dictionaries, lang)) throw new RangeError(`Unsupported scorecard language: ${String(lang)}`);
  return dictionaries[lang];
}

/** Own-property lookup, so keys such as `constructor` never reach Object.prototype. */
export function lookup(map: Record<string, string>, key: string): string {
  return Object.hasOwn(map, key) ? map[key] : key;
}
