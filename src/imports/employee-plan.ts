// Step 3 of the employee import: rows of a table + the people on record → typed changes and per-row
// refusals. Pure: the service reads the records, calls this, and applies what it returns.
import { isEmail } from 'class-validator';
import { EMPLOYEE_COLUMNS, type EmployeeColumn, employeeColumnOf, type EmployeeRecord } from '../spreadsheets/employee-columns.js';
import { restoreNeutralised } from '../spreadsheets/cells.js';
import { ImportFileError, type Cell, type Table } from './read-table.js';
import { booleanOf, dateOf, textOf } from './values.js';

export type EmployeeField = EmployeeColumn['key'];

export type { EmployeeRecord };

export interface RowError {
  row: number;
  column: string;
  message: string;
  messageZh: string;
}

export interface FieldChange {
  field: EmployeeField;
  before: string | boolean | null;
  after: string | boolean | null;
}

export interface EmployeeChange {
  row: number;
  action: 'create' | 'update';
  employeeNo: string;
  /** The whole record after the change. */
  after: EmployeeRecord;
  /** Fields that differ from the record (all of them for a create). */
  fields: FieldChange[];
}

export interface EmployeePlan {
  changes: EmployeeChange[];
  unchanged: number;
  refused: RowError[];
  /** Rows refused (each may have several errors). */
  refusedRows: number;
  ignoredColumns: string[];
}

const REQUIRED: EmployeeField[] = ['employeeNo', 'name', 'email', 'department', 'roleCode', 'hireDate'];
const NUMBER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

const label = (field: EmployeeField) => {
  const c = EMPLOYEE_COLUMNS.find((x) => x.key === field);
  return c ? `${c.zh} / ${c.en}` : field;
};

/** Which column holds which field; refuses a file that lacks a required column. */
export function employeeHeader(table: Table): { columns: Map<EmployeeField, number>; ignored: string[] } {
  const columns = new Map<EmployeeField, number>();
  const ignored: string[] = [];
  table.headers.forEach((h, i) => {
    if (!h.trim()) return;
    const key = columnOfHeader(h, employeeColumnOf);
    if (key && !columns.has(key)) columns.set(key, i);
    else ignored.push(h);
  });
  const missing = REQUIRED.filter((f) => !columns.has(f));
  if (missing.length > 0) {
    throw new ImportFileError(
      `The header row lacks the column(s) ${missing.map((f) => EMPLOYEE_COLUMNS.find((c) => c.key === f)?.en).join(', ')}; expected ${EMPLOYEE_COLUMNS.map((c) => c.en).join(', ')}`,
      `表头缺少列：${missing.map((f) => EMPLOYEE_COLUMNS.find((c) => c.key === f)?.zh).join('、')}；应有：${EMPLOYEE_COLUMNS.map((c) => c.zh).join('、')}`,
    );
  }
  return { columns, ignored };
}

/** A header cell as a column: the whole text, or else each part of a bilingual `中文 / English` header. */
export function columnOfHeader<K>(header: string, lookup: (text: string) => K | undefined): K | undefined {
  const text = restoreNeutralised(header.trim());
  const whole = lookup(text);
  if (whole !== undefined) return whole;
  for (const part of text.split(/\s+\/\s+/)) {
    const key = lookup(part);
    if (key !== undefined) return key;
  }
  return undefined;
}

interface Candidate {
  row: number;
  value: EmployeeRecord;
  /** Active was left empty: keep what is on record (true for a new employee). */
  activeGiven: boolean;
}

