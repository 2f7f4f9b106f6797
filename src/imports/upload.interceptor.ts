import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, PayloadTooLargeException } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import type { Observable } from 'rxjs';
import { ApiError } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/**
 * Nest's FileInterceptor for the one `file` field, bounded by IMPORT_MAX_BYTES (multer stops
 * reading at the limit, so no upload is ever held larger than that), with a 413 that names the limit.
 */
@Injectable()
export class ImportUploadInterceptor implements NestInterceptor {
  private readonly inner: NestInterceptor;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const Inner = FileInterceptor('file', { storage: memoryStorage(), limits: { fileSize: config.imports.maxBytes, files: 1, fields: 10, parts: 12 } });
    this.inner = new Inner();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return (await this.inner.intercept(context, next)) as Observable<unknown>;
    } catch (e) {
      if (e instanceof PayloadTooLargeException) {
        const limit = this.config.imports.maxBytes;
        throw new ApiError('PAYLOAD_TOO_LARGE', `The file is larger than IMPORT_MAX_BYTES (${limit} bytes, ${(limit / 1024 / 1024).toFixed(1)} MB)`, {
          details: {
            limit: 'IMPORT_MAX_BYTES',
            messageZh: `文件超过 IMPORT_MAX_BYTES（${limit} 字节，${(limit / 1024 / 1024).toFixed(1)} MB）`,
          },
        });
      }
      throw e;
    }
  }
}
