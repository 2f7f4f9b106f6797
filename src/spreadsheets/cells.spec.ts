import { describe, expect, it } from '@jest/globals';
import { neutralise, restoreNeutralised } from './cells.js';
import { employeeColumnOf } from './employee-columns.js';

describe('formula neutralising', () => {
  it.each(['=SUM(A1)', '+1', '-2', '@cmd', '\tx', '\rx'])('prefixes %j and restores it', (text) => {
    expect(neutralise(text)).toBe(`'${text}`);
    expect(restoreNeutralised(neutralise(text))).toBe(text);
  });
  it('leaves ordinary text, and an apostrophe the person typed, alone', () => {
    expect(neutralise('王小明')).toBe('王小明');
    expect(restoreNeutralised("'quoted")).toBe("'quoted");
  });
});

describe('employee headers', () => {
  it('reads English, Chinese and key headers however they are typed', () => {
    expect(employeeColumnOf("Manager's employee number")).toBe('managerNo');
    expect(employeeColumnOf('  上级工号 ')).toBe('managerNo');
    expect(employeeColumnOf('EMPLOYEE_NUMBER')).toBe('employeeNo');
    expect(employeeColumnOf('role code')).toBe('roleCode');
    expect(employeeColumnOf('salary')).toBeUndefined();
  });
});
