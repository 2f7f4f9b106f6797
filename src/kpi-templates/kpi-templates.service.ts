import { starterContent } from './starter-template.js';
import { displayNames } from '../auth/display-names.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { type Actor, systemActor } from '../common/actor.js';
import { badRequest, conflict, duplicate, notFound } from '../common/errors.js';
import { rejectNulls } from '../common/validation.js';
import { lockVersioned, saveVersioned } from '../common/versioning.js';
import { kpiDefinitionOf, validateTemplate, weightSum } from '../scoring/index.js';
import type { KpiDefinition, RatingBand, ScoringRule } from '../scoring/types.js';
import { DEFAULT_ROLES } from './default-templates.js';
import type { KpiDto, RatingBandDto, ScoringRuleDto, VersionContentDto } from './dto/kpi.dto.js';
import type { CreateRoleDto, RoleDto, TemplateDto, TemplateVersionDto, TemplateVersionSummaryDto, UpdateRoleDto } from './dto/template.dto.js';
import { KpiTemplate, KpiTemplateVersion } from './kpi-template.entity.js';
import { Role } from './role.entity.js';

/** What a review pins when it is created. */
export interface PublishedVersion {
  template: KpiTemplate;
  role: Role;
  version: KpiTemplateVersion;
}

/** Keeps exactly the fields of the rule's kind, so stray fields of the other kind never persist. */
function normalizeRule(rule: ScoringRuleDto): ScoringRule {
  if (rule.type === 'rating') {
    return {
      type: 'rating',
      min: rule.min ?? 1,
      max: rule.max ?? 5,
      points: (rule.points ?? []).map((p) => ({ value: p.value, labelZh: p.labelZh, labelEn: p.labelEn })),
    };
  }
  return {
    type: 'target',
    target: rule.target ?? 0,
    unit: rule.unit ?? '',
    direction: rule.direction ?? 'higher',
    cap: rule.cap ?? 100,
    threshold: rule.threshold ?? null,
  };
}

/**
 * A draft's content, checked. `prefix` is where the content sits in the request body (`content.`
 * for a new draft), so field paths name what was sent. Weights that do not add up to 100 do not
 * stop a draft from being saved (work in progress is never refused); publishing needs exactly 100.
 */
function normalizeContent(content: VersionContentDto, prefix = ''): { kpis: KpiDefinition[]; bands: RatingBand[] } {
  const kpis = content.kpis.map((k: KpiDto) => ({ ...kpiDefinitionOf(k), rule: normalizeRule(k.rule) }));
  const bands = content.bands.map((b: RatingBandDto) => ({ key: b.key, min: b.min, labelZh: b.labelZh, labelEn: b.labelEn }));
  const problems = validateTemplate(kpis, bands).filter((p) => p.code !== 'weightSum');
  if (problems.length > 0) {
    throw badRequest(
      `The template is not valid: ${problems.map((p) => p.message).join('; ')}`,
      problems.map((p) => ({ field: `${prefix}${p.field}`, message: p.message, code: p.code, params: p.params ?? {} })),
    );
  }
  return { kpis, bands };
}

