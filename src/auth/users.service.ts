import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { badRequest, conflict, duplicate, notFound } from '../common/errors.js';
import { lockVersioned, saveVersioned } from '../common/versioning.js';
import { EmployeesService } from '../employees/employees.service.js';
import type { CreateUserDto, UpdateUserDto, UserDto } from './dto/auth.dto.js';
import { assertStrongPassword, identityParts } from './password-policy.js';
import { hashPassword } from './passwords.js';
import { voidResetLinks } from './password-reset-links.js';
import { Session } from './session.entity.js';
import { User, type UserRole } from './user.entity.js';

const snapshot = (u: User) => ({
  email: u.email,
  role: u.role,
  employeeId: u.employeeId,
  disabled: u.disabled,
  mustChangePassword: u.mustChangePassword,
  version: u.version,
});

export function toUserDto(u: User): UserDto {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    employeeId: u.employeeId,
    employeeName: u.employee?.name ?? null,
    disabled: u.disabled,
    mustChangePassword: u.mustChangePassword,
    lastLoginAt: u.lastLoginAt ? u.lastLoginAt.toISOString() : null,
    version: u.version,
    createdAt: u.createdAt.toISOString(),
  };
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly employees: EmployeesService,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<UserDto[]> {
    return (await this.users.find({ relations: { employee: true }, order: { email: 'ASC' } })).map(toUserDto);
  }

  async get(id: string): Promise<UserDto> {
    const u = await this.users.findOne({ where: { id }, relations: { employee: true } });
    if (!u) throw notFound('User', id);
    return toUserDto(u);
  }

  async create(actor: Actor, dto: CreateUserDto, options: { mustChangePassword?: boolean } = {}): Promise<UserDto> {
    const email = dto.email.trim().toLowerCase();
    const linked = dto.employeeId ? await this.employees.findById(dto.employeeId).catch(() => null) : null;
    await assertStrongPassword('password', dto.password, identityParts(email, linked?.name ?? null));
    // Hashed before the transaction: argon2 takes tens of milliseconds, a pooled connection should not wait on it.
    const passwordHash = await hashPassword(dto.password);
    const id = await this.dataSource.transaction(async (m) => {
      if (await m.existsBy(User, { email }))
        throw duplicate(`A user with email ${email} already exists`, [{ field: 'email', code: 'unique', params: {}, message: 'must be unique' }]);
      await this.checkLink(m, null, dto.role, dto.employeeId ?? null);
      const u = await m.save(
        m.create(User, {
          email,
          passwordHash,
          role: dto.role,
          employeeId: dto.employeeId ?? null,
          mustChangePassword: options.mustChangePassword ?? true,
        }),
      );
      await this.audit.record(m, actor, { action: 'create', entity: 'user', entityId: u.id, after: snapshot(u) });
      return u.id;
    });
    return this.get(id);
  }

  async update(actor: Actor, id: string, expected: number, dto: UpdateUserDto): Promise<UserDto> {
    await this.dataSource.transaction(async (m) => {
      const u = await lockVersioned(m, User, 'User', id, expected);
      if (actor.userId === id && (dto.disabled === true || (dto.role !== undefined && dto.role !== 'admin'))) {
        throw conflict('You cannot disable yourself or take away your own admin role; ask another admin');
      }
      const patch: Partial<User> = {};
      if (dto.role !== undefined) patch.role = dto.role;
      if (dto.employeeId !== undefined) patch.employeeId = dto.employeeId;
      if (dto.disabled !== undefined) patch.disabled = dto.disabled;
      await this.checkLink(m, id, patch.role ?? u.role, patch.employeeId !== undefined ? patch.employeeId : u.employeeId);
      const saved = await saveVersioned(m, User, 'User', u, patch);
      // Any change to who someone is ends their sessions: they sign in again under the new rules.
      if (dto.disabled === true || (dto.role !== undefined && dto.role !== u.role)) await m.delete(Session, { userId: id });
      await this.audit.record(m, actor, { action: 'update', entity: 'user', entityId: id, before: snapshot(u), after: snapshot(saved) });
    });
    return this.get(id);
  }

  async resetPassword(actor: Actor, id: string, expected: number, password: string): Promise<UserDto> {
    const user = await this.users.findOne({ where: { id }, relations: { employee: true } });
    if (!user) throw notFound('User', id);
    await assertStrongPassword('password', password, identityParts(user.email, user.employee?.name ?? null));
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (m) => {
      const u = await lockVersioned(m, User, 'User', id, expected);
      await saveVersioned(m, User, 'User', u, { passwordHash, mustChangePassword: true });
      await m.delete(Session, { userId: id });
      await voidResetLinks(m, id);
      await this.audit.record(m, actor, { action: 'reset_password', entity: 'user', entityId: id, after: { mustChangePassword: true } });
    });
    return this.get(id);
  }

  /** Managers and employees must be linked to their employee record, and only one user per record. */
  private async checkLink(m: EntityManager, userId: string | null, role: UserRole, employeeId: string | null): Promise<void> {
    if ((role === 'manager' || role === 'employee') && !employeeId) {
      throw badRequest(`A ${role} must be linked to an employee record`, [
        { field: 'employeeId', code: 'linkRequired', message: `is required for the ${role} role` },
      ]);
    }
    if (!employeeId) return;
    await this.employees.findById(employeeId, m).catch(() => {
      throw badRequest(`Employee ${employeeId} does not exist`, [{ field: 'employeeId', code: 'exists', message: 'must be an existing employee' }]);
    });
    const other = await m.findOneBy(User, { employeeId });
    if (other && other.id !== userId)
      throw duplicate(`Employee ${employeeId} is already linked to ${other.email}`, [
        { field: 'employeeId', code: 'linkedElsewhere', message: 'is linked to another user' },
      ]);
  }
}
