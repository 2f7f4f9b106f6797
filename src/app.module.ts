import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, RouterModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module.js';
import { AuthGuard } from './auth/auth.guard.js';
import { CsrfGuard } from './auth/csrf.js';
import { AuthModule } from './auth/auth.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { CyclesModule } from './cycles/cycles.module.js';
import { dataSourceOptions } from './database/data-source.js';
import { DemoModule } from './demo/demo.module.js';
import { EmployeesModule } from './employees/employees.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { HealthModule } from './health/health.module.js';
import { KpiTemplatesModule } from './kpi-templates/kpi-templates.module.js';
import { ReviewsModule } from './reviews/reviews.module.js';
import { ScorecardsModule } from './scorecards/scorecards.module.js';
import { WebModule } from './web/web.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** Resolved before the app starts: DATABASE_URL, or the embedded server's. */
  databaseUrl: string;
}

/**
 * The modules whose controllers make up the JSON API, served under /api. They are mounted with
 * RouterModule rather than a global prefix so that the server-rendered pages can live at the
 * same-looking paths (/reviews/:id beside /api/reviews/:id): a global-prefix exclusion matches
 * route patterns, so excluding the page /reviews/:id would also strip /api from the API's.
 */
export const API_MODULES = [HealthModule, AuthModule, AuditModule, KpiTemplatesModule, EmployeesModule, CyclesModule, ReviewsModule, ScorecardsModule, ExportsModule];

/** Guards, pipe and filter are registered here, not in main.ts, so tests get exactly the same. */
@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(databaseUrl)),
        ...API_MODULES,
        RouterModule.register(API_MODULES.map((module) => ({ path: 'api', module }))),
        DemoModule,
        WebModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: CsrfGuard },
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
