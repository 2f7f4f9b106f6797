import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Min } from 'class-validator';
import { lowerId } from '../../common/transforms.js';
import { LANGS, type Lang } from '../../i18n/langs.js';
import { USER_ROLES, type UserRole } from '../user.entity.js';

export class LoginDto {
  @ApiProperty({ example: 'hr@example.com' }) @IsString() @Length(3, 320) email: string;
  @ApiProperty() @IsString() @Length(1, 200) password: string;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @Length(1, 200) currentPassword: string;
  @ApiProperty({ minLength: 10 }) @IsString() @Length(10, 200, { message: 'newPassword must be 10 to 200 characters' }) newPassword: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ example: 'hr@example.com' }) @IsEmail({}, { message: 'email must be an email address' }) @Length(3, 320) email: string;
  @ApiPropertyOptional({ enum: LANGS, description: 'The language the mail starts in (it carries both); default DEFAULT_LANG' })
  @IsOptional()
  @IsIn(LANGS)
  lang?: Lang;
}

/** A new password set with the link of a "forgot password" mail. */
export class ResetWithLinkDto {
  @ApiProperty({ description: "The token from the mailed link's `token` parameter" }) @IsString() @Length(1, 200) token: string;
  @ApiProperty({ minLength: 10 }) @IsString() @Length(10, 200, { message: 'newPassword must be 10 to 200 characters' }) newPassword: string;
}

export class CreateUserDto {
  @ApiProperty() @IsEmail({}, { message: 'email must be an email address' }) @Length(3, 320) email: string;
  @ApiProperty({ enum: USER_ROLES }) @IsIn(USER_ROLES) role: UserRole;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Employee record; required for managers and employees' })
  @IsOptional()
  @Transform(lowerId)
  @IsUUID('4')
  employeeId?: string | null;
  @ApiProperty({ minLength: 10, description: 'Initial password; the user must change it at first sign-in' })
  @IsString()
  @Length(10, 200, { message: 'password must be 10 to 200 characters' })
  password: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: USER_ROLES }) @IsOptional() @IsIn(USER_ROLES) role?: UserRole;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @Transform(lowerId) @IsUUID('4') employeeId?: string | null;
  @ApiPropertyOptional({ description: "Disabling ends the user's sessions" }) @IsOptional() @IsBoolean() disabled?: boolean;
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' }) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class ResetPasswordDto {
  @ApiProperty({ minLength: 10, description: 'Temporary password; the user must change it at next sign-in' })
  @IsString()
  @Length(10, 200, { message: 'password must be 10 to 200 characters' })
  password: string;
  @ApiPropertyOptional({ description: 'The version you read (or send If-Match)' }) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ enum: USER_ROLES }) role: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) employeeId: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) employeeName: string | null;
  @ApiProperty() disabled: boolean;
  @ApiProperty() mustChangePassword: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' }) lastLoginAt: string | null;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'Bearer token for API clients; browsers get the same in an httpOnly cookie' }) token: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ type: UserDto }) user: UserDto;
}
