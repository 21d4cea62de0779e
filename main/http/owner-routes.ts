/**
 * The owner's side over HTTP: the one-time login link, a minimal home page, and the owner
 * API under /ui/api that the CLI (and later the window) use. Typed request/response shapes
 * live in owner-api-types.ts, shared with the CLI.
 */
import express, { Router } from 'express';
import type { Core } from '../core/core.ts';
import { isApprovalPolicy } from '../core/core.ts';
import { NotFound } from '../core/errors.ts';
import { GRANT_DURATIONS, isGrantDuration } from '../core/grants.ts';
import { SESSION_TTL_MS } from '../core/owner-sessions.ts';
import type { AuthRequestRecord } from '../core/ports.ts';
import { MAX_BODY_BYTES, safeJsonReviver } from './guards.ts';
import { html, page } from './html.ts';
import type { ApproveResponse, PendingRequestView } from './owner-api-types.ts';
import { SIGN_IN_AGAIN, requireOwner, sessionCookie, sessionFrom } from './owner-auth.ts';
import { owner } from './request-context.ts';
import { BadRequest } from '../core/errors.ts';

export interface OwnerRouteOptions {
  baseUrl: () => string;
  origins: () => Set<string>;
  envBlock: () => string;
}

export function pendingView(core: Core, r: AuthRequestRecord, startUrl: string): PendingRequestView {
  return {
    auth_id: r.authId, provider_id: r.providerId, key_label: core.keyLabel(r.keyId), agent_id: r.agentId, user_id: r.userId,
    scopes: [...r.scopes], approved: r.approved, needs_consent: r.needsConsent, created_at: new Date(r.createdAt).toISOString(),
    expires_at: new Date(r.expiresAt).toISOString(), start_url: startUrl,
  };
}

export function ownerRoutes(core: Core, options: OwnerRouteOptions): Router {
  const r = Router();

  r.get('/ui/login/:token', (req, res) => {
    const session = core.sessions.redeemLoginToken(req.params.token ?? '');
    if (!session) {
      res.status(400).type('html').send(page('Sign-in link used', html`<h1>This sign-in link is invalid or was already used</h1><p>Run <code>npx latchkey ui</code> for a fresh one.</p>`));
      return;
    }
    res.setHeader('Set-Cookie', sessionCookie(session.id, Math.floor(SESSION_TTL_MS / 1000)));
    res.redirect(303, '/');
  });

  r.get('/', (req, res) => {
    const session = sessionFrom(core, req);
    if (!session) {
      res.status(401).type('html').send(page('Sign in', html`<h1>Latchkey is running</h1><p>${SIGN_IN_AGAIN}</p>`));
      return;
    }
    const pending = core.requests.listPending();
    const providers = core.providers.list();
    res.type('html').send(page('Latchkey', html`
      <h1>Pending requests (${pending.length})</h1>
      ${pending.length === 0 ? html`<p class="muted">Nothing waits for you. When an agent asks for a token it has not been allowed, it appears here.</p>` : html`<table>
        <thead><tr><th>Provider</th><th>Agent</th><th>Scopes</th><th></th></tr></thead>
        <tbody>${pending.map((p) => html`<tr><td>${p.providerId}</td><td>${p.agentId ?? core.keyLabel(p.keyId)}</td><td>${p.scopes.join(' ')}</td><td><a href="${`/start/${p.startToken}`}">Review</a></td></tr>`)}</tbody>
      </table>`}
      <h1>Providers (${providers.length})</h1>
      ${providers.length === 0 ? html`<p class="muted">No providers yet. Create one with the SDK's create_oauth_provider.</p>` : html`<table>
        <thead><tr><th>Id</th><th>Name</th><th>Redirect URI to register</th></tr></thead>
        <tbody>${providers.map((p) => html`<tr><td>${p.providerId}</td><td>${p.name}</td><td><code>${core.flows.redirectUri(p.providerId)}</code></td></tr>`)}</tbody>
      </table>`}
      <h1>Environment</h1>
      <pre>${options.envBlock()}</pre>`));
  });

  const api = Router();
  api.use(requireOwner(core, options.origins));
  api.use(express.json({ limit: MAX_BODY_BYTES, strict: true, reviver: safeJsonReviver }));

  api.get('/session', (_req, res) => {
    const o = owner(res);
    res.json({ via: o.via, csrf_token: o.via === 'session' ? o.session.csrf : null, policy: core.policy(), keychain: core.keychainStatus() });
  });

  api.get('/requests', (_req, res) => {
    res.json(core.requests.listPending().map((p) => pendingView(core, p, core.requests.startUrl(p))));
  });

  api.post('/requests/:authId/approve', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const duration = body.duration ?? '1h';
    if (!isGrantDuration(duration)) throw new BadRequest(`duration must be one of ${Object.keys(GRANT_DURATIONS).join(', ')}.`, 'invalid_duration');
    const via = owner(res).via === 'control' ? 'cli' : 'window';
    const { request, consentRequired } = await core.requests.approve(req.params.authId ?? '', duration, via);
    const answer: ApproveResponse = {
      auth_id: request.authId,
      status: request.status,
      consent_url: consentRequired ? `${options.baseUrl()}/consent/${core.sessions.mintConsentTicket(request.authId)}` : null,
    };
    res.json(answer);
  });

  api.post('/requests/:authId/deny', (req, res) => {
    const via = owner(res).via === 'control' ? 'cli' : 'window';
    const request = core.requests.deny(req.params.authId ?? '', via);
    res.json({ auth_id: request.authId, status: request.status });
  });

  api.post('/login-links', (_req, res) => {
    res.json({ url: `${options.baseUrl()}/ui/login/${core.sessions.mintLoginToken()}` });
  });

  api.put('/settings/approval-policy', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!isApprovalPolicy(body.policy)) throw new BadRequest("policy must be 'ask' or 'auto-owner'.", 'invalid_policy');
    core.setPolicy(body.policy);
    res.json({ policy: core.policy() });
  });

  api.use((_req, _res, next) => next(new NotFound('Unknown owner API route.')));
  r.use('/ui/api', api);
  return r;
}
