// Every rule of every validated class has a sentence in both page languages, and every validated
// field a label: a new DTO field or rule without its translation fails here, not on a Chinese page.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { getMetadataStorage } from 'class-validator';
import { constraintName } from '../common/validation.js';
import { checkForm } from '../web/forms.js';
import { localFieldErrors } from '../web/page-form.js';
import { webDir } from '../web/assets.js';
import { type Dictionary, loadDictionaries } from './page-dictionary.js';
import type { Lang } from './langs.js';
// Every file under src/**/dto, and the other validated classes (checked below against the disk).
import '../assessments/dto/assessment-entry.dto.js';
import '../assessments/dto/manager-assessment.dto.js';
import '../assessments/dto/self-assessment.dto.js';
import '../audit/dto/audit.dto.js';
import '../auth/dto/auth.dto.js';
import '../calibration/dto/calibration.dto.js';
import '../cycles/dto/cycle.dto.js';
import { UpdateEmployeeDto } from '../employees/dto/employee.dto.js';
import '../exports/dto/export.dto.js';
import '../imports/dto/import.dto.js';
import '../kpi-templates/dto/kpi.dto.js';
import '../kpi-templates/dto/template.dto.js';
import '../reviews/dto/review-bulk.dto.js';
import '../reviews/dto/review-read-models.dto.js';
import { SaveReviewDto } from '../reviews/dto/review.dto.js';
import '../scorecards/dto/scorecard.dto.js';
import '../spreadsheets/dto/spreadsheet.dto.js';
import '../common/pagination.js';

const IMPORTED_DTO_FILES = [
  'assessments/dto/assessment-entry.dto.ts',
  'assessments/dto/manager-assessment.dto.ts',
  'assessments/dto/self-assessment.dto.ts',
  'audit/dto/audit.dto.ts',
  'auth/dto/auth.dto.ts',
  'calibration/dto/calibration.dto.ts',
  'cycles/dto/cycle.dto.ts',
  'employees/dto/employee.dto.ts',
  'exports/dto/export.dto.ts',
  'imports/dto/import.dto.ts',
  'kpi-templates/dto/kpi.dto.ts',
  'kpi-templates/dto/template.dto.ts',
  'reviews/dto/review-bulk.dto.ts',
  'reviews/dto/review-read-models.dto.ts',
  'reviews/dto/review.dto.ts',
  'scorecards/dto/scorecard.dto.ts',
  'spreadsheets/dto/spreadsheet.dto.ts',
];

const dictionaries = loadDictionaries(join(webDir(), 'i18n'));
const LANGS: Lang[] = ['zh-CN', 'en'];

// Rules that never fail on their own: "optional" only switches the others off, and nested objects report their children's failures.
const SILENT = new Set(['isOptional', 'nestedValidation', 'conditionalValidation']);

interface Rule {
  cls: string;
  property: string;
  code: string;
}

function everyRule(): Rule[] {
  type Storage = { validationMetadatas: Map<{ name: string }, Parameters<typeof constraintName>[0][]> };
  // class-validator keeps the registrations per class in this map; there is no public list of classes.
  const storage = getMetadataStorage() as unknown as Storage;
  const rules: Rule[] = [];
  for (const [cls, metas] of storage.validationMetadatas) {
    for (const m of metas) {
      const code = constraintName(m);
      if (code === undefined) throw new Error(`${cls.name}.${m.propertyName}: a ${m.type} rule without a name`);
      if (!SILENT.has(code)) rules.push({ cls: cls.name, property: m.propertyName, code });
    }
  }
  return rules;
}

const missing = (dict: Dictionary, key: string) => !Object.hasOwn(dict, key) || dict[key].trim() === '';

describe('validation messages in both languages', () => {
  it('imports every DTO file, so that a new one is walked too', () => {
    const onDisk = (readdirSync('src', { recursive: true }) as string[])
      .map((f) => f.split('\\').join('/'))
      .filter((f) => /(^|\/)dto\/[^/]+\.ts$/.test(f) && !f.endsWith('.spec.ts'))
      .sort();
    expect(onDisk).toEqual(IMPORTED_DTO_FILES);
  });

  it('walks a real set of rules', () => {
    const rules = everyRule();
    const codes = new Set(rules.map((r) => r.code));
    expect(rules.length).toBeGreaterThan(200);
    for (const c of ['isUuid', 'maxLength', 'max', 'min', 'isIn', 'maxDecimals', 'isIso8601']) expect(codes).toContain(c);
  });

  it('has a zh-CN and an en sentence for every rule and a label for every validated field', () => {
    const gaps: string[] = [];
    for (const { cls, property, code } of everyRule()) {
      for (const lang of LANGS) {
        if (missing(dictionaries[lang], `validation.rule.${code}`)) gaps.push(`${lang}: validation.rule.${code} (${cls}.${property})`);
        if (missing(dictionaries[lang], `validation.field.${property}`)) gaps.push(`${lang}: validation.field.${property} (${cls})`);
      }
    }
    // The codes the pipe and the domain rules give beyond class-validator's own (scoring.ts validateTemplate).
    for (const code of ['required', 'invalid', 'unknownField', 'duplicate', 'unique', 'positive', 'weightSum', 'bandAtZero', 'kpiKey']) {
      for (const lang of LANGS) if (missing(dictionaries[lang], `validation.rule.${code}`)) gaps.push(`${lang}: validation.rule.${code}`);
    }
    expect([...new Set(gaps)]).toEqual([]);
  });
});

describe('a form refused by its DTO, said in the page language', () => {
  const wording = (lang: Lang) => ({
    lang,
    section: (prefix: string) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(dictionaries[lang])) if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v;
      return out;
    },
  });

  it('names the field by its label and states the rule, with no DTO English', async () => {
    const { list } = await checkForm(UpdateEmployeeDto, { roleId: 'nope', name: '', version: 1 });
    const zh = localFieldErrors(list, wording('zh-CN'));
    expect(zh.roleId).toBe('请选择有效的岗位');
    expect(zh.name).toBe('请填写名称');
    const en = localFieldErrors(list, wording('en'));
    expect(en.roleId).toBe('Choose a valid Role');
    expect(Object.values(zh).join(' ')).not.toMatch(/must|UUID|roleId/);
  });

  it('says a bound in words with the number written out, and names the KPI row', async () => {
    const { list } = await checkForm(SaveReviewDto, { version: 1, entries: [{ kpiKey: 'sales', target: 2e12 }] });
    const target = list.find((e) => e.field === 'entries[0].target');
    expect(target).toMatchObject({ code: 'max', params: { max: 1_000_000_000_000 } });
    const row = (path: string) => (path.startsWith('entries[0]') ? '销售额' : undefined);
    expect(localFieldErrors(list, { ...wording('zh-CN'), row })['entries[0].target']).toBe('“销售额”的目标值不能超过 1,000,000,000,000');
    expect(localFieldErrors(list, wording('en'))['entries[0].target']).toBe('Target must be at most 1,000,000,000,000');
  });
});
