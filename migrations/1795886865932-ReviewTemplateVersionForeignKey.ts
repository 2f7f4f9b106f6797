import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReviewTemplateVersionForeignKey1795886865932 implements MigrationInterface {
  name = 'ReviewTemplateVersionForeignKey1795886865932';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "reviews" ADD CONSTRAINT "FK_afca0b12c216ae17efdb5c698c8" FOREIGN KEY ("template_version_id") REFERENCES "kpi_template_versions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "reviews" DROP CONSTRAINT "FK_afca0b12c216ae17efdb5c698c8"');
  }
}
