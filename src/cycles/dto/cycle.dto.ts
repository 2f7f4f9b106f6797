import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Min } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateCycleDto {
  @ApiProperty({ example: '2026 H2 / 2026 下半年' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '2026-07-01' })
  @IsISO8601({ strict: true }, { message: 'periodStart must be a date like 2026-07-01' })
  @Matches(DATE, { message: 'periodStart must be a date like 2026-07-01' })
  periodStart: string;

  @ApiProperty({ example: '2026-12-31' })
  @IsISO8601({ strict: true }, { message: 'periodEnd must be a date like 2026-12-31' })
  @Matches(DATE, { message: 'periodEnd must be a date like 2026-12-31' })
  periodEnd: string;
}

export class UpdateCycleDto extends PartialType(CreateCycleDto) {
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class CycleTransitionDto {
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class CycleQueryDto {
  @ApiPropertyOptional({ enum: ['planned', 'open', 'closed'] })
  @IsOptional()
  @IsIn(['planned', 'open', 'closed'])
  status?: 'planned' | 'open' | 'closed';
}

export class ReviewCountsDto {
  @ApiProperty({ type: 'integer' }) draft: number;
  @ApiProperty({ type: 'integer' }) submitted: number;
  @ApiProperty({ type: 'integer' }) finalized: number;
  @ApiProperty({ type: 'integer' }) total: number;
}

export class CycleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date' }) periodStart: string;
  @ApiProperty({ format: 'date' }) periodEnd: string;
  @ApiProperty({ enum: ['planned', 'open', 'closed'] }) status: string;
  @ApiProperty({ type: ReviewCountsDto }) reviews: ReviewCountsDto;
  @ApiProperty({ description: 'Optimistic-lock version; send it back on writes', type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
