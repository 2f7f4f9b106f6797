import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type Actor, systemActor } from '../common/actor.js';
import { UsersService } from '../auth/users.service.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { EmployeesService } from '../employees/employees.service.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import type { KpiEntryDto } from '../reviews/dto/review.dto.js';
import { ManagerAssessmentsService } from '../assessments/manager-assessments.service.js';
import { SelfAssessments } from '../assessments/self-assessments.service.js';
import { ReviewTransitions } from '../reviews/review-transitions.service.js';
import { ReviewsService } from '../reviews/reviews.service.js';
import { ReviewWorkflow } from '../reviews/review-workflow.service.js';
import type { ReviewDto, ReviewKpiDto } from '../reviews/dto/review.dto.js';
import { CHALLENGES, DEMO_USERS, type DemoPerson, demoOrganisation, PLANS, seededRandom, STRENGTHS } from './demo-org.js';

const DEMO: Actor = systemActor('demo-data');

/** A demo person acting for themselves (their assessments), as if signed in with their e-mail. */
const signed = (p: DemoPerson, employeeId: string, role: 'employee' | 'manager'): Actor => ({ name: p.email, userId: null, role, employeeId });

const ASSESSMENT_COMMENTS = [
  '按计划完成，客户反馈良好。 On plan; good customer feedback.',
  '有进步，仍需加强跟进。 Improving; follow-up needs work.',
  '超出预期。 Beyond expectations.',
];

/**
 * Demo data goes through the same services as the API, so it obeys every rule the API does and
 * leaves the same audit trail.
 */
@Injectable()
export class DemoService {
  private readonly logger = new Logger('Demo');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly templates: KpiTemplatesService,
    private readonly employees: EmployeesService,
    private readonly cycles: CyclesService,
    private readonly reviews: ReviewWorkflow,
    private readonly transitions: ReviewTransitions,
    private readonly reviewsRead: ReviewsService,
    private readonly selfs: SelfAssessments,
    private readonly managers: ManagerAssessmentsService,
    private readonly users: UsersService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Seeds only a database without employees, cycles or reviews: real data is never touched. */
  async seedIfEmpty(): Promise<boolean> {
    const [{ n }] = await this.dataSource.query<{ n: number }[]>(
      'SELECT (SELECT count(*) FROM employees) + (SELECT count(*) FROM cycles) + (SELECT count(*) FROM reviews) AS n',
    );
    if (Number(n) > 0) return false;
    await this.seed();
    return true;
  }

  async seed(): Promise<void> {
    const started = Date.now();
    const roles = new Map((await this.templates.listRoles()).map((r) => [r.code, r.id]));
    const ids = new Map<string, string>();
    const org = demoOrganisation();
    for (const p of org) {
      const roleId = roles.get(p.role);
      if (!roleId) throw new Error(`Default role ${p.role} is missing`);
      const e = await this.employees.create(DEMO, {
        employeeNo: p.employeeNo,
        name: p.name,
        email: p.email,
        roleId,
        department: p.department,
        managerId: p.manager ? ids.get(p.manager) : null,
        hireDate: p.hireDate,
      });
      ids.set(p.employeeNo, e.id);
    }
    const everyone = [...ids.values()];
    const rnd = seededRandom(20261128);

    // Last period: every review finalized, then the cycle closed.
    let past = await this.cycles.create(DEMO, { name: '2025 下半年 / 2025 H2', periodStart: '2025-07-01', periodEnd: '2025-12-31' });
    past = await this.cycles.open(DEMO, past.id, past.version);
    for (const employeeId of everyone) {
      let r = await this.reviews.create(DEMO, { employeeId, cycleId: past.id });
      r = await this.fill(r.id, r.version, r.kpis, rnd, 1);
      r = await this.transitions.submit(DEMO, r.id, r.version);
      await this.transitions.finalize(DEMO, r.id, r.version);
    }
    past = await this.cycles.get(past.id);
    await this.cycles.close(DEMO, past.id, past.version);

    // This period: open, running every stage, with due dates around today (the self-assessment
    // already late, so the overdue marks show) and reviews in every stage and state.
    let current = await this.cycles.create(DEMO, {
      name: '2026 上半年 / 2026 H1',
      periodStart: '2026-01-01',
      periodEnd: '2026-06-30',
      ...this.demoStages('2026-01-01'),
    });
    current = await this.cycles.open(DEMO, current.id, current.version);
    await this.cycles.create(DEMO, { name: '2026 下半年 / 2026 H2', periodStart: '2026-07-01', periodEnd: '2026-12-31' });
    for (const [i, employeeId] of everyone.entries()) {
      // 0: not started, 1: waits for the self-assessment, 2: waits for the manager (half-filled draft),
      // 3: with HR (complete draft), 4: with HR (submitted), 5: finalized
      const stage = i % 6;
      if (stage === 0) continue;
      let r = await this.reviews.create(DEMO, { employeeId, cycleId: current.id });
      if (stage === 1) continue;
      const boss = org.find((p) => p.employeeNo === org[i].manager);
      const bossId = boss && ids.get(boss.employeeNo);
      const manager = boss && bossId ? signed(boss, bossId, 'manager') : null;
      r = await this.assessed(r, signed(org[i], employeeId, 'employee'), manager, stage === 2 ? 'manager' : 'hr', rnd);
      r = await this.fill(r.id, r.version, r.kpis, rnd, stage === 2 ? 0.5 : 1);
      if (stage <= 3) continue;
      r = await this.transitions.submit(DEMO, r.id, r.version);
      if (stage === 5) await this.transitions.finalize(DEMO, r.id, r.version);
    }
    for (const u of DEMO_USERS) {
      await this.users.create(
        DEMO,
        { email: u.email, role: u.role, employeeId: u.employeeNo ? (ids.get(u.employeeNo) ?? null) : null, password: u.password },
        { mustChangePassword: false },
      );
    }
    this.logger.log(`Demo data: ${everyone.length} employees, 3 cycles, reviews in every state, ${DEMO_USERS.length} users (${Date.now() - started} ms)`);
  }