@Injectable()
export class KpiTemplatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Role) private readonly roles: Repository<Role>,
    @InjectRepository(KpiTemplate) private readonly templates: Repository<KpiTemplate>,
    @InjectRepository(KpiTemplateVersion) private readonly versions: Repository<KpiTemplateVersion>,
    private readonly audit: AuditService,
  ) {}

  // ---- roles ----

  async listRoles(): Promise<RoleDto[]> {
    const roles = await this.roles.find({ order: { code: 'ASC' } });
    const templates = await this.templates.find();
    const current = await this.currentNumbers();
    return roles.map((r) => {
      const t = templates.find((x) => x.roleId === r.id);
      return this.roleDto(r, t?.id ?? '', t ? (current.get(t.id) ?? null) : null);
    });
  }

  async getRole(id: string): Promise<RoleDto> {
    const role = await this.roles.findOneBy({ id });
    if (!role) throw notFound('Role', id);
    const template = await this.templates.findOneByOrFail({ roleId: id });
    const current = await this.currentNumbers();
    return this.roleDto(role, template.id, current.get(template.id) ?? null);
  }

  async roleExists(id: string, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    return m.existsBy(Role, { id });
  }

  async findRoleByCode(code: string): Promise<Role | null> {
    return this.roles.findOneBy({ code });
  }

  /** A new role comes with an empty template: its first version is a draft the admin fills in. */
  async createRole(actor: Actor, dto: CreateRoleDto): Promise<RoleDto> {
    const { role, template } = await this.dataSource.transaction(async (m) => {
      if (await m.existsBy(Role, { code: dto.code })) {
        throw duplicate(`A role with code ${dto.code} already exists`, [{ field: 'code', code: 'unique', params: {}, message: 'must be unique' }]);
      }
      const role = await m.save(m.create(Role, { code: dto.code, nameZh: dto.nameZh, nameEn: dto.nameEn }));
      const template = await m.save(m.create(KpiTemplate, { roleId: role.id }));
      await this.audit.record(m, actor, {
        action: 'create',
        entity: 'role',
        entityId: role.id,
        after: { code: role.code, nameZh: role.nameZh, nameEn: role.nameEn },
      });
      return { role, template };
    });
    return this.roleDto(role, template.id, null);
  }

  async updateRole(actor: Actor, id: string, expected: number, dto: UpdateRoleDto): Promise<RoleDto> {
    rejectNulls(dto, ['nameZh', 'nameEn']);
    await this.dataSource.transaction(async (m) => {
      const role = await lockVersioned(m, Role, 'Role', id, expected);
      const patch: Partial<Role> = {};
      if (dto.nameZh !== undefined) patch.nameZh = dto.nameZh;
      if (dto.nameEn !== undefined) patch.nameEn = dto.nameEn;
      const saved = await saveVersioned(m, Role, 'Role', role, patch);
      await this.audit.record(m, actor, {
        action: 'update',
        entity: 'role',
        entityId: id,
        before: { nameZh: role.nameZh, nameEn: role.nameEn, version: role.version },
        after: { nameZh: saved.nameZh, nameEn: saved.nameEn, version: saved.version },
      });
    });
    return this.getRole(id);
  }

  // ---- templates and versions ----

  async listTemplates(): Promise<TemplateDto[]> {
    const templates = await this.templates.find({ relations: { role: true }, order: { createdAt: 'ASC' } });
    return Promise.all(templates.map((t) => this.templateDto(t)));
  }

  async getTemplate(id: string): Promise<TemplateDto> {
    const template = await this.templates.findOne({ where: { id }, relations: { role: true } });
    if (!template) throw notFound('KPI template', id);
    return this.templateDto(template);
  }

  async listVersions(templateId: string): Promise<TemplateVersionSummaryDto[]> {
    await this.requireTemplate(templateId);
    const versions = await this.versions.find({ where: { templateId }, order: { number: 'DESC' } });
    return versions.map((v) => this.summaryDto(v));
  }

  async getVersion(templateId: string, versionId: string): Promise<TemplateVersionDto> {
    const v = await this.versions.findOneBy({ id: versionId, templateId });
    if (!v) throw notFound('Template version', versionId);
    return this.namedVersionDto(v);
  }

  /**
   * A draft from the pages' choice: `from` another role's template (a copy of its published version),
   * 'blank' (one KPI and the default bands, valid as it stands, to be edited), or nothing (a copy of
   * this template's own published version).
   */
  async createDraftFrom(actor: Actor, templateId: string, from: string | undefined): Promise<TemplateVersionDto> {
    if (!from) return this.createDraft(actor, templateId, undefined);
    if (from === 'blank') return this.createDraft(actor, templateId, undefined, starterContent());
    const source = await this.versions.findOne({ where: { templateId: from, status: 'published' }, order: { number: 'DESC' } });
    if (!source)
      throw badRequest('That role has no published version to copy', [{ field: 'from', code: 'exists', message: 'must be a role with a published version' }]);
    return this.createDraft(actor, templateId, undefined, { kpis: source.kpis, bands: source.bands });
  }

  /** Changing a published template starts here: a draft, copied from the current version unless content (or a copy of another's) is given. */
  async createDraft(
    actor: Actor,
    templateId: string,
    content: VersionContentDto | undefined,
    copy?: { kpis: KpiDefinition[]; bands: RatingBand[] },
  ): Promise<TemplateVersionDto> {
    const created = await this.dataSource.transaction(async (m) => {
      // Serialise draft creation per template so two admins cannot both take the next number.
      await m.query('SELECT id FROM kpi_templates WHERE id = $1 FOR UPDATE', [templateId]);
      const template = await m.findOneBy(KpiTemplate, { id: templateId });
      if (!template) throw notFound('KPI template', templateId);
      const existing = await m.findOneBy(KpiTemplateVersion, { templateId, status: 'draft' });
      if (existing) {
        throw conflict(`This template already has a draft (version ${existing.number}); edit or discard it first`, { draftVersionId: existing.id });
      }
      const latest = await m.findOne(KpiTemplateVersion, { where: { templateId }, order: { number: 'DESC' } });
      const current = await m.findOne(KpiTemplateVersion, { where: { templateId, status: 'published' }, order: { number: 'DESC' } });
      let body: { kpis: KpiDefinition[]; bands: RatingBand[] };
      if (content) body = normalizeContent(content, 'content.');
      else if (copy) body = copy;
      else if (current) body = { kpis: current.kpis, bands: current.bands };
      else
        throw badRequest('This template has no published version to copy; send the draft content', [
          { field: 'content', code: 'required', params: {}, message: 'is required' },
        ]);
      const draft = await m.save(
        m.create(KpiTemplateVersion, {
          templateId,
          number: (latest?.number ?? 0) + 1,
          status: 'draft',
          kpis: body.kpis,
          bands: body.bands,
          notes: content?.notes ?? '',
        }),
      );
      await this.audit.record(m, actor, {
        action: 'create',
        entity: 'kpi_template_version',
        entityId: draft.id,
        after: { number: draft.number, kpis: draft.kpis, bands: draft.bands },
      });
      return draft;
    });
    return this.namedVersionDto(created);
  }

  async updateDraft(actor: Actor, templateId: string, versionId: string, expected: number, content: VersionContentDto): Promise<TemplateVersionDto> {
    const body = normalizeContent(content);
    const saved = await this.dataSource.transaction(async (m) => {
      const v = await this.lockDraft(m, templateId, versionId, expected);
      const saved = await saveVersioned(m, KpiTemplateVersion, 'Template version', v, { kpis: body.kpis, bands: body.bands, notes: content.notes ?? v.notes });
      await this.audit.record(m, actor, {
        action: 'update',
        entity: 'kpi_template_version',
        entityId: versionId,
        before: { kpis: v.kpis, bands: v.bands, notes: v.notes, version: v.version },
        after: { kpis: saved.kpis, bands: saved.bands, notes: saved.notes, version: saved.version },
      });
      return saved;
    });
    return this.namedVersionDto(saved);
  }

  async discardDraft(actor: Actor, templateId: string, versionId: string, expected: number): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const v = await this.lockDraft(m, templateId, versionId, expected);
      await m.delete(KpiTemplateVersion, { id: v.id });
      await this.audit.record(m, actor, {
        action: 'discard',
        entity: 'kpi_template_version',
        entityId: versionId,
        before: { number: v.number, kpis: v.kpis, bands: v.bands },
      });
    });
  }

  /** Publishing freezes the draft; from then on new reviews of the role pin it. */
  async publish(actor: Actor, templateId: string, versionId: string, expected: number): Promise<TemplateVersionDto> {
    const saved = await this.dataSource.transaction(async (m) => {
      const v = await this.lockDraft(m, templateId, versionId, expected);
      // Drafts are validated on every save; checking again keeps publish safe against old rows.
      const problems = validateTemplate(v.kpis, v.bands);
      if (problems.length > 0) throw badRequest(`The draft cannot be published: ${problems.map((p) => p.message).join('; ')}`, problems);
      const saved = await saveVersioned(m, KpiTemplateVersion, 'Template version', v, {
        status: 'published',
        publishedAt: new Date(),
        publishedBy: actor.name,
      });
      await this.audit.record(m, actor, {
        action: 'publish',
        entity: 'kpi_template_version',
        entityId: versionId,
        before: { status: 'draft' },
        after: { status: 'published', number: v.number },
      });
      return saved;
    });
    return this.namedVersionDto(saved);
  }

  /** The role's current published version, or null when it has none yet. */
  async currentPublished(roleId: string, m: EntityManager = this.dataSource.manager): Promise<PublishedVersion | null> {
    const template = await m.findOne(KpiTemplate, { where: { roleId }, relations: { role: true } });
    if (!template) return null;
    const version = await m.findOne(KpiTemplateVersion, { where: { templateId: template.id, status: 'published' }, order: { number: 'DESC' } });
    return version ? { template, role: template.role, version } : null;
  }

  /** The roles every installation starts with (idempotent: existing roles are left alone). */
  async ensureDefaults(): Promise<number> {
    let created = 0;
    const system = systemActor();
    for (const def of DEFAULT_ROLES) {
      await this.dataSource.transaction(async (m) => {
        if (await m.existsBy(Role, { code: def.code })) return;
        const role = await m.save(m.create(Role, { code: def.code, nameZh: def.nameZh, nameEn: def.nameEn }));
        const template = await m.save(m.create(KpiTemplate, { roleId: role.id }));
        const problems = validateTemplate(def.kpis, def.bands);
        if (problems.length) throw new Error(`Default template ${def.code} is invalid: ${problems.map((p) => p.message).join('; ')}`);
        const v = await m.save(
          m.create(KpiTemplateVersion, {
            templateId: template.id,
            number: 1,
            status: 'published',
            kpis: def.kpis,
            bands: def.bands,
            notes: def.notes,
            publishedAt: new Date(),
            publishedBy: system.name,
          }),
        );
        await this.audit.record(m, system, { action: 'create', entity: 'role', entityId: role.id, after: { code: role.code } });
        await this.audit.record(m, system, { action: 'publish', entity: 'kpi_template_version', entityId: v.id, after: { number: 1 } });
        created += 1;
      });
    }
    return created;
  }

  // ---- helpers ----

  private async lockDraft(m: EntityManager, templateId: string, versionId: string, expected: number): Promise<KpiTemplateVersion> {
    const v = await lockVersioned(m, KpiTemplateVersion, 'Template version', versionId, expected);
    if (v.templateId !== templateId) throw notFound('Template version', versionId);
    if (v.status !== 'draft') {
      throw conflict(`Version ${v.number} is published and frozen; create a new draft to change the template`, { status: v.status });
    }
    return v;
  }

  private async requireTemplate(id: string): Promise<KpiTemplate> {
    const t = await this.templates.findOneBy({ id });
    if (!t) throw notFound('KPI template', id);
    return t;
  }

  private async currentNumbers(): Promise<Map<string, number>> {
    const rows: { template_id: string; number: number }[] = await this.versions.query(
      `SELECT template_id, max(number)::int AS number FROM kpi_template_versions WHERE status = 'published' GROUP BY template_id`,
    );
    return new Map(rows.map((r) => [r.template_id, r.number]));
  }

  private roleDto(r: Role, templateId: string, currentVersionNumber: number | null): RoleDto {
    return { id: r.id, code: r.code, nameZh: r.nameZh, nameEn: r.nameEn, version: r.version, templateId, currentVersionNumber };
  }

  private async templateDto(t: KpiTemplate): Promise<TemplateDto> {
    const versions = await this.versions.find({ where: { templateId: t.id }, order: { number: 'DESC' } });
    const current = versions.find((v) => v.status === 'published') ?? null;
    const draft = versions.find((v) => v.status === 'draft') ?? null;
    return {
      id: t.id,
      role: this.roleDto(t.role, t.id, current?.number ?? null),
      current: current ? await this.namedVersionDto(current) : null,
      draftVersionId: draft?.id ?? null,
      versions: versions.map((v) => this.summaryDto(v)),
    };
  }

  private summaryDto(v: KpiTemplateVersion): TemplateVersionSummaryDto {
    return { id: v.id, number: v.number, status: v.status, kpiCount: v.kpis.length, publishedAt: v.publishedAt?.toISOString() ?? null, notes: v.notes };
  }

  /** Who published it is said by name (displayNames); the audit keeps the sign-in. */
  private async namedVersionDto(v: KpiTemplateVersion): Promise<TemplateVersionDto> {
    const nameOf = await displayNames(this.dataSource, [v.publishedBy]);
    return {
      id: v.id,
      templateId: v.templateId,
      number: v.number,
      status: v.status,
      kpis: v.kpis,
      bands: v.bands,
      notes: v.notes,
      weightSum: weightSum(v.kpis),
      publishedAt: v.publishedAt?.toISOString() ?? null,
      publishedBy: nameOf(v.publishedBy),
      version: v.version,
      createdAt: v.createdAt.toISOString(),
      updatedAt: new Date(v.updatedAt).toISOString(),
    };
  }
}
