import type { KpiDefinition, RatingBand, RatingPoint } from '../scoring/types.js';

// The two roles every installation starts with, built from what the domain brief says each is
// evaluated on (绩效评估). Weights are our choice, explained in `notes` so admins can see the why.

/** The usual five-point scale; also what a KPI switched to a rating rule starts with in the editor. */
export const FIVE_POINT: RatingPoint[] = [
  { value: 1, labelZh: '需改进', labelEn: 'Needs improvement' },
  { value: 2, labelZh: '部分达到期望', labelEn: 'Partly meets expectations' },
  { value: 3, labelZh: '达到期望', labelEn: 'Meets expectations' },
  { value: 4, labelZh: '超出期望', labelEn: 'Exceeds expectations' },
  { value: 5, labelZh: '卓越', labelEn: 'Outstanding' },
];

export const DEFAULT_BANDS: RatingBand[] = [
  { key: 'outstanding', min: 90, labelZh: '卓越', labelEn: 'Outstanding' },
  { key: 'exceeds', min: 80, labelZh: '优秀', labelEn: 'Exceeds expectations' },
  { key: 'meets', min: 65, labelZh: '良好', labelEn: 'Meets expectations' },
  { key: 'needs_improvement', min: 50, labelZh: '待改进', labelEn: 'Needs improvement' },
  { key: 'unsatisfactory', min: 0, labelZh: '不合格', labelEn: 'Unsatisfactory' },
];

function skill(key: string, nameZh: string, nameEn: string, weight: number, descriptionZh: string, descriptionEn: string): KpiDefinition {
  return {
    key,
    nameZh,
    nameEn,
    descriptionZh,
    descriptionEn,
    category: 'skill',
    weight,
    rule: { type: 'rating', min: 1, max: 5, points: FIVE_POINT },
  };
}

export interface DefaultRole {
  code: string;
  nameZh: string;
  nameEn: string;
  notes: string;
  kpis: KpiDefinition[];
  bands: RatingBand[];
}

export const MANAGER: DefaultRole = {
  code: 'manager',
  nameZh: '管理者',
  nameEn: 'Manager',
  notes:
    'Weights: 70 % on the three results a manager is evaluated on (company 25, team 25, strategic goals 20), ' +
    '30 % on the four leadership skills (7.5 each). A manager is judged first by outcomes, but how they lead decides ' +
    'whether the outcomes last, so skills keep a real share.',
  bands: DEFAULT_BANDS,
  kpis: [
    {
      key: 'company_performance',
      nameZh: '公司整体绩效',
      nameEn: 'Company performance',
      descriptionZh: '公司年度经营计划（收入与利润）的完成率。',
      descriptionEn: "Attainment of the company's annual operating plan (revenue and profit).",
      category: 'company_performance',
      weight: 25,
      rule: { type: 'target', target: 100, unit: '%', direction: 'higher', cap: 120, threshold: 50 },
    },
    {
      key: 'team_performance',
      nameZh: '团队绩效',
      nameEn: 'Team performance',
      descriptionZh: '团队目标完成率，兼顾效率与成果。',
      descriptionEn: "Attainment of the team's goals, weighing efficiency and results.",
      category: 'team_performance',
      weight: 25,
      rule: { type: 'target', target: 100, unit: '%', direction: 'higher', cap: 120, threshold: 50 },
    },
    {
      key: 'strategic_goals',
      nameZh: '战略目标实现情况',
      nameEn: 'Strategic-goal achievement',
      descriptionZh: '本期计划的战略里程碑中已完成的数量。',
      descriptionEn: 'Strategic milestones met out of those planned for the period.',
      category: 'strategic_goals',
      weight: 20,
      rule: { type: 'target', target: 4, unit: 'milestones', direction: 'higher', cap: 100, threshold: null },
    },
    skill(
      'strategic_vision',
      '宏观视野',
      'Strategic vision',
      7.5,
      '把握市场与行业趋势，制定长远方向。',
      'Reads market and industry trends and sets long-term direction.',
    ),
    skill(
      'decision_making',
      '决策能力',
      'Decision making',
      7.5,
      '在不确定中及时做出合理决策并承担后果。',
      'Makes sound, timely decisions under uncertainty and owns them.',
    ),
    skill('leadership', '领导能力', 'Leadership', 7.5, '激励并发展团队，合理分配资源。', 'Motivates and develops the team; allocates resources well.'),
    skill('communication', '沟通能力', 'Communication', 7.5, '清晰传达目标，上下沟通顺畅。', 'Communicates goals clearly, up and down the organisation.'),
  ],
};

