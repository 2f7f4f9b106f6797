import { Controller, Get, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorator.js';
import { CyclesService } from '../cycles/cycles.service.js';
import { type Locale, PageLocale } from './page-locale.js';
import { PageResponder, type PageView, page } from './page-response.js';

/**
 * The import page: choose what to import and the file; its script sends the file to the imports
 * API (dry run, then commit of the very same file) and shows the report. No rule lives here: what
 * a file may change is the imports service's, which refuses per row.
 */
@ApiExcludeController()
@Controller('imports')
@UseInterceptors(PageResponder)
export class ImportsPagesController {
  constructor(private readonly cycles: CyclesService) {}

  @Get()
  @Allow('admin', 'hr')
  async show(@PageLocale() locale: Locale): Promise<PageView> {
    // Open cycles first: only their draft reviews take imported values.
    const all = await this.cycles.list({});
    const cycles = [...all.filter((c) => c.status === 'open'), ...all.filter((c) => c.status !== 'open')].map((c) => ({
      id: c.id,
      name: c.name,
      status: c.status,
    }));
    return page(
      'imports',
      { cycles, hasCycles: cycles.length > 0 },
      {
        title: 'imports.title',
        scripts: ['imports.js'],
        data: { lang: locale.lang, strings: locale.section('imports') },
      },
    );
  }
}
