import { describe, expect, it } from '@jest/globals';
import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { isDatabaseUnavailable } from './db-unavailable.js';

const withCode = (code: string, message = 'x', extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['refused TCP connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432', { syscall: 'connect' })],
    ['reset connection', withCode('ECONNRESET', 'read ECONNRESET')],
    ['missing Unix socket of a stopped server', withCode('ENOENT', 'connect ENOENT /data/.s.PGSQL.5432', { syscall: 'connect' })],
    ['admin shutdown (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown (57P02)', withCode('57P02')],
    ['cannot connect now (57P03)', withCode('57P03', 'the database system is starting up')],
    ['connection exception class 08', withCode('08006')],
    ['connection does not exist (08003)', withCode('08003')],
    ['too many connections (53300)', withCode('53300')],
    ['statement timeout (57014)', withCode('57014', 'canceling statement due to statement timeout')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: connection timeout', new Error('Connection terminated due to connection timeout')],
    ['pg-pool: acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['TypeORM: the transaction whose connection died goes on', new QueryRunnerAlreadyReleasedError()],
  ])('recognises %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('looks inside a QueryFailedError (driverError) and an error cause', () => {
    const driverError = withCode('57P01', 'terminating connection due to administrator command');
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], driverError))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: withCode('ECONNREFUSED') }))).toBe(true);
  });

  it.each([
    ['unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['syntax error', withCode('42601')],
    ['a serialization failure', withCode('40001')],
    ['a file that is not there', withCode('ENOENT', "ENOENT: no such file or directory, open 'x'", { syscall: 'open' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('leaves %s alone', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
