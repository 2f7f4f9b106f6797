import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportRuns1795889000000 implements MigrationInterface {
  name = 'ImportRuns1795889000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "import_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" character varying(16) NOT NULL, "mode" character varying(8) NOT NULL, "cycle_id" uuid, "file_hash" character(64) NOT NULL, "file_name" character varying(255) NOT NULL, "actor" character varying(200) NOT NULL, "actor_user_id" uuid, "created" integer NOT NULL, "updated" integer NOT NULL, "unchanged" integer NOT NULL, "refused" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2f4f95d6fde4a7602f6b79f10e8" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_import_runs_hash" ON "import_runs"  ("kind", "file_hash", "created_at") ');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."ix_import_runs_hash"');
    await queryRunner.query('DROP TABLE "import_runs"');
  }
}
