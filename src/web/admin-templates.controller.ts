import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { type TemplateDto, type TemplateVersionDto, UpdateDraftDto } from '../kpi-templates/dto/template.dto.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { scorecardDictionary } from '../i18n/scorecard-dictionary.js';
import { checkForm, type FieldErrors, formRefusal, staleVersion, str } from './forms.js';
import { PageIdPipe } from './page-id.pipe.js';
import { Pages } from './pages.js';
import { diffVersions } from './template-diff.js';
import { editorView } from './template-editor-view.js';
import { type DraftForm, formFromVersion, formToContent } from './template-form.js';
import { applyAction, parseDraftForm } from './template-form-post.js';

type Problem = { status: number; message: string; errors: FieldErrors };

/** KPI templates: the current version, its history, and the draft with a live weight sum. */
@ApiExcludeController()
@Controller('admin/templates')
@Allow('admin')
export class AdminTemplatesController {
  constructor(
    private readonly pages: Pages,
    private readonly templates: KpiTemplatesService,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    const templates = await this.templates.listTemplates();
    this.pages.render(req, res, 'templates', { templates: templates.map((t) => ({ ...t, versionCount: t.versions.length })) }, { title: 'templates.title' });
  }

  @Get(':id')
  async show(@Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Query('version') versionId: unknown): Promise<void> {
    await this.renderTemplate(id, req, res, { versionId: typeof versionId === 'string' ? versionId : null });
  }

  /** A new draft, copied from the current version. */
  @Post(':id/draft')
  @HttpCode(200)
  async startDraft(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      await this.templates.createDraft(actor, id, undefined);
    } catch (err) {
      return this.renderTemplate(id, req, res, { problem: formRefusal(err) });
    }
    this.pages.redirect(res, `/admin/templates/${id}#draft`, 'draftStarted');
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
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const { form, action } = parseDraftForm(body);
    if (action.kind !== 'save' && action.kind !== 'publish') {
      const edited = applyAction(form, action);
      return this.renderTemplate(id, req, res, { typed: { draftId: versionId, form: edited.form, focus: edited.focus } });
    }
    const t = this.pages.t(req);
    const again = (problem: Problem, typed: DraftForm = form) => this.renderTemplate(id, req, res, { problem, typed: { draftId: versionId, form: typed, focus: null } });
    const { dto, errors } = await checkForm(UpdateDraftDto, formToContent(form));
    if (Object.keys(errors).length > 0) return again({ status: 400, message: t('templates.fixFields'), errors });
    let saved: TemplateVersionDto | null = null;
    try {
      saved = await this.templates.updateDraft(actor, id, versionId, dto.version ?? 0, dto);
      if (action.kind === 'publish') {
        await this.templates.publish(actor, id, versionId, saved.version);
        return this.pages.redirect(res, `/admin/templates/${id}`, 'published');
      }
    } catch (err) {
      const current = staleVersion(err);
      if (current !== null) {
        // What was typed stays, now carrying the version that is there: saving again is a
        // deliberate choice to put one's own draft over theirs, after being told.
        return again({ status: 409, message: t('templates.staleSave'), errors: {} }, { ...form, version: String(current) });
      }
      const refusal = formRefusal(err);
      // The template's own rules (weights sum to 100, unique keys …) come from the service with a
      // field each; they are shown beside those fields, so the summary only says where to look.
      const message = refusal.status === 400 && Object.keys(refusal.errors).length > 0 ? t('templates.fixFields') : refusal.message;
      // A publish refused after the save worked: the form carries the saved version from now on.
      return again({ ...refusal, message }, saved ? { ...form, version: String(saved.version) } : form);
    }
    this.pages.redirect(res, `/admin/templates/${id}#draft`, 'draftSaved');
  }

  @Post(':id/draft/:versionId/discard')
  @HttpCode(200)
  async discard(
    @CurrentActor() actor: Actor,
    @Param('id', PageIdPipe) id: string,
    @Param('versionId', PageIdPipe) versionId: string,
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.templates.discardDraft(actor, id, versionId, Number(str(body, 'version')) || 0);
    } catch (err) {
      return this.renderTemplate(id, req, res, { problem: formRefusal(err) });
    }
    this.pages.redirect(res, `/admin/templates/${id}`, 'draftDiscarded');
  }

  private async renderTemplate(
    id: string,
    req: Request,
    res: Response,
    opts: { versionId?: string | null; problem?: Problem; typed?: { draftId: string; form: DraftForm; focus: string | null } },
  ): Promise<void> {
    const template: TemplateDto = await this.templates.getTemplate(id);
    const draftSummary = template.versions.find((v) => v.status === 'draft') ?? null;
    const draft = draftSummary ? await this.templates.getVersion(id, draftSummary.id) : null;
    const current = template.current;
    // Another version to look at (history), else the current one.
    const shown: TemplateVersionDto | null =
      opts.versionId && opts.versionId !== draft?.id && template.versions.some((v) => v.id === opts.versionId) ? await this.templates.getVersion(id, opts.versionId) : current;
    const t = this.pages.t(req);
    const lang = this.pages.lang(req);
    // Typed values belong to the draft they were typed into; if that draft is gone, the stored one is shown.
    const typed = opts.typed && draft && opts.typed.draftId === draft.id ? opts.typed : null;
    const editor = draft ? { id: draft.id, number: draft.number, ...editorView(typed?.form ?? formFromVersion(draft), opts.problem?.errors ?? {}, typed?.focus ?? null) } : null;
    const dict = scorecardDictionary(lang);
    this.pages.render(
      req,
      res,
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