export function planEmployees(table: Table, onRecord: ReadonlyMap<string, EmployeeRecord>, roleCodes: ReadonlySet<string>): EmployeePlan {
  const { columns, ignored } = employeeHeader(table);
  const refused: RowError[] = [];
  const refusedRows = new Set<number>();
  const refuse = (row: number, field: EmployeeField, message: string, messageZh: string) => {
    refused.push({ row, column: label(field), message, messageZh });
    refusedRows.add(row);
  };

  // Validate each row on its own.
  const candidates: Candidate[] = [];
  for (const r of table.rows) {
    const cell = (f: EmployeeField): Cell => {
      const i = columns.get(f);
      const c = i === undefined ? null : (r.cells[i] ?? null);
      return typeof c === 'string' ? restoreNeutralised(c) : c;
    };
    const text = (f: EmployeeField) => textOf(cell(f));
    const before = refused.length;
    const employeeNo = text('employeeNo');
    if (!NUMBER.test(employeeNo)) {
      refuse(
        r.row,
        'employeeNo',
        employeeNo ? `"${employeeNo}" is not an employee number (1 to 32 letters, digits, - or _)` : 'is empty',
        employeeNo ? `"${employeeNo}" 不是有效工号（1 至 32 位字母、数字、- 或 _）` : '为空',
      );
    }
    const name = text('name');
    if (name.length < 1 || name.length > 200) refuse(r.row, 'name', name ? 'is longer than 200 characters' : 'is empty', name ? '超过 200 个字符' : '为空');
    const email = text('email');
    if (!isEmail(email) || email.length > 320) refuse(r.row, 'email', `"${email}" is not an e-mail address`, `"${email}" 不是电子邮箱地址`);
    const department = text('department');
    if (department.length < 1 || department.length > 200)
      refuse(r.row, 'department', department ? 'is longer than 200 characters' : 'is empty', department ? '超过 200 个字符' : '为空');
    const roleCode = text('roleCode');
    if (!roleCodes.has(roleCode)) {
      const known = [...roleCodes].sort().join(', ');
      refuse(
        r.row,
        'roleCode',
        roleCode ? `role code "${roleCode}" does not exist (known: ${known})` : 'is empty',
        roleCode ? `角色代码 "${roleCode}" 不存在（已有：${known}）` : '为空',
      );
    }
    const managerNo = text('managerNo') || null;
    if (managerNo !== null && managerNo === employeeNo) refuse(r.row, 'managerNo', 'an employee cannot be their own manager', '员工不能是自己的上级');
    const hire = dateOf(cell('hireDate'));
    if (!hire.ok) refuse(r.row, 'hireDate', hire.message, hire.messageZh);
    else if (hire.value === null) refuse(r.row, 'hireDate', 'is empty', '为空');
    const active = booleanOf(cell('active'));
    if (!active.ok) refuse(r.row, 'active', active.message, active.messageZh);
    if (refused.length > before) continue;
    candidates.push({
      row: r.row,
      value: {
        employeeNo,
        name,
        email,
        department,
        roleCode,
        managerNo,
        hireDate: hire.ok ? (hire.value ?? '') : '',
        active: (active.ok && active.value) ?? true,
      },
      activeGiven: active.ok && active.value !== null,
    });
  }

  // A number twice in one file: which row is right cannot be told, so every occurrence is refused.
  const byNo = new Map<string, Candidate[]>();
  for (const c of candidates) byNo.set(c.value.employeeNo, [...(byNo.get(c.value.employeeNo) ?? []), c]);
  const rowsOfNo = new Map<string, number[]>();
  for (const r of table.rows) {
    const i = columns.get('employeeNo');
    const no = textOf(i === undefined ? null : (r.cells[i] ?? null));
    if (no) rowsOfNo.set(no, [...(rowsOfNo.get(no) ?? []), r.row]);
  }
  let accepted = new Map<string, Candidate>();
  for (const c of candidates) {
    const rows = rowsOfNo.get(c.value.employeeNo) ?? [];
    if (rows.length > 1) {
      refuse(
        c.row,
        'employeeNo',
        `employee number ${c.value.employeeNo} is on rows ${rows.join(', ')} of this file`,
        `工号 ${c.value.employeeNo} 在本文件第 ${rows.join('、')} 行重复出现`,
      );
    } else accepted.set(c.value.employeeNo, c);
  }
  for (const c of accepted.values()) {
    const onFile = onRecord.get(c.value.employeeNo);
    if (onFile && !c.activeGiven) c.value.active = onFile.active;
  }

  // Managers must exist, on record or as an accepted row (above or below), and the tree as it would
  // be (the file's rows over the records) must not loop. Each refusal can refuse rows that depend on
  // it, so both checks repeat until nothing more is refused.
  for (let size = -1; size !== accepted.size;) {
    size = accepted.size;
    for (const c of [...accepted.values()]) {
      const m = c.value.managerNo;
      if (m === null || accepted.has(m) || onRecord.has(m)) continue;
      const theirRows = rowsOfNo.get(m);
      if (theirRows) {
        refuse(c.row, 'managerNo', `manager ${m} is on refused row(s) ${theirRows.join(', ')}`, `上级 ${m} 所在的第 ${theirRows.join('、')} 行被拒绝`);
      } else {
        refuse(c.row, 'managerNo', `manager ${m} is neither on record nor in this file`, `上级工号 ${m} 既不在系统中，也不在本文件中`);
      }
      accepted.delete(c.value.employeeNo);
    }
    accepted = refuseLoops(accepted, onRecord, (c, loop) =>
      refuse(
        c.row,
        'managerNo',
        `reporting loop: ${loop.map((x) => `${x.no}${x.row ? ` (row ${x.row})` : ''}`).join(' → ')} → ${loop[0].no}`,
        `汇报关系成环：${loop.map((x) => `${x.no}${x.row ? `（第 ${x.row} 行）` : ''}`).join(' → ')} → ${loop[0].no}`,
      ),
    );
  }

  const changes: EmployeeChange[] = [];
  let unchanged = 0;
  for (const c of accepted.values()) {
    const before = onRecord.get(c.value.employeeNo);
    const fields: FieldChange[] = [];
    for (const { key } of EMPLOYEE_COLUMNS) {
      if (key === 'employeeNo' && before) continue;
      const b = before ? before[key] : null;
      const a = c.value[key];
      if (b !== a) fields.push({ field: key, before: b, after: a });
    }
    if (before && fields.length === 0) unchanged++;
    else changes.push({ row: c.row, action: before ? 'update' : 'create', employeeNo: c.value.employeeNo, after: c.value, fields });
  }
  refused.sort((a, b) => a.row - b.row);
  return { changes: changes.sort((a, b) => a.row - b.row), unchanged, refused, refusedRows: refusedRows.size, ignoredColumns: ignored };
}

function refuseLoops(
  accepted: Map<string, Candidate>,
  onRecord: ReadonlyMap<string, EmployeeRecord>,
  refuse: (c: Candidate, loop: { no: string; row: number | null }[]) => void,
): Map<string, Candidate> {
  const managerOf = (no: string): string | null => accepted.get(no)?.value.managerNo ?? onRecord.get(no)?.managerNo ?? null;
  for (;;) {
    const state = new Map<string, 'walking' | 'done'>();
    let found: string[] | null = null;
    for (const start of accepted.keys()) {
      const path: string[] = [];
      let no: string | null = start;
      while (no !== null && !state.has(no)) {
        state.set(no, 'walking');
        path.push(no);
        no = managerOf(no);
      }
      if (no !== null && state.get(no) === 'walking') found = path.slice(path.indexOf(no));
      for (const p of path) state.set(p, 'done');
      if (found) break;
    }
    if (!found) return accepted;
    // The records alone never loop, so every loop holds at least one row of the file.
    const loop = found.map((no) => ({ no, row: accepted.get(no)?.row ?? null }));
    for (const no of found) {
      const c = accepted.get(no);
      if (c) {
        refuse(c, loop);
        accepted.delete(no);
      }
    }
  }
}
