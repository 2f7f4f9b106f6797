import type { MigrationInterface, QueryRunner } from 'typeorm';

// Generated, then edited by hand: the search indexes move from expressions on name and
// employee_no to the new lower-cased generated columns (TypeORM cannot express trigram or
// text_pattern_ops indexes), and typeorm_metadata rows name the database they are in rather than
// the one the migration was generated against.
export class EmployeeSearchColumns1795884516924 implements MigrationInterface {
  name = 'EmployeeSearchColumns1795884516924';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_employees_name_trgm"');
    await queryRunner.query('DROP INDEX "public"."ix_employees_no_prefix"');
    await queryRunner.query('ALTER TABLE "employees" ADD "search_name" text GENERATED ALWAYS AS (lower(name)) STORED NOT NULL');
    await queryRunner.query(
      'INSERT INTO "typeorm_metadata"("database", "schema", "table", "type", "name", "value") VALUES (current_database(), current_schema(), $1, $2, $3, $4)',
      ['employees', 'GENERATED_COLUMN', 'search_name', 'lower(name)'],
    );
    await queryRunner.query('ALTER TABLE "employees" ADD "search_no" text GENERATED ALWAYS AS (lower(employee_no)) STORED NOT NULL');
    await queryRunner.query(
      'INSERT INTO "typeorm_metadata"("database", "schema", "table", "type", "name", "value") VALUES (current_database(), current_schema(), $1, $2, $3, $4)',
      ['employees', 'GENERATED_COLUMN', 'search_no', 'lower(employee_no)'],
    );
    await queryRunner.query('CREATE INDEX "ix_employees_search_name_trgm" ON "employees" USING gin ("search_name" gin_trgm_ops)');
    await queryRunner.query('CREATE INDEX "ix_employees_search_no_prefix" ON "employees" ("search_no" text_pattern_ops)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_employees_search_no_prefix"');
    await queryRunner.query('DROP INDEX "public"."ix_employees_search_name_trgm"');
    await queryRunner.query(
      'DELETE FROM "typeorm_metadata" WHERE "type" = $1 AND "name" = $2 AND "database" = current_database() AND "schema" = current_schema() AND "table" = $3',
      ['GENERATED_COLUMN', 'search_no', 'employees'],
    );
    await queryRunner.query('ALTER TABLE "employees" DROP COLUMN "search_no"');
    await queryRunner.query(
      'DELETE FROM "typeorm_metadata" WHERE "type" = $1 AND "name" = $2 AND "database" = current_database() AND "schema" = current_schema() AND "table" = $3',
      ['GENERATED_COLUMN', 'search_name', 'employees'],
    );
    await queryRunner.query('ALTER TABLE "employees" DROP COLUMN "search_name"');
    await queryRunner.query('CREATE INDEX "ix_employees_no_prefix" ON "employees" (lower("employee_no") text_pattern_ops)');
    await queryRunner.query('CREATE INDEX "ix_employees_name_trgm" ON "employees" USING gin ("name" gin_trgm_ops)');
  }
}
