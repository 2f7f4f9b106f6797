import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { type Actor, systemActor } from '../common/actor.js';
import { ApiError, badRequest } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { preparedQuery } from '../database/prepared.js';
import { LoginAttempt } from './login-attempt.entity.js';
import { assertStrongPassword, identityParts } from './password-policy.js';
import { voidResetLinks } from './password-reset-links.js';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';
import { Session } from './session.entity.js';
import { User, type UserRole } from './user.entity.js';

export interface SignedIn {
  token: string;
  expiresAt: Date;
  user: User;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function actorOf(user: Pick<User, 'id' | 'email' | 'role' | 'employeeId'>): Actor {
  return { name: user.email, userId: user.id, role: user.role, employeeId: user.employeeId };
}

/** 429 with the seconds until the oldest counted failure leaves the window. */
class TooManyAttempts extends ApiError<'THROTTLED'> {
  constructor(readonly retryAfterSeconds: number) {
    super('THROTTLED', `Too many failed sign-ins; try again in ${retryAfterSeconds} s`, { details: { retryAfterSeconds } });
  }
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @InjectRepository(LoginAttempt) private readonly attempts: Repository<LoginAttempt>,
    private readonly audit: AuditService,
  ) {}

  /**
   * Too many failures for the account or the address lock sign-in for both, whatever the
   * password: a correct guess during lock-out is refused too, or lock-out would leak it.
   */
  async login(emailRaw: string, password: string, ip: string): Promise<SignedIn> {
    const email = emailRaw.trim().toLowerCase();
    await this.checkThrottle(email, ip);
    const user = await this.users.findOneBy({ email });
    const ok = user ? await verifyPassword(user.passwordHash, password) : await verifyPassword(await dummyHash(), password).then(() => false);
    if (!user || !ok || user.disabled) {
      await this.dataSource.transaction(async (m) => {
        await m.insert(LoginAttempt, { email, ip, success: false });
        await this.audit.record(m, user ? actorOf(user) : systemActor(email), {
          action: 'login_failed',
          entity: 'user',
          entityId: user?.id ?? email.slice(0, 64),
          after: { email, ip, reason: !user ? 'unknown account' : user.disabled ? 'account disabled' : 'wrong password' },
        });
      });
      throw new ApiError('INVALID_CREDENTIALS', 'Wrong email or password');
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.auth.sessionHours * 3600_000);
    await this.dataSource.transaction(async (m) => {
      await m.insert(LoginAttempt, { email, ip, success: true });
      await m.insert(Session, { tokenHash: sha256(token), userId: user.id, expiresAt, ip });
      await m.update(User, { id: user.id }, { lastLoginAt: new Date() });
      await this.audit.record(m, actorOf(user), { action: 'login', entity: 'user', entityId: user.id, after: { ip } });
    });
    return { token, expiresAt, user };
  }

  private async checkThrottle(email: string, ip: string): Promise<void> {
    const windowMs = this.config.auth.failureWindowSeconds * 1000;
    const since = new Date(Date.now() - windowMs);
    const check = async (where: { email: string } | { ip: string }, limit: number) => {
      const failures = await this.attempts.find({
        where: { ...where, success: false, at: MoreThan(since) },
        order: { at: 'DESC' },
        take: limit,
      });
      if (failures.length >= limit) {
        const oldest = failures[failures.length - 1].at.getTime();
        throw new TooManyAttempts(Math.max(1, Math.ceil((oldest + windowMs - Date.now()) / 1000)));
      }
    };
    try {
      await check({ email }, this.config.auth.maxFailures);
      await check({ ip }, this.config.auth.maxFailures * 4);
    } catch (err) {
      if (err instanceof TooManyAttempts) {
        await this.dataSource.transaction(async (m) => {
          await m.insert(LoginAttempt, { email, ip, success: false });
          await this.audit.record(m, systemActor(email), { action: 'login_throttled', entity: 'user', entityId: email.slice(0, 64), after: { email, ip } });
        });
      }
      throw err;
    }
  }

  /** The actor behind a token, or null when it is unknown, expired, or its user is disabled. */
  async actorForToken(token: string): Promise<(Actor & { mustChangePassword: boolean }) | null> {
    if (!token || token.length > 200) return null;
    // Plain SQL: this runs on every request, and building the same query with the query builder
    // and hydrating two entities cost more than the lookup itself.
    const [row] = await preparedQuery<{ id: string; email: string; role: UserRole; employee_id: string | null; must_change_password: boolean }>(
      this.dataSource,
      `SELECT u.id, u.email, u.role, u.employee_id, u.must_change_password
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
      [sha256(token)],
    );
    if (!row) return null;
    return { ...actorOf({ id: row.id, email: row.email, role: row.role, employeeId: row.employee_id }), mustChangePassword: row.must_change_password };
  }

  async logout(token: string): Promise<void> {
    await this.sessions.delete({ tokenHash: sha256(token) });
  }

  async me(userId: string): Promise<User> {
    return this.users.findOneOrFail({ where: { id: userId }, relations: { employee: true } });
  }

  async changePassword(actor: Actor, currentPassword: string, newPassword: string, keepToken: string): Promise<void> {
    if (!actor.userId) throw badRequest('Only users have passwords');
    const user = await this.users.findOneOrFail({ where: { id: actor.userId }, relations: { employee: true } });
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw badRequest('The current password is wrong', [{ field: 'currentPassword', code: 'wrongPassword', message: 'is wrong' }]);
    }
    if (currentPassword === newPassword)
      throw badRequest('Choose a new password', [{ field: 'newPassword', code: 'samePassword', message: 'must differ from the current one' }]);
    await assertStrongPassword('newPassword', newPassword, identityParts(user.email, user.employee?.name ?? null));
    const passwordHash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (m) => {
      await m.update(User, { id: user.id }, { passwordHash, mustChangePassword: false, version: user.version + 1, updatedAt: new Date() });
      // Other sessions end: whoever else knew the old password is signed out.
      await m
        .createQueryBuilder()
        .delete()
        .from(Session)
        .where('user_id = :id AND token_hash <> :keep', { id: user.id, keep: sha256(keepToken) })
        .execute();
      await voidResetLinks(m, user.id);
      await this.audit.record(m, actor, { action: 'change_password', entity: 'user', entityId: user.id });
    });
  }

  /** The first admin comes from settings, and only into a database without users. */
  async bootstrapAdmin(): Promise<boolean> {
    const { adminEmail, adminPassword } = this.config.auth;
    if (!adminEmail || !adminPassword || (await this.users.count()) > 0) return false;
    const passwordHash = await hashPassword(adminPassword);
    await this.dataSource.transaction(async (m) => {
      const user = await m.save(m.create(User, { email: adminEmail, passwordHash, role: 'admin', mustChangePassword: false }));
      await this.audit.record(m, systemActor(), { action: 'create', entity: 'user', entityId: user.id, after: { email: adminEmail, role: 'admin' } });
    });
    this.logger.log(`Created the first admin ${adminEmail} from ADMIN_EMAIL`);
    return true;
  }
}
