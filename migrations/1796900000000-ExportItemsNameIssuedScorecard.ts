import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An export of finalized reviews names their issued scorecards instead of keeping a second copy of
 * each PDF: the copy was an ~80 kB write per scorecard, as much of the database's work in such an
 * export as issuing the scorecard itself (issue 17, docs/decisions/0001-pdf-renderer.md). An item
 * holds its own bytes (a draft's scorecard) or names an issued one, never both.
 */
export class ExportItemsNameIssuedScorecard1796900000000 implements MigrationInterface {
  name = 'ExportItemsNameIssuedScorecard1796900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "export_items" ADD "issued_scorecard_id" uuid');
    await queryRunner.query('CREATE INDEX "ix_export_items_issued_scorecard" ON "export_items"  ("issued_scorecard_id") ');
    await queryRunner.query('ALTER TABLE "export_items" ADD CONSTRAINT "ck_export_items_one_copy" CHECK (pdf IS NULL OR issued_scorecard_id IS NULL)');
    await queryRunner.query(
      'ALTER TABLE "export_items" ADD CONSTRAINT "FK_export_items_issued_scorecard" FOREIGN KEY ("issued_scorecard_id") REFERENCES "issued_scorecards"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "export_items" DROP CONSTRAINT "FK_export_items_issued_scorecard"');
    await queryRunner.query('ALTER TABLE "export_items" DROP CONSTRAINT "ck_export_items_one_copy"');
    // Back to a copy per item, so that no printed export loses its files.
    await queryRunner.query('UPDATE "export_items" i SET "pdf" = s."pdf" FROM "issued_scorecards" s WHERE s."id" = i."issued_scorecard_id"');
    await queryRunner.query('DROP INDEX "public"."ix_export_items_issued_scorecard"');
    await queryRunner.query('ALTER TABLE "export_items" DROP COLUMN "issued_scorecard_id"');
  }
}
