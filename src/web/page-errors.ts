import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { tokenOf } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import type { RequestWithActor } from '../common/actor.js';
import type { ErrorResponseDto } from '../common/error-response.dto.js';
import type { HtmlErrorRenderer } from '../common/html-errors.js';
import { Pages } from './pages.js';

const KINDS: Record<number, string> = {
  400: 'badRequest',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  413: 'badRequest',
  415: 'badRequest',
  429: 'tooMany',
};

/**
 * Errors of page routes (and of paths no route serves) as pages a person can act on: sign in,
 * change the password, or a short explanation with a way back. Never a stack trace; a 404 never
 * says whether the thing exists (out of scope looks the same as missing, as in the API).
 */
@Injectable()
export class PageErrors implements HtmlErrorRenderer {
  private readonly logger = new Logger('Pages');

  constructor(
    private readonly pages: Pages,
    private readonly auth: AuthService,
  ) {}

  render(req: Request, res: Response, error: ErrorResponseDto): void {
    void this.renderSignedIn(req, res, error);
  }

  /**
   * A 403 (the guard refused the role before it kept the user) or a 404 of a path no route serves
   * (no guard ran) still comes with the signed-in user's navigation, so the way on is one click.
   * Only these two: a 5xx may be the database being away (asking it again would only add to that),
   * a 429 is too many requests already.
   */
  private async renderSignedIn(req: RequestWithActor, res: Response, error: ErrorResponseDto): Promise<void> {
    const status = error.statusCode;
    if (!req.actor && (status === 403 || status === 404) && error.code !== 'PASSWORD_CHANGE_REQUIRED') {
      const token = tokenOf(req);
      try {
        const actor = token ? await this.auth.actorForToken(token) : null;
        if (actor && !actor.mustChangePassword) req.actor = actor;
      } catch (err) {
        // Without the user the page is still an answer, only without the navigation.
        this.logger.warn(`no navigation on a ${status} page: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.renderPage(req, res, error);
  }

  private renderPage(req: Request, res: Response, error: ErrorResponseDto): void {
    const status = error.statusCode;
    if (status === 401) {
      // Come back to the page after signing in; after a failed post, to where the form was.
      const next = req.method === 'GET' ? req.originalUrl : req.get('referer') ? new URL(req.get('referer') ?? '/', 'http://x').pathname : '/';
      res.redirect(303, `/login?next=${encodeURIComponent(next)}`);
      return;
    }
    if (error.code === 'PASSWORD_CHANGE_REQUIRED') {
      res.redirect(303, '/password');
      return;
    }
    // 503: the database or the browser is away for a moment; nothing is broken and nothing was lost.
    const kind = status === 503 ? 'unavailable' : status >= 500 ? 'serverError' : (KINDS[status] ?? 'generic');
    // Only messages written for people: validation and conflict messages from the services.
    // Not 404 (it would echo ids), not 5xx (internal).
    const detail = status === 400 || status === 409 || status === 429 ? error.message : null;
    try {
      this.pages.render(
        req,
        res,
        'error',
        { status, kind, detail, csrfExpired: error.code === 'CSRF_REJECTED', fieldErrors: status === 400 ? (error.errors ?? []) : [] },
        { title: `errors.${kind}.title`, status },
      );
    } catch (err) {
      // The error page itself failed (a template bug): plain text, still no internals.
      this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      if (!res.headersSent) res.status(status).type('text/plain').send(`${status} ${error.error}`);
    }
  }
}
