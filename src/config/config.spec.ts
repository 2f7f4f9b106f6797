import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('loadConfig', () => {
  it('starts with sensible defaults and the embedded database', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeNull();
    expect(c.demoData).toBe(true);
    expect(c.auth.sessionHours).toBe(8);
    expect(c.auth.maxFailures).toBe(5);
    expect(c.http.corsOrigins).toEqual([]);
    expect(c.scorecards.defaultLang).toBe('zh-CN');
  });

  it('reads typed values', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      DEMO_DATA: 'off',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      DEFAULT_LANG: 'en',
    });
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u:p@db:5432/x',
      demoData: false,
      http: { corsOrigins: ['https://a.example', 'https://b.example'] },
      scorecards: { defaultLang: 'en' },
    });
  });

  it('names every wrong setting at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      DEMO_DATA: 'maybe',
      LOG_LEVEL: 'loud',
      ADMIN_EMAIL: 'admin@example.com',
      BODY_LIMIT: 'huge',
      DEFAULT_LANG: 'fr',
      TIME_ZONE: 'Mars/Olympus',
      CORS_ORIGINS: 'not-a-url',
    });
    const text = problems.join('\n');
    for (const name of [
      'PORT="eighty"',
      'DATABASE_URL',
      'DEMO_DATA="maybe"',
      'LOG_LEVEL="loud"',
      'ADMIN_EMAIL and ADMIN_PASSWORD go together',
      'BODY_LIMIT="huge"',
      'DEFAULT_LANG="fr"',
      'TIME_ZONE="Mars/Olympus"',
      'CORS_ORIGINS entry "not-a-url"',
    ]) {
      expect(text).toContain(name);
    }
    expect(problems).toHaveLength(9);
  });

  it('keeps finished exports 72 hours unless told otherwise, within 1 hour to a year', () => {
    expect(loadConfig({}).scorecards.exportRetentionHours).toBe(72);
    expect(loadConfig({ EXPORT_RETENTION_HOURS: '6' }).scorecards.exportRetentionHours).toBe(6);
    expect(problemsOf({ EXPORT_RETENTION_HOURS: '0' })).toHaveLength(1);
    expect(problemsOf({ EXPORT_RETENTION_HOURS: 'a week' })[0]).toContain('EXPORT_RETENTION_HOURS');
  });

  it('keeps /metrics off unless a long enough METRICS_TOKEN is set, and logs JSON or pretty as told', () => {
    expect(loadConfig({}).metricsToken).toBeNull();
    expect(loadConfig({ METRICS_TOKEN: '  0123456789abcdef  ' }).metricsToken).toBe('0123456789abcdef');
    expect(problemsOf({ METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN must be at least 16 printable characters without spaces']);
    expect(problemsOf({ METRICS_TOKEN: '0123456789 abcdef' })).toHaveLength(1);
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(problemsOf({ LOG_FORMAT: 'xml' })).toEqual(['LOG_FORMAT="xml" must be auto, json or pretty']);
  });

  it('chooses the browser from CHROMIUM_PATH, CHROMIUM_IGNORE_SYSTEM and CHROMIUM_CACHE_DIR, refusing a non-boolean', () => {
    expect(loadConfig({}).scorecards).toMatchObject({ chromiumPath: null, chromiumIgnoreSystem: false, chromiumCacheDir: null });
    expect(loadConfig({ CHROMIUM_IGNORE_SYSTEM: 'true', CHROMIUM_CACHE_DIR: ' /srv/cache ' }).scorecards).toMatchObject({
      chromiumIgnoreSystem: true,
      chromiumCacheDir: '/srv/cache',
    });
    expect(problemsOf({ CHROMIUM_IGNORE_SYSTEM: 'please' })).toEqual(['CHROMIUM_IGNORE_SYSTEM="please" must be true or false']);
  });

  it('keeps e-mail reminders off by default and refuses to turn them on without an SMTP server and a sender', () => {
    expect(loadConfig({}).reminders).toMatchObject({ enabled: false, daysBefore: 3, hour: 9, publicUrl: null, smtp: { url: null, host: null, port: 587 } });
    expect(problemsOf({ REMINDERS_ENABLED: 'true' })).toEqual([
      'REMINDERS_ENABLED=true needs an SMTP server: set SMTP_URL, or SMTP_HOST (with SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASSWORD as needed)',
      'REMINDERS_ENABLED=true needs MAIL_FROM, the sender address of the reminders',
    ]);
    const on = loadConfig({
      REMINDERS_ENABLED: 'yes',
      SMTP_HOST: 'mail.example.com',
      SMTP_SECURE: 'true',
      SMTP_USER: 'u',
      SMTP_PASSWORD: 'p',
      MAIL_FROM: 'HR <hr@example.com>',
    });
    expect(on.reminders).toMatchObject({
      enabled: true,
      from: 'HR <hr@example.com>',
      smtp: { host: 'mail.example.com', port: 465, secure: true, user: 'u', password: 'p' },
    });
    expect(
      problemsOf({ SMTP_URL: 'http://mail.example.com', SMTP_HOST: 'x', SMTP_USER: 'u', MAIL_FROM: 'nobody', REMINDER_DAYS_BEFORE: '-1', REMINDER_HOUR: '23' }),
    ).toEqual([
      'SMTP_URL must start with smtp:// or smtps:// (got http://)',
      'SMTP_URL and SMTP_HOST both set: use one or the other',
      'SMTP_USER and SMTP_PASSWORD go together: set both or neither',
      'MAIL_FROM="nobody" must be an address such as hr@example.com or Scorecard <hr@example.com>',
      'REMINDER_DAYS_BEFORE="-1" must be a whole number from 0 to 60',
      'REMINDER_HOUR="23" must be a whole number from 0 to 20',
    ]);
  });

  it('refuses a short first-admin password', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'a@b.example', ADMIN_PASSWORD: 'short' })).toEqual(['ADMIN_PASSWORD must be at least 10 characters']);
    expect(problemsOf({ ADMIN_EMAIL: 'a@b.example', ADMIN_PASSWORD: 'password12' })).toEqual([
      'ADMIN_PASSWORD is one of the most common passwords; choose another',
    ]);
    expect(problemsOf({ ADMIN_EMAIL: 'boss@b.example', ADMIN_PASSWORD: 'boss-of-everything' })).toEqual([
      'ADMIN_PASSWORD must not contain your e-mail address or name',
    ]);
  });
});
