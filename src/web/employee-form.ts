import type { EmployeeDto } from '../employees/dto/employee.dto.js';
import { str } from './forms.js';

/** The employee form as typed: everything a string except the active box. */
export interface EmployeeForm {
  employeeNo: string;
  name: string;
  email: string;
  roleId: string;
  department: string;
  /** The manager's employee number; people know numbers, not ids. Empty: no manager. */
  managerNo: string;
  hireDate: string;
  active: boolean;
}

export function employeeFormOf(body: unknown): EmployeeForm {
  return {
    employeeNo: str(body, 'employeeNo').trim(),
    name: str(body, 'name').trim(),
    email: str(body, 'email').trim(),
    roleId: str(body, 'roleId'),
    department: str(body, 'department').trim(),
    managerNo: str(body, 'managerNo').trim(),
    hireDate: str(body, 'hireDate').trim(),
    active: str(body, 'active') === 'on',
  };
}

export function employeeFormFrom(e: EmployeeDto): EmployeeForm {
  return {
    employeeNo: e.employeeNo,
    name: e.name,
    email: e.email,
    roleId: e.role.id,
    department: e.department,
    managerNo: e.manager?.employeeNo ?? '',
    hireDate: e.hireDate,
    active: e.active,
  };
}

/** The fields whose saved value differs from what was typed: what someone else changed meanwhile. */
export function changedFields(typed: EmployeeForm, saved: EmployeeForm): (keyof EmployeeForm)[] {
  return (Object.keys(typed) as (keyof EmployeeForm)[]).filter((k) => typed[k] !== saved[k]);
}
