// The Chinese of the import's per-row validator refusals (the English comes from class-validator).
const FIELD_ZH: Record<string, string> = { kpiKey: '指标代码', actual: '实际值', target: '个人目标', rating: '评分', comment: '备注' };

/**
 * The Chinese of a KpiEntryDto validator's refusal, by the validator's name; the bound is the last
 * number of the English message, which class-validator builds from the same constraint.
 */
export function constraintZh(name: string, property: string, message: string): string {
  const field = FIELD_ZH[property] ?? property;
  const bound = /(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\D*$/i.exec(message)?.[1] ?? '';
  switch (name) {
    case 'isNumber':
      return `${field}必须是数字`;
    case 'isInt':
      return `${field}必须是整数`;
    case 'min':
      return `${field}不能小于 ${bound}`;
    case 'max':
      return `${field}不能大于 ${bound}`;
    case 'maxDecimals':
      return `${field}最多 ${bound} 位小数`;
    case 'maxLength':
      return `${field}不能超过 ${bound} 个字符`;
    case 'isString':
      return `${field}必须是文本`;
    case 'matches':
      return `${field}必须是该评估的指标代码`;
    default:
      return `${field}无效（${message}）`;
  }
}
