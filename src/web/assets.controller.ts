import { Controller, Get, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/access.decorator.js';
import { WebAssets } from './assets.js';

@ApiExcludeController()
@Controller('assets')
export class AssetsController {
  constructor(private readonly assets: WebAssets) {}

  /** Public: the sign-in page needs its stylesheet; these files hold no data. */
  @Get(':name')
  @Public()
  get(@Param('name') name: string, @Req() req: Request, @Res() res: Response): void {
    const asset = this.assets.get(name);
    if (!asset) throw new NotFoundException(`No asset ${name}`);
    const etag = `"${asset.hash}"`;
    // A URL with the current hash never changes; any other (old hash, none) must be checked.
    res.setHeader('Cache-Control', req.query.v === asset.hash ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.setHeader('ETag', etag);
    if (req.header('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.type(asset.contentType).send(asset.body);
  }
}
