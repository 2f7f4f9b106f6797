import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IssuedScorecards1795874125090 implements MigrationInterface {
  name = 'IssuedScorecards1795874125090';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "issued_scorecards" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "review_id" uuid NOT NULL, "lang" character varying(8) NOT NULL, "review_version" integer NOT NULL, "sha256" character(64) NOT NULL, "pdf" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_issued_scorecard" UNIQUE ("review_id", "lang", "review_version"), CONSTRAINT "PK_ee762c411beb96228fddc7b2dd0" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'ALTER TABLE "issued_scorecards" ADD CONSTRAINT "FK_46009a20f45337e90a7aef64683" FOREIGN KEY ("review_id") REFERENCES "reviews"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "issued_scorecards" DROP CONSTRAINT "FK_46009a20f45337e90a7aef64683"');
    await queryRunner.query('DROP TABLE "issued_scorecards"');
  }
}
