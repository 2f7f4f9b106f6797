import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';

/** The API's OpenAPI document, as served at /api/docs-json. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Scorecard API')
      .setDescription(
        'Performance reviews with role-specific KPI templates and explainable scores. Every write carries the version it read ' +
          '(If-Match header or `version` field); a stale version gets 409. Errors share one shape (ErrorResponse).',
      )
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth('scorecard_session')
      .build(),
    { extraModels: [ErrorResponseDto] },
  );
}
