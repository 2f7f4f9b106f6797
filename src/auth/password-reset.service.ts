import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { systemActor } from '../common/actor.js';
import { ApiError, badRequest, throttled } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { Lang } from '../i18n/langs.js';
import { Mailer, messageOf } from '../mail/mailer.js';
import { actorOf } from './auth.service.js';
import { assertStrongPassword, identityParts } from './password-policy.js';
import { renderResetMail } from './password-reset-mail.js';
import { PasswordReset } from './password-reset.entity.js';
import { voidResetLinks } from './password-reset-links.js';
import { hashPassword } from './passwords.js';
import { Session } from './session.entity.js';
import { User } from './user.entity.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Mails per address per hour; more requests get the same answer and no mail (no mail-bombing a colleague). */
export const MAILS_PER_ADDRESS_PER_HOUR = 3;
/** Requests per client address per hour before 429: an address that asks for many accounts is guessing. */
export const REQUESTS_PER_CLIENT_PER_HOUR = 20;
/** A mail server that refused is asked again after this long. */
const MAIL_RETRY_AFTER_SECONDS = 60;

/** A link's token as it arrives: anything else cannot be one of ours and is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const invalidLink = () =>
  badRequest('This password-reset link has expired or was already used; ask for a new one', [
    { field: 'token', code: 'resetLinkInvalid', message: 'has expired or was already used' },
  ]);

/**
 * "Forgot password": a mailed link that works once, for PASSWORD_RESET_MINUTES. The answer to a
 * request is the same whether the address has an account or not, so the form cannot be used to
 * learn who works here. Every request, refusal and reset is in the audit log.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger('PasswordReset');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mailer: Mailer,
    private readonly audit: AuditService,
  ) {}

  get available(): boolean {
    return this.config.auth.passwordResetByMail;
  }

  /** Mails a link when the address belongs to an active account; resolves the same way when it does not. */
  async request(emailRaw: string, ip: string, lang: Lang): Promise<void> {
    if (!this.available) throw new ApiError('NOT_FOUND', 'Password reset by e-mail is not set up here; ask an administrator');
    // Asked before anything is written, and for every address alike: a mail server that is known
    // to be away gives the same 503 whether the account exists or not.
    const mail = await this.mailer.status();
    if (!mail.ok) throw this.mailUnavailable();
    const email = emailRaw.trim().toLowerCase();
    const minutes = this.config.auth.passwordResetMinutes;
    const token = randomBytes(32).toString('base64url');
    const outcome = await this.dataSource.transaction(async (m) => {
      // One request per address at a time, so two at once cannot both pass the hourly count.
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`password-reset:${email}`]);
      const [{ byClient, byAddress }] = await m.query<{ byClient: number; byAddress: number }[]>(
        `SELECT count(*) FILTER (WHERE ip = $1)::int AS "byClient",
                count(*) FILTER (WHERE email = $2 AND token_hash IS NOT NULL)::int AS "byAddress"
           FROM password_resets WHERE created_at > now() - interval '1 hour' AND (ip = $1 OR email = $2)`,
        [ip, email],
      );
      if (byClient >= REQUESTS_PER_CLIENT_PER_HOUR) {
        const [{ wait }] = await m.query<{ wait: number }[]>(
          `SELECT GREATEST(1, ceil(extract(epoch FROM min(created_at) + interval '1 hour' - now())))::int AS wait
             FROM (SELECT created_at FROM password_resets WHERE ip = $1 AND created_at > now() - interval '1 hour' ORDER BY created_at DESC LIMIT $2) AS recent`,
          [ip, REQUESTS_PER_CLIENT_PER_HOUR],
        );
        await this.audit.record(m, systemActor(email), {
          action: 'password_reset_throttled',
          entity: 'user',
          entityId: email.slice(0, 64),
          after: { email, ip },
        });
        return { kind: 'throttled' as const, wait };
      }
      const user = await m.findOne(User, { where: { email } });
      const expiresAt = new Date(Date.now() + minutes * 60_000);
      const row = { email, ip, expiresAt, userId: user?.id ?? null, tokenHash: null as string | null };
      let kind: 'mail' | 'none' = 'none';
      let reason: string | undefined;
      if (!user || user.disabled) reason = user ? 'account disabled' : 'unknown account';
      else if (byAddress >= MAILS_PER_ADDRESS_PER_HOUR) reason = `more than ${MAILS_PER_ADDRESS_PER_HOUR} links within an hour`;
      else {
        await voidResetLinks(m, user.id);
        row.tokenHash = sha256(token);
        kind = 'mail';
      }
      // Rows without a token count toward the client's limit and never work as a link.
      if (!row.tokenHash) row.expiresAt = new Date();
      const saved = await m.save(m.create(PasswordReset, row));
      await this.audit.record(m, user && !user.disabled ? actorOf(user) : systemActor(email), {
        action: 'password_reset_requested',
        entity: 'user',
        entityId: user?.id ?? email.slice(0, 64),
        after: { email, ip, mailed: kind === 'mail', ...(reason ? { reason } : {}) },
      });
      return { kind, id: saved.id, wait: 0 };
    });
    if (outcome.kind === 'throttled') throw throttled(`Too many password-reset requests; try again in ${outcome.wait} s`, outcome.wait);
    if (outcome.kind !== 'mail') return;
    const link = `${this.config.reminders.publicUrl}/reset-password?token=${token}`;
    const { subject, text } = renderResetMail(lang, link, minutes);
    try {
      await this.mailer.send(email, subject, text);
    } catch (error) {
      // A link nobody received must not stay usable, nor count toward the address's hourly limit.
      await this.dataSource.query('DELETE FROM password_resets WHERE id = $1', [outcome.id]);
      this.logger.warn(`Password-reset mail to ${email} was not sent: ${messageOf(error)}`);
      throw this.mailUnavailable();
    }
  }

  /** Whether a link still works: the reset page asks before it shows the form. */
  async check(token: string): Promise<boolean> {
    return (await this.find(token)) !== null;
  }

  /** Sets the new password, uses up the link and signs the account out everywhere. */
  async reset(token: string, newPassword: string, ip: string): Promise<void> {
    const link = await this.find(token);
    if (!link) throw invalidLink();
    const user = await this.dataSource.getRepository(User).findOneOrFail({ where: { id: link.userId }, relations: { employee: true } });
    await assertStrongPassword('newPassword', newPassword, identityParts(user.email, user.employee?.name ?? null));
    const passwordHash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (m) => {
      // The check above was outside this transaction: whoever sets used_at first wins, the rest are refused.
      const [, used] = await m.query<[unknown, number]>(
        'UPDATE password_resets SET used_at = now() WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING id',
        [link.id],
      );
      if (used !== 1) throw invalidLink();
      await m.update(User, { id: user.id }, { passwordHash, mustChangePassword: false, version: user.version + 1, updatedAt: new Date() });
      await voidResetLinks(m, user.id);
      const ended = await m.delete(Session, { userId: user.id });
      await this.audit.record(m, actorOf(user), {
        action: 'password_reset',
        entity: 'user',
        entityId: user.id,
        after: { ip, sessionsEnded: ended.affected ?? 0 },
      });
    });
  }

  private async find(token: string): Promise<{ id: string; userId: string } | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const [row] = await this.dataSource.query<{ id: string; userId: string }[]>(
      `SELECT r.id, r.user_id AS "userId"
         FROM password_resets r JOIN users u ON u.id = r.user_id
        WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now() AND NOT u.disabled`,
      [sha256(token)],
    );
    return row ?? null;
  }

  private mailUnavailable(): ApiError {
    return new ApiError('SERVICE_UNAVAILABLE', 'The mail server does not answer; try again in a minute', {
      details: { retryAfterSeconds: MAIL_RETRY_AFTER_SECONDS },
    });
  }
}
