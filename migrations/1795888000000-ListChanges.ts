import type { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand: TypeORM cannot express triggers. One counter, raised in the same transaction by
// every statement that could change what a list of employees or reviews counts (rows added or
// removed, or a filtered or sorted column changed). A list remembers its total with the counter it
// read; while the counter has not moved, the total still holds and is not counted again. A score
// edit changes none of these columns and so never touches the counter.
// One row rather than one per table: writers of both tables then queue on the same lock, in no
// order that could deadlock.
export class ListChanges1795888000000 implements MigrationInterface {
  name = 'ListChanges1795888000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "list_changes" (
      "id" boolean PRIMARY KEY DEFAULT true CHECK ("id"),
      "changes" bigint NOT NULL DEFAULT 0)`);
    await queryRunner.query('INSERT INTO "list_changes" DEFAULT VALUES');
    await queryRunner.query(`CREATE FUNCTION list_changes_bump() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE list_changes SET changes = changes + 1;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER employees_list_changes
      AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF employee_no, name, active, role_id, department, manager_id, hire_date ON "employees"
      FOR EACH STATEMENT EXECUTE FUNCTION list_changes_bump()`);
    await queryRunner.query(`CREATE TRIGGER reviews_list_changes
      AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF cycle_id, employee_id, status, employee_no ON "reviews"
      FOR EACH STATEMENT EXECUTE FUNCTION list_changes_bump()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER reviews_list_changes ON "reviews"');
    await queryRunner.query('DROP TRIGGER employees_list_changes ON "employees"');
    await queryRunner.query('DROP FUNCTION list_changes_bump()');
    await queryRunner.query('DROP TABLE "list_changes"');
  }
}
