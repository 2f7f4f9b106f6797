import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReviewBulkRuns1796600000000 implements MigrationInterface {
  name = 'ReviewBulkRuns1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "review_bulk_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "action" character varying(16) NOT NULL, "actor_user_id" uuid, "cycle_id" uuid, "done" jsonb NOT NULL, "skipped" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_review_bulk_runs" PRIMARY KEY ("id"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "review_bulk_runs"');
  }
}
