/**
 * The stages a review goes through in a cycle, as a table: who may move it from which stage to
 * which. Pure, so the rules are tested without PostgreSQL; the services only look them up.
 *
 *   self (the employee assesses themselves) → manager (the manager proposes ratings)
 *     → hr (HR decides the final values and calibrates) → done (finalized)
 *
 * A cycle may switch the self and manager stages off; a review then starts at the first stage on.
 */
export const REVIEW_STAGES = ['self', 'manager', 'hr', 'done'] as const;
export type ReviewStage = (typeof REVIEW_STAGES)[number];

/** Which of the optional stages a cycle runs. HR review and finalization always run. */
export interface StageSettings {
  selfAssessment: boolean;
  managerAssessment: boolean;
}

/** A cycle's due dates (YYYY-MM-DD, inclusive), null where the cycle set none. */
export interface StageDues {
  selfAssessmentDue: string | null;
  managerAssessmentDue: string | null;
  hrReviewDue: string | null;
  finalizationDue: string | null;
}

/** Who someone is to a review: the person reviewed, a manager above them, or HR (admins act as HR). */
export type StageRole = 'employee' | 'manager' | 'hr';

export type StageAction = 'submitSelf' | 'skipSelf' | 'submitManager' | 'skipManager' | 'finalize' | 'reopen';

interface Transition {
  from: ReviewStage;
  who: readonly StageRole[];
  /** The stage after `from` given the cycle's settings. */
  to: (s: StageSettings) => ReviewStage;
}

const TRANSITIONS: Readonly<Record<StageAction, Transition>> = {
  submitSelf: { from: 'self', who: ['employee'], to: (s) => stageAfter(s, 'self') },
  // HR moves a review on without the employee's part (on leave, left the company): with a reason.
  skipSelf: { from: 'self', who: ['hr'], to: (s) => stageAfter(s, 'self') },
  submitManager: { from: 'manager', who: ['manager'], to: (s) => stageAfter(s, 'manager') },
  skipManager: { from: 'manager', who: ['hr'], to: (s) => stageAfter(s, 'manager') },
  finalize: { from: 'hr', who: ['hr'], to: () => 'done' },
  reopen: { from: 'done', who: ['hr'], to: () => 'hr' },
};

export type StageMove = { ok: true; to: ReviewStage } | { ok: false; reason: 'wrong_stage' | 'not_allowed'; expected: ReviewStage };

/** Where `action` by `who` takes a review in `from`, or why it may not. */
export function moveStage(settings: StageSettings, from: ReviewStage, action: StageAction, who: StageRole): StageMove {
  const t = TRANSITIONS[action];
  if (!t.who.includes(who)) return { ok: false, reason: 'not_allowed', expected: t.from };
  if (t.from !== from) return { ok: false, reason: 'wrong_stage', expected: t.from };
  return { ok: true, to: t.to(settings) };
}

/** The stage a new review starts in. */
export function firstStage(s: StageSettings): ReviewStage {
  if (s.selfAssessment) return 'self';
  if (s.managerAssessment) return 'manager';
  return 'hr';
}

/** The next stage the cycle runs after `stage`. */
export function stageAfter(s: StageSettings, stage: ReviewStage): ReviewStage {
  if (stage === 'self' && s.managerAssessment) return 'manager';
  if (stage === 'self' || stage === 'manager') return 'hr';
  return 'done';
}

/**
 * Where a review stands after its cycle's settings changed: a stage switched off moves its reviews
 * on (nobody is left waiting in a stage that no longer runs); reviews never move back.
 */
export function stageUnderSettings(s: StageSettings, stage: ReviewStage): ReviewStage {
  if (stage === 'self' && !s.selfAssessment) return stageUnderSettings(s, 'manager');
  if (stage === 'manager' && !s.managerAssessment) return 'hr';
  return stage;
}

