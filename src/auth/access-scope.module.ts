import { Module } from '@nestjs/common';
import { AccessScopes } from './access-scope.js';

/** Who sees whose records: imported by every module that reads people's data. */
@Module({
  providers: [AccessScopes],
  exports: [AccessScopes],
})
export class AccessScopeModule {}
