// History for bench:api at scale: closed cycles with a review for everyone, and an audit trail.
// Built inside PostgreSQL with INSERT … SELECT (one multi-row statement per table), so that 300,000
// reviews and 1,000,000 audit rows cost seconds, not the minutes row-by-row inserts would.
import type pg from 'pg';

/** Earlier cycles, newest first; each gets a finalized review for every employee reviewed in the open one. */
const EARLIER = [
  ['2025 下半年 / 2025 H2', '2025-07-01', '2025-12-31'],
  ['2025 上半年 / 2025 H1', '2025-01-01', '2025-06-30'],
  ['2024 下半年 / 2024 H2', '2024-07-01', '2024-12-31'],
] as const;

export const EARLIER_CYCLES = EARLIER.length;

/** The scale setting: "10k", "100k", "25000". */
export function parseScale(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(k|m)?$/i.exec(raw.trim());
  if (!m) throw new Error(`Scale "${raw}" must be a number of employees such as 10k, 100k or 25000`);
  const n = Math.round(Number(m[1]) * (m[2]?.toLowerCase() === 'k' ? 1_000 : m[2] ? 1_000_000 : 1));
  if (n < 200) throw new Error(`Scale "${raw}" is too small: at least 200 employees`);
  return n;
}

/**
 * Copies the open cycle's reviews into each earlier cycle as finalized ones, then writes
 * `auditRows` audit entries: one "created" per review of every cycle, the rest score and stage
 * changes spread over the open cycle's reviews, so that an entity's trail is a few rows among many.
 */
export async function seedHistory(db: pg.Client, openCycleId: string, auditRows: number): Promise<{ reviews: number; audit: number }> {
  let reviews = 0;
  for (const [name, start, end] of EARLIER) {
    const {
      rows: [c],
    } = await db.query<{ id: string }>(`INSERT INTO cycles (name, period_start, period_end, status) VALUES ($1, $2, $3, 'closed') RETURNING id`, [
      name,
      start,
      end,
    ]);
    const made = await db.query(
      `INSERT INTO reviews (employee_id, cycle_id, template_version_id, template, inputs, total, complete, band_key, status, stage,
                            strengths, challenges, development_plan, manager_comment, submitted_at, finalized_at, finalized_by, version)
       SELECT employee_id, $2, template_version_id, template, inputs, total, complete, band_key, 'finalized', 'done',
              strengths, challenges, development_plan, manager_comment, $3::timestamptz, $3::timestamptz + interval '3 days', 'hr@bench.example.com', 5
         FROM reviews WHERE cycle_id = $1`,
      [openCycleId, c.id, `${end}T09:00:00Z`],
    );
    reviews += made.rowCount ?? 0;
  }
  const created = await db.query(
    `INSERT INTO audit_log (at, actor, action, entity, entity_id, after)
     SELECT coalesce(submitted_at, now()) - interval '30 days', 'hr@bench.example.com', 'review.create', 'review', id::text,
            jsonb_build_object('status', 'draft')
       FROM reviews ORDER BY created_at, id LIMIT $1`,
    [auditRows],
  );
  const rest = auditRows - (created.rowCount ?? 0);
  if (rest > 0) {
    // Row i goes to the open cycle's review number (i mod n): every review gets its share.
    await db.query(
      `WITH open AS MATERIALIZED (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM reviews WHERE cycle_id = $1),
            total AS (SELECT count(*) AS n FROM open)
       INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after)
       SELECT now() - (g % 90) * interval '1 day', 'bench-manager@bench.example.com',
              CASE WHEN g % 5 = 0 THEN 'review.stage' ELSE 'review.scores' END, 'review', open.id::text,
              jsonb_build_object('version', g % 7), jsonb_build_object('version', g % 7 + 1)
         FROM generate_series(0, $2::int - 1) AS g CROSS JOIN total JOIN open ON open.k = g % total.n`,
      [openCycleId, rest],
    );
  }
  return { reviews, audit: auditRows };
}
