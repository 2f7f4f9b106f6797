// What a page handler needs of the request: the reader's language and its texts. Handlers take
// this instead of Express's request, so that they build pages without touching HTTP.
import { createParamDecorator, type ExecutionContext, Injectable, type PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import type { Lang } from '../i18n/langs.js';
import { Pages } from './pages.js';

export interface Locale {
  lang: Lang;
  t: (key: string, vars?: Record<string, string | number>) => string;
  /** The texts under `prefix.` (without it), for a page's script. */
  section: (prefix: string) => Record<string, string>;
}

@Injectable()
export class LocalePipe implements PipeTransform<Request, Locale> {
  constructor(private readonly pages: Pages) {}

  transform(req: Request): Locale {
    return { lang: this.pages.lang(req), t: this.pages.t(req), section: (prefix) => this.pages.section(req, prefix) };
  }
}

const RequestOf = createParamDecorator((_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<Request>());

/** The reader's language and texts, as a handler parameter. */
export const PageLocale = () => RequestOf(LocalePipe);
