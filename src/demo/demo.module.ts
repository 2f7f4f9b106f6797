import { Module } from '@nestjs/common';
import { AssessmentsModule } from '../assessments/assessments.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { CyclesModule } from '../cycles/cycles.module.js';
import { EmployeesModule } from '../employees/employees.module.js';
import { KpiTemplatesModule } from '../kpi-templates/kpi-templates.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { DemoService } from './demo.service.js';

@Module({
  imports: [AuthModule, AssessmentsModule, KpiTemplatesModule, EmployeesModule, CyclesModule, ReviewsModule],
  providers: [DemoService],
  exports: [DemoService],
})
export class DemoModule {}
