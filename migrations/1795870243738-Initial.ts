import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795870243738 implements MigrationInterface {
  name = 'Initial1795870243738';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "audit_log" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor" character varying(200) NOT NULL, "actor_user_id" uuid, "action" character varying(64) NOT NULL, "entity" character varying(64) NOT NULL, "entity_id" character varying(64) NOT NULL, "before" jsonb, "after" jsonb, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_audit_entity" ON "audit_log"  ("entity", "entity_id", "id") ');
    await queryRunner.query(
      'CREATE TABLE "cycles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "period_start" date NOT NULL, "period_end" date NOT NULL, "status" character varying(16) NOT NULL DEFAULT \'planned\', "version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_2ff8d7e25a05e7278d038780efe" UNIQUE ("name"), CONSTRAINT "PK_52e5eeb9c7c6e4ad1aed657967a" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "roles" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(64) NOT NULL, "name_zh" character varying(200) NOT NULL, "name_en" character varying(200) NOT NULL, "version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_f6d54f95c31b73fb1bdd8e91d0c" UNIQUE ("code"), CONSTRAINT "PK_c1433d71a4838793a49dcad46ab" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "employees" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "employee_no" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "email" character varying(320) NOT NULL, "role_id" uuid NOT NULL, "department" character varying(200) NOT NULL, "manager_id" uuid, "hire_date" date NOT NULL, "active" boolean NOT NULL DEFAULT true, "version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_d9efe9b7b295017edab1ef9d7b6" UNIQUE ("employee_no"), CONSTRAINT "PK_b9535a98350d5b26e7eb0c26af4" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_employees_name" ON "employees"  ("name") ');
    await queryRunner.query('CREATE INDEX "ix_employees_role" ON "employees"  ("role_id") ');
    await queryRunner.query('CREATE INDEX "ix_employees_department" ON "employees"  ("department") ');
    await queryRunner.query('CREATE INDEX "ix_employees_manager" ON "employees"  ("manager_id") ');
    await queryRunner.query(
      'CREATE TABLE "kpi_templates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "role_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_01d8ca615b99134b90ea1f7dcde" UNIQUE ("role_id"), CONSTRAINT "PK_9ffe18792b9d679ec5923e59584" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "kpi_template_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "template_id" uuid NOT NULL, "number" integer NOT NULL, "status" character varying(16) NOT NULL, "kpis" jsonb NOT NULL, "bands" jsonb NOT NULL, "notes" text NOT NULL DEFAULT \'\', "published_at" TIMESTAMP WITH TIME ZONE, "published_by" character varying(200), "version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_template_version_number" UNIQUE ("template_id", "number"), CONSTRAINT "PK_ccbe2a7cd484977c384923c1d4e" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_template_one_draft" ON "kpi_template_versions"  ("template_id") WHERE "status" = \'draft\'');
    await queryRunner.query(
      'CREATE TABLE "reviews" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "employee_id" uuid NOT NULL, "cycle_id" uuid NOT NULL, "template_version_id" uuid NOT NULL, "template" jsonb NOT NULL, "inputs" jsonb NOT NULL DEFAULT \'{}\'::jsonb, "total" numeric(8,2) NOT NULL DEFAULT \'0\', "complete" boolean NOT NULL DEFAULT false, "band_key" character varying(64), "status" character varying(16) NOT NULL DEFAULT \'draft\', "strengths" text NOT NULL DEFAULT \'\', "challenges" text NOT NULL DEFAULT \'\', "development_plan" text NOT NULL DEFAULT \'\', "manager_comment" text NOT NULL DEFAULT \'\', "hr_notes" text NOT NULL DEFAULT \'\', "submitted_at" TIMESTAMP WITH TIME ZONE, "finalized_at" TIMESTAMP WITH TIME ZONE, "finalized_by" character varying(200), "reopen_count" integer NOT NULL DEFAULT \'0\', "last_reopen_reason" text, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "acknowledged_by" character varying(200), "version" integer NOT NULL DEFAULT \'1\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_reviews_employee_cycle" UNIQUE ("employee_id", "cycle_id"), CONSTRAINT "PK_231ae565c273ee700b283f15c1d" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_reviews_cycle_status" ON "reviews"  ("cycle_id", "status") ');
    await queryRunner.query(
      'ALTER TABLE "employees" ADD CONSTRAINT "FK_727d9c30d77d3a253177b2e918f" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "employees" ADD CONSTRAINT "FK_bcdf921072a19dd2758a628c5c0" FOREIGN KEY ("manager_id") REFERENCES "employees"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "kpi_templates" ADD CONSTRAINT "FK_01d8ca615b99134b90ea1f7dcde" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "kpi_template_versions" ADD CONSTRAINT "FK_0e0e1a0df1b4e0cbb9ad2dc4adb" FOREIGN KEY ("template_id") REFERENCES "kpi_templates"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reviews" ADD CONSTRAINT "FK_c757a01d5b7a356b72238ad6c1c" FOREIGN KEY ("employee_id") REFERENCES "employees"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "reviews" ADD CONSTRAINT "FK_9022a5595fab9adf58ac8e144c5" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    // Reviewed by hand: the audit log is append-only, enforced by the database itself so that no
    // code path (or psql session of the app's user) can rewrite history.
    await queryRunner.query(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await queryRunner.query(`CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_log"
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_log_append_only ON "audit_log"`);
    await queryRunner.query(`DROP FUNCTION audit_log_append_only()`);
    await queryRunner.query('ALTER TABLE "reviews" DROP CONSTRAINT "FK_9022a5595fab9adf58ac8e144c5"');
    await queryRunner.query('ALTER TABLE "reviews" DROP CONSTRAINT "FK_c757a01d5b7a356b72238ad6c1c"');
    await queryRunner.query('ALTER TABLE "kpi_template_versions" DROP CONSTRAINT "FK_0e0e1a0df1b4e0cbb9ad2dc4adb"');
    await queryRunner.query('ALTER TABLE "kpi_templates" DROP CONSTRAINT "FK_01d8ca615b99134b90ea1f7dcde"');
    await queryRunner.query('ALTER TABLE "employees" DROP CONSTRAINT "FK_bcdf921072a19dd2758a628c5c0"');
    await queryRunner.query('ALTER TABLE "employees" DROP CONSTRAINT "FK_727d9c30d77d3a253177b2e918f"');
    await queryRunner.query('DROP INDEX "public"."ix_reviews_cycle_status"');
    await queryRunner.query('DROP TABLE "reviews"');
    await queryRunner.query('DROP INDEX "public"."uq_template_one_draft"');
    await queryRunner.query('DROP TABLE "kpi_template_versions"');
    await queryRunner.query('DROP TABLE "kpi_templates"');
    await queryRunner.query('DROP INDEX "public"."ix_employees_manager"');
    await queryRunner.query('DROP INDEX "public"."ix_employees_department"');
    await queryRunner.query('DROP INDEX "public"."ix_employees_role"');
    await queryRunner.query('DROP INDEX "public"."ix_employees_name"');
    await queryRunner.query('DROP TABLE "employees"');
    await queryRunner.query('DROP TABLE "roles"');
    await queryRunner.query('DROP TABLE "cycles"');
    await queryRunner.query('DROP INDEX "public"."ix_audit_entity"');
    await queryRunner.query('DROP TABLE "audit_log"');
  }
}
