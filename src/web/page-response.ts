// Page handlers return what to answer — a page or a see-other redirect — instead of writing to
// Express's response themselves: no @Res() in the controllers, and one place that turns the
// answer into HTTP (status, headers, the CSRF cookie the page's forms need).
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';
import { type PageOptions, Pages, withNotice } from './pages.js';

/** A page to render with the layout. */
export class PageView {
  constructor(
    readonly view: string,
    readonly model: object,
    readonly options: PageOptions,
  ) {}
}

/** 303 see-other after a form, so that reload does not post again; `notice` is shown by the next page. */
export class PageRedirect {
  readonly url: string;

  constructor(url: string, notice?: string) {
    this.url = locationOf(withNotice(url, notice));
  }
}

/** A header carries only ASCII: what else a path holds (a search for 张) is percent-encoded, as Express's redirect does. */
function locationOf(url: string): string {
  return url.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[^\x21-\x7e]/g, (c) =>
    c.length === 1 && c >= '\uD800' && c <= '\uDFFF' ? '%EF%BF%BD' : encodeURIComponent(c),
  );
}

export type PageAnswer = PageView | PageRedirect;

export const page = (view: string, model: object, options: PageOptions): PageView => new PageView(view, model, options);
export const seeOther = (url: string, notice?: string): PageRedirect => new PageRedirect(url, notice);

/**
 * Sends a handler's PageView or PageRedirect. Nest sends a returned web Response as it is, with its
 * status (a refused form is a 400 or 409 page, whatever @HttpCode says); what the page set on the
 * Express response before (the CSRF cookie, Cache-Control) stays.
 */
@Injectable()
export class PageResponder implements NestInterceptor {
  constructor(private readonly pages: Pages) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = ctx.switchToHttp();
    return next.handle().pipe(map((answer: unknown) => this.answer(http.getRequest<Request>(), http.getResponse<Response>(), answer)));
  }

  private answer(req: Request, res: Response, answer: unknown): unknown {
    if (answer instanceof PageRedirect) return new globalThis.Response(null, { status: 303, headers: { Location: answer.url } });
    if (!(answer instanceof PageView)) return answer;
    const html = this.pages.html(req, res, answer.view, answer.model, answer.options);
    return new globalThis.Response(html, { status: answer.options.status ?? 200, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  }
}
