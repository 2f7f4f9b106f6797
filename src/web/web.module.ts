import { Module } from '@nestjs/common';
import { AssessmentsModule } from '../assessments/assessments.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { CalibrationModule } from '../calibration/calibration.module.js';
import { HTML_ERROR_RENDERER } from '../common/html-errors.js';
import { CyclesModule } from '../cycles/cycles.module.js';
import { EmployeesModule } from '../employees/employees.module.js';
import { ExportsModule } from '../exports/exports.module.js';
import { KpiTemplatesModule } from '../kpi-templates/kpi-templates.module.js';
import { ReviewsModule } from '../reviews/reviews.module.js';
import { AdminTemplatesController } from './admin-templates.controller.js';
import { AdminUsersController } from './admin-users.controller.js';
import { AssessmentPagesController } from './assessment-pages.controller.js';
import { AssetsController } from './assets.controller.js';
import { WebAssets } from './assets.js';
import { AuthPagesController } from './auth-pages.controller.js';
import { CalibrationPagesController } from './calibration-pages.controller.js';
import { CyclesPagesController } from './cycles-pages.controller.js';
import { EmployeesPagesController } from './employees-pages.controller.js';
import { ExportsPagesController } from './exports-pages.controller.js';
import { BulkResultPagesController } from './bulk-result-pages.controller.js';
import { HrPagesController } from './hr-pages.controller.js';
import { ImportsPagesController } from './imports-pages.controller.js';
import { PageErrors } from './page-errors.js';
import { Pages } from './pages.js';
import { PeoplePagesController } from './people-pages.controller.js';
import { ReviewPagesController } from './review-pages.controller.js';
import { SelfAssessmentPagesController } from './self-assessment-pages.controller.js';

/**
 * Server-rendered pages for people in a browser. They call the same services as the API (no rule
 * lives here); what is here is presentation: views, forms, language and page errors.
 */
@Module({
  imports: [AuthModule, AssessmentsModule, CalibrationModule, ReviewsModule, CyclesModule, EmployeesModule, ExportsModule, KpiTemplatesModule],
  controllers: [
    AdminTemplatesController,
    AdminUsersController,
    AssessmentPagesController,
    AssetsController,
    AuthPagesController,
    CalibrationPagesController,
    CyclesPagesController,
    EmployeesPagesController,
    ExportsPagesController,
    HrPagesController,
    BulkResultPagesController,
    ImportsPagesController,
    PeoplePagesController,
    ReviewPagesController,
    SelfAssessmentPagesController,
  ],
  providers: [WebAssets, Pages, PageErrors, { provide: HTML_ERROR_RENDERER, useExisting: PageErrors }],
  exports: [HTML_ERROR_RENDERER],
})
export class WebModule {}
