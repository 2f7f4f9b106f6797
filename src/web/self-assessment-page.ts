// The self-assessment page's form: reading it into the API's save DTO, and showing the API's
// refusals beside the KPI they are about, in the page's language. No rule is decided here.
import type { SelfAssessmentDto } from '../assessments/dto/self-assessment.dto.js';
import { SELF_COMMENT_MAX, SELF_SUMMARY_MAX } from '../assessments/dto/self-assessment.dto.js';
import { str } from './forms.js';

type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** What the employee typed, as the form holds it: ratings as the select's text, per KPI key. */
export interface TypedSelf {
  ratings: Record<string, string>;
  comments: Record<string, string>;
  summary: string;
}

/** The form's fields (`rating.<key>`, `comment.<key>`, `summary`) for the assessment's KPIs. */
export function typedFrom(sa: SelfAssessmentDto, body: unknown): TypedSelf {
  return {
    ratings: Object.fromEntries(sa.kpis.map((k) => [k.key, str(body, `rating.${k.key}`)])),
    comments: Object.fromEntries(sa.kpis.map((k) => [k.key, str(body, `comment.${k.key}`)])),
    summary: str(body, 'summary'),
  };
}

/** What was saved, as the form shows it. */
export function typedOf(sa: SelfAssessmentDto): TypedSelf {
  return {
    ratings: Object.fromEntries(sa.entries.map((e) => [e.kpiKey, e.rating === null ? '' : String(e.rating)])),
    comments: Object.fromEntries(sa.entries.map((e) => [e.kpiKey, e.comment])),
    summary: sa.summary,
  };
}

/**
 * The save DTO's input, KPIs in template order (so `entries[i]` in a refusal is the i-th KPI). A
 * rating that is not a whole number stays text, for the DTO to refuse with its field.
 */
export function saveInput(sa: SelfAssessmentDto, typed: TypedSelf, version: number): Record<string, unknown> {
  return {
    version,
    summary: typed.summary,
    entries: sa.kpis.map((k) => {
      const raw = (typed.ratings[k.key] ?? '').trim();
      return { kpiKey: k.key, rating: raw === '' ? null : /^\d{1,2}$/.test(raw) ? Number(raw) : raw, comment: typed.comments[k.key] ?? '' };
    }),
  };
}

/** The refusals of a save or submit per KPI key (and `summary`), in the page's language. */
export function errorsByKpi(sa: SelfAssessmentDto, errors: Record<string, string>, t: Translate): Record<string, string> {
  const out: Record<string, string> = {};
  sa.kpis.forEach((k, i) => {
    const scale = k.rule.type === 'rating' ? { min: k.rule.min ?? 0, max: k.rule.max ?? 0 } : { min: 0, max: 0 };
    if (errors[`entries.${k.key}.rating`]) out[`rating.${k.key}`] = t('selfAssessment.ratingMissing');
    else if (errors[`entries[${i}].rating`]) out[`rating.${k.key}`] = t('selfAssessment.ratingInvalid', scale);
    if (errors[`entries[${i}].comment`]) out[`comment.${k.key}`] = t('selfAssessment.commentTooLong', { max: SELF_COMMENT_MAX });
  });
  if (errors.summary) out.summary = t('selfAssessment.commentTooLong', { max: SELF_SUMMARY_MAX });
  return out;
}

/** One KPI card of the page. */
export function kpiRows(sa: SelfAssessmentDto, typed: TypedSelf, errors: Record<string, string>, lang: 'zh-CN' | 'en') {
  return sa.kpis.map((k) => {
    const rating = typed.ratings[k.key] ?? '';
    const points = k.rule.type === 'rating' ? (k.rule.points ?? []) : [];
    const chosen = points.find((p) => String(p.value) === rating);
    return {
      kpi: k,
      key: k.key,
      isRating: k.rule.type === 'rating',
      options: points.map((p) => ({ value: p.value, label: lang === 'zh-CN' ? p.labelZh : p.labelEn, selected: String(p.value) === rating })),
      ratingText: chosen ? `${chosen.value} · ${lang === 'zh-CN' ? chosen.labelZh : chosen.labelEn}` : null,
      comment: typed.comments[k.key] ?? '',
      ratingError: errors[`rating.${k.key}`] ?? null,
      commentError: errors[`comment.${k.key}`] ?? null,
    };
  });
}

/**
 * The read-only self-assessment section of the review page: the submitted one, or a line saying it
 * is not in yet (cycles running the stage); null where there is nothing to say or to show.
 */
export function selfSection(sa: SelfAssessmentDto | null, lang: 'zh-CN' | 'en') {
  if (!sa || (!sa.submittedAt && !sa.cycle.selfAssessment)) return null;
  if (!sa.submittedAt) return { submitted: false as const };
  return { submitted: true as const, submittedAt: sa.submittedAt, summary: sa.summary, rows: kpiRows(sa, typedOf(sa), {}, lang) };
}
