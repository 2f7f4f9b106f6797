// One pino logger for the process. Nest's own logging (every `new Logger('X')`) goes through
// AppLogger into it, and each HTTP request gets one summary line from http-observer.ts. Lines
// logged while a request is handled carry its reqId (AsyncLocalStorage), so an error can be tied to
// the request line without logging anything more about the request.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger, type LoggerService, type LogLevel } from '@nestjs/common';
import pino from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '../config/config.js';

/** Nest injection token of the root pino logger. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Headers never written to a log: credentials. Bodies are not logged at all (passwords, review
 * comments, development plans and HR notes only ever travel in bodies).
 */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-csrf-token']);

/**
 * A copy of the headers with the credentials replaced; not pino's `redact` option, which is slow
 * (docs/decisions/0009-request-logging-by-hand.md).
 */
export function loggableHeaders(headers: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in headers) out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '[redacted]' : headers[name];
  return out;
}

/** LOG_LEVEL keeps Nest's names; pino calls `log` info and `verbose` trace. */
export function pinoLevel(level: AppConfig['logLevel']): pino.Level {
  return ({ error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const)[level];
}

export interface RootLoggerOptions {
  logLevel: AppConfig['logLevel'];
  logFormat: AppConfig['logFormat'];
}

/**
 * The process's logger. Writes synchronously: main.ts ends with process.exit(), which would drop
 * lines still buffered by an asynchronous writer (the shutdown messages, most of all).
 */
export function createRootLogger(config: RootLoggerOptions, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level: pinoLevel(config.logLevel),
    // Errors logged through AppLogger: name, message, stack and code only. pino's default error
    // serializer copies every own property, and TypeORM's QueryFailedError carries the statement's
    // parameters: password hashes, review comments.
    serializers: { err: serializeError },
    base: { pid: process.pid },
  };
  if (destination) return pino(options, destination);
  const usePretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true);
  if (usePretty) {
    return pino(
      options,
      pretty({
        colorize: process.stdout.isTTY === true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,context,req,res',
        messageFormat: '{if context}[{context}] {end}{msg}',
        singleLine: true,
      }),
    );
  }
  return pino(options, pino.destination({ dest: 1, sync: true }));
}

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
}

/** A SerializedError for an Error; anything else as it is. */
export function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const code = (value as { code?: unknown }).code;
  return {
    type: value.name,
    message: value.message,
    ...(value.stack ? { stack: value.stack } : {}),
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
  };
}

/** The request being handled, set by the HTTP observer for everything that runs on its behalf. */
export const requestContext = new AsyncLocalStorage<{ reqId: string }>();

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** What Nest passes after the message, sorted out: a context name last, a stack for errors. */
export interface LogCall {
  context?: string;
  stack?: string;
  extra: unknown[];
}

/**
 * Nest's Logger appends its context as the last parameter (and `undefined` before it when the call
 * had none), and error() may pass a stack first, the way ConsoleLogger reads them.
 */
export function parseLogCall(params: readonly unknown[], isError: boolean): LogCall {
  const rest = [...params];
  let context: string | undefined;
  if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') context = rest.pop() as string;
  let stack: string | undefined;
  if (isError && rest.length > 0 && (typeof rest[0] === 'string' || rest[0] === undefined)) {
    const first = rest.shift();
    if (typeof first === 'string') stack = first;
  }
  return { context, stack, extra: rest.filter((value) => value !== undefined) };
}

/** Nest's LoggerService on top of pino: `new Logger('X').log(...)` anywhere lands here. */
export class AppLogger implements LoggerService {
  constructor(readonly root: pino.Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest calls this with its level list; the most verbose one named sets pino's level. */
  setLogLevels(levels: LogLevel[]): void {
    const order: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
    const most = order.find((level) => levels.includes(level));
    if (most) this.root.level = most === 'fatal' ? 'fatal' : pinoLevel(most);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const call = parseLogCall(params, level === 'error' || level === 'fatal');
    const fields: Record<string, unknown> = {};
    const request = requestContext.getStore();
    if (request) fields.reqId = request.reqId;
    if (call.context) fields.context = call.context;
    if (call.extra.length > 0) fields.extra = call.extra.map(serializeError);
    let text: string;
    if (message instanceof Error) {
      fields.err = message;
      text = message.message;
    } else if (typeof message === 'string') {
      text = message;
      if (call.stack) fields.stack = call.stack;
    } else {
      fields.data = message;
      text = '';
    }
    this.root[level](fields, text);
  }
}

/** One pino logger for the whole process from here on, start-up lines too, through Nest's Logger. */
export function installAppLogger(config: RootLoggerOptions): AppLogger {
  const appLogger = new AppLogger(createRootLogger(config));
  Logger.overrideLogger(appLogger);
  return appLogger;
}
