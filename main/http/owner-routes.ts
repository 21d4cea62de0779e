/**
 * The owner's side over HTTP: the sign-in exchange, the home page, and the owner API
 * under /ui/api (contract: owner-api-types.ts) used by the window, the CLI and the tests.
 * Sign-in links are `<base>/#login=<token>`: the fragment never reaches any server (no
 * request line, no Referer), and the page's script trades it at POST /ui/login for a
 * session token it keeps in localStorage (S33).
 */
import express, { Router } from 'express';
import type { Core } from '../core/core.ts';
import { BadRequest, NotFound } from '../core/errors.ts';
import { VERSION } from '../version.ts';
import { MAX_BODY_BYTES, requireJson, safeJsonReviver } from './guards.ts';
import { activityRoutes } from './owner-api/activity-routes.ts';
import { connectionRoutes } from './owner-api/connection-routes.ts';
import { decisionRoutes } from './owner-api/decision-routes.ts';
import { eventStream } from './owner-api/event-stream.ts';
import { keyRoutes } from './owner-api/key-routes.ts';
import { ownerKeyRoutes } from './owner-api/owner-key-routes.ts';
import { providerRoutes } from './owner-api/provider-routes.ts';
import { settingsRoutes } from './owner-api/settings-routes.ts';
import { sessionRoutes } from './owner-api/session-routes.ts';
import type { LoginLinkResponse, LoginResponse, SessionView } from './owner-api-types.ts';
import { describeClient, requireOwner, sameOrigin } from './owner-auth.ts';
import { parse } from './schemas.ts';
import { loginBody } from './owner-api/schemas.ts';
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

  const json = express.json({ limit: MAX_BODY_BYTES, strict: true, reviver: safeJsonReviver });
  // Only a POST redeems a login token: link previews, prefetchers and HEAD never use one up.
  r.post('/ui/login', requireJson, json, (req, res) => {
    if (!sameOrigin(req, options.origins()) && req.headers.origin !== undefined) {
      throw new BadRequest('Sign in from the Latchkey page itself.', 'bad_origin');
    }
    const b = parse(loginBody, req.body ?? {}, 'body');
    const redeemed = core.sessions.redeemLoginToken(b.login_token, describeClient(req.headers['user-agent']));
    if (!redeemed) throw new BadRequest('This sign-in link is invalid or was already used. Run `npx latchkey ui` for a fresh one.', 'invalid_login_link');
    const body: LoginResponse = { session_token: redeemed.token, session_id: redeemed.session.id, expires_at: new Date(redeemed.session.expiresAt).toISOString() };
    res.json(body);
  });

  const api = Router();
  // The event stream authenticates itself (a ticket, or the header credential).
  api.use(eventStream(core, options.origins));
  api.use(requireOwner(core, options.origins));
  api.use(requireJson, json);

  api.get('/session', (_req, res) => {
    const o = owner(res);
    const k = core.keychainStatus();
    const body: SessionView = {
      via: o.via, session_id: o.via === 'session' ? o.session.id : null, version: VERSION, url: options.baseUrl(), port: options.port(),
      policy: core.policy.get().mode, keychain: { ok: k.ok, backend: k.backend, reason: k.ok ? null : k.reason, vault: k.vault ?? 'keychain' }, env_block: options.envBlock(),
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
  api.use(ownerKeyRoutes(core, options.baseUrl));
  api.use(keyRoutes(core));
  api.use(activityRoutes(core, options.now));
  api.use(settingsRoutes(core));
  api.use(sessionRoutes(core));
  api.use((_req, _res, next) => next(new NotFound('Unknown owner API route.')));
  r.use('/ui/api', api);

  r.use(options.ui);
  return r;
}
