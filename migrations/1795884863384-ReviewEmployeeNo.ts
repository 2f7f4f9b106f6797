import type { MigrationInterface, QueryRunner } from 'typeorm';

// Generated (the column), then completed by hand: existing rows are filled before NOT NULL, two
// triggers keep the copy equal to employees.employee_no, and the index has an INCLUDE, which
// TypeORM cannot express.
export class ReviewEmployeeNo1795884863384 implements MigrationInterface {
  name = 'ReviewEmployeeNo1795884863384';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "reviews" ADD "employee_no" character varying(32)');
    await queryRunner.query('UPDATE "reviews" r SET "employee_no" = e."employee_no" FROM "employees" e WHERE e."id" = r."employee_id"');
    await queryRunner.query('ALTER TABLE "reviews" ALTER COLUMN "employee_no" SET NOT NULL');
    // The app never writes the column: a new review takes its employee's number, whatever was sent.
    await queryRunner.query(`CREATE FUNCTION reviews_take_employee_no() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT employee_no INTO NEW.employee_no FROM employees WHERE id = NEW.employee_id;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER reviews_take_employee_no BEFORE INSERT OR UPDATE OF employee_id, employee_no ON "reviews"
      FOR EACH ROW EXECUTE FUNCTION reviews_take_employee_no()`);
    await queryRunner.query(`CREATE FUNCTION employees_pass_employee_no() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE reviews SET employee_no = NEW.employee_no WHERE employee_id = NEW.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER employees_pass_employee_no AFTER UPDATE OF employee_no ON "employees"
      FOR EACH ROW WHEN (OLD.employee_no IS DISTINCT FROM NEW.employee_no) EXECUTE FUNCTION employees_pass_employee_no()`);
    await queryRunner.query('CREATE INDEX "ix_reviews_cycle_employee_no" ON "reviews" ("cycle_id", "employee_no") INCLUDE ("id")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_reviews_cycle_employee_no"');
    await queryRunner.query('DROP TRIGGER employees_pass_employee_no ON "employees"');
    await queryRunner.query('DROP FUNCTION employees_pass_employee_no()');
    await queryRunner.query('DROP TRIGGER reviews_take_employee_no ON "reviews"');
    await queryRunner.query('DROP FUNCTION reviews_take_employee_no()');
    await queryRunner.query('ALTER TABLE "reviews" DROP COLUMN "employee_no"');
  }
}
