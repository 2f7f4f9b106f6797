import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Role } from '../kpi-templates/role.entity.js';

@Entity('employees')
// Search indexes (trigram on the lower-cased name, prefix on the lower-cased number) are written by
// hand in their migration; TypeORM cannot express them and must leave them alone.
@Index('ix_employees_search_name_trgm', { synchronize: false })
@Index('ix_employees_search_no_prefix', { synchronize: false })
@Index('ix_employees_search_grams', { synchronize: false })
// (employee_no) INCLUDE (id) WHERE active: the default list and its total, from the index alone.
@Index('ix_employees_active_no', { synchronize: false })
export class Employee {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'employee_no', type: 'varchar', length: 32, unique: true })
  employeeNo: string;

  @Index('ix_employees_name')
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 320 })
  email: string;

  @Index('ix_employees_role')
  @Column({ name: 'role_id', type: 'uuid' })
  roleId: string;

  @ManyToOne(() => Role, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'role_id' })
  role: Relation<Role>;

  @Index('ix_employees_department')
  @Column({ type: 'varchar', length: 200 })
  department: string;

  @Index('ix_employees_manager')
  @Column({ name: 'manager_id', type: 'uuid', nullable: true })
  managerId: string | null;

  @ManyToOne(() => Employee, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'manager_id' })
  manager: Relation<Employee> | null;

  @Column({ name: 'hire_date', type: 'date' })
  hireDate: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;

  // Lower-cased copies that PostgreSQL keeps for search (docs/decisions/0008-employee-search-columns.md).
  @Column({ name: 'search_name', type: 'text', generatedType: 'STORED', asExpression: 'lower(name)', insert: false, update: false, select: false })
  searchName: string;

  @Column({ name: 'search_no', type: 'text', generatedType: 'STORED', asExpression: 'lower(employee_no)', insert: false, update: false, select: false })
  searchNo: string;

  // Every one- and two-character piece of search_name (migration EmployeeSearchGrams), for terms
  // too short for trigrams.
  @Column({
    name: 'search_grams',
    type: 'text',
    array: true,
    generatedType: 'STORED',
    asExpression: 'search_grams(lower(name))',
    insert: false,
    update: false,
    select: false,
  })
  searchGrams: string[];
}
