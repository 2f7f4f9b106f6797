// Builders shared by the scoring specs.
import type { KpiDefinition, RatingBand, RatingPoint, RatingRule, TargetRule } from './types.js';

export function points(min: number, max: number): RatingPoint[] {
  const list: RatingPoint[] = [];
  for (let value = min; value <= max; value++) {
    list.push({ value, labelZh: `${value}分`, labelEn: `level ${value}` });
  }
  return list;
}

export function ratingKpi(key: string, weight: number, rule: Partial<RatingRule> = {}): KpiDefinition {
  const min = rule.min ?? 1;
  const max = rule.max ?? 5;
  return {
    key,
    nameZh: key,
    nameEn: key,
    descriptionZh: '',
    descriptionEn: '',
    category: 'skill',
    weight,
    rule: { type: 'rating', min, max, points: rule.points ?? points(min, max) },
  };
}

export function targetKpi(key: string, weight: number, rule: Partial<TargetRule> = {}): KpiDefinition {
  return {
    key,
    nameZh: key,
    nameEn: key,
    descriptionZh: '',
    descriptionEn: '',
    category: 'company_performance',
    weight,
    rule: {
      type: 'target',
      target: 100,
      unit: 'units',
      direction: 'higher',
      cap: 120,
      threshold: null,
      ...rule,
    },
  };
}

export const BANDS: RatingBand[] = [
  { key: 'good', min: 70, labelZh: '良好', labelEn: 'Good' },
  { key: 'low', min: 0, labelZh: '待改进', labelEn: 'Needs improvement' },
  { key: 'excellent', min: 90, labelZh: '优秀', labelEn: 'Excellent' },
  { key: 'fair', min: 50, labelZh: '合格', labelEn: 'Fair' },
];

export function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
