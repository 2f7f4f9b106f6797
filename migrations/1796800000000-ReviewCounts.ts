import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Maintained counts for the HR dashboard and the cycle list, which otherwise aggregate every review
 * of every cycle and join every employee (20× the database CPU at 100k employees: issue 17,
 * docs/decisions/0101). Statement-level triggers append signed deltas (+n/-n) and never update a
 * row, so concurrent writers never wait on, or deadlock over, a shared counter row; readers sum a
 * cycle's rows and fold them together once they pile up (ReviewCounts in src/reviews).
 *
 * A review counts under its employee's current department and active flag: a change of either
 * moves the counts of all their reviews. The triggers lock the employees they read (FOR SHARE),
 * so a review written while its employee moves department waits for the move and counts under
 * the new department. A statement of more than 1,000 reviews (start all, a bulk load) locks the
 * employees table against writes instead: a row lock on each of 100,000 employees cost seconds.
 */
/** One statement-level trigger per event, each seeing the rows it changed as transition tables. */
const EVENTS = [
  { event: 'INSERT', rows: 'NEW TABLE AS new_rows' },
  { event: 'UPDATE', rows: 'OLD TABLE AS old_rows NEW TABLE AS new_rows' },
  { event: 'DELETE', rows: 'OLD TABLE AS old_rows' },
] as const;

