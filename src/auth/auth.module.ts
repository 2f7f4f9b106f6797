import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { EmployeesModule } from '../employees/employees.module.js';
import { MailModule } from '../mail/mail.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { LoginAttempt } from './login-attempt.entity.js';
import { PasswordReset } from './password-reset.entity.js';
import { PasswordResetService } from './password-reset.service.js';
import { Session } from './session.entity.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, Session, LoginAttempt, PasswordReset]), AuditModule, EmployeesModule, MailModule],
  controllers: [AuthController, UsersController],
  providers: [AuthService, UsersService, PasswordResetService, AuthGuard],
  exports: [AuthService, UsersService, PasswordResetService, AuthGuard],
})
export class AuthModule {}
