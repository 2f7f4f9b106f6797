import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { ApiError, badRequest, notFound, staleVersion } from './errors.js';

/**
 * Every write says which version it read, through `If-Match` or a `version` field; without one
 * we could not tell a stale edit from a fresh one, so the write is refused.
 */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number {
  let fromHeader: number | undefined;
  if (ifMatch !== undefined && ifMatch !== '') {
    const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
    if (!m)
      throw badRequest('If-Match must hold the version you read, e.g. "3"', [
        { field: 'If-Match', code: 'versionNumber', message: 'must be a version number' },
      ]);
    fromHeader = Number(m[1]);
  }
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw badRequest(`If-Match (${fromHeader}) and version (${bodyVersion}) disagree`, [
      { field: 'version', code: 'versionMismatch', message: 'must equal If-Match' },
    ]);
  }
  const v = fromHeader ?? bodyVersion;
  if (v === undefined) {
    throw new ApiError(
      'PRECONDITION_REQUIRED',
      'Send the version you read, as an If-Match header or a version field, so that concurrent edits cannot overwrite each other',
      {
        errors: [{ field: 'version', code: 'required', message: 'is required' }],
      },
    );
  }
  return v;
}

/**
 * Loads a row for update (row lock held until the transaction ends) and checks the caller's
 * version. Concurrent writers queue on the lock; all but the first then see a newer version.
 */
export async function lockVersioned<T extends ObjectLiteral & { id: string; version: number }>(
  manager: EntityManager,
  target: EntityTarget<T>,
  what: string,
  id: string,
  expected: number,
): Promise<T> {
  const row = await manager.getRepository(target).findOne({
    where: { id } as never,
    lock: { mode: 'pessimistic_write' },
  });
  if (!row) throw notFound(what, id);
  if (row.version !== expected) {
    throw staleVersion(
      `${what} ${id} was changed by someone else: you read version ${expected}, it is now at version ${row.version}. Reload and apply your change again.`,
      {
        currentVersion: row.version,
        yourVersion: expected,
      },
    );
  }
  return row;
}

/**
 * UPDATE … WHERE id AND version, bumping the version; 409 when no row matched. Used after
 * lockVersioned, it also guards against a caller that forgot the lock.
 */
export async function saveVersioned<T extends ObjectLiteral & { id: string; version: number }>(
  manager: EntityManager,
  target: EntityTarget<T>,
  what: string,
  row: T,
  patch: Partial<T>,
): Promise<T> {
  const set: Record<string, unknown> = { ...patch, version: row.version + 1 };
  if ('updatedAt' in row) set.updatedAt = new Date();
  const result = await manager
    .createQueryBuilder()
    .update(target)
    .set(set as never)
    .where('id = :id AND version = :version', { id: row.id, version: row.version })
    .execute();
  if (result.affected !== 1) throw staleVersion(`${what} ${row.id} was changed by someone else; reload and apply your change again.`);
  return { ...row, ...patch, ...set };
}
