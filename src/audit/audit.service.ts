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

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>) {}

  /** Written with the caller's transaction, so a write and its audit row commit or fail together. */
  async record(manager: EntityManager, actor: Actor, record: AuditRecord): Promise<void> {
    const entry = Object.assign(new AuditEntry(), {
      actor: actor.name,
      actorUserId: actor.userId,
      action: record.action,
      entity: record.entity,
      entityId: record.entityId,
      before: record.before ?? null,
      after: record.after ?? null,
    });
    await manager.save(entry, { reload: false });
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
