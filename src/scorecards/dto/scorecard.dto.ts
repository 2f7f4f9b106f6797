import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { type Lang, LANGS } from '../../i18n/langs.js';

export class ScorecardQueryDto {
  @ApiPropertyOptional({ enum: [...LANGS], description: 'Language; default from settings (DEFAULT_LANG)' })
  @IsOptional()
  @IsIn([...LANGS])
  lang?: Lang;

  @ApiPropertyOptional({ enum: ['pdf', 'html'], default: 'pdf', description: '`html` previews the scorecard in the browser' })
  @IsOptional()
  @IsIn(['pdf', 'html'])
  format: 'pdf' | 'html' = 'pdf';
}
