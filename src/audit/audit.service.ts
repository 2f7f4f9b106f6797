import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { AuditEntry } from './audit-entry.entity.js';

export interface AuditRecord {
  action: string;
  entity: string;
  entityId: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/**
 * The actor's name and the entity id can come from a stranger (a sign-in e-mail of any length): a
 * failed sign-in must be audited, not turned into a 500 by the column's limit, so a prefix is kept.
 */
function bounded(text: string, maxChars: number): string {
  const chars = Array.from(text);
  return chars.length <= maxChars ? text : chars.slice(0, maxChars).join('');
}

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>) {}

  /** Written with the caller's transaction, so a write and its audit row commit or fail together. */
  async record(manager: EntityManager, actor: Actor, record: AuditRecord): Promise<void> {
    // One INSERT rather than manager.save(): outside a transaction save wraps the statement in its
    // own BEGIN/COMMIT and runs TypeORM's change tracking first, three round trips instead of one
    // for every audited scorecard download. JSON is stringified here, as TypeORM does for jsonb.
    const json = (value: Record<string, unknown> | undefined) => (value === undefined ? null : JSON.stringify(value));
    await manager.query(
      'INSERT INTO audit_log (actor, actor_user_id, action, entity, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)',
      [bounded(actor.name, 200), actor.userId, record.action, record.entity, bounded(record.entityId, 64), json(record.before), json(record.after)],
    );
  }

  /** Many entries of one actor in one INSERT (an import's thousands of changes), with the caller's transaction. */
  async recordMany(manager: EntityManager, actor: Actor, records: AuditRecord[]): Promise<void> {
    const json = (value: Record<string, unknown> | undefined) => (value === undefined ? null : JSON.stringify(value));
    for (let i = 0; i < records.length; i += 2000) {
      const chunk = records.slice(i, i + 2000);
      await manager.query(
        `INSERT INTO audit_log (actor, actor_user_id, action, entity, entity_id, before, after)
         SELECT $1, $2, a.action, a.entity, a.entity_id, a.before, a.after
           FROM unnest($3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[]) AS a(action, entity, entity_id, before, after)`,
        [
          bounded(actor.name, 200),
          actor.userId,
          chunk.map((r) => r.action),
          chunk.map((r) => r.entity),
          chunk.map((r) => bounded(r.entityId, 64)),
          chunk.map((r) => json(r.before)),
          chunk.map((r) => json(r.after)),
        ],
      );
    }
  }

  async list(entity: string, entityId: string, limit: number, beforeId?: string): Promise<AuditEntry[]> {
    const qb = this.entries
      .createQueryBuilder('a')
      .where('a.entity = :entity AND a.entity_id = :entityId', { entity, entityId })
      .orderBy('a.id', 'DESC')
      .limit(limit);
    if (beforeId) qb.andWhere('a.id < :beforeId', { beforeId });
    return qb.getMany();
  }
}
