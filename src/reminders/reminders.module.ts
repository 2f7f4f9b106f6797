import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module.js';
import { ReminderSchedule } from './reminder-schedule.js';
import { RemindersService } from './reminders.service.js';

/** Optional e-mail reminders of review stages (REMINDERS_ENABLED); nothing runs or connects while off. */
@Module({
  imports: [MailModule],
  providers: [RemindersService, ReminderSchedule],
  exports: [RemindersService, MailModule],
})
export class RemindersModule {}
