import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReviewStages1796400848340 implements MigrationInterface {
  name = 'ReviewStages1796400848340';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "review_assessments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "review_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "entries" jsonb NOT NULL DEFAULT \'{}\', "summary" text NOT NULL DEFAULT \'\', "author" character varying(200), "submitted_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_review_assessments_review_kind" UNIQUE ("review_id", "kind"), CONSTRAINT "PK_3863d45b0b9ec6a8674c3fb1d88" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "calibration_locks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cycle_id" uuid NOT NULL, "department" character varying(200) NOT NULL, "locked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "locked_by" character varying(200) NOT NULL, CONSTRAINT "uq_calibration_locks_cycle_department" UNIQUE ("cycle_id", "department"), CONSTRAINT "PK_99a5e378341d93012015cb85128" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('ALTER TABLE "cycles" ADD "self_assessment" boolean NOT NULL DEFAULT false');
    await queryRunner.query('ALTER TABLE "cycles" ADD "manager_assessment" boolean NOT NULL DEFAULT false');
    await queryRunner.query('ALTER TABLE "cycles" ADD "self_assessment_due" date');
    await queryRunner.query('ALTER TABLE "cycles" ADD "manager_assessment_due" date');
    await queryRunner.query('ALTER TABLE "cycles" ADD "hr_review_due" date');
    await queryRunner.query('ALTER TABLE "cycles" ADD "finalization_due" date');
    await queryRunner.query('ALTER TABLE "cycles" ADD "target_distribution" jsonb');
    await queryRunner.query('ALTER TABLE "cycles" ADD "print_assessments" boolean NOT NULL DEFAULT false');
    await queryRunner.query('ALTER TABLE "reviews" ADD "stage" character varying(16) NOT NULL DEFAULT \'hr\'');
    // Reviews made before stages existed were HR's alone: finalized ones are done, the rest wait for HR.
    await queryRunner.query('UPDATE "reviews" SET "stage" = \'done\' WHERE "status" = \'finalized\'');
    await queryRunner.query('ALTER TABLE "reviews" ADD "final_reasons" jsonb NOT NULL DEFAULT \'{}\'');
    await queryRunner.query('ALTER TABLE "reviews" ADD "calibrated_band_key" character varying(64)');
    await queryRunner.query('ALTER TABLE "reviews" ADD "calibrated_total" numeric(8,2)');
    await queryRunner.query('ALTER TABLE "reviews" ADD "calibration_reason" text');
    await queryRunner.query('ALTER TABLE "reviews" ADD "calibrated_at" TIMESTAMP WITH TIME ZONE');
    await queryRunner.query('ALTER TABLE "reviews" ADD "calibrated_by" character varying(200)');
    await queryRunner.query('CREATE INDEX "ix_reviews_cycle_stage" ON "reviews"  ("cycle_id", "stage") ');
    await queryRunner.query(
      'ALTER TABLE "review_assessments" ADD CONSTRAINT "FK_e1f3e04ed4742c51ed45e983d6d" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "calibration_locks" ADD CONSTRAINT "FK_e0647028186305342bcc4184fdf" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "calibration_locks" DROP CONSTRAINT "FK_e0647028186305342bcc4184fdf"');
    await queryRunner.query('ALTER TABLE "review_assessments" DROP CONSTRAINT "FK_e1f3e04ed4742c51ed45e983d6d"');
    await queryRunner.query('DROP INDEX "public"."ix_reviews_cycle_stage"');
    await queryRunner.query('ALTER TABLE "reviews" DROP COLUMN "calibrated_by"');
    await queryRunner.query('ALTER TABLE "reviews" DROP COLUMN "calibrated_at"');
    await queryRunner.query('ALTER TABLE "reviews" DROP COLUMN "calibration_reason"');
    await queryRunner.query('ALTER TABLE "reviews" DROP COLUMN "calibrated_total"');
    await queryRunner.query('ALTER TABLE "reviews" DROP COLUMN "calibrated_band_key"');
    await queryRunner.query('ALTER TABLE "reviews" DROP COLUMN "final_reasons"');
    await queryRunner.query('ALTER TABLE "reviews" DROP COLUMN "stage"');
    await queryRunner.query('ALTER TABLE "cycles" DROP COLUMN "print_assessments"');
    await queryRunner.query('ALTER TABLE "cycles" DROP COLUMN "target_distribution"');
    await queryRunner.query('ALTER TABLE "cycles" DROP COLUMN "finalization_due"');
    await queryRunner.query('ALTER TABLE "cycles" DROP COLUMN "hr_review_due"');
    await queryRunner.query('ALTER TABLE "cycles" DROP COLUMN "manager_assessment_due"');
    await queryRunner.query('ALTER TABLE "cycles" DROP COLUMN "self_assessment_due"');
    await queryRunner.query('ALTER TABLE "cycles" DROP COLUMN "manager_assessment"');
    await queryRunner.query('ALTER TABLE "cycles" DROP COLUMN "self_assessment"');
    await queryRunner.query('DROP TABLE "calibration_locks"');
    await queryRunner.query('DROP TABLE "review_assessments"');
  }
}
