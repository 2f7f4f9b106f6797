import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MaxDecimals } from '../../common/decimals.js';

export class RatingPointDto {
  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(0)
  @Max(10)
  value: number;

  @ApiProperty({ example: '达到期望' })
  @IsString()
  @Length(1, 100)
  labelZh: string;

  @ApiProperty({ example: 'Meets expectations' })
  @IsString()
  @Length(1, 100)
  labelEn: string;
}

/** One DTO for both rule kinds: `type` decides which fields are required. */
export class ScoringRuleDto {
  @ApiProperty({ enum: ['rating', 'target'] })
  @IsIn(['rating', 'target'])
  type: 'rating' | 'target';

  @ApiPropertyOptional({ description: 'rating: lowest point of the scale', example: 1 })
  @ValidateIf((r: ScoringRuleDto) => r.type === 'rating')
  @IsInt()
  @Min(0)
  @Max(10)
  min?: number;

  @ApiPropertyOptional({ description: 'rating: highest point of the scale', example: 5 })
  @ValidateIf((r: ScoringRuleDto) => r.type === 'rating')
  @IsInt()
  @Min(1)
  @Max(10)
  max?: number;

  @ApiPropertyOptional({ type: [RatingPointDto], description: 'rating: a label for every point min..max' })
  @ValidateIf((r: ScoringRuleDto) => r.type === 'rating')
  @IsArray()
  @ArrayMaxSize(11)
  @ValidateNested({ each: true })
  @Type(() => RatingPointDto)
  points?: RatingPointDto[];

  @ApiPropertyOptional({ description: 'target: the goal, in `unit`', example: 100 })
  @ValidateIf((r: ScoringRuleDto) => r.type === 'target')
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimals(4)
  @Min(0)
  @Max(1e12)
  target?: number;

  @ApiPropertyOptional({ example: '%' })
  @ValidateIf((r: ScoringRuleDto) => r.type === 'target')
  @IsString()
  @Length(0, 32)
  unit?: string;

  @ApiPropertyOptional({ enum: ['higher', 'lower'], description: 'target: which way is better' })
  @ValidateIf((r: ScoringRuleDto) => r.type === 'target')
  @IsIn(['higher', 'lower'])
  direction?: 'higher' | 'lower';

  @ApiPropertyOptional({ description: 'target: attainment (% of target) counts at most this much', example: 120 })
  @ValidateIf((r: ScoringRuleDto) => r.type === 'target')
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimals(2)
  @Min(100)
  @Max(1000)
  cap?: number;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'target: attainment % below which the score is 0', example: 50 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimals(2)
  @Min(0)
  @Max(99.99)
  threshold?: number | null;
}

export class KpiDto {
  @ApiProperty({ example: 'sales_attainment', description: 'Stable key, unique within a version' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'key must be lower_snake_case, starting with a letter, at most 64 characters' })
  key: string;

  @ApiProperty({ example: '销售业绩完成情况' })
  @IsString()
  @Length(1, 200)
  nameZh: string;

  @ApiProperty({ example: 'Sales attainment' })
  @IsString()
  @Length(1, 200)
  nameEn: string;

  @ApiProperty({ example: '' })
  @IsString()
  @MaxLength(2000)
  descriptionZh: string;

  @ApiProperty({ example: '' })
  @IsString()
  @MaxLength(2000)
  descriptionEn: string;

  @ApiProperty({ example: 'sales_results', description: 'An evaluation dimension, or `skill`' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'category must be lower_snake_case' })
  category: string;

  @ApiProperty({ example: 35, description: 'Percent; the weights of a version sum to exactly 100' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimals(2)
  @Min(0.01)
  @Max(100)
  weight: number;

  @ApiProperty({ type: ScoringRuleDto })
  // ValidateNested skips undefined, so without this a KPI with no rule would reach the service.
  @IsDefined()
  @ValidateNested()
  @Type(() => ScoringRuleDto)
  rule: ScoringRuleDto;
}

export class RatingBandDto {
  @ApiProperty({ example: 'exceeds' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'key must be lower_snake_case' })
  key: string;

  @ApiProperty({ example: 80, description: 'Lowest total (inclusive) for this band' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @MaxDecimals(2)
  @Min(0)
  @Max(1000)
  min: number;

  @ApiProperty({ example: '优秀' })
  @IsString()
  @Length(1, 100)
  labelZh: string;

  @ApiProperty({ example: 'Exceeds expectations' })
  @IsString()
  @Length(1, 100)
  labelEn: string;
}

export class VersionContentDto {
  @ApiProperty({ type: [KpiDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => KpiDto)
  kpis: KpiDto[];

  @ApiProperty({ type: [RatingBandDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RatingBandDto)
  bands: RatingBandDto[];

  @ApiPropertyOptional({ description: 'What changed and why' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  notes?: string;
}
