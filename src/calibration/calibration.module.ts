import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalibrationLock } from './calibration-lock.entity.js';

/** HR's calibration of a cycle: band distribution against the target, adjustments, department locks. */
@Module({
  imports: [TypeOrmModule.forFeature([CalibrationLock])],
  controllers: [],
  providers: [],
  exports: [],
})
export class CalibrationModule {}
