import { existsSync } from 'node:fs';
import { cpus, homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { PASSWORD_WEAKNESS_MESSAGES, identityParts, passwordWeakness } from '../auth/password-policy.js';
import { isLang, type Lang } from '../i18n/langs.js';

/** Every setting the app reads, parsed and validated once at start-up. */
export interface AppConfig {
  port: number;
  host: string;
  /** Connection string of an external PostgreSQL; null means "start the embedded one". */
  databaseUrl: string | null;
  embeddedPg: { dataDir: string; port: number };
  database: {
    /** Connections in the app's pool. */
    poolSize: number;
    /** How long a request waits for a free pooled connection (or a new one) before it gets 503. */
    acquireTimeoutMs: number;
    /** PostgreSQL cancels any statement running longer (0: never). */
    statementTimeoutMs: number;
    /** PostgreSQL ends a session left idle inside an open transaction this long (0: never). */
    idleInTransactionTimeoutMs: number;
    /**
     * A query that asks the pool for a second connection while its async context holds a
     * transaction's fails at once instead of only being logged (see transaction-guard.ts).
     */
    strictTransactions: boolean;
  };
  /** Load demo data into an empty database on start. */
  demoData: boolean;
  bodyLimit: string;
  /** Deepest nesting of objects and arrays a request may send (class-transformer recurses per level). */
  bodyMaxDepth: number;
  /**
   * On SIGTERM/SIGINT: how long requests, renders and export chunks in flight may take to finish
   * before the rest is cut off (unstarted export work goes back to the queue at once).
   */
  shutdownTimeoutMs: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  /** `auto`: human-readable lines when stdout is a terminal, JSON lines otherwise. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Bearer token that GET /metrics asks for; null: no /metrics at all. */
  metricsToken: string | null;
  auth: {
    /** First admin, created on a database without users. */
    adminEmail: string | null;
    adminPassword: string | null;
    sessionHours: number;
    cookieSecure: boolean;
    /** Failed sign-ins per account (and ×4 per address) within the window before 429. */
    maxFailures: number;
    failureWindowSeconds: number;
    /** How long a password-reset link works; each link works once. */
    passwordResetMinutes: number;
    /** "Forgot password" by mail: on when there is an SMTP server, MAIL_FROM and PUBLIC_URL (the link's host). */
    passwordResetByMail: boolean;
  };
  scorecards: {
    companyName: string;
    /** A PNG/JPEG/SVG file printed in the scorecard header; null for none. */
    companyLogoPath: string | null;
    defaultLang: Lang;
    /** IANA time zone for printed times. */
    timeZone: string;
    /** The browser that prints PDFs; null: the system's, else the one packaged in npm. */
    chromiumPath: string | null;
    /** Skip the system's browsers and print with the packaged one (when chromiumPath is null). */
    chromiumIgnoreSystem: boolean;
    /** Where the packaged browser is unpacked; null: the user's cache folder. */
    chromiumCacheDir: string | null;
    /** Chromium pages printing at once (default: CPU cores). */
    pdfPoolSize: number;
    /** Start Chromium at boot instead of at the first print. */
    pdfLaunchAtBoot: boolean;
    pdfTimeoutMs: number;
    /** Run bulk-export workers inside the app process. */
    runWorkers: boolean;
    /** Finished exports (their PDFs are stored in PostgreSQL) are deleted this many hours later. */
    exportRetentionHours: number;
  };
  imports: {
    /** Largest uploaded import file. */
    maxBytes: number;
    /** Most data rows an import file may hold. */
    maxRows: number;
    /** Largest total size the parts of an uploaded XLSX may unpack to (zip bombs). */
    maxUnzippedBytes: number;
  };
  /** E-mail reminders of review stages (src/reminders); off unless REMINDERS_ENABLED. */
  reminders: ReminderConfig;
  http: {
    /** Origins allowed by CORS; empty means CORS stays off. */
    corsOrigins: string[];
    /** Requests per minute per client address, for the API as a whole. */
    rateLimitPerMinute: number;
  };
}

export interface SmtpConfig {
  /** SMTP_URL as given (smtp:// or smtps://), or null when host and port are set one by one. */
  url: string | null;
  host: string | null;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string | null;
  password: string | null;
}

export interface ReminderConfig {
  enabled: boolean;
  smtp: SmtpConfig;
  /** The From: of every reminder, e.g. `Scorecard <hr@example.com>`. */
  from: string;
  /** A reminder goes out this many days before a stage's due date (0: on the day only). */
  daysBefore: number;
  /** Local hour (TIME_ZONE) of the first pass each day; later passes run hourly until 20:00. */
  hour: number;
  /**
   * Whether this process runs passes on the pg-boss schedule. Off, passes run only when called
   * (RemindersService.runPass): for tests that move the clock, or when another process sends them.
   */
  schedule: boolean;
  /** The site's address, linked from the mails (e.g. https://scorecard.example.com); null: no link. */
  publicUrl: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const APP_CONFIG = Symbol('APP_CONFIG');

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

/**
 * Root's home is often not traversable by the unprivileged user PostgreSQL must run as, so root's
 * data goes under /var/lib; everyone else keeps it in their XDG data folder.
 */
export function defaultDataDir(env: Env): string {
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'scorecard', 'pg');
  if (process.getuid?.() === 0) return '/var/lib/scorecard/pg';
  const home = homedir() || join(tmpdir(), userInfo().username);
  return join(home, '.local', 'share', 'scorecard', 'pg');
}

/** The configuration, or exit 2 naming every problem: a process must not start on settings it cannot use. */
export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}="${raw}" must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${name}="${raw}" must be true or false`);
    return fallback;
  };

  let databaseUrl: string | null = env.DATABASE_URL?.trim() || null;
  if (databaseUrl) {
    try {
      const url = new URL(databaseUrl);
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        problems.push(`DATABASE_URL must start with postgres:// or postgresql:// (got ${url.protocol}//)`);
      }
    } catch {
      problems.push('DATABASE_URL is not a valid URL (expected postgres://user:password@host:port/database)');
      databaseUrl = null;
    }
  }

  const bodyLimit = env.BODY_LIMIT?.trim() || '256kb';
  if (!/^\d+(b|kb|mb)$/i.test(bodyLimit)) problems.push(`BODY_LIMIT="${bodyLimit}" must look like 256kb or 1mb`);

  const logLevel = (env.LOG_LEVEL?.trim() || 'log') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL="${logLevel}" must be one of ${LOG_LEVELS.join(', ')}`);

  const logFormat = (env.LOG_FORMAT?.trim() || 'auto') as AppConfig['logFormat'];
  if (!['auto', 'json', 'pretty'].includes(logFormat)) problems.push(`LOG_FORMAT="${logFormat}" must be auto, json or pretty`);
  const metricsToken = env.METRICS_TOKEN?.trim() || null;
  // Short tokens can be guessed by anyone who can reach the port; the scrape config holds it anyway.
  if (metricsToken !== null && !/^[\x21-\x7e]{16,}$/.test(metricsToken)) {
    problems.push('METRICS_TOKEN must be at least 16 printable characters without spaces');
  }

  const adminEmail = env.ADMIN_EMAIL?.trim().toLowerCase() || null;
  const adminPassword = env.ADMIN_PASSWORD || null;
  if (adminEmail && !/^[^@\s]+@[^@\s]+$/.test(adminEmail)) problems.push(`ADMIN_EMAIL="${adminEmail}" is not an email address`);
  if ((adminEmail === null) !== (adminPassword === null)) problems.push('ADMIN_EMAIL and ADMIN_PASSWORD go together: set both or neither');
  if (adminPassword !== null) {
    const weakness = passwordWeakness(adminPassword, identityParts(adminEmail, null));
    if (weakness) problems.push(`ADMIN_PASSWORD ${PASSWORD_WEAKNESS_MESSAGES[weakness].en}`);
  }
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push(`CORS_ORIGINS entry "${origin}" must look like https://example.com`);
  }

  const defaultLang = (env.DEFAULT_LANG?.trim() || 'zh-CN') as Lang;
  if (!isLang(defaultLang)) problems.push(`DEFAULT_LANG="${String(defaultLang)}" must be zh-CN or en`);
  const timeZone = env.TIME_ZONE?.trim() || 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    problems.push(`TIME_ZONE="${timeZone}" is not an IANA time zone such as Asia/Shanghai`);
  }
  if (env.COMPANY_LOGO?.trim() && !existsSync(env.COMPANY_LOGO.trim())) problems.push(`COMPANY_LOGO="${env.COMPANY_LOGO}" does not exist`);

  const reminders = reminderConfig(env, int, bool, problems);

  const config: AppConfig = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl,
    embeddedPg: {
      dataDir: env.EMBEDDED_PG_DIR?.trim() || defaultDataDir(env),
      port: int('EMBEDDED_PG_PORT', 54329, 1024, 65535),
    },
    database: {
      poolSize: int('DB_POOL_SIZE', 10, 1, 200),
      acquireTimeoutMs: int('DB_ACQUIRE_TIMEOUT_MS', 5000, 100, 600_000),
      statementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 30_000, 0, 3_600_000),
      idleInTransactionTimeoutMs: int('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 30_000, 0, 3_600_000),
      strictTransactions: bool('DB_STRICT_TRANSACTIONS', false),
    },
    demoData: bool('DEMO_DATA', true),
    bodyLimit,
    bodyMaxDepth: int('BODY_MAX_DEPTH', 32, 2, 1000),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10_000, 1000, 600_000),
    logLevel,
    logFormat,
    metricsToken,
    auth: {
      adminEmail,
      adminPassword,
      sessionHours: int('SESSION_HOURS', 8, 1, 24 * 30),
      cookieSecure: bool('COOKIE_SECURE', false),
      maxFailures: int('LOGIN_MAX_FAILURES', 5, 1, 1000),
      failureWindowSeconds: int('LOGIN_WINDOW_SECONDS', 60, 1, 86400),
      passwordResetMinutes: int('PASSWORD_RESET_MINUTES', 60, 5, 1440),
      // PUBLIC_URL, never the request's Host header: a forged Host would mail a link to someone else's site.
      passwordResetByMail: (reminders.smtp.url !== null || reminders.smtp.host !== null) && reminders.from !== '' && reminders.publicUrl !== null,
    },
    scorecards: {
      companyName: env.COMPANY_NAME?.trim() || 'Scorecard Demo Co. 示例公司',
      companyLogoPath: env.COMPANY_LOGO?.trim() || null,
      defaultLang,
      timeZone,
      chromiumPath: env.CHROMIUM_PATH?.trim() || null,
      chromiumIgnoreSystem: bool('CHROMIUM_IGNORE_SYSTEM', false),
      chromiumCacheDir: env.CHROMIUM_CACHE_DIR?.trim() || null,
      pdfPoolSize: int('PDF_POOL_SIZE', Math.max(1, cpus().length), 1, 32),
      pdfLaunchAtBoot: bool('PDF_LAUNCH_AT_BOOT', false),
      pdfTimeoutMs: int('PDF_TIMEOUT_MS', 15000, 1000, 300000),
      runWorkers: bool('RUN_WORKERS', true),
      exportRetentionHours: int('EXPORT_RETENTION_HOURS', 72, 1, 8760),
    },
    imports: {
      maxBytes: int('IMPORT_MAX_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      maxRows: int('IMPORT_MAX_ROWS', 10_000, 1, 1_000_000),
      maxUnzippedBytes: int('IMPORT_MAX_UNZIPPED_BYTES', 200 * 1024 * 1024, 1024, 4 * 1024 * 1024 * 1024),
    },
    reminders,
    http: {
      corsOrigins,
      rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The reminder settings. They are checked even while reminders are off (a typo shows at once), and
 * turning reminders on without a way to send mail stops the start instead of failing every night.
 */
function reminderConfig(
  env: Env,
  int: (name: string, fallback: number, min: number, max: number) => number,
  bool: (name: string, fallback: boolean) => boolean,
  problems: string[],
): ReminderConfig {
  const enabled = bool('REMINDERS_ENABLED', false);
  const url = env.SMTP_URL?.trim() || null;
  const host = env.SMTP_HOST?.trim() || null;
  const secure = bool('SMTP_SECURE', false);
  const port = int('SMTP_PORT', secure ? 465 : 587, 1, 65535);
  const user = env.SMTP_USER?.trim() || null;
  const password = env.SMTP_PASSWORD || null;
  const from = env.MAIL_FROM?.trim() || '';
  const publicUrl = env.PUBLIC_URL?.trim().replace(/\/+$/, '') || null;
  if (url !== null) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') problems.push(`SMTP_URL must start with smtp:// or smtps:// (got ${parsed.protocol}//)`);
    } catch {
      problems.push('SMTP_URL is not a valid URL (expected smtp://user:password@host:587 or smtps://user:password@host:465)');
    }
    if (host !== null) problems.push('SMTP_URL and SMTP_HOST both set: use one or the other');
  }
  if ((user === null) !== (password === null)) problems.push('SMTP_USER and SMTP_PASSWORD go together: set both or neither');
  if (from !== '' && !/^(?:[^<>]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/.test(from)) {
    problems.push(`MAIL_FROM="${from}" must be an address such as hr@example.com or Scorecard <hr@example.com>`);
  }
  if (publicUrl !== null && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicUrl))
    problems.push(`PUBLIC_URL="${publicUrl}" must look like https://scorecard.example.com`);
  if (enabled) {
    if (url === null && host === null)
      problems.push(
        'REMINDERS_ENABLED=true needs an SMTP server: set SMTP_URL, or SMTP_HOST (with SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASSWORD as needed)',
      );
    if (from === '') problems.push('REMINDERS_ENABLED=true needs MAIL_FROM, the sender address of the reminders');
  }
  return {
    enabled,
    smtp: { url, host, port, secure, user, password },
    from,
    daysBefore: int('REMINDER_DAYS_BEFORE', 3, 0, 60),
    hour: int('REMINDER_HOUR', 9, 0, 20),
    schedule: bool('REMINDER_SCHEDULE', true),
    publicUrl,
  };
}
