import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Min } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';
import { lowerId } from '../../common/transforms.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateEmployeeDto {
  @ApiProperty({ example: 'E0042' })
  @Transform(trim)
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, { message: 'employeeNo must be 1 to 32 letters, digits, - or _' })
  employeeNo: string;

  @ApiProperty({ example: '王小明' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'xiaoming.wang@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @Length(3, 320)
  email: string;

  @ApiProperty({ description: 'Role id (see /api/roles)' })
  @Transform(lowerId)
  @IsUUID('4')
  roleId: string;

  @ApiProperty({ example: 'Sales East' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  department: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Employee id of the manager this person reports to' })
  @IsOptional()
  @Transform(lowerId)
  @IsUUID('4')
  managerId?: string | null;

  @ApiProperty({ example: '2021-03-15' })
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'hireDate must be a date like 2021-03-15' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'hireDate must be a date like 2021-03-15' })
  hireDate: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateEmployeeDto extends PartialType(CreateEmployeeDto) {
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export const EMPLOYEE_SORTS = ['name', 'employeeNo', 'department', 'hireDate', 'createdAt'] as const;

export class EmployeeQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of a name, or the start of an employee number' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(lowerId) @IsUUID('4') roleId?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) department?: string;

  @ApiPropertyOptional({ description: 'Direct reports of this employee' })
  @IsOptional()
  @Transform(lowerId)
  @IsUUID('4')
  managerId?: string;

  @ApiPropertyOptional({ description: 'true (default), false, or all' })
  @IsOptional()
  @IsIn(['true', 'false', 'all'])
  active: 'true' | 'false' | 'all' = 'true';

  @ApiPropertyOptional({ enum: EMPLOYEE_SORTS, default: 'employeeNo' })
  @IsOptional()
  @IsIn(EMPLOYEE_SORTS)
  sort: (typeof EMPLOYEE_SORTS)[number] = 'employeeNo';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'asc';
}

export class RoleRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() code: string;
  @ApiProperty() nameZh: string;
  @ApiProperty() nameEn: string;
}

export class EmployeeRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
}

export class EmployeeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() employeeNo: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ type: RoleRefDto }) role: RoleRefDto;
  @ApiProperty() department: string;
  @ApiPropertyOptional({ type: EmployeeRefDto, nullable: true }) manager: EmployeeRefDto | null;
  @ApiProperty({ format: 'date' }) hireDate: string;
  @ApiProperty() active: boolean;
  @ApiProperty({ description: 'Optimistic-lock version; send it back on writes', type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class EmployeePageDto {
  @ApiProperty({ type: [EmployeeDto] }) items: EmployeeDto[];
  @ApiProperty({ type: PageMetaDto }) meta: PageMetaDto;
}
