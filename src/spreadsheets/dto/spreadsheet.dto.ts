import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

export class SheetQueryDto {
  @ApiPropertyOptional({ enum: ['zh-CN', 'en'], description: "Header language; default the caller's (language cookie, then Accept-Language), else English" })
  @IsOptional()
  @IsIn(['zh-CN', 'en'])
  lang?: 'zh-CN' | 'en';
}

export class ActualsTemplateQueryDto {
  @ApiPropertyOptional({ example: 'account_manager', description: 'Only this role (its code); default every role with a template' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'roleCode must be a role code: 1 to 64 letters, digits, - or _' })
  roleCode?: string;
}
