import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class ScorecardQueryDto {
  @ApiPropertyOptional({ enum: ['zh-CN', 'en'], description: 'Language; default from settings (DEFAULT_LANG)' })
  @IsOptional()
  @IsIn(['zh-CN', 'en'])
  lang?: 'zh-CN' | 'en';

  @ApiPropertyOptional({ enum: ['pdf', 'html'], default: 'pdf', description: '`html` previews the scorecard in the browser' })
  @IsOptional()
  @IsIn(['pdf', 'html'])
  format: 'pdf' | 'html' = 'pdf';
}
