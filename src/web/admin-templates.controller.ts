import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import type { KpiDto } from '../kpi-templates/dto/kpi.dto.js';
import { type TemplateDto, type TemplateVersionDto, UpdateDraftDto } from '../kpi-templates/dto/template.dto.js';
import { KpiTemplatesService } from '../kpi-templates/kpi-templates.service.js';
import { checkForm, type FieldErrors, formRefusal, str } from './forms.js';
import { PageIdPipe } from './page-id.pipe.js';
import { Pages } from './pages.js';
import { diffVersions } from './template-diff.js';

/** What the editor form holds for one KPI: the numbers an admin tunes between versions. */
interface EditedKpi {
  weight: string;
  target: string;
  cap: string;
  threshold: string;
}

/** Form text → number; empty is "no value" (null), anything unreadable stays NaN so validation names it. */
function num(raw: string): number | null {
  const s = raw.replace(/[\s,]/g, '');
  return s === '' ? null : Number(s);
}

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

  /** Saves the draft; with action=publish, publishes it right after (weights must sum to 100). */
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
    const draft = await this.templates.getVersion(id, versionId);
    const edited: EditedKpi[] = draft.kpis.map((_k, i) => ({ weight: str(body, `weight.${i}`), target: str(body, `target.${i}`), cap: str(body, `cap.${i}`), threshold: str(body, `threshold.${i}`) }));
    const notes = str(body, 'notes');
    const content = {
      version: Number(str(body, 'version')) || undefined,
      notes,
      bands: draft.bands,
      kpis: draft.kpis.map((k, i): KpiDto => {
        const e = edited[i];
        const rule = k.rule.type === 'target' ? { ...k.rule, target: num(e.target), cap: num(e.cap), threshold: num(e.threshold) } : k.rule;
        return { ...k, weight: num(e.weight), rule } as KpiDto;
      }),
    };
    const again = (problem: { status: number; message: string; errors: FieldErrors }) => this.renderTemplate(id, req, res, { problem, edited, notes });
    const { dto, errors } = await checkForm(UpdateDraftDto, content);
    if (Object.keys(errors).length > 0) return again({ status: 400, message: this.pages.t(req)('templates.fixFields'), errors });
    try {
      const saved = await this.templates.updateDraft(actor, id, versionId, content.version ?? 0, dto);
      if (str(body, 'action') === 'publish') {
        await this.templates.publish(actor, id, versionId, saved.version);
        return this.pages.redirect(res, `/admin/templates/${id}`, 'published');
      }
    } catch (err) {
      return again(formRefusal(err));
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
    opts: { versionId?: string | null; problem?: { status: number; message: string; errors: FieldErrors }; edited?: EditedKpi[]; notes?: string },
  ): Promise<void> {
    const template: TemplateDto = await this.templates.getTemplate(id);
    const draftSummary = template.versions.find((v) => v.status === 'draft') ?? null;
    const draft = draftSummary ? await this.templates.getVersion(id, draftSummary.id) : null;
    const current = template.current;
    // Another version to look at (history), else the current one.
    const shown: TemplateVersionDto | null =
      opts.versionId && opts.versionId !== draft?.id && template.versions.some((v) => v.id === opts.versionId) ? await this.templates.getVersion(id, opts.versionId) : current;
    const errors = opts.problem?.errors ?? {};
    const t = this.pages.t(req);
    const editor = draft
      ? {
          id: draft.id,
          version: draft.version,
          number: draft.number,
          notes: opts.notes ?? draft.notes,
          weightSum: draft.weightSum,
          generalError: errors.kpis ?? null,
          rows: draft.kpis.map((k, i) => {
            const e = opts.edited?.[i];
            const isTarget = k.rule.type === 'target';
            return {
              i,
              kpi: k,
              isTarget,
              weight: e?.weight ?? String(k.weight),
              target: e?.target ?? (isTarget ? String(k.rule.target ?? '') : ''),
              cap: e?.cap ?? (isTarget ? String(k.rule.cap ?? '') : ''),
              threshold: e?.threshold ?? (isTarget && k.rule.threshold !== null && k.rule.threshold !== undefined ? String(k.rule.threshold) : ''),
              errors: {
                weight: errors[`kpis[${i}].weight`] ?? null,
                target: errors[`kpis[${i}].rule.target`] ?? null,
                cap: errors[`kpis[${i}].rule.cap`] ?? null,
                threshold: errors[`kpis[${i}].rule.threshold`] ?? null,
              },
            };
          }),
        }
      : null;
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
        diff: draft && current ? diffVersions(current, draft) : null,
        problem: opts.problem ?? null,
      },
      {
        title: 'templates.detailTitle',
        titleVars: { role: this.pages.lang(req) === 'zh-CN' ? template.role.nameZh : template.role.nameEn },
        status: opts.problem?.status,
        scripts: editor ? ['scoring.js', 'template-editor.js'] : [],
        data: editor ? { mustBe100: t('templates.mustBe100'), unreadable: t('templates.unreadable') } : undefined,
      },
    );
  }
}
