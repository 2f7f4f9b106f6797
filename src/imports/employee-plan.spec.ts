import { describe, expect, it } from '@jest/globals';
import { type EmployeeRecord, planEmployees } from './employee-plan.js';
import type { Cell, Table } from './read-table.js';

const HEADERS = ['工号 / Employee number', 'Name', '邮箱', 'department', 'Role code', "Manager's employee number", '入职日期', 'Active'];
const roles = new Set(['manager', 'account_manager']);

function table(rows: Cell[][], headers = HEADERS): Table {
  return { sheet: null, headers, rows: rows.map((cells, i) => ({ row: i + 2, cells })) };
}
const row = (no: string, manager: string | null = null, extra: Partial<Record<'name' | 'role' | 'date', Cell>> = {}): Cell[] => [
  no,
  extra.name ?? `Name ${no}`,
  `${no.toLowerCase()}@example.com`,
  'Sales',
  extra.role ?? 'account_manager',
  manager,
  extra.date ?? '2021/3/15',
  'true',
];
const record = (no: string, managerNo: string | null = null): EmployeeRecord => ({
  employeeNo: no,
  name: `Name ${no}`,
  email: `${no.toLowerCase()}@example.com`,
  department: 'Sales',
  roleCode: 'account_manager',
  managerNo,
  hireDate: '2021-03-15',
  active: true,
});

describe('planEmployees', () => {
  it('creates new numbers, with a manager further down the file, and leaves matching records unchanged', () => {
    const p = planEmployees(table([row('E2', 'E3'), row('E3'), row('E1')]), new Map([['E1', record('E1')]]), roles);
    expect(p.refused).toEqual([]);
    expect(p.unchanged).toBe(1);
    expect(p.changes.map((c) => [c.row, c.action, c.employeeNo])).toEqual([
      [2, 'create', 'E2'],
      [3, 'create', 'E3'],
    ]);
  });

  it('shows each update as before → after, for changed fields only', () => {
    const p = planEmployees(table([row('E1', null, { name: '王小明', date: 46027 })]), new Map([['E1', record('E1')]]), roles);
    expect(p.changes).toEqual([
      expect.objectContaining({
        action: 'update',
        fields: [
          { field: 'name', before: 'Name E1', after: '王小明' },
          { field: 'hireDate', before: '2021-03-15', after: '2026-01-05' },
        ],
      }),
    ]);
  });

  it('refuses unknown roles, bad dates, duplicates (every occurrence) and names row and column', () => {
    const p = planEmployees(table([row('E1', null, { role: 'ceo' }), row('E2', null, { date: '2026/2/30' }), row('E3'), row('E3')]), new Map(), roles);
    expect(p.refused.map((e) => [e.row, e.column])).toEqual([
      [2, '角色代码 / Role code'],
      [3, '入职日期 / Hire date'],
      [4, '工号 / Employee number'],
      [5, '工号 / Employee number'],
    ]);
    expect(p.refused[0].message).toContain('role code "ceo" does not exist');
    expect(p.refused[2].message).toBe('employee number E3 is on rows 4, 5 of this file');
    expect(p.refusedRows).toBe(4);
    expect(p.changes).toEqual([]);
  });

  it('refuses a reporting loop naming the rows, also one closed through a record', () => {
    const p = planEmployees(table([row('A', 'B'), row('B', 'C'), row('C', 'A'), row('D', 'A')]), new Map(), roles);
    expect(p.refused.filter((e) => e.message.startsWith('reporting loop')).map((e) => e.row)).toEqual([2, 3, 4]);
    expect(p.refused[0].message).toBe('reporting loop: A (row 2) → B (row 3) → C (row 4) → A');
    // D's manager A was refused and is not on record either.
    expect(p.refused.find((e) => e.row === 5)?.message).toContain('manager A is on refused row(s) 2');
    const q = planEmployees(
      table([row('X', 'Y')]),
      new Map([
        ['Y', record('Y', 'X')],
        ['X', record('X')],
      ]),
      roles,
    );
    expect(q.refused.map((e) => e.message)).toEqual(['reporting loop: X (row 2) → Y → X']);
  });

  it('refuses a missing manager and a file without the required columns', () => {
    const p = planEmployees(table([row('E1', 'NOPE')]), new Map(), roles);
    expect(p.refused[0].message).toBe('manager NOPE is neither on record nor in this file');
    expect(() => planEmployees(table([['E1']], ['工号']), new Map(), roles)).toThrow(/lacks the column\(s\) Name, Email, Department, Role code, Hire date/);
  });

  it('reads neutralised cells back as the text that was stored', () => {
    const p = planEmployees(table([row('E1', null, { name: "'=Hyperlink" })]), new Map(), roles);
    expect(p.changes[0].after.name).toBe('=Hyperlink');
  });
});
