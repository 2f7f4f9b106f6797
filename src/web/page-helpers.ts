// Small pieces several page controllers share: where each role starts, which cycle a page is
// about, paging links, and the query values pages read.
import type { CycleDto } from '../cycles/dto/cycle.dto.js';
import { badRequest } from '../common/errors.js';

/** Where each role starts. */
export function homeOf(role: string): string {
  return role === 'manager' ? '/team' : role === 'employee' ? '/my' : '/';
}

/** The cycle a page is about: the one asked for, else the newest open one, else the newest. */
export function pickCycle(cycles: CycleDto[], wanted: unknown): CycleDto | null {
  return cycles.find((c) => c.id === wanted) ?? cycles.find((c) => c.status === 'open') ?? cycles[0] ?? null;
}

/** The cycle picker's options, the shown cycle selected. */
export function cycleOptions(cycles: CycleDto[], shown: CycleDto | null) {
  return cycles.map((c) => ({ id: c.id, name: c.name, status: c.status, selected: c.id === shown?.id }));
}

/** Previous/next links that keep every filter. */
export function pager(base: string, params: Record<string, string | undefined>, page: number, pageSize: number, total: number) {
  const link = (p: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    if (p > 1) q.set('page', String(p));
    const s = q.toString();
    return s ? `${base}?${s}` : base;
  };
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return {
    page,
    pages,
    total,
    prev: page > 1 ? link(page - 1) : null,
    next: page < pages ? link(page + 1) : null,
    from: total === 0 ? 0 : (page - 1) * pageSize + 1,
    to: Math.min(total, page * pageSize),
  };
}

/** A search box's text: trimmed, at most 100 characters, '' when absent. */
export function searchText(value: unknown): string {
  return typeof value === 'string' ? value.trim().slice(0, 100) : '';
}

/** A list's page number from the address: 1 when absent or not a number. */
export function pageNumber(value: unknown): number {
  return Math.max(1, Math.min(100000, Math.floor(Number(value)) || 1));
}

/** The version a plain form read its object at; null when it carries none. */
export function formVersion(value: string): number | null {
  const version = Number(value);
  return Number.isInteger(version) && version >= 1 ? version : null;
}

/** Without the version read, a write cannot be checked for a stale edit: the page says to reload. */
export const versionMissing = () =>
  badRequest('The form lacks the version it was read at; reload the page and try again', [{ field: 'version', code: 'required', message: 'is required' }]);
