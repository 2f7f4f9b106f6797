import type { Request, Response } from 'express';
import type { ErrorResponseDto } from './error-response.dto.js';

/**
 * Requests outside /api are people in a browser: they get a page, not JSON. The web module
 * provides the renderer; without it (or for /api) the JSON error shape is used.
 */
export const HTML_ERROR_RENDERER = Symbol('HTML_ERROR_RENDERER');

export interface HtmlErrorRenderer {
  render(req: Request, res: Response, error: ErrorResponseDto, exception: unknown): void;
}

export const isApiPath = (path: string): boolean => path === '/api' || path.startsWith('/api/');
