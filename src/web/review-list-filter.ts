// The HR review list's filters, read from an address or a form the same way everywhere: the list
// itself, the bulk form that acts on "every review the list shows", and the review page's "next"
// links, which carry them along so the next review is the next one of that very list.
import { REVIEW_STATUSES } from '../reviews/dto/review.dto.js';
import { REVIEW_STAGES } from '../review-stages/review-stages.js';
import { searchText } from './page-helpers.js';

export const LIST_STATUSES = ['not_started', ...REVIEW_STATUSES] as const;

export interface ListFilters {
  cycleId: string;
  status: '' | (typeof LIST_STATUSES)[number];
  /** Known stage names, comma-separated. */
  stage: string;
  overdue: '' | 'true' | 'false';
  department: string;
  q: string;
}

const text = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

/** The filters in `src`; unknown values are dropped rather than refused: the address is typed or stale, the list still shows. */
export function listFiltersOf(src: Record<string, unknown>): ListFilters {
  const asked = typeof src.stage === 'string' ? src.stage.split(',') : [];
  return {
    cycleId: typeof src.cycleId === 'string' && /^[0-9a-fA-F-]{36}$/.test(src.cycleId) ? src.cycleId.toLowerCase() : '',
    status: LIST_STATUSES.find((s) => s === src.status) ?? '',
    stage: REVIEW_STAGES.filter((s) => asked.includes(s)).join(','),
    overdue: src.overdue === 'true' || src.overdue === 'false' ? src.overdue : '',
    department: text(src.department, 200),
    q: searchText(src.q),
  };
}

/** The filters as an address's query (without "?"), the empty ones left out, in a fixed order. */
export function listQuery(f: Partial<ListFilters>): string {
  const q = new URLSearchParams();
  for (const key of ['cycleId', 'status', 'stage', 'overdue', 'department', 'q'] as const) if (f[key]) q.set(key, f[key]);
  return q.toString();
}

/** The filters in the query of an address such as a form's "back" field. */
export function listFiltersOfUrl(url: string): ListFilters {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1).split('#')[0] : '';
  return listFiltersOf(Object.fromEntries(new URLSearchParams(query)));
}