export const ACCOUNT_MANAGER: DefaultRole = {
  code: 'account_manager',
  nameZh: '客户经理',
  nameEn: 'Account manager',
  notes:
    'Weights: 75 % on results (sales 35, satisfaction 15, retention 15, relationship upkeep 10) and 25 % on the four ' +
    "skills (6.25 each). Sales carries the most because it is the role's first duty; satisfaction and retention " +
    'together match it in spirit (keeping customers is as important as winning them).',
  bands: DEFAULT_BANDS,
  kpis: [
    {
      key: 'sales_attainment',
      nameZh: '销售业绩完成情况',
      nameEn: 'Sales attainment',
      descriptionZh: '本期销售收入对比销售目标（可按人调整目标）。',
      descriptionEn: 'Revenue booked in the period against the sales target (the target may be set per person).',
      category: 'sales_results',
      weight: 35,
      rule: { type: 'target', target: 2000000, unit: 'CNY', direction: 'higher', cap: 150, threshold: 50 },
    },
    {
      key: 'customer_satisfaction',
      nameZh: '客户满意度',
      nameEn: 'Customer satisfaction',
      descriptionZh: '客户满意度调查得分（CSAT，满分 100）。',
      descriptionEn: 'Customer-satisfaction survey score (CSAT, out of 100).',
      category: 'customer_satisfaction',
      weight: 15,
      rule: { type: 'target', target: 90, unit: 'CSAT', direction: 'higher', cap: 110, threshold: 60 },
    },
    {
      key: 'customer_retention',
      nameZh: '客户保留率',
      nameEn: 'Customer retention',
      descriptionZh: '期初客户中期末仍保留的比例（越高越好）。',
      descriptionEn: 'Share of customers at the start of the period still kept at its end (higher is better).',
      category: 'customer_retention',
      weight: 15,
      rule: { type: 'target', target: 90, unit: '%', direction: 'higher', cap: 110, threshold: 60 },
    },
    {
      key: 'relationship_upkeep',
      nameZh: '客户关系维护情况',
      nameEn: 'Relationship upkeep',
      descriptionZh: '已完成的客户拜访次数对比计划次数。',
      descriptionEn: 'Customer visits done against visits planned.',
      category: 'relationship_upkeep',
      weight: 10,
      rule: { type: 'target', target: 48, unit: 'visits', direction: 'higher', cap: 120, threshold: null },
    },
    skill('communication', '沟通能力', 'Communication', 6.25, '倾听客户，清楚表达方案。', 'Listens to customers and explains offers clearly.'),
    skill('selling', '销售技巧', 'Selling', 6.25, '需求分析、方案呈现与成交。', 'Needs analysis, presenting solutions and closing.'),
    skill(
      'customer_service',
      '客户服务能力',
      'Customer service',
      6.25,
      '及时、专业地响应客户需求。',
      'Responds to customer needs promptly and professionally.',
    ),
    skill('problem_solving', '问题解决能力', 'Problem solving', 6.25, '快速定位并解决客户问题。', 'Finds and fixes customer problems quickly.'),
  ],
};

export const DEFAULT_ROLES: DefaultRole[] = [MANAGER, ACCOUNT_MANAGER];
