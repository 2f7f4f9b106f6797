import { Module } from '@nestjs/common';
import { Mailer } from './mailer.js';

/** One SMTP connection for every sender (reminders, password resets), so readiness has one state to report. */
@Module({
  providers: [Mailer],
  exports: [Mailer],
})
export class MailModule {}
