// Set-up shared by the manager-assessment tests: a manager with a report whose review waits for
// the manager, the report's self-assessment already submitted (written straight into
// review_assessments, as the self-assessment form would leave it).
import type { CycleDto } from '../../src/cycles/dto/cycle.dto.js';
import type { EmployeeDto } from '../../src/employees/dto/employee.dto.js';
import type { ReviewDto } from '../../src/reviews/dto/review.dto.js';
import { createEmployee, createReview, getReview, seedStagedCycle, uniq } from '../fixtures.js';
import type { TestApp } from './app.js';

/** What the report said of themselves in the seeded self-assessment. */
export const SELF_ENTRIES = {
  communication: { rating: 5, comment: 'I ran the customer workshops' },
  selling: { rating: 4, comment: 'Two large renewals' },
  customer_service: { rating: 4, comment: '' },
  problem_solving: { rating: 3, comment: 'Still learning the billing system' },
  sales_attainment: { rating: null, comment: 'Above plan in Q4' },
};

export interface ManagerStage {
  cycle: CycleDto;
  manager: EmployeeDto;
  report: EmployeeDto;
  review: ReviewDto;
  asManager: Record<string, string>;
  managerEmail: string;
}

/** Writes a submitted self-assessment for a review and moves the review to the manager stage. */
export async function seedSubmittedSelf(t: TestApp, reviewId: string, author = 'the employee'): Promise<void> {
  await t.db.query(`INSERT INTO review_assessments (review_id, kind, entries, summary, author, submitted_at) VALUES ($1, 'self', $2::jsonb, $3, $4, now())`, [
    reviewId,
    JSON.stringify(SELF_ENTRIES),
    'A good half year; I want to lead a team next.',
    author,
  ]);
  await t.db.query(`UPDATE reviews SET stage = 'manager', version = version + 1 WHERE id = $1 AND stage = 'self'`, [reviewId]);
}

export async function seedManagerStage(t: TestApp, cycle?: CycleDto): Promise<ManagerStage> {
  const c = cycle ?? (await seedStagedCycle(t));
  const manager = await createEmployee(t, 'manager');
  const report = await createEmployee(t, 'account_manager', { managerId: manager.id });
  const created = await createReview(t, report.id, c.id);
  await seedSubmittedSelf(t, created.id, report.name);
  const managerEmail = `mgr-${uniq()}@test.example`;
  const asManager = await t.userFor('manager', manager.id, managerEmail);
  return { cycle: c, manager, report, review: await getReview(t, created.id), asManager, managerEmail };
}

/** A full set of proposals for the account-manager template's rating KPIs. */
export function fullProposals(): { kpiKey: string; rating?: number; comment?: string }[] {
  return [
    { kpiKey: 'communication', rating: 4, comment: 'Clear with customers, less so in writing' },
    { kpiKey: 'selling', rating: 5, comment: 'Closed the two largest renewals' },
    { kpiKey: 'customer_service', rating: 3 },
    { kpiKey: 'problem_solving', rating: 4 },
    { kpiKey: 'sales_attainment', comment: 'HR has the numbers; the Q4 push was hers' },
  ];
}
