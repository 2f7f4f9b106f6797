import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReminderSendings1796500000000 implements MigrationInterface {
  name = 'ReminderSendings1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "reminder_sendings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "recipient_email" character varying(320) NOT NULL, "day" date NOT NULL, "kind" character varying(16) NOT NULL, "status" character varying(8) NOT NULL, "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, "message_id" character varying(998), "error" text, CONSTRAINT "uq_reminder_sendings_recipient_day" UNIQUE ("recipient_email", "day"), CONSTRAINT "PK_reminder_sendings" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "reminder_items" ("sending_id" uuid NOT NULL, "review_id" uuid NOT NULL, "stage" character varying(8) NOT NULL, "reason" character varying(16) NOT NULL, CONSTRAINT "PK_reminder_items" PRIMARY KEY ("sending_id", "review_id", "stage"))',
    );
    await queryRunner.query('CREATE INDEX "ix_reminder_items_review_stage" ON "reminder_items" ("review_id", "stage") ');
    await queryRunner.query(
      'ALTER TABLE "reminder_items" ADD CONSTRAINT "FK_reminder_items_sending" FOREIGN KEY ("sending_id") REFERENCES "reminder_sendings"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "reminder_items" DROP CONSTRAINT "FK_reminder_items_sending"');
    await queryRunner.query('DROP INDEX "public"."ix_reminder_items_review_stage"');
    await queryRunner.query('DROP TABLE "reminder_items"');
    await queryRunner.query('DROP TABLE "reminder_sendings"');
  }
}
