import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PasswordResets1796700000000 implements MigrationInterface {
  name = 'PasswordResets1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "password_resets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(320) NOT NULL, "user_id" uuid, "token_hash" character(64), "ip" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_323290a9239ad3d397ad78018ec" UNIQUE ("token_hash"), CONSTRAINT "PK_4816377aa98211c1de34469e742" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_password_resets_ip" ON "password_resets" ("ip", "created_at")');
    await queryRunner.query('CREATE INDEX "ix_password_resets_email" ON "password_resets" ("email", "created_at")');
    await queryRunner.query(
      'ALTER TABLE "password_resets" ADD CONSTRAINT "FK_f7a4c3bc48f24df007936d217be" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "password_resets" DROP CONSTRAINT "FK_f7a4c3bc48f24df007936d217be"');
    await queryRunner.query('DROP INDEX "public"."ix_password_resets_email"');
    await queryRunner.query('DROP INDEX "public"."ix_password_resets_ip"');
    await queryRunner.query('DROP TABLE "password_resets"');
  }
}
