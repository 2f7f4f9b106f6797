import type { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand: TypeORM cannot generate expression or trigram indexes. pg_trgm is a trusted
// extension (PostgreSQL 13+), so a database owner may create it without superuser rights.
export class SearchIndexes1795873800000 implements MigrationInterface {
  name = 'SearchIndexes1795873800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await queryRunner.query('CREATE INDEX "ix_employees_name_trgm" ON "employees" USING gin ("name" gin_trgm_ops)');
    await queryRunner.query('CREATE INDEX "ix_employees_no_prefix" ON "employees" (lower("employee_no") text_pattern_ops)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_employees_no_prefix"');
    await queryRunner.query('DROP INDEX "public"."ix_employees_name_trgm"');
    // The extension stays: other objects may have come to use it.
  }
}
