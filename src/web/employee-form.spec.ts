import { describe, expect, it } from '@jest/globals';
import { changedFields, employeeFormOf } from './employee-form.js';

describe('employee form', () => {
  it('reads a posted form: trimmed strings, the box on only when ticked, missing fields empty', () => {
    expect(employeeFormOf({ employeeNo: ' E1 ', name: '王伟', active: 'on', managerNo: ' M002' })).toEqual({
      employeeNo: 'E1',
      name: '王伟',
      email: '',
      roleId: '',
      department: '',
      managerNo: 'M002',
      hireDate: '',
      active: true,
    });
    expect(employeeFormOf({}).active).toBe(false);
    expect(employeeFormOf(null).name).toBe('');
  });

  it('lists the fields that differ', () => {
    const a = employeeFormOf({ employeeNo: 'E1', name: 'A', active: 'on' });
    expect(changedFields(a, { ...a })).toEqual([]);
    expect(changedFields(a, { ...a, name: 'B', active: false })).toEqual(['name', 'active']);
  });
});
