import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Auth1795872521189 implements MigrationInterface {
  name = 'Auth1795872521189';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "login_attempts" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "email" character varying(320) NOT NULL, "ip" character varying(64) NOT NULL, "success" boolean NOT NULL, CONSTRAINT "PK_070e613c8f768b1a70742705c5b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_login_attempts_ip" ON "login_attempts"  ("ip", "at") ');
    await queryRunner.query('CREATE INDEX "ix_login_attempts_email" ON "login_attempts"  ("email", "at") ');
    await queryRunner.query(
      'CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(320) NOT NULL, "password_hash" character varying(200) NOT NULL, "role" character varying(16) NOT NULL, "employee_id" uuid, "disabled" boolean NOT NULL DEFAULT false, "must_change_password" boolean NOT NULL DEFAULT true, "last_login_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "REL_9760615d88ed518196bb79ea03" UNIQUE ("employee_id"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "token_hash" character(64) NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ip" character varying(64), CONSTRAINT "UQ_abaa9e068cdd390bc5210f79884" UNIQUE ("token_hash"), CONSTRAINT "PK_3238ef96f18b355b671619111bc" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_sessions_user" ON "sessions"  ("user_id") ');
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "FK_9760615d88ed518196bb79ea03d" FOREIGN KEY ("employee_id") REFERENCES "employees"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "sessions" ADD CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "sessions" DROP CONSTRAINT "FK_085d540d9f418cfbdc7bd55bb19"');
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "FK_9760615d88ed518196bb79ea03d"');
    await queryRunner.query('DROP INDEX "public"."ix_sessions_user"');
    await queryRunner.query('DROP TABLE "sessions"');
    await queryRunner.query('DROP TABLE "users"');
    await queryRunner.query('DROP INDEX "public"."ix_login_attempts_email"');
    await queryRunner.query('DROP INDEX "public"."ix_login_attempts_ip"');
    await queryRunner.query('DROP TABLE "login_attempts"');
  }
}
