// The review every scorecard unit spec starts from: a finalized account-manager review of the
// default template, scored by the real scoring functions.
import { ACCOUNT_MANAGER, DEFAULT_BANDS } from '../kpi-templates/default-templates.js';
import type { KpiDto } from '../kpi-templates/dto/kpi.dto.js';
import type { ReviewDto, ReviewKpiDto } from '../reviews/dto/review.dto.js';
import { scoreReview, type KpiDefinition, type KpiInput, type RatingBand } from '../scoring/index.js';

// A ReviewDto built the way review.mapper.ts builds it: scores from the pinned template.
export interface Fixture {
  kpis?: KpiDefinition[];
  bands?: RatingBand[];
  inputs?: Record<string, KpiInput>;
  status?: string;
  roleNameZh?: string;
  roleNameEn?: string;
  versionNumber?: number;
  extra?: Partial<ReviewDto>;
}

export const AM_INPUTS: Record<string, KpiInput> = {
  sales_attainment: { actual: 2150000 },
  customer_satisfaction: { actual: 92 },
  customer_retention: { actual: 88 },
  relationship_upkeep: { actual: 50 },
  communication: { rating: 4 },
  selling: { rating: 5 },
  customer_service: { rating: 3 },
  problem_solving: { rating: 4, comment: 'Fixed the billing escalation in two days' },
};

export function makeReview(f: Fixture = {}): ReviewDto {
  const kpis = f.kpis ?? ACCOUNT_MANAGER.kpis;
  const bands = f.bands ?? DEFAULT_BANDS;
  const inputs = f.inputs ?? AM_INPUTS;
  const s = scoreReview(kpis, inputs, bands);
  const rows: ReviewKpiDto[] = kpis.map((k, i) => {
    const input = Object.hasOwn(inputs, k.key) ? inputs[k.key] : {};
    const point = k.rule.type === 'rating' && input.rating != null ? k.rule.points.find((p) => p.value === input.rating) : undefined;
    return {
      ...(k as KpiDto),
      input: { actual: input.actual ?? null, target: input.target ?? null, rating: input.rating ?? null, comment: input.comment ?? null },
      score: s.kpis[i].score,
      points: s.kpis[i].points,
      attainment: s.kpis[i].attainment,
      targetUsed: s.kpis[i].target,
      ratingLabelEn: point?.labelEn ?? null,
      ratingLabelZh: point?.labelZh ?? null,
      explanation: s.kpis[i].explanation,
    };
  });
  return {
    id: '7d0c1c9e-4a57-4a43-9a53-5f3a4ad0c001',
    employee: {
      id: '7d0c1c9e-4a57-4a43-9a53-5f3a4ad0c002',
      employeeNo: 'E0042',
      name: '张三',
      department: '华东销售部',
      managerId: '7d0c1c9e-4a57-4a43-9a53-5f3a4ad0c003',
      managerName: '李四',
    },
    cycle: { id: '7d0c1c9e-4a57-4a43-9a53-5f3a4ad0c004', name: '2025 H1', periodStart: '2025-01-01', periodEnd: '2025-06-30', status: 'closed' },
    status: f.status ?? 'finalized',
    stage: { stage: (f.status ?? 'finalized') === 'finalized' ? 'done' : 'hr', due: null, overdue: false },
    template: {
      templateId: '7d0c1c9e-4a57-4a43-9a53-5f3a4ad0c005',
      templateVersionId: '7d0c1c9e-4a57-4a43-9a53-5f3a4ad0c006',
      versionNumber: f.versionNumber ?? 3,
      roleCode: 'account_manager',
      roleNameZh: f.roleNameZh ?? ACCOUNT_MANAGER.nameZh,
      roleNameEn: f.roleNameEn ?? ACCOUNT_MANAGER.nameEn,
    },
    kpis: rows,
    total: s.total,
    complete: s.complete,
    missing: s.missing,
    band: s.band,
    bands,
    calibration: null,
    strengths: 'Closed three new key accounts.',
    challenges: 'Pipeline in Q2 was thin.',
    developmentPlan: 'Negotiation course; shadow a key-account manager.',
    managerComment: 'Strong half year.',
    submittedAt: '2025-07-01T02:00:00.000Z',
    finalizedAt: '2025-07-02T02:00:00.000Z',
    finalizedBy: 'HR Wang',
    reopenCount: 0,
    lastReopenReason: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    version: 5,
    createdAt: '2025-06-01T00:00:00.000Z',
    updatedAt: '2025-07-02T02:00:00.000Z',
    ...f.extra,
  };
}
