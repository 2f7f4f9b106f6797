import type { DataSource, EntityManager } from 'typeorm';

/**
 * Who did something is stored as the actor's sign-in name (an e-mail), which is what the audit
 * keeps. People read names: each e-mail that belongs to a user linked to an employee is shown as
 * that employee's name; any other value (a user with no employee, "system") stays as stored.
 * Returns the translation for the values given, in one statement.
 */
export async function displayNames(db: DataSource | EntityManager, stored: ReadonlyArray<string | null>): Promise<(v: string | null) => string | null> {
  const emails = [...new Set(stored.filter((v): v is string => !!v).map((v) => v.toLowerCase()))];
  if (emails.length === 0) return (v) => v;
  const rows = await db.query<{ email: string; name: string }[]>(
    `SELECT u.email, e.name FROM users u JOIN employees e ON e.id = u.employee_id WHERE u.email = ANY($1::text[])`,
    [emails],
  );
  const names = new Map(rows.map((r) => [r.email, r.name]));
  return (v) => (v ? (names.get(v.toLowerCase()) ?? v) : v);
}
