// The one employee sheet layout: the export writes these headers and the import reads them back,
// so a file downloaded from /api/employees.xlsx|.csv imports again unchanged (the round trip).
export interface EmployeeColumn {
  /** Field of an import row / export row. */
  key: 'employeeNo' | 'name' | 'email' | 'department' | 'roleCode' | 'managerNo' | 'hireDate' | 'active';
  en: string;
  zh: string;
}

export const EMPLOYEE_COLUMNS: readonly EmployeeColumn[] = [
  { key: 'employeeNo', en: 'Employee number', zh: '工号' },
  { key: 'name', en: 'Name', zh: '姓名' },
  { key: 'email', en: 'Email', zh: '邮箱' },
  { key: 'department', en: 'Department', zh: '部门' },
  { key: 'roleCode', en: 'Role code', zh: '角色代码' },
  { key: 'managerNo', en: "Manager's employee number", zh: '上级工号' },
  { key: 'hireDate', en: 'Hire date', zh: '入职日期' },
  { key: 'active', en: 'Active', zh: '在职' },
];

/** Header text as people type it: case, spaces, punctuation and full-width forms do not matter. */
export function normaliseHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-'’.:：()（）]+/g, '');
}

const byHeader = new Map<string, EmployeeColumn['key']>();
for (const column of EMPLOYEE_COLUMNS) {
  byHeader.set(normaliseHeader(column.en), column.key);
  byHeader.set(normaliseHeader(column.zh), column.key);
  byHeader.set(normaliseHeader(column.key), column.key);
}

/** The column a header names (English, Chinese or the field key), or undefined. */
export function employeeColumnOf(header: string): EmployeeColumn['key'] | undefined {
  return byHeader.get(normaliseHeader(header));
}

/** One employee as the sheet shows it, and as an import row wants it: by number, not by id. */
export interface EmployeeRecord {
  employeeNo: string;
  name: string;
  email: string;
  department: string;
  roleCode: string;
  managerNo: string | null;
  /** YYYY-MM-DD. */
  hireDate: string;
  active: boolean;
}

/** Read with {@link EMPLOYEE_RECORD_COLUMNS}. */
export interface EmployeeRecordRow {
  employee_no: string;
  name: string;
  email: string;
  department: string;
  role_code: string;
  manager_no: string | null;
  hire_date: string;
  active: boolean;
}

/**
 * The select list of an EmployeeRecord, over `employees e JOIN roles r ON r.id = e.role_id LEFT
 * JOIN employees mgr ON mgr.id = e.manager_id`: the export and the import read people alike.
 */
export const EMPLOYEE_RECORD_COLUMNS = `e.employee_no, e.name, e.email, e.department, r.code AS role_code, mgr.employee_no AS manager_no,
  to_char(e.hire_date, 'YYYY-MM-DD') AS hire_date, e.active`;

export function employeeRecordOf(r: EmployeeRecordRow): EmployeeRecord {
  return {
    employeeNo: r.employee_no,
    name: r.name,
    email: r.email,
    department: r.department,
    roleCode: r.role_code,
    managerNo: r.manager_no,
    hireDate: r.hire_date,
    active: r.active,
  };
}
