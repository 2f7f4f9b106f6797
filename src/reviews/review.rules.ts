import { type AccessScope, type LimitedScope, teamOf } from '../auth/access-scope.js';
import { badRequest } from '../common/errors.js';
import type { CodedFieldError } from '../common/errors.js';
import type { PublishedVersion } from '../kpi-templates/kpi-templates.service.js';
import { scoreReview } from '../scoring/index.js';
import type { KpiInput } from '../scoring/types.js';
import type { KpiEntryDto, UpdateReviewDto } from './dto/review.dto.js';
import type { PinnedTemplate, Review } from './review.entity.js';
import type { ReviewView } from './review.mapper.js';

/** The audit's view of a review: what HR entered and what it scored. */
export function snapshot(
  r: Pick<
    Review,
    'status' | 'inputs' | 'finalReasons' | 'total' | 'complete' | 'bandKey' | 'strengths' | 'challenges' | 'developmentPlan' | 'hrNotes' | 'version'
  >,
): Record<string, unknown> {
  return {
    status: r.status,
    inputs: r.inputs,
    finalReasons: r.finalReasons,
    total: r.total,
    complete: r.complete,
    bandKey: r.bandKey,
    strengths: r.strengths,
    challenges: r.challenges,
    developmentPlan: r.developmentPlan,
    hrNotes: r.hrNotes,
    version: r.version,
  };
}

/** A problem of one entry, in English (the API's field error) and in Chinese (the import report's pages). */
export interface EntryProblem {
  field: string;
  message: string;
  messageZh: string;
  /** The rule broken (validation.rule.* in the page dictionaries) and its arguments. */
  code: string;
  params?: Record<string, string | number>;
}

/** Checks entries against the review's own pinned KPIs: the inputs they make, and the problems found. */
export function checkEntries(template: PinnedTemplate, entries: KpiEntryDto[]): { inputs: Record<string, KpiInput>; problems: EntryProblem[] } {
  const problems: EntryProblem[] = [];
  // A Map: KPI keys come from admins, and "constructor" is a valid one that a plain object already "has".
  const inputs = new Map<string, KpiInput>();
  const keys = template.kpis.map((k) => k.key);
  entries.forEach((e, i) => {
    const at = `entries[${i}]`;
    const kpi = template.kpis.find((k) => k.key === e.kpiKey);
    if (!kpi) {
      problems.push({
        field: `${at}.kpiKey`,
        message: `"${e.kpiKey}" is not a KPI of this review (${keys.join(', ')})`,
        messageZh: `"${e.kpiKey}" 不是该评估的指标（${keys.join('、')}）`,
        code: 'notAKpi',
        params: { value: e.kpiKey },
      });
      return;
    }
    if (inputs.has(e.kpiKey)) {
      problems.push({
        field: `${at}.kpiKey`,
        message: `"${e.kpiKey}" appears more than once`,
        messageZh: `"${e.kpiKey}" 出现了不止一次`,
        code: 'duplicate',
        params: { value: e.kpiKey },
      });
      return;
    }
    const comment = e.comment?.trim() ? e.comment : null;
    if (kpi.rule.type === 'rating') {
      const { min, max } = kpi.rule;
      if (e.actual != null) {
        problems.push({
          field: `${at}.actual`,
          message: `${kpi.key} is rated on a ${min}-${max} scale; send rating, not actual`,
          messageZh: `${kpi.key} 按 ${min}-${max} 分评分；请填写评分，而不是实际值`,
          code: 'ratingKpi',
        });
      }
      if (e.target != null)
        problems.push({
          field: `${at}.target`,
          message: `${kpi.key} is rated; it has no target`,
          messageZh: `${kpi.key} 是评分指标，没有目标值`,
          code: 'ratingKpi',
        });
      if (e.rating != null && (e.rating < min || e.rating > max)) {
        problems.push({
          field: `${at}.rating`,
          message: `rating must be from ${min} to ${max}`,
          messageZh: `评分必须在 ${min} 到 ${max} 之间`,
          code: 'between',
          params: { min, max },
        });
      }
      inputs.set(e.kpiKey, { rating: e.rating ?? null, comment });
    } else {
      if (e.rating != null) {
        problems.push({
          field: `${at}.rating`,
          message: `${kpi.key} is measured against a target; send actual, not rating`,
          messageZh: `${kpi.key} 按目标衡量；请填写实际值，而不是评分`,
          code: 'targetKpi',
        });
      }
      inputs.set(e.kpiKey, { actual: e.actual ?? null, target: e.target ?? null, comment });
    }
  });
  return { inputs: Object.fromEntries(inputs), problems };
}

