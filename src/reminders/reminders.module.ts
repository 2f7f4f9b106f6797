import { Module } from '@nestjs/common';
import { Mailer } from './mailer.js';
import { ReminderSchedule } from './reminder-schedule.js';
import { RemindersService } from './reminders.service.js';

/** Optional e-mail reminders of review stages (REMINDERS_ENABLED); nothing runs or connects while off. */
@Module({
  providers: [Mailer, RemindersService, ReminderSchedule],
  exports: [RemindersService, Mailer],
})
export class RemindersModule {}
