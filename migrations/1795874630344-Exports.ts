import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Exports1795874630344 implements MigrationInterface {
  name = 'Exports1795874630344';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "export_jobs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cycle_id" uuid NOT NULL, "filters" jsonb NOT NULL DEFAULT \'{}\', "lang" character varying(8) NOT NULL, "state" character varying(16) NOT NULL DEFAULT \'queued\', "total" integer NOT NULL, "created_by" character varying(200) NOT NULL, "created_by_user_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "error" text, CONSTRAINT "PK_3044ce6f1c6af24058ee609e063" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_export_jobs_creator" ON "export_jobs"  ("created_by_user_id", "created_at") ');
    await queryRunner.query(
      'CREATE TABLE "export_items" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "job_id" uuid NOT NULL, "review_id" uuid NOT NULL, "position" integer NOT NULL, "filename" character varying(255), "state" character varying(16) NOT NULL DEFAULT \'pending\', "attempts" integer NOT NULL DEFAULT \'0\', "pdf" bytea, "size" integer, "sha256" character(64), "error" text, CONSTRAINT "PK_81bd9bf0456a0414a4052382712" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_export_items_job_state" ON "export_items"  ("job_id", "state") ');
    await queryRunner.query('CREATE UNIQUE INDEX "ix_export_items_job_position" ON "export_items"  ("job_id", "position") ');
    await queryRunner.query(
      'ALTER TABLE "export_jobs" ADD CONSTRAINT "FK_062dedadf8c6c80c857587b356e" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "export_items" ADD CONSTRAINT "FK_1e44e73b7b3917cae26b27441a4" FOREIGN KEY ("job_id") REFERENCES "export_jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "export_items" ADD CONSTRAINT "FK_df5bddbf044d3b5fd63541254e5" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "export_items" DROP CONSTRAINT "FK_df5bddbf044d3b5fd63541254e5"');
    await queryRunner.query('ALTER TABLE "export_items" DROP CONSTRAINT "FK_1e44e73b7b3917cae26b27441a4"');
    await queryRunner.query('ALTER TABLE "export_jobs" DROP CONSTRAINT "FK_062dedadf8c6c80c857587b356e"');
    await queryRunner.query('DROP INDEX "public"."ix_export_items_job_position"');
    await queryRunner.query('DROP INDEX "public"."ix_export_items_job_state"');
    await queryRunner.query('DROP TABLE "export_items"');
    await queryRunner.query('DROP INDEX "public"."ix_export_jobs_creator"');
    await queryRunner.query('DROP TABLE "export_jobs"');
  }
}
