// HR's dashboard of a cycle's stages: per department, how many reviews are open, done and overdue
// in each stage the cycle runs, each number with the review list that shows exactly those reviews.
import { isOverdue, type ReviewStage, stageDue, type StageDues, type StageSettings } from '../review-stages/review-stages.js';

export type BoardColumn = 'self' | 'manager' | 'hr' | 'finalization';

/** Reviews per stage, as progressByDepartment counts them. */
export type StageCounts = Record<ReviewStage, number>;

export interface BoardCell {
  open: number;
  done: number;
  overdue: number;
  links: { open: string; done: string; overdue: string };
}

export interface StageBoard {
  columns: { key: BoardColumn; due: string | null; late: boolean }[];
  rows: { department: string; cells: BoardCell[] }[];
  totals: BoardCell[];
}

interface ColumnRule {
  key: BoardColumn;
  runs: (s: StageSettings) => boolean;
  /** The stages a review is in while this step is still to do, and once it is done. */
  open: ReviewStage[];
  done: ReviewStage[];
  due: (d: StageDues) => string | null;
  /** Whether the step's open reviews are past its due date today. */
  late: (d: StageDues, today: string) => boolean;
}

// Finalization is open for every review not yet finalized; once its date passes, all of them are
// late, so its overdue count links to the same list as its open count.
const RULES: ColumnRule[] = [
  {
    key: 'self',
    runs: (s) => s.selfAssessment,
    open: ['self'],
    done: ['manager', 'hr', 'done'],
    due: (d) => d.selfAssessmentDue,
    late: (d, t) => isOverdue(d, 'self', t),
  },
  {
    key: 'manager',
    runs: (s) => s.managerAssessment,
    open: ['manager'],
    done: ['hr', 'done'],
    due: (d) => d.managerAssessmentDue,
    late: (d, t) => isOverdue(d, 'manager', t),
  },
  { key: 'hr', runs: () => true, open: ['hr'], done: ['done'], due: (d) => stageDue(d, 'hr'), late: (d, t) => isOverdue(d, 'hr', t) },
  {
    key: 'finalization',
    runs: () => true,
    open: ['self', 'manager', 'hr'],
    done: ['done'],
    due: (d) => d.finalizationDue,
    late: (d, t) => d.finalizationDue !== null && t > d.finalizationDue,
  },
];

/** The review list of a cycle filtered by stages (and department, and overdue). */
export function reviewListLink(cycleId: string, stages: ReviewStage[], department?: string, overdue?: boolean): string {
  const q = new URLSearchParams({ cycleId, stage: stages.join(',') });
  if (overdue) q.set('overdue', 'true');
  if (department) q.set('department', department);
  return `/reviews?${q.toString()}`;
}

/** The board of a cycle: columns for the stages it runs, a row per department, and totals. */
export function stageBoard(
  cycle: StageSettings & StageDues & { id: string },
  today: string,
  departments: { department: string; stages: StageCounts }[],
): StageBoard {
  const rules = RULES.filter((r) => r.runs(cycle));
  const sum = (counts: StageCounts, stages: ReviewStage[]) => stages.reduce((n, s) => n + counts[s], 0);
  const cell = (rule: ColumnRule, counts: StageCounts, department?: string): BoardCell => {
    const open = sum(counts, rule.open);
    const late = rule.late(cycle, today);
    return {
      open,
      done: sum(counts, rule.done),
      overdue: late ? open : 0,
      links: {
        open: reviewListLink(cycle.id, rule.open, department),
        done: reviewListLink(cycle.id, rule.done, department),
        // Finalization has no due filter of its own: when it is late, every open review is.
        overdue: reviewListLink(cycle.id, rule.open, department, rule.key !== 'finalization'),
      },
    };
  };
  const all: StageCounts = { self: 0, manager: 0, hr: 0, done: 0 };
  for (const d of departments) for (const s of Object.keys(all) as ReviewStage[]) all[s] += d.stages[s];
  return {
    columns: rules.map((r) => ({ key: r.key, due: r.due(cycle), late: r.late(cycle, today) })),
    rows: departments.map((d) => ({ department: d.department, cells: rules.map((r) => cell(r, d.stages, d.department)) })),
    totals: rules.map((r) => cell(r, all)),
  };
}
