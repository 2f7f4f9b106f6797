import type { MigrationInterface, QueryRunner } from 'typeorm';

// Written by hand: TypeORM cannot express column storage. PDFs are deflated already, so
// PostgreSQL's default (EXTENDED) tries pglz on every ~100 kB PDF, fails to shrink it and stores it
// raw anyway: 2.3 ms of server CPU per insert against 0.24 ms with EXTERNAL (1,000 inserts of a
// 99.6 kB scorecard: 2.3 s vs 0.24 s, same stored size). A finalized review's PDF is written twice
// in an export (its issued copy and the export item). Only new rows are affected; no rewrite.
export class PdfStorageExternal1795887000000 implements MigrationInterface {
  name = 'PdfStorageExternal1795887000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "issued_scorecards" ALTER COLUMN "pdf" SET STORAGE EXTERNAL');
    await queryRunner.query('ALTER TABLE "export_items" ALTER COLUMN "pdf" SET STORAGE EXTERNAL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "export_items" ALTER COLUMN "pdf" SET STORAGE EXTENDED');
    await queryRunner.query('ALTER TABLE "issued_scorecards" ALTER COLUMN "pdf" SET STORAGE EXTENDED');
  }
}
