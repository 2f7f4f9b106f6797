// Reading the maintained review counts (migrations/1796800000000-ReviewCounts.ts): triggers append
// signed deltas, readers sum them. A cycle's rows are folded into one per group once they pile up,
// by whoever reads them next, so a read costs about the number of groups, not of reviews or writes.
import type { DataSource } from 'typeorm';

/** Folding pays once a cycle has this many more rows than groups (and twice as many). */
const SLACK = 64;

/** Whether a set of delta rows is worth folding. */
export function worthFolding(pieces: number, groups: number): boolean {
  return pieces > 2 * groups + SLACK;
}

/**
 * Replaces a cycle's delta rows by one row per group, in one statement: a concurrent fold finds
 * the rows already gone and skips them; a concurrent writer's new rows are left alone.
 */
export async function foldReviewCounts(dataSource: DataSource, cycleId: string): Promise<void> {
  await dataSource.query(
    `WITH gone AS (DELETE FROM review_counts WHERE cycle_id = $1 RETURNING department, employee_active, status, stage, n)
     INSERT INTO review_counts (cycle_id, department, employee_active, status, stage, n)
     SELECT $1, department, employee_active, status, stage, sum(n) FROM gone GROUP BY 2, 3, 4, 5 HAVING sum(n) <> 0`,
    [cycleId],
  );
}

/** The same for the active employees per department. */
export async function foldEmployeeCounts(dataSource: DataSource): Promise<void> {
  await dataSource.query(
    `WITH gone AS (DELETE FROM employee_counts RETURNING department, n)
     INSERT INTO employee_counts (department, n) SELECT department, sum(n) FROM gone GROUP BY 1 HAVING sum(n) <> 0`,
  );
}

export interface CycleReviewCounts {
  draft: number;
  submitted: number;
  finalized: number;
  total: number;
}

/** Reviews per status of each cycle, folding the cycles whose rows piled up. */
export async function reviewCountsOf(dataSource: DataSource, cycleIds: string[]): Promise<Map<string, CycleReviewCounts>> {
  const out = new Map<string, CycleReviewCounts>();
  if (cycleIds.length === 0) return out;
  const rows = await dataSource.query<{ cycle_id: string; status: string; n: number; pieces: number; groups: number }[]>(
    `SELECT cycle_id, status, sum(n)::int AS n, count(*)::int AS pieces, count(DISTINCT (department, employee_active, stage))::int AS groups
       FROM review_counts WHERE cycle_id = ANY($1::uuid[]) GROUP BY cycle_id, status`,
    [cycleIds],
  );
  const load = new Map<string, { pieces: number; groups: number }>();
  for (const r of rows) {
    const c = out.get(r.cycle_id) ?? { draft: 0, submitted: 0, finalized: 0, total: 0 };
    if (r.status === 'draft' || r.status === 'submitted' || r.status === 'finalized') c[r.status] += r.n;
    c.total += r.n;
    out.set(r.cycle_id, c);
    const l = load.get(r.cycle_id) ?? { pieces: 0, groups: 0 };
    load.set(r.cycle_id, { pieces: l.pieces + r.pieces, groups: l.groups + r.groups });
  }
  for (const [cycleId, l] of load) if (worthFolding(l.pieces, l.groups)) await foldReviewCounts(dataSource, cycleId);
  return out;
}