/** Checks entries against the review's own pinned KPIs and turns them into stored inputs; a 400 naming each problem. */
export function entriesToInputs(template: PinnedTemplate, entries: KpiEntryDto[]): Record<string, KpiInput> {
  const { inputs, problems } = checkEntries(template, entries);
  if (problems.length > 0) {
    const errors: CodedFieldError[] = problems.map((p) => ({ field: p.field, message: p.message, code: p.code, params: p.params ?? {} }));
    throw badRequest(`Invalid scores: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  }
  return inputs;
}

/** The text fields of a draft that a write sets; the ones left out keep their value. */
export function textPatch(dto: UpdateReviewDto): Partial<Review> {
  const patch: Partial<Review> = {};
  if (dto.strengths !== undefined) patch.strengths = dto.strengths;
  if (dto.challenges !== undefined) patch.challenges = dto.challenges;
  if (dto.developmentPlan !== undefined) patch.developmentPlan = dto.developmentPlan;
  if (dto.hrNotes !== undefined) patch.hrNotes = dto.hrNotes;
  return patch;
}

/** Score columns kept beside the inputs so lists and dashboards need not re-score. */
export function scoreColumns(template: PinnedTemplate, inputs: Record<string, KpiInput>): Pick<Review, 'total' | 'complete' | 'bandKey'> {
  const s = scoreReview(template.kpis, inputs, template.bands);
  return { total: s.total, complete: s.complete, bandKey: s.band?.key ?? null };
}

/** The copy of a published template version that a new review keeps: later edits never change it. */
export function pinnedFrom(published: PublishedVersion): PinnedTemplate {
  return {
    templateId: published.template.id,
    templateVersionId: published.version.id,
    versionNumber: published.version.number,
    roleCode: published.role.code,
    roleNameZh: published.role.nameZh,
    roleNameEn: published.role.nameEn,
    kpis: published.version.kpis,
    bands: published.version.bands,
  };
}

/** The conflict message of a transition that the review's status does not allow. */
export function transitionRefusal(status: string, action: string, from: readonly string[]): string {
  return `A ${status} review cannot be ${action === 'submit' ? 'submitted' : action === 'finalize' ? 'finalized' : 'reopened'}; it must be ${from.join(' or ')}`;
}

/** Why a review that is not a draft refuses an edit. */
export function editRefusal(status: string): string {
  return status === 'finalized'
    ? 'This review is finalized and cannot change; reopen it (with a reason) to edit'
    : 'This review is submitted and awaits finalization; reopen it (with a reason) to edit';
}

/** The person whose own reviews a limited scope shows (finalized ones only); null for nobody. */
function ownId(scope: LimitedScope): string | null {
  return scope.kind === 'subtree' ? scope.managerId : scope.employeeId;
}

/**
 * Which reviews a scope shows: all of them to everyone-scopes; a manager's team's reviews and their
 * own finalized ones; an employee's own finalized ones. Anything else is "not found".
 */
export function canSeeReview(scope: AccessScope, r: Pick<Review, 'employeeId' | 'status'>): boolean {
  if (scope.kind === 'everyone') return true;
  return teamOf(scope).includes(r.employeeId) || (r.employeeId === ownId(scope) && r.status === 'finalized');
}

/** The same rule as {@link canSeeReview} as a SQL condition on reviews aliased `r`; null for everyone. */
export function reviewScopeSql(scope: AccessScope, param: (value: unknown) => string): string | null {
  if (scope.kind === 'everyone') return null;
  return `(r.employee_id = ANY(${param(teamOf(scope))}::uuid[]) OR (r.employee_id = ${param(ownId(scope))} AND r.status = 'finalized'))`;
}

/** Only those who see every review see its HR-only fields. */
export function reviewViewOf(scope: AccessScope): ReviewView {
  return scope.kind === 'everyone' ? 'hr' : 'restricted';
}
