import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ExportsModule } from '../exports/exports.module.js';
import { RemindersModule } from '../reminders/reminders.module.js';
import { ScorecardsModule } from '../scorecards/scorecards.module.js';
import { HealthController } from './health.controller.js';
import { ShutdownState } from './shutdown-state.js';

@Module({
  // Terminus logs each failed check; during an outage the exception filter already says it once a request.
  imports: [TerminusModule.forRoot({ logger: false }), ExportsModule, ScorecardsModule, RemindersModule],
  controllers: [HealthController],
  providers: [ShutdownState],
  exports: [ShutdownState],
})
export class HealthModule {}