  /** The demo cycle's stages: all on, due dates a few days apart around today, and a target distribution. */
  private demoStages(periodStart: string) {
    const today = this.clock.today(this.config.scorecards.timeZone);
    const day = (offset: number) => {
      const d = new Date(`${today}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + offset);
      const iso = d.toISOString().slice(0, 10);
      return iso < periodStart ? periodStart : iso;
    };
    return {
      selfAssessment: true,
      managerAssessment: true,
      selfAssessmentDue: day(-3),
      managerAssessmentDue: day(7),
      hrReviewDue: day(14),
      finalizationDue: day(21),
      targetDistribution: { outstanding: 10, exceeds: 20, meets: 55, needs_improvement: 10, unsatisfactory: 5 },
    };
  }

  /**
   * A review as the employee (and, for `to` hr, the manager too) assessed and submitted it, through
   * the assessment services as the pages would, each signed by that person: the same rules, stage
   * moves and audit entries. Someone without a manager has the manager stage skipped by HR.
   */
  private async assessed(r: ReviewDto, person: Actor, manager: Actor | null, to: 'manager' | 'hr', rnd: () => number): Promise<ReviewDto> {
    const entries = () =>
      r.kpis.map((k) => ({
        kpiKey: k.key,
        rating: k.rule.type === 'rating' ? 2 + Math.floor(rnd() * 4) : null,
        comment: ASSESSMENT_COMMENTS[Math.floor(rnd() * 3)],
      }));
    const self = await this.selfs.save(person, r.id, 0, { entries: entries(), summary: STRENGTHS[Math.floor(rnd() * 3)] });
    await this.selfs.submit(person, r.id, self.version);
    if (to === 'hr') {
      if (manager) {
        const proposal = await this.managers.save(manager, r.id, 0, { entries: entries(), summary: PLANS[Math.floor(rnd() * 3)] });
        await this.managers.submit(manager, r.id, proposal.version);
      } else {
        const waiting = await this.reviewsRead.get(DEMO, r.id);
        await this.transitions.skipStage(DEMO, r.id, waiting.version, '没有上级。 No manager above this person.');
      }
    }
    return this.reviewsRead.get(DEMO, r.id);
  }

  /** Demo mode only: the known sign-ins, so a newcomer can try every role. */
  async printDemoUsers(): Promise<void> {
    const existing = new Set((await this.users.list()).filter((u) => !u.disabled).map((u) => u.email));
    const lines = DEMO_USERS.filter((u) => existing.has(u.email)).map(
      (u) => `  ${u.role.padEnd(8)} ${u.email.padEnd(28)} ${u.password}${u.note ? `  (${u.note})` : ''}`,
    );
    if (lines.length) this.logger.log(`Demo sign-ins (DEMO_DATA=true):\n${lines.join('\n')}`);
  }

  private async fill(id: string, version: number, kpis: ReviewKpiDto[], rnd: () => number, share: number) {
    const entries: KpiEntryDto[] = kpis.slice(0, Math.ceil(kpis.length * share)).map((k) => {
      // HR's rating may differ from the manager's proposal; the reason is dropped where it does not.
      if (k.rule.type === 'rating') return { kpiKey: k.key, rating: 2 + Math.floor(rnd() * 4), reason: '与经理讨论后确定。 Settled with the manager.' };
      // Attainment between 70 % and 125 % of target, rounded as a person would enter it.
      const target = k.rule.target ?? 100;
      const actual = target * (0.7 + rnd() * 0.55);
      return { kpiKey: k.key, actual: target >= 1000 ? Math.round(actual / 1000) * 1000 : Math.round(actual) };
    });
    let r = await this.reviews.putScores(DEMO, id, version, entries);
    const n = Math.floor(rnd() * 3);
    r = await this.reviews.update(DEMO, id, r.version, { strengths: STRENGTHS[n], challenges: CHALLENGES[n], developmentPlan: PLANS[n] });
    return r;
  }
}
