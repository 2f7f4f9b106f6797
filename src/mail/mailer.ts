import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { APP_CONFIG, type AppConfig, type SmtpConfig } from '../config/config.js';

/** What readiness reports about the SMTP server: the last thing we learnt of it. */
export interface MailerStatus {
  ok: boolean;
  /** When this was learnt (a send, a failed send, or a check). */
  at: Date;
  message: string;
}

/** A status older than this is checked again (a readiness probe must not connect every few seconds). */
const STATUS_MAX_AGE_MS = 60_000;
/** A server that did not answer is asked again sooner: the app should notice its return within seconds. */
const FAILED_STATUS_MAX_AGE_MS = 5_000;
/** A readiness probe waits at most this long for the SMTP server. */
const VERIFY_TIMEOUT_MS = 1_500;

/**
 * Our only door to the SMTP server. Timeouts are short: nodemailer's default of two minutes per
 * connection would hold a reminder pass for hours against a server that drops packets.
 */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private transport: Transporter<SMTPTransport.SentMessageInfo> | null = null;
  private last: MailerStatus | null = null;
  private checking: Promise<MailerStatus> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Sends one plain-text mail; resolves with the server's Message-ID, rejects with its refusal. */
  async send(to: string, subject: string, text: string): Promise<string> {
    try {
      const info = await this.transporter().sendMail({ from: this.config.reminders.from, to, subject, text });
      this.learn(true, `Last mail accepted by the SMTP server`);
      return info.messageId;
    } catch (error) {
      this.learn(false, `The SMTP server did not take a mail: ${messageOf(error)}`);
      throw error;
    }
  }

  /** The last known state, checked again (briefly) once it is a minute old, or 5 s after a failure. Never rejects. */
  status(): Promise<MailerStatus> {
    if (this.last && Date.now() - this.last.at.getTime() < (this.last.ok ? STATUS_MAX_AGE_MS : FAILED_STATUS_MAX_AGE_MS)) return Promise.resolve(this.last);
    this.checking ??= this.verify().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  onModuleDestroy(): void {
    this.transport?.close();
    this.transport = null;
  }

  private async verify(): Promise<MailerStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${VERIFY_TIMEOUT_MS} ms`)), VERIFY_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.transporter().verify(), timeout]);
      return this.learn(true, 'The SMTP server answers');
    } catch (error) {
      return this.learn(false, `The SMTP server does not answer: ${messageOf(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private learn(ok: boolean, message: string): MailerStatus {
    this.last = { ok, at: new Date(), message };
    return this.last;
  }

  private transporter(): Transporter<SMTPTransport.SentMessageInfo> {
    this.transport ??= nodemailer.createTransport(transportOptions(this.config.reminders.smtp));
    return this.transport;
  }
}

export function transportOptions(smtp: SmtpConfig): SMTPTransport.Options {
  const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
  if (smtp.url !== null) {
    const url = new URL(smtp.url);
    return {
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      ...timeouts,
    };
  }
  return {
    host: smtp.host ?? undefined,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user !== null ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    ...timeouts,
  };
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
