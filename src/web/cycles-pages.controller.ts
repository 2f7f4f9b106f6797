import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { CreateCycleDto } from '../cycles/dto/cycle.dto.js';
import { checkForm, type FieldErrors, formRefusal, str } from './forms.js';
import { PageIdPipe } from './page-id.pipe.js';
import { Pages } from './pages.js';

type Transition = 'open' | 'close' | 'delete';

interface CycleForm {
  name: string;
  periodStart: string;
  periodEnd: string;
}

/** Review cycles: plan, open, close (once every review is finalized), delete a planned one. */
@ApiExcludeController()
@Controller('cycles')
export class CyclesPagesController {
  constructor(
    private readonly pages: Pages,
    private readonly cycles: CyclesService,
  ) {}

  @Get()
  @Allow('admin', 'hr')
  async list(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.render(actor, req, res);
  }

  @Post()
  @Allow('hr')
  @HttpCode(200)
  async create(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    const form: CycleForm = { name: str(body, 'name'), periodStart: str(body, 'periodStart'), periodEnd: str(body, 'periodEnd') };
    const { dto, errors } = await checkForm(CreateCycleDto, form);
    if (Object.keys(errors).length > 0) return this.render(actor, req, res, { form, status: 400, message: this.pages.t(req)('cycles.fixFields'), errors });
    try {
      await this.cycles.create(actor, dto);
    } catch (err) {
      const refusal = formRefusal(err);
      return this.render(actor, req, res, { form, ...refusal });
    }
    this.pages.redirect(res, '/cycles', 'cycleCreated');
  }

  @Post(':id/open')
  @Allow('hr')
  @HttpCode(200)
  open(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    return this.transition('open', actor, id, req, res, body);
  }

  @Post(':id/close')
  @Allow('hr')
  @HttpCode(200)
  close(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    return this.transition('close', actor, id, req, res, body);
  }

  @Post(':id/delete')
  @Allow('hr')
  @HttpCode(200)
  remove(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>): Promise<void> {
    return this.transition('delete', actor, id, req, res, body);
  }

  private async transition(action: Transition, actor: Actor, id: string, req: Request, res: Response, body: Record<string, unknown>): Promise<void> {
    const version = Number(str(body, 'version')) || 0;
    try {
      if (action === 'open') await this.cycles.open(actor, id, version);
      else if (action === 'close') await this.cycles.close(actor, id, version);
      else await this.cycles.remove(actor, id, version);
    } catch (err) {
      const refusal = formRefusal(err);
      return this.render(actor, req, res, { status: refusal.status, message: refusal.message, errors: refusal.errors });
    }
    this.pages.redirect(res, '/cycles', { open: 'cycleOpened', close: 'cycleClosed', delete: 'cycleDeleted' }[action]);
  }

  private async render(actor: Actor, req: Request, res: Response, problem?: { form?: CycleForm; status: number; message: string; errors: FieldErrors }): Promise<void> {
    const cycles = await this.cycles.list({});
    this.pages.render(
      req,
      res,
      'cycles',
      {
        cycles,
        canEdit: actor.role === 'hr',
        form: problem?.form ?? { name: '', periodStart: '', periodEnd: '' },
        problem: problem ?? null,
      },
      { title: 'cycles.title', status: problem?.status },
    );
  }
}
