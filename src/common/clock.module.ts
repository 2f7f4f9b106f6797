import { Global, Module } from '@nestjs/common';
import { Clock } from './clock.js';

/** One clock for the whole app, so moving it in a test moves every module's idea of today. */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
