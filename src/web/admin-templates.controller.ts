import { Body, Controller, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { CreateRoleDto, type TemplateDto, type TemplateVersionDto, UpdateDraftDto, UpdateRoleDto } from '../kpi-templates/dto/template.dto.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { scorecardDictionary } from '../i18n/scorecard-dictionary.js';
import { str } from './forms.js';
import { attempt, formRefusal, type Problem, rowName, submitForm } from './page-form.js';
import { formVersion, versionMissing } from './page-helpers.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';
import { diffVersions } from './template-diff.js';
import { editorView } from './template-editor-view.js';
import { type DraftForm, formFromVersion, formToContent } from './template-form.js';
import { applyAction, parseDraftForm } from './template-form-post.js';

/** KPI templates: the current version, its history, and the draft with a live weight sum. */
@ApiExcludeController()
@Controller('admin/templates')
@Allow('admin')
@UseInterceptors(PageResponder)
export class AdminTemplatesController {
  constructor(private readonly templates: KpiTemplatesService) {}

  @Get()
  list(): Promise<PageView> {
    return this.renderList();
  }

  /** A new role, with its (empty) template: the page then offers its first version. */
  @Post('roles')
  @HttpCode(200)
  createRole(@CurrentActor() actor: Actor, @PageLocale() locale: Locale, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    const typed = { code: str(body, 'code').trim(), nameZh: str(body, 'nameZh').trim(), nameEn: str(body, 'nameEn').trim() };
    return submitForm({
      wording: locale,
      dto: CreateRoleDto,
      input: typed,
      call: (dto) => this.templates.createRole(actor, dto),
      refused: (problem) => this.renderList({ problem, typed }),
      done: (role) => seeOther(`/admin/templates/${role.templateId}#first-version`, 'roleCreated'),
    });
  }

  /** The role's names (its code stays: reviews and imports refer to it). */
  @Post(':id/role')
  @HttpCode(200)
  async renameRole(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const { role } = await this.templates.getTemplate(id);
    const version = formVersion(str(body, 'version'));
    const refused = (problem: Problem) => this.renderTemplate(id, locale, { problem });
    if (version === null) return refused(formRefusal(versionMissing()));
    return submitForm({
      wording: locale,
      dto: UpdateRoleDto,
      input: { nameZh: str(body, 'nameZh').trim(), nameEn: str(body, 'nameEn').trim() },
      call: (dto) => this.templates.updateRole(actor, role.id, version, dto),
      refused,
      done: () => seeOther(`/admin/templates/${id}`, 'roleRenamed'),
    });
  }

  @Get(':id')
  show(@Param('id', PageIdPipe) id: string, @PageLocale() locale: Locale, @Query('version') versionId: unknown): Promise<PageView> {
    return this.renderTemplate(id, locale, { versionId: typeof versionId === 'string' ? versionId : null });
  }

  /** A new draft: a copy of the current version, of another role's (`from`: its template), or a blank start. */
  @Post(':id/draft')
  @HttpCode(200)
  startDraft(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const from = str(body, 'from');
    return attempt({
      wording: locale,
      call: () => this.templates.createDraftFrom(actor, id, from === '' || from === id ? undefined : from),
      refused: (problem) => this.renderTemplate(id, locale, { problem }),
      done: () => seeOther(`/admin/templates/${id}#draft`, 'draftStarted'),
    });
  }

  /**
   * The draft editor's one form. Add, remove, move and update only redraw the form with what was
   * typed (nothing is stored); save stores the draft, publish stores and then publishes it.
   */
  @Post(':id/draft/:versionId')
  @HttpCode(200)
  async saveDraft(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @Param('versionId', PageIdPipe) versionId: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    const { form, action } = parseDraftForm(body);
    if (action.kind !== 'save' && action.kind !== 'publish') {
      const edited = applyAction(form, action);
      return this.renderTemplate(id, locale, { typed: { draftId: versionId, form: edited.form, focus: edited.focus } });
    }
    const t = locale.t;
    const again = (problem: Problem, typed: DraftForm = form) =>
      this.renderTemplate(id, locale, { problem, typed: { draftId: versionId, form: typed, focus: null } });
    let saved: TemplateVersionDto | null = null;
    return submitForm({
      // A KPI's field error names the KPI ("“销售额”的权重 %…"), not its row number.
      wording: { ...locale, row: (path) => rowName(form.kpis, /^kpis\[(\d+)\]/, path, locale.lang) },
      dto: UpdateDraftDto,
      input: formToContent(form),
      invalid: t('templates.fixFields'),
      call: async (dto) => {
        saved = await this.templates.updateDraft(actor, id, versionId, dto.version ?? 0, dto);
        if (action.kind === 'publish') await this.templates.publish(actor, id, versionId, saved.version);
      },
      refused: (problem) => {
        if (problem.code === undefined) return again(problem);
        if (problem.code === 'STALE_VERSION' && problem.currentVersion !== undefined) {
          // What was typed stays, now carrying the version that is there: saving again is a
          // deliberate choice to put one's own draft over theirs, after being told.
          return again(
            { status: 409, code: problem.code, message: t('templates.staleSave'), errors: {} },
            { ...form, version: String(problem.currentVersion) },
          );
        }
        // The template's own rules (weights sum to 100, unique keys …) come from the service with a
        // field each; they are shown beside those fields, so the summary only says where to look.
        const message = problem.status === 400 && Object.keys(problem.errors).length > 0 ? t('templates.fixFields') : problem.message;
        // A publish refused after the save worked: the form carries the saved version from now on.
        const stored: TemplateVersionDto | null = saved;
        return again({ ...problem, message }, stored ? { ...form, version: String(stored.version) } : form);
      },
      done: () => (action.kind === 'publish' ? seeOther(`/admin/templates/${id}`, 'published') : seeOther(`/admin/templates/${id}#draft`, 'draftSaved')),
    });
  }

  @Post(':id/draft/:versionId/discard')
  @HttpCode(200)
  discard(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @Param('versionId', PageIdPipe) versionId: string,
    @PageLocale() locale: Locale,
    @Body() body: Record<string, unknown>,
  ): Promise<PageAnswer> {
    return attempt({
      wording: locale,
      call: () => this.templates.discardDraft(actor, id, versionId, Number(str(body, 'version')) || 0),
      refused: (problem) => this.renderTemplate(id, locale, { problem }),
      done: () => seeOther(`/admin/templates/${id}`, 'draftDiscarded'),
    });
  }

  private async renderList(form: { problem?: Problem; typed?: { code: string; nameZh: string; nameEn: string } } = {}): Promise<PageView> {
    const templates = await this.templates.listTemplates();
    return page(
      'templates',
      { templates: templates.map((t) => ({ ...t, versionCount: t.versions.length })), problem: form.problem ?? null, typed: form.typed ?? null },
      { title: 'templates.title', status: form.problem?.status },
    );
  }

  private async renderTemplate(
    id: string,
    locale: Locale,
    opts: { versionId?: string | null; problem?: Problem; typed?: { draftId: string; form: DraftForm; focus: string | null } },
  ): Promise<PageView> {
    const [template, all]: [TemplateDto, TemplateDto[]] = await Promise.all([this.templates.getTemplate(id), this.templates.listTemplates()]);
    // Other roles' published versions, to start a draft from a copy of one.
    const sources = all.filter((x) => x.id !== id && x.current);
    const draftSummary = template.versions.find((v) => v.status === 'draft') ?? null;
    const draft = draftSummary ? await this.templates.getVersion(id, draftSummary.id) : null;
    const current = template.current;
    // Another version to look at (history), else the current one.
    const shown: TemplateVersionDto | null =
      opts.versionId && opts.versionId !== draft?.id && template.versions.some((v) => v.id === opts.versionId)
        ? await this.templates.getVersion(id, opts.versionId)
        : current;
    const t = locale.t;
    const lang = locale.lang;
    // Typed values belong to the draft they were typed into; if that draft is gone, the stored one is shown.
    const typed = opts.typed && draft && opts.typed.draftId === draft.id ? opts.typed : null;
    const editor = draft
      ? { id: draft.id, number: draft.number, ...editorView(typed?.form ?? formFromVersion(draft), opts.problem?.errors ?? {}, typed?.focus ?? null) }
      : null;
    const dict = scorecardDictionary(lang);
    return page(
      'template',
      {
        template,
        shown,
        shownIsCurrent: shown?.id === current?.id,
        history: template.versions.map((v) => ({ ...v, isShown: v.id === shown?.id, isDraft: v.status === 'draft' })),
        editor,
        // Redrawn with changes not stored yet: the page says so, since nothing looks different from a save.
        unsaved: typed !== null,
        // Suggestions only: any lower_snake_case category or unit is allowed.
        categories: Object.keys(dict.category),
        units: Object.keys(dict.unit),
        diff: draft && current ? diffVersions(current, draft) : null,
        sources,
        problem: opts.problem ?? null,
      },
      {
        title: 'templates.detailTitle',
        titleVars: { role: lang === 'zh-CN' ? template.role.nameZh : template.role.nameEn },
        status: opts.problem?.status,
        scripts: editor ? ['scoring.js', 'template-editor.js'] : [],
        data: editor ? { mustBe100: t('templates.mustBe100'), unreadable: t('templates.unreadable') } : undefined,
      },
    );
  }
}
