// End-to-end tests of /api/employees: creation, validation, search, filters, paging, sorting,
// optimistic versioning, reporting-line rules (including concurrent re-orgs), deletion,
// deactivation and the audit trail. Everything goes through HTTP as HR.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { EmployeeDto, EmployeePageDto } from '../src/employees/dto/employee.dto.js';
import type { RoleDto } from '../src/kpi-templates/dto/template.dto.js';
import { auditOf, createEmployee, errorFields, expectError, getEmployee, getRole, recordStatuses, uniq } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

/** A version-4 UUID that names nothing in the database. */
const UNKNOWN_ID = '9b2f7c1e-4d3a-4e8b-9c6f-0a1b2c3d4e5f';

describe('employees API', () => {
  let t: TestApp;
  let statuses: { method: string; url: string; status: number }[];
  let accountManager: RoleDto;
  let manager: RoleDto;

  beforeAll(async () => {
    t = await createTestApp();
    statuses = recordStatuses(t);
    accountManager = await getRole(t, 'account_manager');
    manager = await getRole(t, 'manager');
  });
  afterAll(async () => {
    await t.close();
  });

  /** A complete, valid create body with unique number and email; overrides win. */
  function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const u = uniq();
    return {
      employeeNo: `V-${u}`,
      name: `Valid ${u}`,
      email: `v-${u}@example.com`,
      roleId: accountManager.id,
      department: 'Validation',
      hireDate: '2021-03-15',
      ...overrides,
    };
  }

  const post = (b: Record<string, unknown>) => t.http.post('/api/employees').set(t.as('hr')).send(b);
  const patch = (id: string, b: Record<string, unknown>) => t.http.patch(`/api/employees/${id}`).set(t.as('hr')).send(b);
  const list = async (query: Record<string, string | number>): Promise<EmployeePageDto> => {
    const res = await t.http.get('/api/employees').query(query).set(t.as('hr')).expect(200);
    return res.body as EmployeePageDto;
  };
  /** How many employees (active or not) carry exactly this number. */
  const countByNo = async (employeeNo: string): Promise<number> => {
    const page = await list({ q: employeeNo, active: 'all' });
    return page.items.filter((e) => e.employeeNo === employeeNo).length;
  };

  /** Follows manager links from an employee; true if the chain comes back to someone already seen. */
  async function chainLoops(startId: string): Promise<boolean> {
    const seen = new Set<string>();
    let id: string | null = startId;
    while (id !== null) {
      if (seen.has(id)) return true;
      seen.add(id);
      const e: EmployeeDto = await getEmployee(t, id);
      id = e.manager?.id ?? null;
    }
    return false;
  }

  describe('creating', () => {
    it('stores a Chinese name and department exactly and returns the full record', async () => {
      const u = uniq();
      const res = await post({
        employeeNo: `CN-${u}`,
        name: '王小明',
        email: `xiaoming.wang.${u}@example.com`,
        roleId: accountManager.id,
        department: '华东销售部',
        hireDate: '2021-03-15',
      });
      expect(res.status).toBe(201);
      const created = res.body as EmployeeDto;
      expect(created).toMatchObject({
        employeeNo: `CN-${u}`,
        name: '王小明',
        email: `xiaoming.wang.${u}@example.com`,
        department: '华东销售部',
        hireDate: '2021-03-15',
        active: true,
        version: 1,
        manager: null,
      });
      expect(created.role).toEqual({ id: accountManager.id, code: 'account_manager', nameZh: accountManager.nameZh, nameEn: accountManager.nameEn });
      expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false);

      const read = await getEmployee(t, created.id);
      expect(read).toEqual(created);
      expect(read.name).toHaveLength(3);
      expect(Buffer.from(read.name, 'utf8').toString('hex')).toBe(Buffer.from('王小明', 'utf8').toString('hex'));
    });

    it('stores an English name with punctuation and accents exactly, and links the manager', async () => {
      const boss = await createEmployee(t, 'manager', { name: 'Margaret Thatcher-Hughes' });
      const u = uniq();
      const res = await post(
        body({ employeeNo: `EN-${u}`, name: "Zoë O'Brien-Smith Jr.", roleId: accountManager.id, managerId: boss.id, department: 'Sales West' }),
      );
      expect(res.status).toBe(201);
      const created = res.body as EmployeeDto;
      expect(created.name).toBe("Zoë O'Brien-Smith Jr.");
      expect(created.department).toBe('Sales West');
      expect(created.manager).toEqual({ id: boss.id, employeeNo: boss.employeeNo, name: 'Margaret Thatcher-Hughes' });
      expect((await getEmployee(t, created.id)).name).toBe("Zoë O'Brien-Smith Jr.");
    });

    it('accepts a name of exactly 200 characters (Chinese), and an inactive hire', async () => {
      const name = '张'.repeat(200);
      const res = await post(body({ name, active: false }));
      expect(res.status).toBe(201);
      const created = res.body as EmployeeDto;
      expect(created.name).toBe(name);
      expect(created.active).toBe(false);
    });

    it('refuses a duplicate employee number with 409 naming employeeNo, and keeps the first', async () => {
      const first = await createEmployee(t, 'account_manager', { name: '第一位' });
      const dup = expectError(await post(body({ employeeNo: first.employeeNo, name: '第二位' })), 409);
      expect(errorFields(dup)).toEqual(['employeeNo']);
      expect(dup.message).toContain(first.employeeNo);
      expect(await countByNo(first.employeeNo)).toBe(1);
      expect((await getEmployee(t, first.id)).name).toBe('第一位');
    });

    it('refuses a duplicate employee number on PATCH with 409 naming employeeNo', async () => {
      const a = await createEmployee(t);
      const b = await createEmployee(t);
      const res = expectError(await patch(b.id, { version: b.version, employeeNo: a.employeeNo }), 409);
      expect(errorFields(res)).toEqual(['employeeNo']);
      expect(await getEmployee(t, b.id)).toEqual(b);
    });

    it('8 concurrent creates with one employee number: exactly one 201, the rest 409 naming employeeNo', async () => {
      const employeeNo = `RACE-${uniq()}`;
      const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => post(body({ employeeNo, name: `Racer ${i}` }))));
      const created = responses.filter((r) => r.status === 201);
      const conflicts = responses.filter((r) => r.status !== 201);
      expect(created).toHaveLength(1);
      expect(conflicts).toHaveLength(7);
      for (const r of conflicts) expect(errorFields(expectError(r, 409))).toEqual(['employeeNo']);
      expect(await countByNo(employeeNo)).toBe(1);
    });
  });

  describe('validation (400 naming the field, nothing stored)', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['a malformed email', { email: 'not-an-email' }, 'email'],
      ['an email without a domain', { email: 'wang@' }, 'email'],
      ['a non-existent date (2021-02-30)', { hireDate: '2021-02-30' }, 'hireDate'],
      ['a word for a date (yesterday)', { hireDate: 'yesterday' }, 'hireDate'],
      ['a date without leading zeros', { hireDate: '2021-3-5' }, 'hireDate'],
      ['a timestamp for a date', { hireDate: '2021-03-15T00:00:00Z' }, 'hireDate'],
      ['a number for a date', { hireDate: 20210315 }, 'hireDate'],
      ['a non-UUID roleId', { roleId: 'manager' }, 'roleId'],
      ['a numeric roleId', { roleId: 42 }, 'roleId'],
      ['a non-UUID managerId', { managerId: 'boss' }, 'managerId'],
      ['an unknown field (status)', { status: 'active' }, 'status'],
      ['a version on create', { version: 1 }, 'version'],
      ['a number for the name', { name: 123 }, 'name'],
      ['an empty name', { name: '' }, 'name'],
      ['a blank name (trimmed to empty)', { name: '   ' }, 'name'],
      ['a 201-character name', { name: 'x'.repeat(201) }, 'name'],
      ['a 201-character Chinese name', { name: '王'.repeat(201) }, 'name'],
      ['an employee number with spaces', { employeeNo: 'E 42' }, 'employeeNo'],
      ['an employee number in Chinese', { employeeNo: '员工一号' }, 'employeeNo'],
      ['a 33-character employee number', { employeeNo: `A${'1'.repeat(32)}` }, 'employeeNo'],
      ['a string for active', { active: 'yes' }, 'active'],
      ['an array for department', { department: ['Sales'] }, 'department'],
      ['a missing department', { department: undefined }, 'department'],
    ];

    it.each(cases)('refuses %s', async (_label, overrides, field) => {
      const b = body(overrides);
      const res = expectError(await post(b), 400);
      expect(errorFields(res)).toEqual([field]);
      expect(res.message).toMatch(/^Validation failed/);
      if (typeof b.employeeNo === 'string' && /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/.test(b.employeeNo)) expect(await countByNo(b.employeeNo)).toBe(0);
    });

    it('refuses an unknown (well-formed) roleId with 400 naming roleId, not 404 or 500', async () => {
      const b = body({ roleId: UNKNOWN_ID });
      const res = expectError(await post(b), 400);
      expect(errorFields(res)).toEqual(['roleId']);
      expect(res.message).toBe(`Role ${UNKNOWN_ID} does not exist`);
      expect(await countByNo(b.employeeNo as string)).toBe(0);
    });

    it('refuses an unknown (well-formed) managerId with 400 naming managerId', async () => {
      const b = body({ managerId: UNKNOWN_ID });
      const res = expectError(await post(b), 400);
      expect(errorFields(res)).toEqual(['managerId']);
      expect(res.message).toBe(`Manager ${UNKNOWN_ID} does not exist`);
      expect(await countByNo(b.employeeNo as string)).toBe(0);
    });

    /** A valid create body with a prototype key spliced in as raw JSON (an object literal would not carry it). */
    const withProtoKey = (b: Record<string, unknown>) => JSON.stringify(b).replace(/}$/, ',"__proto__":{"active":false,"name":"polluted","isAdmin":true}}');

    it('refuses a __proto__ or constructor key like any unknown field: 400 naming it, nothing stored, nothing polluted', async () => {
      const b = body();
      const res = await t.http.post('/api/employees').set(t.as('hr')).set('Content-Type', 'application/json').send(withProtoKey(b));
      expect(errorFields(expectError(res, 400))).toEqual(['__proto__']);
      expect(await countByNo(b.employeeNo as string)).toBe(0);

      const c = body();
      const ctor = JSON.stringify(c).replace(/}$/, ',"constructor":{"prototype":{"isAdmin":true}}}');
      const res2 = await t.http.post('/api/employees').set(t.as('hr')).set('Content-Type', 'application/json').send(ctor);
      expect(errorFields(expectError(res2, 400))[0]).toMatch(/^constructor/);
      expect(await countByNo(c.employeeNo as string)).toBe(0);

      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      // The server still validates and answers normally afterwards.
      expect(errorFields(expectError(await post(body({ email: 'bad' })), 400))).toEqual(['email']);
    });

    it('names every offending field when several are wrong at once', async () => {
      const res = expectError(await post(body({ email: 'x', hireDate: 'soon', roleId: 'r', salary: 1 })), 400);
      expect(errorFields(res).sort()).toEqual(['email', 'hireDate', 'roleId', 'salary']);
    });

    it('PATCH: a string version, a null required field, a bad date and unknown ids → 400 naming the field, nothing changed', async () => {
      const e = await createEmployee(t);
      expect(errorFields(expectError(await patch(e.id, { version: '1', name: 'x' }), 400))).toEqual(['version']);
      expect(errorFields(expectError(await patch(e.id, { version: 1.5, name: 'x' }), 400))).toEqual(['version']);
      expect(errorFields(expectError(await patch(e.id, { version: 0, name: 'x' }), 400))).toEqual(['version']);
      expect(errorFields(expectError(await patch(e.id, { version: 1, name: null }), 400))).toEqual(['name']);
      expect(errorFields(expectError(await patch(e.id, { version: 1, hireDate: '2021-02-30' }), 400))).toEqual(['hireDate']);
      expect(errorFields(expectError(await patch(e.id, { version: 1, roleId: UNKNOWN_ID }), 400))).toEqual(['roleId']);
      expect(errorFields(expectError(await patch(e.id, { version: 1, managerId: UNKNOWN_ID }), 400))).toEqual(['managerId']);
      expect(errorFields(expectError(await patch(e.id, { version: 1, status: 'inactive' }), 400))).toEqual(['status']);
      expect(errorFields(expectError(await patch(e.id, { version: 1, name: 'y'.repeat(201) }), 400))).toEqual(['name']);
      expect(await getEmployee(t, e.id)).toEqual(e);
    });

    it('a non-UUID id in the path → 400 naming id', async () => {
      expect(errorFields(expectError(await t.http.get('/api/employees/not-a-uuid').set(t.as('hr')), 400))).toEqual(['id']);
      expect(expectError(await t.http.get(`/api/employees/${UNKNOWN_ID}`).set(t.as('hr')), 404).message).toBe(`Employee ${UNKNOWN_ID} was not found`);
    });
  });

  describe('search, filters, paging and sorting', () => {
    it('finds by a Chinese substring of the name (URL-encoded), anywhere in the name', async () => {
      const dept = `搜索-${uniq()}`;
      const wang1 = await createEmployee(t, 'account_manager', { name: '王小明', department: dept });
      const wang2 = await createEmployee(t, 'account_manager', { name: '王大锤', department: dept });
      const mid = await createEmployee(t, 'account_manager', { name: '李王氏', department: dept });
      await createEmployee(t, 'account_manager', { name: '张三', department: dept });
      await createEmployee(t, 'account_manager', { name: 'Wang Lei', department: dept });

      const page = await list({ q: '王', department: dept });
      expect(page.items.map((e) => e.id).sort()).toEqual([wang1.id, wang2.id, mid.id].sort());
      expect(page.meta.total).toBe(3);

      const exact = await list({ q: '王小明', department: dept });
      expect(exact.items.map((e) => e.id)).toEqual([wang1.id]);

      // Case-insensitive for Latin names.
      const latin = await list({ q: 'wang', department: dept });
      expect(latin.items.map((e) => e.name)).toEqual(['Wang Lei']);

      // Without the department filter the Chinese search still includes them (and only 王 names).
      const all = await list({ q: '王', pageSize: 200 });
      expect(all.items.map((e) => e.id)).toEqual(expect.arrayContaining([wang1.id, wang2.id, mid.id]));
      for (const e of all.items) expect(e.name.includes('王') || e.employeeNo.toLowerCase().startsWith('王')).toBe(true);

      expect((await list({ q: '不存在的名字', department: dept })).meta.total).toBe(0);
    });

    it('finds by employee-number prefix only (not by a number merely containing it)', async () => {
      const u = uniq().toUpperCase();
      const dept = `Prefix-${u}`;
      const a = await createEmployee(t, 'account_manager', { employeeNo: `P${u}-001`, name: 'Prefix One', department: dept });
      const b = await createEmployee(t, 'account_manager', { employeeNo: `P${u}-002`, name: 'Prefix Two', department: dept });
      await createEmployee(t, 'account_manager', { employeeNo: `X-P${u}-003`, name: 'Not A Prefix', department: dept });

      const page = await list({ q: `P${u}` });
      expect(page.items.map((e) => e.id)).toEqual([a.id, b.id]);
      expect(page.meta.total).toBe(2);
      // Case-insensitive, and a longer prefix narrows it down.
      expect((await list({ q: `p${u.toLowerCase()}-00` })).items.map((e) => e.id)).toEqual([a.id, b.id]);
      expect((await list({ q: `P${u}-002` })).items.map((e) => e.id)).toEqual([b.id]);
    });

    it('matches % and _ literally, and finds a renamed employee by the new name only', async () => {
      const u = uniq();
      const dept = `Literal-${u}`;
      const pct = await createEmployee(t, 'account_manager', { name: `Ann 100%_${u}`, department: dept });
      await createEmployee(t, 'account_manager', { name: `Ann 1000X${u}`, department: dept });
      expect((await list({ q: '100%_', department: dept })).items.map((e) => e.id)).toEqual([pct.id]);
      expect((await list({ q: '_', department: dept })).items.map((e) => e.id)).toEqual([pct.id]);

      const renamed = await t.http
        .patch(`/api/employees/${pct.id}`)
        .set(t.as('hr'))
        .send({ version: pct.version, name: `Zhou Renamed ${u}` })
        .expect(200);
      expect((renamed.body as { name: string }).name).toBe(`Zhou Renamed ${u}`);
      expect((await list({ q: 'ZHOU RENAMED', department: dept })).items.map((e) => e.id)).toEqual([pct.id]);
      expect((await list({ q: '100%', department: dept })).meta.total).toBe(0);
      // Past the last page: no rows, and still the total.
      const past = await list({ department: dept, page: 3, pageSize: 1 });
      expect(past.items).toEqual([]);
      expect(past.meta.total).toBe(2);
    });

    it('finds one- and two-character terms anywhere in the name, in any case, and nothing that merely resembles them', async () => {
      const u = uniq();
      const dept = `Short-${u}`;
      const xiaoming = await createEmployee(t, 'account_manager', { name: '王小明', department: dept });
      const joan = await createEmployee(t, 'account_manager', { name: 'Joan Smith', department: dept });
      const ann = await createEmployee(t, 'account_manager', { name: 'ANNA Lee', department: dept });
      const spaced = await createEmployee(t, 'account_manager', { name: 'Li A', department: dept });
      const ids = async (q: string) => (await list({ q, department: dept })).items.map((e) => e.id).sort();
      expect(await ids('小明')).toEqual([xiaoming.id]);
      expect(await ids('明')).toEqual([xiaoming.id]);
      expect(await ids('明王')).toEqual([]);
      // "an" at the end of a word (Joan) and at the start (ANNA), matched without regard to case.
      expect(await ids('an')).toEqual([joan.id, ann.id].sort());
      expect(await ids('AN')).toEqual([joan.id, ann.id].sort());
      expect(await ids('nn')).toEqual([ann.id]);
      // Pieces cross spaces as the name does: "i A" is in "Li A", "n S" in "Joan Smith".
      expect(await ids('n S')).toEqual([joan.id]);
      expect(await ids(' a ')).toEqual([joan.id, ann.id, spaced.id].sort());
      expect((await list({ q: 'an', department: dept })).meta.total).toBe(2);
    });

    it('keeps totals exact when another app instance or plain SQL changes the rows', async () => {
      const u = uniq();
      const dept = `Totals-${u}`;
      for (let i = 0; i < 3; i++) await createEmployee(t, 'account_manager', { department: dept });
      const total = async (query: Record<string, string | number> = {}) => (await list({ department: dept, pageSize: 1, ...query })).meta.total;
      expect(await total()).toBe(3);
      expect(await total({ page: 2 })).toBe(3);

      // A second instance of the app on the same database: this one must see its writes.
      const other = await createTestApp({}, { database: t.database, keepDatabase: true });
      try {
        await other.http
          .post('/api/employees')
          .set(t.as('hr'))
          .send(body({ department: dept }))
          .expect(201);
      } finally {
        await other.close();
      }
      expect(await total()).toBe(4);
      expect(await total({ page: 3 })).toBe(4);

      // Plain SQL, as a data fix would do it: moving one out, deactivating another.
      const [moved] = await t.db.query<{ id: string }[]>('SELECT id FROM employees WHERE department = $1 ORDER BY employee_no LIMIT 1', [dept]);
      await t.db.query('UPDATE employees SET department = $1 WHERE id = $2', [`${dept}-moved`, moved.id]);
      expect(await total()).toBe(3);
      await t.db.query('UPDATE employees SET active = false WHERE id = (SELECT id FROM employees WHERE department = $1 ORDER BY employee_no LIMIT 1)', [dept]);
      expect(await total()).toBe(2);
      expect(await total({ active: 'all' })).toBe(3);

      // Columns no list filters on leave the remembered totals alone; the others move the counter.
      const counter = async () => (await t.db.query<{ c: string }[]>('SELECT changes::text AS c FROM list_changes'))[0].c;
      const before = await counter();
      await t.db.query('UPDATE employees SET email = email WHERE department = $1', [dept]);
      expect(await counter()).toBe(before);
      await t.db.query('UPDATE employees SET name = name WHERE department = $1', [dept]);
      expect(await counter()).not.toBe(before);
      expect(await total()).toBe(2);
    });

    it('filters by roleId, department and managerId (direct reports only)', async () => {
      const dept = `Filter-${uniq()}`;
      const boss = await createEmployee(t, 'manager', { department: dept, name: 'Boss' });
      const lead = await createEmployee(t, 'manager', { department: dept, name: 'Lead', managerId: boss.id });
      const am1 = await createEmployee(t, 'account_manager', { department: dept, name: 'AM 1', managerId: lead.id });
      const am2 = await createEmployee(t, 'account_manager', { department: dept, name: 'AM 2', managerId: boss.id });
      const other = await createEmployee(t, 'account_manager', { department: `${dept}-other`, name: 'Elsewhere', managerId: boss.id });

      const byRole = await list({ department: dept, roleId: manager.id });
      expect(byRole.items.map((e) => e.id).sort()).toEqual([boss.id, lead.id].sort());
      for (const e of byRole.items) expect(e.role.code).toBe('manager');

      const byAm = await list({ department: dept, roleId: accountManager.id });
      expect(byAm.items.map((e) => e.id).sort()).toEqual([am1.id, am2.id].sort());

      const byDept = await list({ department: dept });
      expect(byDept.meta.total).toBe(4);
      expect(byDept.items.map((e) => e.id)).not.toContain(other.id);

      const direct = await list({ managerId: boss.id });
      expect(direct.items.map((e) => e.id).sort()).toEqual([lead.id, am2.id, other.id].sort());
      expect(direct.items.map((e) => e.id)).not.toContain(am1.id);
      for (const e of direct.items) expect(e.manager?.id).toBe(boss.id);

      expect((await list({ managerId: lead.id })).items.map((e) => e.id)).toEqual([am1.id]);
      expect((await list({ managerId: am1.id })).meta.total).toBe(0);
      // Filters combine.
      expect((await list({ managerId: boss.id, roleId: manager.id })).items.map((e) => e.id)).toEqual([lead.id]);
      // Invalid filter values are named.
      expect(errorFields(expectError(await t.http.get('/api/employees').query({ managerId: 'boss' }).set(t.as('hr')), 400))).toEqual(['managerId']);
      expect(errorFields(expectError(await t.http.get('/api/employees').query({ active: 'no' }).set(t.as('hr')), 400))).toEqual(['active']);
    });

    it('filters by active: true by default, false, or all', async () => {
      const dept = `Active-${uniq()}`;
      const on = await createEmployee(t, 'account_manager', { department: dept });
      const off = await createEmployee(t, 'account_manager', { department: dept });
      await patch(off.id, { version: off.version, active: false }).expect(200);

      expect((await list({ department: dept })).items.map((e) => e.id)).toEqual([on.id]);
      expect((await list({ department: dept, active: 'true' })).items.map((e) => e.id)).toEqual([on.id]);
      const inactive = await list({ department: dept, active: 'false' });
      expect(inactive.items.map((e) => e.id)).toEqual([off.id]);
      expect(inactive.items[0].active).toBe(false);
      const all = await list({ department: dept, active: 'all' });
      expect(all.items.map((e) => e.id).sort()).toEqual([on.id, off.id].sort());
      expect(all.meta.total).toBe(2);
    });

    it('pages 15 employees 4 at a time with the right total on every page and no overlap', async () => {
      const u = uniq().toUpperCase();
      const dept = `Paging-${u}`;
      const made: EmployeeDto[] = [];
      // Created out of order, so the default employeeNo sort has real work to do.
      for (const n of [7, 3, 15, 1, 12, 9, 5, 14, 2, 10, 6, 13, 4, 11, 8]) {
        made.push(await createEmployee(t, 'account_manager', { employeeNo: `PG${u}-${String(n).padStart(2, '0')}`, department: dept }));
      }
      const expectedOrder = [...made].sort((a, b) => a.employeeNo.localeCompare(b.employeeNo)).map((e) => e.id);

      const seen: string[] = [];
      const sizes: number[] = [];
      for (let page = 1; page <= 4; page++) {
        const p = await list({ department: dept, pageSize: 4, page });
        expect(p.meta).toEqual({ page, pageSize: 4, total: 15 });
        sizes.push(p.items.length);
        seen.push(...p.items.map((e) => e.id));
      }
      expect(sizes).toEqual([4, 4, 4, 3]);
      expect(seen).toEqual(expectedOrder);
      expect(new Set(seen).size).toBe(15);

      // Every hire date is the same here: the tie-break must still give stable, non-overlapping pages.
      for (const [sort, order] of [
        ['hireDate', 'asc'],
        ['hireDate', 'desc'],
        ['department', 'desc'],
        ['name', 'asc'],
      ] as [string, string][]) {
        const ids: string[] = [];
        for (let page = 1; page <= 4; page++) {
          const p = await list({ department: dept, pageSize: 4, page, sort, order });
          expect(p.meta.total).toBe(15);
          ids.push(...p.items.map((e) => e.id));
        }
        expect(ids).toHaveLength(15);
        expect(new Set(ids).size).toBe(15);
      }

      const beyond = await list({ department: dept, pageSize: 4, page: 5 });
      expect(beyond.items).toEqual([]);
      expect(beyond.meta).toEqual({ page: 5, pageSize: 4, total: 15 });

      // The total counts all matches, not the page; the search narrows it.
      const searched = await list({ department: dept, q: `PG${u}-1`, pageSize: 4 });
      expect(searched.meta.total).toBe(6); // 10..15
      expect(searched.items).toHaveLength(4);

      for (const [q, field] of [
        [{ pageSize: 0 }, 'pageSize'],
        [{ pageSize: 201 }, 'pageSize'],
        [{ page: 0 }, 'page'],
        [{ page: 'two' }, 'page'],
      ] as [Record<string, string | number>, string][]) {
        expect(errorFields(expectError(await t.http.get('/api/employees').query(q).set(t.as('hr')), 400))).toEqual([field]);
      }
    });

    it('pages stay exact when rows are added, removed or renumbered between page reads, in both directions', async () => {
      const u = uniq().toUpperCase();
      const dept = `Shift-${u}`;
      for (let n = 10; n <= 30; n += 2) await createEmployee(t, 'account_manager', { employeeNo: `SH${u}-${n}`, department: dept });
      // The pages from the last one back to the first, each once: every page after a change is then
      // read first, from what earlier reads taught about the list before the change.
      const numbers = async (order: string) => {
        const pages: string[][] = [];
        for (let page = 5; page >= 1; page--)
          pages[page - 1] = (await list({ department: dept, pageSize: 3, page, order })).items.map((e) => e.employeeNo.slice(-2));
        return pages.flat();
      };
      const expected = async () => {
        const rows = await t.db.query<{ employee_no: string }[]>('SELECT employee_no FROM employees WHERE department = $1 AND active ORDER BY employee_no', [
          dept,
        ]);
        return rows.map((r) => r.employee_no.slice(-2));
      };
      for (const order of ['asc', 'desc']) {
        const ordered = async () => (order === 'asc' ? expected() : (await expected()).reverse());
        expect(await numbers(order)).toEqual(await ordered());
        // Read page 3 again after each change: a page learnt earlier must not be trusted.
        await createEmployee(t, 'account_manager', { employeeNo: `SH${u}-1${order === 'asc' ? '1' : '3'}`, department: dept });
        expect(await numbers(order)).toEqual(await ordered());
        await t.db.query('UPDATE employees SET active = false WHERE employee_no = $1', [`SH${u}-20`]);
        expect(await numbers(order)).toEqual(await ordered());
        await t.db.query('UPDATE employees SET active = true WHERE employee_no = $1', [`SH${u}-20`]);
        await t.db.query('UPDATE employees SET employee_no = $1 WHERE employee_no = $2', [`SH${u}-${order === 'asc' ? '99' : '00'}`, `SH${u}-14`]);
        expect(await numbers(order)).toEqual(await ordered());
        await t.db.query('UPDATE employees SET employee_no = $1 WHERE employee_no = $2', [`SH${u}-14`, `SH${u}-${order === 'asc' ? '99' : '00'}`]);
      }
    });

    it('lists each employee exactly as GET returns them, timestamps to the millisecond included', async () => {
      const dept = `Same-${uniq()}`;
      const made = await createEmployee(t, 'account_manager', { department: dept, name: '陈静 Chen Jing' });
      const updated = (await patch(made.id, { version: made.version, email: `same-${uniq()}@example.com` }).expect(200)).body as EmployeeDto;
      const [listed] = (await list({ department: dept })).items;
      expect(listed).toEqual(await getEmployee(t, made.id));
      expect(listed.updatedAt).toBe(updated.updatedAt);
      expect(listed.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });

    it('sorts by the allowed columns in both directions and refuses others', async () => {
      const dept = `Sort-${uniq()}`;
      const c = await createEmployee(t, 'account_manager', { department: dept, name: 'Charlie', hireDate: '2019-07-01' });
      const a = await createEmployee(t, 'account_manager', { department: dept, name: 'Alice', hireDate: '2023-01-31' });
      const b = await createEmployee(t, 'account_manager', { department: dept, name: 'Bob', hireDate: '2015-12-24' });

      const byHire = await list({ department: dept, sort: 'hireDate' });
      expect(byHire.items.map((e) => e.hireDate)).toEqual(['2015-12-24', '2019-07-01', '2023-01-31']);
      expect(byHire.items.map((e) => e.id)).toEqual([b.id, c.id, a.id]);
      const byHireDesc = await list({ department: dept, sort: 'hireDate', order: 'desc' });
      expect(byHireDesc.items.map((e) => e.id)).toEqual([a.id, c.id, b.id]);
      const byName = await list({ department: dept, sort: 'name' });
      expect(byName.items.map((e) => e.name)).toEqual(['Alice', 'Bob', 'Charlie']);
      const byCreated = await list({ department: dept, sort: 'createdAt', order: 'desc' });
      expect(byCreated.items.map((e) => e.id)).toEqual([b.id, a.id, c.id]);

      for (const sort of ['password', 'e.name', 'name; DROP TABLE employees', 'email', 'NAME']) {
        const res = expectError(await t.http.get('/api/employees').query({ sort }).set(t.as('hr')), 400);
        expect(errorFields(res)).toEqual(['sort']);
      }
      expect(errorFields(expectError(await t.http.get('/api/employees').query({ order: 'sideways' }).set(t.as('hr')), 400))).toEqual(['order']);
    });
  });

  describe('updating with versions', () => {
    it('applies a PATCH with the current version in the body and bumps the version', async () => {
      const e = await createEmployee(t, 'account_manager', { name: '旧名字' });
      const res = await patch(e.id, { version: 1, name: '新名字', department: '华南销售部', hireDate: '2020-02-29', roleId: manager.id });
      expect(res.status).toBe(200);
      const updated = res.body as EmployeeDto;
      expect(updated).toMatchObject({
        id: e.id,
        name: '新名字',
        department: '华南销售部',
        hireDate: '2020-02-29',
        version: 2,
        employeeNo: e.employeeNo,
        email: e.email,
      });
      expect(updated.role.id).toBe(manager.id);
      expect(updated.role.code).toBe('manager');
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(e.updatedAt));
      expect(await getEmployee(t, e.id)).toEqual(updated);
    });

    it('refuses a stale version with 409 and changes nothing', async () => {
      const e = await createEmployee(t, 'account_manager', { department: 'Before' });
      await patch(e.id, { version: 1, department: 'First writer' }).expect(200);
      const current = await getEmployee(t, e.id);
      expect(current.version).toBe(2);

      const res = expectError(await patch(e.id, { version: 1, department: 'Second writer', name: 'Overwritten' }), 409);
      expect(res.details).toEqual({ currentVersion: 2, yourVersion: 1 });
      expect(res.message).toContain('version 1');
      expect(await getEmployee(t, e.id)).toEqual(current);

      // A version from the future is just as stale.
      expectError(await patch(e.id, { version: 99, department: 'Future' }), 409);
      expect(await getEmployee(t, e.id)).toEqual(current);
    });

    it('refuses a PATCH without any version with 428 and changes nothing', async () => {
      const e = await createEmployee(t);
      const res = expectError(await patch(e.id, { name: 'No version' }), 428);
      expect(res.error).toBe('Precondition Required');
      expect(errorFields(res)).toEqual(['version']);
      // An empty If-Match header counts as missing too.
      expectError(await t.http.patch(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', '').send({ name: 'Empty header' }), 428);
      expect(await getEmployee(t, e.id)).toEqual(e);
    });

    it('takes the version from If-Match instead (plain, quoted or weak), and checks it', async () => {
      const e = await createEmployee(t, 'account_manager', { name: 'Header User' });
      const r1 = await t.http.patch(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', '1').send({ name: 'Header v2' });
      expect(r1.status).toBe(200);
      expect((r1.body as EmployeeDto).version).toBe(2);
      const r2 = await t.http.patch(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', '"2"').send({ name: 'Header v3' });
      expect(r2.status).toBe(200);
      const r3 = await t.http.patch(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', 'W/"3"').send({ name: 'Header v4' });
      expect(r3.status).toBe(200);
      expect((r3.body as EmployeeDto).version).toBe(4);

      const stale = expectError(await t.http.patch(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', '3').send({ name: 'Stale' }), 409);
      expect(stale.details).toEqual({ currentVersion: 4, yourVersion: 3 });
      const disagree = expectError(await t.http.patch(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', '4').send({ version: 3, name: 'Mixed' }), 400);
      expect(errorFields(disagree)).toEqual(['version']);
      const garbage = expectError(await t.http.patch(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', 'latest').send({ name: 'Garbage' }), 400);
      expect(errorFields(garbage)).toEqual(['If-Match']);
      const now = await getEmployee(t, e.id);
      expect(now.name).toBe('Header v4');
      expect(now.version).toBe(4);
    });

    it('clears the manager with managerId null', async () => {
      const boss = await createEmployee(t, 'manager');
      const e = await createEmployee(t, 'account_manager', { managerId: boss.id });
      expect(e.manager?.id).toBe(boss.id);
      const res = await patch(e.id, { version: 1, managerId: null });
      expect(res.status).toBe(200);
      expect((res.body as EmployeeDto).manager).toBeNull();
      expect((await list({ managerId: boss.id })).meta.total).toBe(0);
    });
  });

  describe('reporting lines never loop', () => {
    it('A manages B manages C: A cannot report to C or B, nor to themself (400 naming managerId)', async () => {
      const a = await createEmployee(t, 'manager', { name: 'A 总监' });
      const b = await createEmployee(t, 'manager', { name: 'B 经理', managerId: a.id });
      const c = await createEmployee(t, 'account_manager', { name: 'C 客户经理', managerId: b.id });

      const indirect = expectError(await patch(a.id, { version: a.version, managerId: c.id }), 400);
      expect(errorFields(indirect)).toEqual(['managerId']);
      expect(indirect.message).toMatch(/loop/);
      expect(errorFields(expectError(await patch(a.id, { version: a.version, managerId: b.id }), 400))).toEqual(['managerId']);
      const self = expectError(await patch(a.id, { version: a.version, managerId: a.id }), 400);
      expect(errorFields(self)).toEqual(['managerId']);
      expect(self.message).toBe('An employee cannot be their own manager');
      expect(errorFields(expectError(await patch(b.id, { version: b.version, managerId: c.id }), 400))).toEqual(['managerId']);

      expect(await getEmployee(t, a.id)).toEqual(a);
      expect(await getEmployee(t, b.id)).toEqual(b);
      for (const e of [a, b, c]) expect(await chainLoops(e.id)).toBe(false);

      // Moving someone down a branch that is not their own is fine.
      const moved = await patch(c.id, { version: c.version, managerId: a.id });
      expect(moved.status).toBe(200);
      expect((moved.body as EmployeeDto).manager?.id).toBe(a.id);
    });

    it('the loop check does not depend on how the UUID is spelled (upper case)', async () => {
      const a = await createEmployee(t, 'manager', { name: 'Upper A' });
      const b = await createEmployee(t, 'manager', { name: 'Upper B', managerId: a.id });
      const c = await createEmployee(t, 'account_manager', { name: 'Upper C', managerId: b.id });

      const self = expectError(await patch(a.id, { version: a.version, managerId: a.id.toUpperCase() }), 400);
      expect(errorFields(self)).toEqual(['managerId']);
      const indirect = expectError(await patch(a.id, { version: a.version, managerId: c.id.toUpperCase() }), 400);
      expect(errorFields(indirect)).toEqual(['managerId']);
      expect(await getEmployee(t, a.id)).toEqual(a);
      for (const e of [a, b, c]) expect(await chainLoops(e.id)).toBe(false);

      // An upper-case spelling of a legitimate manager works and reads back normalised.
      const ok = await patch(c.id, { version: c.version, managerId: a.id.toUpperCase() });
      expect(ok.status).toBe(200);
      expect((ok.body as EmployeeDto).manager?.id).toBe(a.id);
    });

    it('concurrent "A reports to B" and "B reports to A": at most one succeeds, no loop afterwards (10 rounds)', async () => {
      for (let round = 0; round < 10; round++) {
        const a = await createEmployee(t, 'manager', { name: `Race A${round}` });
        const b = await createEmployee(t, 'manager', { name: `Race B${round}` });
        const [ra, rb] = await Promise.all([patch(a.id, { version: a.version, managerId: b.id }), patch(b.id, { version: b.version, managerId: a.id })]);
        const results = [ra, rb];
        for (const r of results) expect([200, 400]).toContain(r.status);
        const ok = results.filter((r) => r.status === 200);
        expect(ok.length).toBeLessThanOrEqual(1);
        // With nothing else in the way, one of the two must win: the refusal is only for the loop.
        expect(ok).toHaveLength(1);
        const refused = results.find((r) => r.status === 400) as Response;
        expect(errorFields(expectError(refused, 400))).toEqual(['managerId']);

        const [na, nb] = [await getEmployee(t, a.id), await getEmployee(t, b.id)];
        expect(na.manager?.id === b.id && nb.manager?.id === a.id).toBe(false);
        expect([na.manager?.id ?? null, nb.manager?.id ?? null].filter((m) => m !== null)).toHaveLength(1);
        expect(await chainLoops(a.id)).toBe(false);
        expect(await chainLoops(b.id)).toBe(false);
      }
    });

    it('concurrent three-way re-org (A→B, B→C, C→A): at most two succeed and no loop exists', async () => {
      for (let round = 0; round < 5; round++) {
        const [a, b, c] = [await createEmployee(t, 'manager'), await createEmployee(t, 'manager'), await createEmployee(t, 'manager')];
        const results = await Promise.all([
          patch(a.id, { version: 1, managerId: b.id }),
          patch(b.id, { version: 1, managerId: c.id }),
          patch(c.id, { version: 1, managerId: a.id }),
        ]);
        for (const r of results) expect([200, 400]).toContain(r.status);
        expect(results.filter((r) => r.status === 200)).toHaveLength(2);
        for (const e of [a, b, c]) expect(await chainLoops(e.id)).toBe(false);
      }
    });
  });

  describe('deleting and deactivating', () => {
    it('refuses to delete an employee with a review (409) and keeps them', async () => {
      const e = await createEmployee(t, 'account_manager', { name: '有评估的员工' });
      const created = await t.http
        .post('/api/cycles')
        .set(t.as('hr'))
        .send({ name: `Delete guard ${uniq()}`, periodStart: '2026-01-01', periodEnd: '2026-06-30' })
        .expect(201);
      const cycle = created.body as { id: string; version: number };
      await t.http.post(`/api/cycles/${cycle.id}/open`).set(t.as('hr')).send({ version: cycle.version }).expect(200);
      const review = await t.http.post('/api/reviews').set(t.as('hr')).send({ employeeId: e.id, cycleId: cycle.id });
      expect(review.status).toBe(201);

      const res = expectError(await t.http.delete(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', String(e.version)), 409);
      expect(res.details).toEqual({ reviews: 1 });
      expect(res.message).toContain('deactivate');
      expect(await getEmployee(t, e.id)).toEqual(e);
      expect(await countByNo(e.employeeNo)).toBe(1);
    });

    it('refuses to delete a manager someone reports to (409)', async () => {
      const boss = await createEmployee(t, 'manager');
      await createEmployee(t, 'account_manager', { managerId: boss.id });
      const res = expectError(await t.http.delete(`/api/employees/${boss.id}`).set(t.as('hr')).set('If-Match', '1'), 409);
      expect(res.details).toEqual({ reports: 1 });
      expect(await getEmployee(t, boss.id)).toEqual(boss);
    });

    it('deletes an employee without reviews or reports (204), then 404; needs the current version', async () => {
      const e = await createEmployee(t, 'account_manager', { name: '录错的员工' });
      expectError(await t.http.delete(`/api/employees/${e.id}`).set(t.as('hr')), 428);
      expectError(await t.http.delete(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', '2'), 409);
      await getEmployee(t, e.id);

      const res = await t.http.delete(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', '1');
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(expectError(await t.http.get(`/api/employees/${e.id}`).set(t.as('hr')), 404).message).toBe(`Employee ${e.id} was not found`);
      expectError(await t.http.delete(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', '1'), 404);
      expect(await countByNo(e.employeeNo)).toBe(0);
      // The number is free again.
      const again = await post(body({ employeeNo: e.employeeNo }));
      expect(again.status).toBe(201);
    });

    it('deactivates with PATCH active:false: GET shows it, the default list hides it, reactivation restores it', async () => {
      const e = await createEmployee(t, 'account_manager', { name: '离职员工' });
      const res = await patch(e.id, { version: e.version, active: false });
      expect(res.status).toBe(200);
      expect((res.body as EmployeeDto).active).toBe(false);
      expect((res.body as EmployeeDto).version).toBe(2);

      const read = await getEmployee(t, e.id);
      expect(read.active).toBe(false);
      expect(read.name).toBe('离职员工');
      expect((await list({ q: e.employeeNo })).items.map((x) => x.id)).not.toContain(e.id);
      expect((await list({ q: e.employeeNo, active: 'false' })).items.map((x) => x.id)).toEqual([e.id]);
      expect(errorFields(expectError(await patch(e.id, { version: 2, active: null }), 400))).toEqual(['active']);

      const back = await patch(e.id, { version: 2, active: true });
      expect(back.status).toBe(200);
      expect((await list({ q: e.employeeNo })).items.map((x) => x.id)).toEqual([e.id]);
    });
  });

  describe('audit trail', () => {
    it('records create, update and delete with actor hr, before and after values', async () => {
      const e = await createEmployee(t, 'account_manager', { name: '审计对象', department: 'Audit Before' });
      await patch(e.id, { version: 1, name: '审计对象（改）', department: 'Audit After' }).expect(200);

      const entries = await auditOf(t, 'employee', e.id);
      expect(entries.map((x) => x.action)).toEqual(['update', 'create']);
      for (const x of entries) {
        expect(x.actor).toBe('hr@test.example');
        expect(x.actorUserId).toEqual(expect.any(String));
        expect(x.entity).toBe('employee');
        expect(x.entityId).toBe(e.id);
      }
      const [update, create] = entries;
      expect(create.before).toBeNull();
      expect(create.after).toEqual({
        employeeNo: e.employeeNo,
        name: '审计对象',
        email: e.email,
        roleId: accountManager.id,
        department: 'Audit Before',
        managerId: null,
        hireDate: '2021-03-15',
        active: true,
        version: 1,
      });
      expect(update.before).toMatchObject({ name: '审计对象', department: 'Audit Before', version: 1 });
      expect(update.after).toMatchObject({ name: '审计对象（改）', department: 'Audit After', version: 2, employeeNo: e.employeeNo });

      // A refused write leaves no trace.
      expectError(await patch(e.id, { version: 1, name: 'stale' }), 409);
      expect(await auditOf(t, 'employee', e.id)).toHaveLength(2);

      await t.http.delete(`/api/employees/${e.id}`).set(t.as('hr')).set('If-Match', '2').expect(204);
      const after = await auditOf(t, 'employee', e.id);
      expect(after.map((x) => x.action)).toEqual(['delete', 'update', 'create']);
      expect(after[0].before).toMatchObject({ name: '审计对象（改）', version: 2 });
      expect(after[0].after).toBeNull();
      expect(after[0].actor).toBe('hr@test.example');
    });
  });

  it('no request in this file ended in a 5xx', () => {
    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });
});
