import { type DynamicModule, Global, Module } from '@nestjs/common';
import type pino from 'pino';
import { AppLogger, ROOT_LOGGER } from './logging.js';

/** The process's pino logger (ROOT_LOGGER) and Nest's logger on top of it (AppLogger). */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(root: pino.Logger): DynamicModule {
    return {
      module: LoggingModule,
      providers: [
        { provide: ROOT_LOGGER, useValue: root },
        { provide: AppLogger, useValue: new AppLogger(root) },
      ],
      exports: [ROOT_LOGGER, AppLogger],
    };
  }
}
