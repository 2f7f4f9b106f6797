import type { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand (TypeORM cannot create functions or GIN indexes on arrays): every one- and
// two-character piece of the lower-cased name, in a generated column with a GIN index. A search
// term of one or two characters (a Chinese surname, 子涵, "an") cannot use the trigram index, and
// scanned all 10,000 employees instead: 4.5-5.5 ms per search against 0.2-0.8 ms through this
// index (pgbench on bench:api data). For such a term, "the name contains it" and "it is one of the
// pieces" are the same thing, so the index answers exactly.
export class EmployeeSearchGrams1795888100000 implements MigrationInterface {
  name = 'EmployeeSearchGrams1795888100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION search_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT substr(t, i, 1) AS g FROM generate_series(1, length(t)) i
        UNION ALL
        SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) i) pieces
    $$`);
    await queryRunner.query('ALTER TABLE "employees" ADD "search_grams" text array GENERATED ALWAYS AS (search_grams(lower(name))) STORED NOT NULL');
    await queryRunner.query(
      'INSERT INTO "typeorm_metadata"("database", "schema", "table", "type", "name", "value") VALUES (current_database(), current_schema(), $1, $2, $3, $4)',
      ['employees', 'GENERATED_COLUMN', 'search_grams', 'search_grams(lower(name))'],
    );
    await queryRunner.query('CREATE INDEX "ix_employees_search_grams" ON "employees" USING gin ("search_grams")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_employees_search_grams"');
    await queryRunner.query(
      'DELETE FROM "typeorm_metadata" WHERE "type" = $1 AND "name" = $2 AND "database" = current_database() AND "schema" = current_schema() AND "table" = $3',
      ['GENERATED_COLUMN', 'search_grams', 'employees'],
    );
    await queryRunner.query('ALTER TABLE "employees" DROP COLUMN "search_grams"');
    await queryRunner.query('DROP FUNCTION search_grams(text)');
  }
}
