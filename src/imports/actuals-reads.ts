// What the actuals planner read, reduced to one string per employee number, so a commit can plan
// outside its transaction (planning 10,000 rows is CPU work that held a transaction idle past
// PostgreSQL's limit) and still write only what it planned from: inside the transaction, after the
// rows are locked, the same reads are stamped again and the plan is redone only when they differ.

/** The parts of one employee's row that the plan depends on. */
export interface ReadParts {
  employee_no: string;
  active: boolean;
  role_id: string;
  review_id: string | null;
  status: string | null;
  version: number | null;
  /** md5 of the manager's submitted proposal, null when there is none. */
  proposal_md5: string | null;
}

/** pinnedVersion: what a new review would pin (only asked for employees without a review). */
export function readStamps(rows: readonly ReadParts[], pinnedVersion: (roleId: string) => string | null): Map<string, string> {
  return new Map(
    rows.map((r) => [
      r.employee_no,
      [r.active, r.role_id, r.review_id, r.status, r.version, r.proposal_md5, r.review_id ? null : pinnedVersion(r.role_id)].map(String).join('|'),
    ]),
  );
}

export function sameReads(planned: ReadonlyMap<string, string>, now: ReadonlyMap<string, string>): boolean {
  if (planned.size !== now.size) return false;
  for (const [no, stamp] of planned) if (now.get(no) !== stamp) return false;
  return true;
}
