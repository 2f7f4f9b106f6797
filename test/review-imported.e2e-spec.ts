// ReviewBatchWrites.saveImported, the entry point the KPI-actuals import writes through (issue 14:
// "each review write goes through the same service and scoring as a manual save"), against the real
// PostgreSQL: it leaves a review as create() + putScores() would (scores, version, audit snapshot),
// enforces the same rules, and writes nothing when any item is refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../src/common/actor.js';
import { ApiError } from '../src/common/errors.js';
import { type ImportedReview, ReviewBatchWrites, type SavedImportedReview } from '../src/reviews/review-batch-writes.service.js';
import { auditOf, createEmployee, createReview, fullAccountManagerEntries, getReview, putScores, seedOpenCycle } from './fixtures.js';
import { createTestApp, type TestApp } from './support/app.js';

const actor: Actor = { name: 'import-test@example.com', userId: null, role: 'hr', employeeId: null };

describe('ReviewBatchWrites.saveImported', () => {
  let t: TestApp;
  let workflow: ReviewBatchWrites;

  beforeAll(async () => {
    t = await createTestApp();
    workflow = t.app.get(ReviewBatchWrites);
  });
  afterAll(async () => {
    await t.close();
  });

  const save = (cycleId: string, items: ImportedReview[]): Promise<SavedImportedReview[]> =>
    t.db.transaction((m: EntityManager) => workflow.saveImported(m, actor, cycleId, items, { importId: 'import-1' }));
  const refusal = async (cycleId: string, items: ImportedReview[]): Promise<ApiError> => {
    const e = await save(cycleId, items).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  };
  const ignoreAudit = ({ importId: _importId, ...rest }: Record<string, unknown>) => rest;

  it('updates a draft and starts a missing one exactly as putScores and create would: scores, version, audit', async () => {
    const cycle = await seedOpenCycle(t);
    const [manual, imported, started] = [await createEmployee(t), await createEmployee(t), await createEmployee(t)];
    const manualReview = await putScores(t, await createReview(t, manual.id, cycle.id), fullAccountManagerEntries());
    const importedReview = await createReview(t, imported.id, cycle.id);

    const saved = await save(cycle.id, [
      { employeeId: imported.id, review: { id: importedReview.id, version: importedReview.version }, entries: fullAccountManagerEntries() },
      { employeeId: started.id, review: null, entries: fullAccountManagerEntries() },
    ]);
    expect(saved).toHaveLength(2);

    const after = await getReview(t, importedReview.id);
    expect({ total: after.total, complete: after.complete, band: after.band?.key, version: after.version }).toEqual({
      total: manualReview.total,
      complete: manualReview.complete,
      band: manualReview.band?.key,
      version: manualReview.version,
    });
    const [manualEntry] = await auditOf(t, 'review', manualReview.id);
    const [importEntry] = await auditOf(t, 'review', importedReview.id);
    expect(importEntry).toMatchObject({ action: manualEntry.action, actor: actor.name });
    expect(importEntry.after).toMatchObject({ importId: 'import-1' });
    expect(ignoreAudit((importEntry.after ?? {}) as Record<string, unknown>)).toEqual(manualEntry.after);
    expect(importEntry.before).toEqual(ignoreAudit((manualEntry.before ?? {}) as Record<string, unknown>));

    const startedId = saved.find((s) => s.employeeId === started.id)?.reviewId ?? '';
    const startedReview = await getReview(t, startedId);
    expect(startedReview).toMatchObject({
      status: 'draft',
      version: 1,
      total: manualReview.total,
      template: { versionNumber: manualReview.template.versionNumber },
    });
    const startedTrail = await auditOf(t, 'review', startedId);
    expect(startedTrail.map((a) => a.action)).toEqual(['scores', 'create']);
    // The create entry says what create() says (the cycle's first stage included), plus the import's id.
    const manualCreate = (await auditOf(t, 'review', manualReview.id)).find((a) => a.action === 'create');
    const startedCreate = ignoreAudit((startedTrail[1].after ?? {}) as Record<string, unknown>);
    const manualAfter = (manualCreate?.after ?? {}) as Record<string, unknown>;
    expect(Object.keys(startedCreate).sort()).toEqual(Object.keys(manualAfter).sort());
    expect(startedCreate.stage).toBe(manualAfter.stage);
  });

  it("refuses with the single writes' errors and writes nothing: stale version, not a draft, deactivated, already started, out of scale", async () => {
    const cycle = await seedOpenCycle(t);
    const [ok, other] = [await createEmployee(t), await createEmployee(t)];
    const okReview = await createReview(t, ok.id, cycle.id);
    const otherReview = await putScores(t, await createReview(t, other.id, cycle.id), fullAccountManagerEntries());
    const good: ImportedReview = { employeeId: ok.id, review: { id: okReview.id, version: okReview.version }, entries: fullAccountManagerEntries() };
    const total = async () => (await getReview(t, okReview.id)).total;
    const before = await total();

    const stale = await refusal(cycle.id, [good, { employeeId: other.id, review: { id: otherReview.id, version: otherReview.version - 1 }, entries: [] }]);
    expect([stale.getStatus(), stale.code]).toEqual([409, 'STALE_VERSION']);

    await t.http.post(`/api/reviews/${otherReview.id}/submit`).set(t.as('hr')).send({ version: otherReview.version }).expect(200);
    const submitted = await getReview(t, otherReview.id);
    const notDraft = await refusal(cycle.id, [good, { employeeId: other.id, review: { id: submitted.id, version: submitted.version }, entries: [] }]);
    expect([notDraft.getStatus(), notDraft.message]).toEqual([409, expect.stringContaining('submitted')]);

    const again = await refusal(cycle.id, [good, { employeeId: other.id, review: null, entries: [] }]);
    expect([again.getStatus(), again.code]).toEqual([409, 'DUPLICATE']);

    const gone = await createEmployee(t);
    await t.db.query('UPDATE employees SET active = false WHERE id = $1', [gone.id]);
    const inactive = await refusal(cycle.id, [good, { employeeId: gone.id, review: null, entries: [] }]);
    expect([inactive.getStatus(), inactive.message]).toEqual([409, expect.stringContaining('deactivated')]);

    const scale = await refusal(cycle.id, [{ ...good, entries: [{ kpiKey: 'communication', rating: 9 }] }]);
    expect([scale.getStatus(), scale.message]).toEqual([400, expect.stringContaining('rating must be from 1 to 5')]);

    expect(await total()).toBe(before);
    expect((await getReview(t, okReview.id)).version).toBe(okReview.version);
    expect((await auditOf(t, 'review', okReview.id)).map((a) => a.action)).toEqual(['create']);
  });
});
