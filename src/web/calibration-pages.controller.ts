import { Body, Controller, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { CalibrationService } from '../calibration/calibration.service.js';
import { CalibrateReviewDto, type CalibrationDto, CalibrationQueryDto, LockDepartmentDto, ReopenDepartmentDto } from '../calibration/dto/calibration.dto.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { bandChartSvg } from './band-chart.js';
import { checkForm, str } from './forms.js';
import { formRefusal, type Problem, submitForm } from './page-form.js';
import { formVersion, versionMissing } from './page-helpers.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type Locale, PageLocale } from './page-locale.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';

interface Filters {
  department: string;
  roleCode: string;
  managerId: string;
}

// A page form carries the page's filters back under their own names, apart from its own fields
// (the lock form's department is not the department filter).
const FORM_FILTER = 'filter_';

/** The filters of the address, kept only when they pass the API's own query checks. */
async function filtersOf(q: Record<string, unknown>, prefix = ''): Promise<Filters> {
  const raw = { department: str(q, `${prefix}department`), roleCode: str(q, `${prefix}roleCode`), managerId: str(q, `${prefix}managerId`) };
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const { errors } = await checkForm(CalibrationQueryDto, given);
  return {
    department: errors.department ? '' : raw.department,
    roleCode: errors.roleCode ? '' : raw.roleCode,
    managerId: errors.managerId ? '' : raw.managerId,
  };
}

/** The filters that are set, as name/value pairs. */
function setFilters(f: Filters): { name: string; value: string }[] {
  return [
    { name: 'department', value: f.department },
    { name: 'roleCode', value: f.roleCode },
    { name: 'managerId', value: f.managerId },
  ].filter((x) => x.value !== '');
}

function addressOf(cycleId: string, f: Filters): string {
  const q = new URLSearchParams();
  for (const { name, value } of setFilters(f)) q.set(name, value);
  const s = q.toString();
  return `/cycles/${cycleId}/calibration${s ? `?${s}` : ''}`;
}

/** HR's calibration page of a cycle: distribution against target, reviews by total, adjustments and department locks. */
@ApiExcludeController()
@Controller('cycles/:id/calibration')
@UseInterceptors(PageResponder)
export class CalibrationPagesController {
  constructor(private readonly calibration: CalibrationService) {}

  @Get()
  @Allow('admin', 'hr')
  async show(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Query() query: Record<string, unknown>,
  ): Promise<PageView> {
    return this.render(actor, id, locale, await filtersOf(query));
  }

  @Post('reviews/:reviewId')
  @Allow('hr')
  @HttpCode(200)
  async adjust(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @Param('reviewId', PageIdPipe) reviewId: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const filters = await filtersOf(body, FORM_FILTER);
    const typed = { reviewId, bandKey: str(body, 'bandKey'), total: str(body, 'total'), reason: str(body, 'reason') };
    const refused = (problem: Problem) => this.render(actor, id, locale, filters, this.translate(problem, locale), typed);
    const version = formVersion(str(body, 'version'));
    if (version === null) return refused(formRefusal(versionMissing()));
    const total = typed.total.trim() === '' ? undefined : Number(typed.total.trim().replace(',', '.'));
    return submitForm({
      wording: locale,
      dto: CalibrateReviewDto,
      input: { bandKey: typed.bandKey === '' ? null : typed.bandKey, total, reason: typed.reason.trim(), version },
      call: (dto) => this.calibration.calibrate(actor, reviewId, version, dto),
      refused,
      done: () => seeOther(addressOf(id, filters), typed.bandKey === '' ? 'calibrationCleared' : 'calibrated'),
    });
  }

  @Post('lock')
  @Allow('hr')
  @HttpCode(200)
  lock(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    return this.departmentAction(actor, id, locale, body, {
      dto: LockDepartmentDto,
      input: { department: str(body, 'department') },
      call: (dto) => this.calibration.lock(actor, id, dto.department),
      notice: 'calibrationLocked',
    });
  }

  @Post('reopen')
  @Allow('hr')
  @HttpCode(200)
  reopen(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const typed = { department: str(body, 'department'), reason: str(body, 'reason') };
    return this.departmentAction(actor, id, locale, body, {
      dto: ReopenDepartmentDto,
      input: { department: typed.department, reason: typed.reason.trim() },
      call: (dto) => this.calibration.reopen(actor, id, dto.department, dto.reason),
      notice: 'calibrationReopened',
      typed,
    });
  }

  /** A department's lock or reopen: the form checked by its DTO, refused back onto the page (with what was typed), else back to the list. */
  private async departmentAction<D extends object>(
    actor: Actor,
    id: string,
    locale: Locale,
    body: Record<string, unknown>,
    action: {
      dto: new () => D;
      input: Record<string, unknown>;
      call: (dto: D) => Promise<unknown>;
      notice: string;
      typed?: { department: string; reason: string };
    },
  ): Promise<PageAnswer> {
    const filters = await filtersOf(body, FORM_FILTER);
    return submitForm({
      wording: locale,
      dto: action.dto,
      input: action.input,
      call: action.call,
      refused: (problem) => this.render(actor, id, locale, filters, this.translate(problem, locale), undefined, action.typed),
      done: () => seeOther(addressOf(id, filters), action.notice),
    });
  }

  /** The DTO's and the service's messages are English; the fields a person types get theirs in the page's language. */
  private translate(problem: Problem, locale: Locale): Problem {
    const t = locale.t;
    const errors = { ...problem.errors };
    if (errors.reason) errors.reason = t('calibration.reasonRequired');
    if (errors.bandKey) errors.bandKey = t('calibration.bandInvalid');
    if (errors.total) errors.total = t('calibration.totalInvalid');
    if (errors.department) errors.department = t('calibration.departmentInvalid');
    let message = Object.values(errors)[0] ?? problem.message;
    if (problem.code === 'STALE_VERSION') message = t('calibration.stale');
    else if (problem.code === 'INVALID_STATE') message = `${t('calibration.refused')} ${problem.message}`;
    return { ...problem, errors, message };
  }

  private async render(
    actor: Actor,
    id: string,
    locale: Locale,
    filters: Filters,
    problem?: Problem,
    typed?: { reviewId: string; bandKey: string; total: string; reason: string },
    reopenTyped?: { department: string; reason: string },
  ): Promise<PageView> {
    const data: CalibrationDto = await this.calibration.overview(id, {
      department: filters.department || undefined,
      roleCode: filters.roleCode || undefined,
      managerId: filters.managerId || undefined,
    });
    const zh = locale.lang === 'zh-CN';
    const t = locale.t;
    const label = (key: string | null) => {
      if (key === null) return '—';
      const b = data.bands.find((x) => x.key === key);
      return b ? (zh ? b.labelZh : b.labelEn) : key;
    };
    const rows = data.distribution.rows.map((r) => ({ ...r, label: zh ? r.labelZh : r.labelEn, hasTarget: r.targetCount !== null }));
    const chart = bandChartSvg(
      rows.map((r) => ({ label: r.label, count: r.count })),
      { title: t('calibration.chartTitle') },
    );
    const canEdit = actor.role === 'hr' && data.cycle.status === 'open';
    const reviews = data.reviews.map((r) => {
      const mine = typed && typed.reviewId === r.id;
      return {
        ...r,
        bandLabel: label(r.bandKey),
        calibratedLabel: r.calibratedBandKey ? label(r.calibratedBandKey) : null,
        options: r.bandKeys.map((k) => ({ key: k, label: label(k), selected: mine ? typed.bandKey === k : (r.calibratedBandKey ?? '') === k })),
        typedTotal: mine ? typed.total : r.calibratedTotal === null ? '' : String(r.calibratedTotal),
        typedReason: mine ? typed.reason : '',
        errors: mine ? (problem?.errors ?? {}) : {},
        editable: canEdit && !r.locked && r.status !== 'finalized' && r.stage.stage === 'hr',
        stageLabel: t(`calibration.stage.${r.stage.stage}`),
      };
    });
    return page(
      'calibration',
      {
        cycle: data.cycle,
        filters,
        hidden: setFilters(filters).map((f) => ({ name: `${FORM_FILTER}${f.name}`, value: f.value })),
        options: {
          departments: data.options.departments.map((d) => ({ value: d, selected: d === filters.department })),
          roles: data.options.roles.map((r) => ({ value: r.code, label: zh ? r.nameZh : r.nameEn, selected: r.code === filters.roleCode })),
          managers: data.options.managers.map((m) => ({ value: m.id, label: `${m.name} (${m.employeeNo})`, selected: m.id === filters.managerId })),
        },
        chart,
        rows,
        hasTarget: data.cycle.targetDistribution !== null,
        banded: data.distribution.banded,
        unbanded: data.distribution.unbanded,
        reviews,
        departments: data.departments.map((d) => ({
          ...d,
          reopenReason: reopenTyped?.department === d.department ? reopenTyped.reason : '',
          reopenError: reopenTyped?.department === d.department ? (problem?.errors.reason ?? null) : null,
        })),
        canEdit,
        problem: problem ?? null,
      },
      { title: 'calibration.title', titleVars: { cycle: data.cycle.name }, status: problem?.status },
    );
  }
}
