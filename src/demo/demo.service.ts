import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SelfAssessments } from '../assessments/self-assessments.service.js';
import { type Actor, systemActor } from '../common/actor.js';
import { UsersService } from '../auth/users.service.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { EmployeesService } from '../employees/employees.service.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import type { KpiEntryDto } from '../reviews/dto/review.dto.js';
import { ReviewWorkflow } from '../reviews/review-workflow.service.js';
import type { ReviewKpiDto } from '../reviews/dto/review.dto.js';
import { CHALLENGES, DEMO_USERS, demoOrganisation, PLANS, seededRandom, STRENGTHS } from './demo-org.js';

const DEMO: Actor = systemActor('demo-data');

const SELF_COMMENTS = [
  '超额完成季度目标，新签两家重点客户。 / Beat the quarterly target and signed two key accounts.',
  '客户回访全部按时完成。 / Every customer follow-up done on time.',
];
const SELF_SUMMARIES = [
  '本期重点开拓了华东市场，下期希望提升方案呈现能力。 / This period I opened up East China; next I want to present solutions better.',
  '团队协作顺畅，客户满意度稳步提升。 / Teamwork went well and customer satisfaction rose steadily.',
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
    private readonly users: UsersService,
    private readonly selfAssessments: SelfAssessments,
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
    for (const p of demoOrganisation()) {
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
      r = await this.reviews.submit(DEMO, r.id, r.version);
      await this.reviews.finalize(DEMO, r.id, r.version);
    }
    past = await this.cycles.get(past.id);
    await this.cycles.close(DEMO, past.id, past.version);

    // This period: open, with reviews in every state and some not started yet.
    let current = await this.cycles.create(DEMO, { name: '2026 上半年 / 2026 H1', periodStart: '2026-01-01', periodEnd: '2026-06-30' });
    current = await this.cycles.open(DEMO, current.id, current.version);
    await this.cycles.create(DEMO, { name: '2026 下半年 / 2026 H2', periodStart: '2026-07-01', periodEnd: '2026-12-31' });
    for (const [i, employeeId] of everyone.entries()) {
      const stage = i % 6; // 0: not started, 1: empty draft, 2: half-filled draft, 3: complete draft, 4: submitted, 5: finalized
      if (stage === 0) continue;
      let r = await this.reviews.create(DEMO, { employeeId, cycleId: current.id });
      if (stage === 1) continue;
      r = await this.fill(r.id, r.version, r.kpis, rnd, stage === 2 ? 0.5 : 1);
      if (stage <= 3) continue;
      r = await this.reviews.submit(DEMO, r.id, r.version);
      if (stage === 5) await this.reviews.finalize(DEMO, r.id, r.version);
    }
    await this.selfAssessmentStage(
      current.id,
      everyone.filter((_, i) => i % 6 === 0),
      rnd,
    );
    for (const u of DEMO_USERS) {
      await this.users.create(
        DEMO,
        { email: u.email, role: u.role, employeeId: u.employeeNo ? (ids.get(u.employeeNo) ?? null) : null, password: u.password },
        { mustChangePassword: false },
      );
    }
    this.logger.log(`Demo data: ${everyone.length} employees, 3 cycles, reviews in every state, ${DEMO_USERS.length} users (${Date.now() - started} ms)`);
  }

  /** Demo mode only: the known sign-ins, so a newcomer can try every role. */
  async printDemoUsers(): Promise<void> {
    const existing = new Set((await this.users.list()).filter((u) => !u.disabled).map((u) => u.email));
    const lines = DEMO_USERS.filter((u) => existing.has(u.email)).map(
      (u) => `  ${u.role.padEnd(8)} ${u.email.padEnd(28)} ${u.password}${u.note ? `  (${u.note})` : ''}`,
    );
    if (lines.length) this.logger.log(`Demo sign-ins (DEMO_DATA=true):\n${lines.join('\n')}`);
  }

  /**
   * The open cycle then runs a self-assessment stage: reviews started from now on wait for the
   * employee (those started before stay with HR, as a stage switched on never moves reviews back).
   * Of the people without a review yet, one gets a review waiting for their self-assessment, one a
   * saved draft of it, one a submitted one (then with HR); the rest stay not started.
   */
  private async selfAssessmentStage(cycleId: string, notStarted: string[], rnd: () => number): Promise<void> {
    const cycle = await this.cycles.get(cycleId);
    await this.cycles.update(DEMO, cycleId, cycle.version, { selfAssessment: true, selfAssessmentDue: '2026-07-15' });
    for (const [i, employeeId] of notStarted.slice(0, 3).entries()) {
      const r = await this.reviews.create(DEMO, { employeeId, cycleId });
      if (i === 0) continue;
      // The employee writes it (the service lets nobody else); the audit names the demo as its source.
      const employee: Actor = { name: 'demo-data', userId: null, role: 'employee', employeeId };
      const entries = r.kpis.map((k) => ({
        kpiKey: k.key,
        rating: k.rule.type === 'rating' ? 3 + Math.floor(rnd() * 3) : null,
        comment: k.rule.type === 'rating' ? '' : SELF_COMMENTS[i % SELF_COMMENTS.length],
      }));
      const saved = await this.selfAssessments.save(employee, r.id, 0, { entries, summary: SELF_SUMMARIES[i % SELF_SUMMARIES.length] });
      if (i === 2) await this.selfAssessments.submit(employee, r.id, saved.version);
    }
  }

  private async fill(id: string, version: number, kpis: ReviewKpiDto[], rnd: () => number, share: number) {
    const entries: KpiEntryDto[] = kpis.slice(0, Math.ceil(kpis.length * share)).map((k) => {
      if (k.rule.type === 'rating') return { kpiKey: k.key, rating: 2 + Math.floor(rnd() * 4) };
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
