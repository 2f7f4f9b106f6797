import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type pino from 'pino';
import { APP_FILTER, APP_GUARD, APP_PIPE, RouterModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AssessmentsModule } from './assessments/assessments.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthGuard } from './auth/auth.guard.js';
import { CsrfGuard } from './auth/csrf.js';
import { AuthModule } from './auth/auth.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { InputGuard } from './common/input-guard.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';
import { CalibrationModule } from './calibration/calibration.module.js';
import { ClockModule } from './common/clock.module.js';
import { ConfigModule } from './config/config.module.js';
import { CyclesModule } from './cycles/cycles.module.js';
import { dataSourceOptions } from './database/data-source.js';
import { guardNestedConnections } from './database/transaction-guard.js';
import { DemoModule } from './demo/demo.module.js';
import { EmployeesModule } from './employees/employees.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { HealthModule } from './health/health.module.js';
import { ImportsModule } from './imports/imports.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { createRootLogger } from './logging/logging.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { KpiTemplatesModule } from './kpi-templates/kpi-templates.module.js';
import { RemindersModule } from './reminders/reminders.module.js';
import { ReviewsModule } from './reviews/reviews.module.js';
import { ScorecardsModule } from './scorecards/scorecards.module.js';
import { SpreadsheetsModule } from './spreadsheets/spreadsheets.module.js';
import { WebModule } from './web/web.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** Resolved before the app starts: DATABASE_URL, or the embedded server's. */
  databaseUrl: string;
  /** The process's logger (main.ts makes it first, to log the start-up); default: from the config, to stdout. */
  logger?: pino.Logger;
}

/**
 * The modules whose controllers make up the JSON API, served under /api. They are mounted with
 * RouterModule rather than a global prefix so that the server-rendered pages can live at the
 * same-looking paths (/reviews/:id beside /api/reviews/:id): a global-prefix exclusion matches
 * route patterns, so excluding the page /reviews/:id would also strip /api from the API's.
 */
export const API_MODULES = [
  HealthModule,
  AuthModule,
  AuditModule,
  KpiTemplatesModule,
  EmployeesModule,
  CyclesModule,
  ReviewsModule,
  ScorecardsModule,
  ExportsModule,
  SpreadsheetsModule,
  ImportsModule,
  AssessmentsModule,
  CalibrationModule,
];

/** Guards, pipe and filter are registered here, not in main.ts, so tests get exactly the same. */
@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, logger }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule,
        LoggingModule.forRoot(logger ?? createRootLogger(config)),
        MetricsModule,
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(databaseUrl, config.database),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options as DataSourceOptions).initialize();
            guardNestedConnections(dataSource, { strict: config.database.strictTransactions, logger: new Logger('Database') });
            return dataSource;
          },
        }),
        ...API_MODULES,
        RouterModule.register(API_MODULES.map((module) => ({ path: 'api', module }))),
        DemoModule,
        RemindersModule,
        WebModule,
      ],
      providers: [
        // First: nothing else may read what the client sent before it is checked.
        { provide: APP_GUARD, useClass: InputGuard },
        { provide: APP_GUARD, useClass: CsrfGuard },
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
