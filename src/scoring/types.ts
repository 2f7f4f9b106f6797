// The shapes scoring works on. They are plain data so that a review can keep its own frozen copy
// (jsonb) of the template version it was created with.

export type Direction = 'higher' | 'lower';

export interface RatingPoint {
  value: number;
  labelZh: string;
  labelEn: string;
}

export interface RatingRule {
  type: 'rating';
  min: number;
  max: number;
  /** One label per point of the scale, min..max. */
  points: RatingPoint[];
}

export interface TargetRule {
  type: 'target';
  target: number;
  unit: string;
  direction: Direction;
  /** Attainment (% of target) counts at most this much, e.g. 120. At least 100. */
  cap: number;
  /** Attainment (% of target) below which the score is 0; null for none. */
  threshold: number | null;
}

export type ScoringRule = RatingRule | TargetRule;

/** What a KPI says about itself, in words: the same fields in a stored version, a DTO and the editor's form. */
export interface KpiText {
  key: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  /** An evaluation dimension (e.g. `company_performance`) or `skill`. */
  category: string;
}

export interface KpiDefinition extends KpiText {
  /** Percent, two decimals; a version's weights sum to exactly 100. */
  weight: number;
  rule: ScoringRule;
}

export function kpiTextOf(k: KpiText): KpiText {
  return { key: k.key, nameZh: k.nameZh, nameEn: k.nameEn, descriptionZh: k.descriptionZh, descriptionEn: k.descriptionEn, category: k.category };
}

/** A KPI definition with its rule in another form (a DTO's, a form's). */
export type KpiShape<R> = Omit<KpiDefinition, 'rule'> & { rule: R };

/** Just the definition of a KPI out of anything that carries one (a DTO, a scored row): no extra fields travel on. */
export function kpiDefinitionOf<R = ScoringRule>(k: KpiShape<R>): KpiShape<R> {
  return { ...kpiTextOf(k), weight: k.weight, rule: k.rule };
}

export interface RatingBand {
  key: string;
  /** Lowest total (inclusive) that earns this band. */
  min: number;
  labelZh: string;
  labelEn: string;
}

export interface KpiInput {
  /** For target KPIs. */
  actual?: number | null;
  /** For target KPIs: a per-review target that replaces the template's (e.g. a personal quota). */
  target?: number | null;
  /** For rating KPIs. */
  rating?: number | null;
  comment?: string | null;
}

export interface KpiScore {
  key: string;
  /** null when the input is missing. */
  score: number | null;
  points: number | null;
  /** Attainment in % of target (target KPIs only), before cap and threshold. */
  attainment: number | null;
  /** Target used (target KPIs only). */
  target: number | null;
  /** Human-readable explanation of how the score came about (English, for audit and API). */
  explanation: string;
}

export interface ReviewScore {
  kpis: KpiScore[];
  /** Sum of points over scored KPIs, rounded to two decimals. */
  total: number;
  /** True when every KPI has its input. */
  complete: boolean;
  /** Keys of KPIs without input, in template order. */
  missing: string[];
  /** Band of the total; null while incomplete. */
  band: RatingBand | null;
}