async function createTriggers(queryRunner: QueryRunner, table: string, prefix: string, fn: string): Promise<void> {
  for (const { event, rows } of EVENTS) {
    await queryRunner.query(
      `CREATE TRIGGER ${prefix}_${event.toLowerCase()} AFTER ${event} ON ${table} REFERENCING ${rows} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    );
  }
}

export class ReviewCounts1796800000000 implements MigrationInterface {
  name = 'ReviewCounts1796800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "review_counts" ("id" bigserial NOT NULL, "cycle_id" uuid NOT NULL, "department" character varying(200) NOT NULL,
        "employee_active" boolean NOT NULL, "status" character varying(16) NOT NULL, "stage" character varying(16) NOT NULL, "n" integer NOT NULL,
        CONSTRAINT "PK_review_counts" PRIMARY KEY ("id"),
        CONSTRAINT "FK_review_counts_cycle" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query('CREATE INDEX "ix_review_counts_cycle" ON "review_counts" ("cycle_id")');
    await queryRunner.query(
      `CREATE TABLE "employee_counts" ("id" bigserial NOT NULL, "department" character varying(200) NOT NULL, "n" integer NOT NULL,
        CONSTRAINT "PK_employee_counts" PRIMARY KEY ("id"))`,
    );

    await queryRunner.query(`
      CREATE FUNCTION review_counts_on_reviews() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF (SELECT count(*) FROM new_rows) > 1000 THEN
            LOCK TABLE employees IN SHARE MODE;
          ELSE
            PERFORM 1 FROM employees WHERE id IN (SELECT employee_id FROM new_rows) ORDER BY id FOR SHARE;
          END IF;
          INSERT INTO review_counts (cycle_id, department, employee_active, status, stage, n)
          SELECT r.cycle_id, e.department, e.active, r.status, r.stage, count(*)
            FROM new_rows r JOIN employees e ON e.id = r.employee_id
           GROUP BY 1, 2, 3, 4, 5;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO review_counts (cycle_id, department, employee_active, status, stage, n)
          SELECT r.cycle_id, e.department, e.active, r.status, r.stage, -count(*)
            FROM old_rows r JOIN employees e ON e.id = r.employee_id
           GROUP BY 1, 2, 3, 4, 5;
        ELSE
          -- Most updates are saved inputs: nothing counted changes, and nothing is written or locked.
          IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                          WHERE (o.cycle_id, o.employee_id, o.status, o.stage) IS DISTINCT FROM (n.cycle_id, n.employee_id, n.status, n.stage)) THEN
            RETURN NULL;
          END IF;
          IF (SELECT count(*) FROM new_rows) > 1000 THEN
            LOCK TABLE employees IN SHARE MODE;
          ELSE
            PERFORM 1 FROM employees WHERE id IN (SELECT employee_id FROM new_rows UNION SELECT employee_id FROM old_rows) ORDER BY id FOR SHARE;
          END IF;
          INSERT INTO review_counts (cycle_id, department, employee_active, status, stage, n)
          SELECT cycle_id, department, active, status, stage, sum(d)
            FROM (SELECT o.cycle_id, e.department, e.active, o.status, o.stage, -1 AS d
                    FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN employees e ON e.id = o.employee_id
                   WHERE (o.cycle_id, o.employee_id, o.status, o.stage) IS DISTINCT FROM (n.cycle_id, n.employee_id, n.status, n.stage)
                  UNION ALL
                  SELECT n.cycle_id, e.department, e.active, n.status, n.stage, 1
                    FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN employees e ON e.id = n.employee_id
                   WHERE (o.cycle_id, o.employee_id, o.status, o.stage) IS DISTINCT FROM (n.cycle_id, n.employee_id, n.status, n.stage)) AS moves
           GROUP BY 1, 2, 3, 4, 5 HAVING sum(d) <> 0;
        END IF;
        RETURN NULL;
      END $$`);
    await createTriggers(queryRunner, 'reviews', 'review_counts', 'review_counts_on_reviews');

    await queryRunner.query(`
      CREATE FUNCTION review_counts_on_employees() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO employee_counts (department, n) SELECT department, count(*) FROM new_rows WHERE active GROUP BY 1;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO employee_counts (department, n) SELECT department, -count(*) FROM old_rows WHERE active GROUP BY 1;
        ELSE
          IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                          WHERE (o.department, o.active) IS DISTINCT FROM (n.department, n.active)) THEN
            RETURN NULL;
          END IF;
          INSERT INTO employee_counts (department, n)
          SELECT department, sum(d)
            FROM (SELECT o.department, -1 AS d FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE o.active AND (o.department, o.active) IS DISTINCT FROM (n.department, n.active)
                  UNION ALL
                  SELECT n.department, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE n.active AND (o.department, o.active) IS DISTINCT FROM (n.department, n.active)) AS moves
           GROUP BY 1 HAVING sum(d) <> 0;
          -- Their reviews move with them.
          INSERT INTO review_counts (cycle_id, department, employee_active, status, stage, n)
          SELECT r.cycle_id, m.department, m.active, r.status, r.stage, sum(m.d)
            FROM (SELECT o.id, o.department, o.active, -1 AS d FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE (o.department, o.active) IS DISTINCT FROM (n.department, n.active)
                  UNION ALL
                  SELECT n.id, n.department, n.active, 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                   WHERE (o.department, o.active) IS DISTINCT FROM (n.department, n.active)) AS m
            JOIN reviews r ON r.employee_id = m.id
           GROUP BY 1, 2, 3, 4, 5 HAVING sum(m.d) <> 0;
        END IF;
        RETURN NULL;
      END $$`);
    await createTriggers(queryRunner, 'employees', 'employee_counts', 'review_counts_on_employees');

    // What is there now, counted once; the triggers keep it from here.
    await queryRunner.query(
      `INSERT INTO review_counts (cycle_id, department, employee_active, status, stage, n)
       SELECT r.cycle_id, e.department, e.active, r.status, r.stage, count(*) FROM reviews r JOIN employees e ON e.id = r.employee_id GROUP BY 1, 2, 3, 4, 5`,
    );
    await queryRunner.query('INSERT INTO employee_counts (department, n) SELECT department, count(*) FROM employees WHERE active GROUP BY 1');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, prefix] of [
      ['employees', 'employee_counts'],
      ['reviews', 'review_counts'],
    ]) {
      for (const { event } of EVENTS) await queryRunner.query(`DROP TRIGGER "${prefix}_${event.toLowerCase()}" ON ${table}`);
    }
    await queryRunner.query('DROP FUNCTION review_counts_on_employees()');
    await queryRunner.query('DROP FUNCTION review_counts_on_reviews()');
    await queryRunner.query('DROP TABLE "employee_counts"');
    await queryRunner.query('DROP TABLE "review_counts"');
  }
}
