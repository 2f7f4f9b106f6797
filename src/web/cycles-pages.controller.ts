import { Body, Controller, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { type Actor, CurrentActor } from '../common/actor.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { CreateCycleDto } from '../cycles/dto/cycle.dto.js';
import { str } from './forms.js';
import { attempt, type Problem, submitForm } from './page-form.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageIdPipe } from './page-id.pipe.js';
import { type PageAnswer, PageResponder, type PageView, page, seeOther } from './page-response.js';

type Transition = 'open' | 'close' | 'delete';

interface CycleForm {
  name: string;
  periodStart: string;
  periodEnd: string;
}

/** Review cycles: plan, open, close (once every review is finalized), delete a planned one. */
@ApiExcludeController()
@Controller('cycles')
@UseInterceptors(PageResponder)
export class CyclesPagesController {
  constructor(private readonly cycles: CyclesService) {}

  @Get()
  @Allow('admin', 'hr')
  list(@CurrentActor() actor: Actor): Promise<PageView> {
    return this.render(actor);
  }

  @Post()
  @Allow('hr')
  @HttpCode(200)
  create(@CurrentActor() actor: Actor, @PageLocale() locale: Locale, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    const form: CycleForm = { name: str(body, 'name'), periodStart: str(body, 'periodStart'), periodEnd: str(body, 'periodEnd') };
    return submitForm({
      dto: CreateCycleDto,
      input: { ...form },
      invalid: locale.t('cycles.fixFields'),
      call: (dto) => this.cycles.create(actor, dto),
      refused: (problem) => this.render(actor, problem, form),
      done: () => seeOther('/cycles', 'cycleCreated'),
    });
  }

  @Post(':id/open')
  @Allow('hr')
  @HttpCode(200)
  open(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    return this.transition('open', actor, id, body);
  }

  @Post(':id/close')
  @Allow('hr')
  @HttpCode(200)
  close(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    return this.transition('close', actor, id, body);
  }

  @Post(':id/delete')
  @Allow('hr')
  @HttpCode(200)
  remove(@CurrentActor() actor: Actor, @Param('id', PageIdPipe) id: string, @Body() body: Record<string, unknown>): Promise<PageAnswer> {
    return this.transition('delete', actor, id, body);
  }

  private transition(action: Transition, actor: Actor, id: string, body: Record<string, unknown>): Promise<PageAnswer> {
    const version = Number(str(body, 'version')) || 0;
    return attempt({
      call: (): Promise<unknown> =>
        action === 'open'
          ? this.cycles.open(actor, id, version)
          : action === 'close'
            ? this.cycles.close(actor, id, version)
            : this.cycles.remove(actor, id, version),
      refused: (problem) => this.render(actor, problem),
      done: () => seeOther('/cycles', { open: 'cycleOpened', close: 'cycleClosed', delete: 'cycleDeleted' }[action]),
    });
  }

  private async render(actor: Actor, problem?: Problem, form?: CycleForm): Promise<PageView> {
    const cycles = await this.cycles.list({});
    return page(
      'cycles',
      {
        cycles,
        canEdit: actor.role === 'hr',
        form: form ?? { name: '', periodStart: '', periodEnd: '' },
        problem: problem ? { ...problem, form } : null,
      },
      { title: 'cycles.title', status: problem?.status },
    );
  }
}
