/**
 * The Latchkey window's page (renderer/dist, built by `npm run build:ui`) served at `/`,
 * with its hashed assets under /assets/ui/. The page holds no secret of its own: it signs
 * in with the one-time token in a link's fragment and keeps the session token in
 * localStorage (S33); without one it shows how to sign in. The page's CSP allows only our
 * own scripts, styles and API (no inline code, no eval), and forbids framing (S14, S19).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';
import { html, page } from './html.ts';

export const UI_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
export const UI_ASSETS_PATH = '/assets/ui';

export interface UiStaticOptions {
  /** The built UI; defaults to renderer/dist of this checkout (from main/http or dist/main/http). */
  distDir?: string | undefined;
}

export function defaultDistDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'renderer', 'dist'), join(here, '..', '..', '..', 'renderer', 'dist')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0] ?? '';
}

export function uiStatic(options: UiStaticOptions): Router {
  const distDir = options.distDir ?? defaultDistDir();
  const indexFile = join(distDir, 'index.html');
  const r = Router();

  const sendIndex = (_req: Request, res: Response): void => {
    let body: string;
    try {
      // Read per request (it is small): a rebuilt UI shows up without restarting the broker.
      body = readFileSync(indexFile, 'utf8');
    } catch {
      res.status(503).type('html').send(page('Window not built', html`<h1>The Latchkey window has not been built</h1><p>Run <code>npm run build:ui</code> in the Latchkey folder, then reload this page.</p>`));
      return;
    }
    res.set({ 'Content-Security-Policy': UI_CSP, 'Cache-Control': 'no-store' }).type('html').send(body);
  };
  r.get('/', sendIndex);
  r.get('/index.html', (_req, res) => res.redirect(301, '/'));

  // File names carry a content hash, so a year of caching is safe; unknown names fall through to 404.
  r.use(UI_ASSETS_PATH, express.static(join(distDir, 'assets', 'ui'), {
    index: false, redirect: false, dotfiles: 'ignore', immutable: true, maxAge: '365d', etag: false, fallthrough: true,
  }));
  return r;
}
