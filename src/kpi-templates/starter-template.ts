import type { KpiDefinition, RatingBand } from '../scoring/types.js';
import { DEFAULT_BANDS } from './default-templates.js';

/** A new role's blank start: one target KPI at 100 % weight and the default bands, so it saves and publishes as it is. */
export function starterContent(): { kpis: KpiDefinition[]; bands: RatingBand[] } {
  return {
    kpis: [
      {
        key: 'kpi_1',
        nameZh: '指标 1',
        nameEn: 'KPI 1',
        descriptionZh: '',
        descriptionEn: '',
        category: 'company_performance',
        weight: 100,
        rule: { type: 'target', target: 100, unit: '%', direction: 'higher', cap: 120, threshold: null },
      },
    ],
    bands: DEFAULT_BANDS.map((b) => ({ ...b })),
  };
}
