/**
 * The owner's side over HTTP: the one-time login link, the home page, and the owner API
 * under /ui/api (contract: owner-api-types.ts) used by the window, the CLI and the tests.
 */
import express, { Router } from 'express';
import type { Core } from '../core/core.ts';
import { NotFound } from '../core/errors.ts';
import { SESSION_TTL_MS } from '../core/owner-sessions.ts';
import { VERSION } from '../version.ts';
import { MAX_BODY_BYTES, requireJson, safeJsonReviver } from './guards.ts';
import { html, page } from './html.ts';
import { activityRoutes } from './owner-api/activity-routes.ts';
import { connectionRoutes } from './owner-api/connection-routes.ts';
import { decisionRoutes } from './owner-api/decision-routes.ts';
import { eventStream } from './owner-api/event-stream.ts';
import { keyRoutes } from './owner-api/key-routes.ts';
import { providerRoutes } from './owner-api/provider-routes.ts';
import { settingsRoutes } from './owner-api/settings-routes.ts';
import type { LoginLinkResponse, SessionView } from './owner-api-types.ts';
import { requireOwner, sessionCookie } from './owner-auth.ts';
import { owner } from './request-context.ts';
import { loginLink } from '../core/links.ts';

export interface OwnerRouteOptions {
  baseUrl: () => string;
  port: () => number;
  origins: () => Set<string>;
  envBlock: () => string;
  now: () => number;
  /** The window's UI (ui-static.ts), served at `/` for an owner session. */
  ui: Router;
}

export function ownerRoutes(core: Core, options: OwnerRouteOptions): Router {
  const r = Router();

  r.get('/ui/login/:token', (req, res) => {
    const session = core.sessions.redeemLoginToken(req.params.token);
    if (!session) {
      res.status(400).type('html').send(page('Sign-in link used', html`<h1>This sign-in link is invalid or was already used</h1><p>Run <code>npx latchkey ui</code> for a fresh one.</p>`));
      return;
    }
    res.setHeader('Set-Cookie', sessionCookie(session.id, Math.floor(SESSION_TTL_MS / 1000)));
    res.redirect(303, '/');
  });

  const api = Router();
  api.use(requireOwner(core, options.origins));
  api.use(requireJson, express.json({ limit: MAX_BODY_BYTES, strict: true, reviver: safeJsonReviver }));

  api.get('/session', (_req, res) => {
    const o = owner(res);
    const k = core.keychainStatus();
    const body: SessionView = {
      via: o.via, csrf_token: o.via === 'session' ? o.session.csrf : null, version: VERSION, url: options.baseUrl(), port: options.port(),
      policy: core.policy.get().mode, keychain: { ok: k.ok, backend: k.backend, reason: k.ok ? null : k.reason }, env_block: options.envBlock(),
    };
    res.json(body);
  });

  api.post('/login-links', (_req, res) => {
    const body: LoginLinkResponse = { url: loginLink(options.baseUrl(), core.sessions.mintLoginToken()) };
    res.json(body);
  });

  api.use(decisionRoutes(core, options.baseUrl));
  api.use(providerRoutes(core));
  api.use(connectionRoutes(core, options.baseUrl, options.now));
  api.use(keyRoutes(core));
  api.use(activityRoutes(core, options.now));
  api.use(settingsRoutes(core));
  api.use(eventStream(core));
  api.use((_req, _res, next) => next(new NotFound('Unknown owner API route.')));
  r.use('/ui/api', api);

  r.use(options.ui);
  return r;
}
