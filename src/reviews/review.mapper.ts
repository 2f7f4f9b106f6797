import { standing } from '../review-stages/review-stages.js';
import { scoreReview } from '../scoring/index.js';
import type { KpiDto } from '../kpi-templates/dto/kpi.dto.js';
import type { ReviewDto, ReviewEmployeeDto, ReviewKpiDto } from './dto/review.dto.js';
import type { Review } from './review.entity.js';

/** Who is looking: HR sees HR-only fields, everyone else does not. */
export type ReviewView = 'hr' | 'restricted';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function employeeRef(r: Review): ReviewEmployeeDto {
  return {
    id: r.employee.id,
    employeeNo: r.employee.employeeNo,
    name: r.employee.name,
    department: r.employee.department,
    managerId: r.employee.managerId,
    managerName: r.employee.manager?.name ?? null,
  };
}

/**
 * Scores are recomputed from the pinned template on every read, so they are always explainable.
 * `today` (YYYY-MM-DD in the company's zone) says whether the review's stage is overdue.
 */
export function toReviewDto(r: Review, view: ReviewView, today: string): ReviewDto {
  const s = scoreReview(r.template.kpis, r.inputs, r.template.bands);
  const kpis: ReviewKpiDto[] = r.template.kpis.map((k, i) => {
    const input = (Object.hasOwn(r.inputs, k.key) ? r.inputs[k.key] : undefined) ?? {};
    const score = s.kpis[i];
    const point = k.rule.type === 'rating' && input.rating != null ? k.rule.points.find((p) => p.value === input.rating) : undefined;
    return {
      ...(k as KpiDto),
      input: { actual: input.actual ?? null, target: input.target ?? null, rating: input.rating ?? null, comment: input.comment ?? null },
      score: score.score,
      points: score.points,
      attainment: score.attainment,
      targetUsed: score.target,
      ratingLabelEn: point?.labelEn ?? null,
      ratingLabelZh: point?.labelZh ?? null,
      explanation: score.explanation,
    };
  });
  const dto: ReviewDto = {
    id: r.id,
    employee: employeeRef(r),
    cycle: { id: r.cycle.id, name: r.cycle.name, periodStart: r.cycle.periodStart, periodEnd: r.cycle.periodEnd, status: r.cycle.status },
    status: r.status,
    stage: standing(r.cycle, r.stage, today),
    template: {
      templateId: r.template.templateId,
      templateVersionId: r.template.templateVersionId,
      versionNumber: r.template.versionNumber,
      roleCode: r.template.roleCode,
      roleNameZh: r.template.roleNameZh,
      roleNameEn: r.template.roleNameEn,
    },
    kpis,
    total: s.total,
    complete: s.complete,
    missing: s.missing,
    band: s.band,
    bands: r.template.bands,
    calibration:
      r.calibratedBandKey !== null
        ? {
            bandKey: r.calibratedBandKey,
            total: r.calibratedTotal,
            reason: r.calibrationReason ?? '',
            at: iso(r.calibratedAt) ?? '',
            by: r.calibratedBy ?? '',
            fromBandKey: s.band?.key ?? null,
            fromTotal: s.total,
          }
        : null,
    strengths: r.strengths,
    challenges: r.challenges,
    developmentPlan: r.developmentPlan,
    managerComment: r.managerComment,
    submittedAt: iso(r.submittedAt),
    finalizedAt: iso(r.finalizedAt),
    finalizedBy: r.finalizedBy,
    reopenCount: r.reopenCount,
    lastReopenReason: r.lastReopenReason,
    acknowledgedAt: iso(r.acknowledgedAt),
    acknowledgedBy: r.acknowledgedBy,
    version: r.version,
    createdAt: iso(r.createdAt) ?? '',
    updatedAt: iso(r.updatedAt) ?? '',
  };
  if (view === 'hr') {
    dto.hrNotes = r.hrNotes;
    for (const k of kpis) k.finalReason = Object.hasOwn(r.finalReasons, k.key) ? r.finalReasons[k.key] : null;
  }
  return dto;
}
