import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'weight', description: 'Path of the offending field in the request' })
  field: string;

  @ApiProperty({ example: 'weight must not be greater than 100' })
  message: string;
}

/** The one error shape every failing request gets. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'Validation failed' })
  message: string;

  @ApiPropertyOptional({ example: 'SERVICE_UNAVAILABLE', description: 'Machine-readable reason, stable across releases' })
  code?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Field-level problems, when the input was at fault' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({ description: 'Extra facts about the failure, e.g. the current version on a 409' })
  details?: Record<string, unknown>;
}
