import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import type { KpiDefinition, RatingBand } from '../scoring/types.js';
import { Role } from './role.entity.js';

@Entity('kpi_templates')
export class KpiTemplate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** One template per role; its versions carry the KPIs. */
  @Column({ name: 'role_id', type: 'uuid', unique: true })
  roleId: string;

  @ManyToOne(() => Role, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'role_id' })
  role: Relation<Role>;

  @OneToMany(() => KpiTemplateVersion, (v) => v.template)
  versions: Relation<KpiTemplateVersion[]>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

export type TemplateVersionStatus = 'draft' | 'published';

@Entity('kpi_template_versions')
@Unique('uq_template_version_number', ['templateId', 'number'])
// A template has at most one draft at a time, so "the draft" is never ambiguous.
@Index('uq_template_one_draft', ['templateId'], { unique: true, where: `"status" = 'draft'` })
export class KpiTemplateVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'template_id', type: 'uuid' })
  templateId: string;

  @ManyToOne(() => KpiTemplate, (t) => t.versions, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_id' })
  template: Relation<KpiTemplate>;

  @Column({ type: 'integer' })
  number: number;

  @Column({ type: 'varchar', length: 16 })
  status: TemplateVersionStatus;

  @Column({ type: 'jsonb' })
  kpis: KpiDefinition[];

  @Column({ type: 'jsonb' })
  bands: RatingBand[];

  @Column({ type: 'text', default: '' })
  notes: string;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'published_by', type: 'varchar', length: 200, nullable: true })
  publishedBy: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