/** The due date of the stage a review is in: for HR, the HR review date, else the finalization date. */
export function stageDue(d: StageDues, stage: ReviewStage): string | null {
  switch (stage) {
    case 'self':
      return d.selfAssessmentDue;
    case 'manager':
      return d.managerAssessmentDue;
    case 'hr':
      return d.hrReviewDue ?? d.finalizationDue;
    case 'done':
      return null;
  }
}

/** A stage is overdue the day after its due date (the due date itself is still on time). */
export function isOverdue(d: StageDues, stage: ReviewStage, today: string): boolean {
  const due = stageDue(d, stage);
  return due !== null && today > due;
}

export interface StageStanding {
  stage: ReviewStage;
  due: string | null;
  overdue: boolean;
}

export function standing(d: StageDues, stage: ReviewStage, today: string): StageStanding {
  return { stage, due: stageDue(d, stage), overdue: isOverdue(d, stage, today) };
}

/** A due date out of order: the field, the rule (validation.rule.*) with its date, and the API's English. */
export interface DueDateProblem {
  field: keyof StageDues;
  code: 'notBeforeStart' | 'notBeforeStage';
  params: { date: string };
  message: string;
}

/**
 * Field errors of a cycle's due dates: each on or after the one before it (among the stages the
 * cycle runs), and none before the period starts. Dates of stages switched off are kept but not checked.
 */
export function dueDateProblems(s: StageSettings, d: StageDues, periodStart: string): DueDateProblem[] {
  const order: { field: keyof StageDues; on: boolean }[] = [
    { field: 'selfAssessmentDue', on: s.selfAssessment },
    { field: 'managerAssessmentDue', on: s.managerAssessment },
    { field: 'hrReviewDue', on: true },
    { field: 'finalizationDue', on: true },
  ];
  const problems: DueDateProblem[] = [];
  let previous: { field: keyof StageDues; date: string } | null = null;
  for (const { field, on } of order) {
    const date = d[field];
    if (!on || date === null) continue;
    if (date < periodStart)
      problems.push({ field, code: 'notBeforeStart', params: { date: periodStart }, message: `must not be before the period starts (${periodStart})` });
    else if (previous && date < previous.date)
      problems.push({ field, code: 'notBeforeStage', params: { date: previous.date }, message: `must not be before ${previous.field} (${previous.date})` });
    previous = { field, date };
  }
  return problems;
}

/** Band shares HR aims for in a cycle, in percent per band key. */
export type TargetDistribution = Record<string, number>;

/** A rule a target distribution breaks: its code and arguments (validation.rule.*) and the API's English. */
export interface DistributionProblem {
  code: string;
  params: Record<string, string | number>;
  message: string;
}

/** Field errors of a target distribution: whole percents from 0 to 100 that add up to 100. */
export function distributionProblems(t: TargetDistribution): DistributionProblem[] {
  const values = Object.values(t);
  const problems: DistributionProblem[] = [];
  if (values.length === 0) problems.push({ code: 'distributionEmpty', params: {}, message: 'must name at least one band' });
  for (const [band, pct] of Object.entries(t)) {
    if (!Number.isInteger(pct) || pct < 0 || pct > 100)
      problems.push({ code: 'distributionPercent', params: { band }, message: `${band} must be a whole percent from 0 to 100` });
  }
  const sum = values.reduce((a, b) => a + b, 0);
  if (values.length > 0 && sum !== 100) problems.push({ code: 'distributionSum', params: { sum }, message: `must add up to 100 (it adds up to ${sum})` });
  return problems;
}

const STAGE_NAMES: Record<ReviewStage, string> = {
  self: 'waits for the self-assessment',
  manager: "waits for the manager's assessment",
  hr: 'is with HR',
  done: 'is finalized',
};

/** Why a move the review's stage does not allow is refused, in words an HR user understands. */
export function stageRefusal(stage: ReviewStage, expected: ReviewStage, what: string): string {
  const hint = stage === 'self' || stage === 'manager' ? '; HR may skip that stage with a reason' : '';
  return `This review ${STAGE_NAMES[stage]}, so it cannot be ${what} until it ${STAGE_NAMES[expected]}${hint}`;
}
