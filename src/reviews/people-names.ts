import type { DataSource, EntityManager } from 'typeorm';
import type { ReviewDto } from './dto/review.dto.js';

/**
 * Who finalized or acknowledged a review is stored as the actor's sign-in name (an e-mail), which is
 * what the audit keeps. People read names: each e-mail that belongs to a user linked to an employee
 * is shown as that employee's name; any other value (a user with no employee) stays as stored.
 */
export async function withPeopleNames(db: DataSource | EntityManager, reviews: ReviewDto[]): Promise<ReviewDto[]> {
  const stored = [...new Set(reviews.flatMap((r) => [r.finalizedBy, r.acknowledgedBy]).filter((v): v is string => !!v))];
  if (stored.length === 0) return reviews;
  const rows = await db.query<{ email: string; name: string }[]>(
    `SELECT u.email, e.name FROM users u JOIN employees e ON e.id = u.employee_id WHERE u.email = ANY($1::text[])`,
    [stored.map((s) => s.toLowerCase())],
  );
  const names = new Map(rows.map((r) => [r.email, r.name]));
  const nameOf = (v: string | null) => (v ? (names.get(v.toLowerCase()) ?? v) : v);
  return reviews.map((r) => ({ ...r, finalizedBy: nameOf(r.finalizedBy), acknowledgedBy: nameOf(r.acknowledgedBy) }));
}
