import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AccessScopes, covers } from '../auth/access-scope.js';
import type { Actor } from '../common/actor.js';
import { badRequest, duplicate, notFound, stillReferenced } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { rejectNulls } from '../common/validation.js';
import { lockVersioned, saveVersioned } from '../common/versioning.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import type { CreateEmployeeDto, EmployeeDto, EmployeeQueryDto, UpdateEmployeeDto } from './dto/employee.dto.js';
import { EmployeeQueries } from './employee-queries.js';
import { Employee } from './employee.entity.js';

/** The fields an audit entry shows for an employee. */
function snapshot(e: Employee): Record<string, unknown> {
  return {
    employeeNo: e.employeeNo,
    name: e.name,
    email: e.email,
    roleId: e.roleId,
    department: e.department,
    managerId: e.managerId,
    hireDate: e.hireDate,
    active: e.active,
    version: e.version,
  };
}

// Any reporting-line change takes this lock, so two concurrent re-orgs cannot together build a loop
// that neither would build alone.
export const REPORTING_TREE_LOCK = 4_242_001;

@Injectable()
export class EmployeesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: AccessScopes,
    private readonly queries: EmployeeQueries,
    private readonly templates: KpiTemplatesService,
    private readonly audit: AuditService,
  ) {}

  /** Out of scope looks exactly like not found. */
  async assertVisible(actor: Actor, employeeId: string): Promise<void> {
    if (!covers(await this.scopes.of(actor), employeeId)) throw notFound('Employee', employeeId);
  }

  async list(actor: Actor, q: EmployeeQueryDto): Promise<Page<EmployeeDto>> {
    const scope = await this.scopes.of(actor);
    if (q.managerId && !covers(scope, q.managerId)) throw notFound('Employee', q.managerId);
    return this.queries.list(scope, q);
  }

  /** The id of the employee with this number (in any case), within what the actor may see; null if none. */
  async idByNumber(actor: Actor, employeeNo: string): Promise<string | null> {
    return this.queries.idByNumber(await this.scopes.of(actor), employeeNo);
  }

  /** Department names in use, within what the actor may see (for filters). */
  async departments(actor: Actor): Promise<string[]> {
    return this.queries.departments(await this.scopes.of(actor));
  }

  async get(actor: Actor, id: string): Promise<EmployeeDto> {
    await this.assertVisible(actor, id);
    return this.toDto(await this.findById(id));
  }

  /** For other modules: the employee row, or 404. */
  async findById(id: string, m: EntityManager = this.dataSource.manager): Promise<Employee> {
    const e = await this.queries.findById(id, m);
    if (!e) throw notFound('Employee', id);
    return e;
  }

  async create(actor: Actor, dto: CreateEmployeeDto): Promise<EmployeeDto> {
    const id = await this.dataSource.transaction(async (m) => {
      await this.checkRole(m, dto.roleId);
      if (await m.existsBy(Employee, { employeeNo: dto.employeeNo })) {
        throw duplicate(`Employee number ${dto.employeeNo} is already taken`, [{ field: 'employeeNo', code: 'unique', params: {}, message: 'must be unique' }]);
      }
      if (dto.managerId) await this.checkManager(m, null, dto.managerId);
      const saved = await m.save(
        m.create(Employee, {
          employeeNo: dto.employeeNo,
          name: dto.name,
          email: dto.email,
          roleId: dto.roleId,
          department: dto.department,
          managerId: dto.managerId ?? null,
          hireDate: dto.hireDate,
          active: dto.active ?? true,
        }),
      );
      await this.audit.record(m, actor, { action: 'create', entity: 'employee', entityId: saved.id, after: snapshot(saved) });
      return saved.id;
    });
    return this.get(actor, id);
  }

  async update(actor: Actor, id: string, expected: number, dto: UpdateEmployeeDto): Promise<EmployeeDto> {
    rejectNulls(dto, ['employeeNo', 'name', 'email', 'roleId', 'department', 'hireDate', 'active']);
    await this.dataSource.transaction(async (m) => {
      if (dto.managerId !== undefined) await m.query('SELECT pg_advisory_xact_lock($1)', [REPORTING_TREE_LOCK]);
      const e = await lockVersioned(m, Employee, 'Employee', id, expected);
      const patch: Partial<Employee> = {};
      if (dto.employeeNo !== undefined && dto.employeeNo !== e.employeeNo) {
        if (await m.existsBy(Employee, { employeeNo: dto.employeeNo })) {
          throw duplicate(`Employee number ${dto.employeeNo} is already taken`, [
            { field: 'employeeNo', code: 'unique', params: {}, message: 'must be unique' },
          ]);
        }
        patch.employeeNo = dto.employeeNo;
      }
      if (dto.name !== undefined) patch.name = dto.name;
      if (dto.email !== undefined) patch.email = dto.email;
      if (dto.department !== undefined) patch.department = dto.department;
      if (dto.hireDate !== undefined) patch.hireDate = dto.hireDate;
      if (dto.active !== undefined) patch.active = dto.active;
      if (dto.roleId !== undefined && dto.roleId !== e.roleId) {
        await this.checkRole(m, dto.roleId);
        patch.roleId = dto.roleId;
      }
      if (dto.managerId !== undefined && dto.managerId !== e.managerId) {
        if (dto.managerId !== null) await this.checkManager(m, id, dto.managerId);
        patch.managerId = dto.managerId;
      }
      const saved = await saveVersioned(m, Employee, 'Employee', e, patch);
      await this.audit.record(m, actor, { action: 'update', entity: 'employee', entityId: id, before: snapshot(e), after: snapshot(saved) });
    });
    return this.get(actor, id);
  }

  /**
   * Only a mistaken entry can be deleted. Anyone with reviews stays on record (deactivate them
   * instead), and so does anyone others still report to.
   */
  async remove(actor: Actor, id: string, expected: number): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const e = await lockVersioned(m, Employee, 'Employee', id, expected);
      const reviews = await this.queries.reviewCount(m, id);
      if (reviews > 0) {
        throw stillReferenced(`${e.name} has ${reviews} review(s) and stays on record; deactivate instead (PATCH with "active": false)`, { reviews });
      }
      const reports = await m.countBy(Employee, { managerId: id });
      if (reports > 0) throw stillReferenced(`${reports} employee(s) report to ${e.name}; give them another manager first`, { reports });
      await m.delete(Employee, { id });
      await this.audit.record(m, actor, { action: 'delete', entity: 'employee', entityId: id, before: snapshot(e) });
    });
  }

  private async checkRole(m: EntityManager, roleId: string): Promise<void> {
    if (!(await this.templates.roleExists(roleId, m))) {
      throw badRequest(`Role ${roleId} does not exist`, [{ field: 'roleId', code: 'exists', message: 'must be an existing role' }]);
    }
  }

  /** A manager must exist and must not sit below the employee: a reporting chain never loops. */
  private async checkManager(m: EntityManager, employeeId: string | null, managerId: string): Promise<void> {
    if (employeeId === managerId)
      throw badRequest('An employee cannot be their own manager', [{ field: 'managerId', code: 'notSelf', message: 'must not be the employee' }]);
    if (!(await m.existsBy(Employee, { id: managerId }))) {
      throw badRequest(`Manager ${managerId} does not exist`, [{ field: 'managerId', code: 'exists', message: 'must be an existing employee' }]);
    }
    if (employeeId && (await this.scopes.subtreeIds(employeeId, m)).includes(managerId)) {
      throw badRequest('That manager reports (directly or indirectly) to this employee; the reporting chain would loop', [
        { field: 'managerId', code: 'noLoop', message: "must not be one of the employee's own reports" },
      ]);
    }
  }

  toDto(e: Employee): EmployeeDto {
    return {
      id: e.id,
      employeeNo: e.employeeNo,
      name: e.name,
      email: e.email,
      role: { id: e.role.id, code: e.role.code, nameZh: e.role.nameZh, nameEn: e.role.nameEn },
      department: e.department,
      manager: e.manager ? { id: e.manager.id, employeeNo: e.manager.employeeNo, name: e.manager.name } : null,
      hireDate: e.hireDate,
      active: e.active,
      version: e.version,
      createdAt: e.createdAt.toISOString(),
      updatedAt: new Date(e.updatedAt).toISOString(),
    };
  }
}
