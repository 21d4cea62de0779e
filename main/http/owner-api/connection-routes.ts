/** Connections and grants for the window: status, refresh, reconnect, revoke. */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import type { ConsentLinkResponse } from '../owner-api-types.ts';
import { ownerPrincipal } from '../request-context.ts';
import { connectionView, grantView } from './views.ts';
import { consentLink } from '../../core/links.ts';

export function connectionRoutes(core: Core, baseUrl: () => string, now: () => number): Router {
  const r = Router();
  r.get('/connections', (_req, res) => {
    const t = now();
    res.json(core.listConnections().map((c) => connectionView(core, c, t)));
  });

  r.post('/connections/:id/refresh', async (req, res) => {
    const c = await core.refreshConnection(ownerPrincipal(res), req.params.id);
    res.json(connectionView(core, c, now()));
  });

  r.post('/connections/:id/reconnect', (req, res) => {
    const request = core.reconnect(ownerPrincipal(res), req.params.id);
    const body: ConsentLinkResponse = { consent_url: consentLink(baseUrl(), core.sessions.mintConsentTicket(request.authId)) };
    res.json(body);
  });

  r.delete('/connections/:id', async (req, res) => {
    await core.revokeConnection(ownerPrincipal(res), req.params.id);
    res.json({ id: req.params.id, revoked: true });
  });

  r.get('/grants', (_req, res) => {
    res.json(core.grants.list().filter((g) => g.effect === 'allow').map((g) => grantView(core, g)));
  });

  r.delete('/grants/:id', (req, res) => {
    core.revokeGrant(ownerPrincipal(res), req.params.id);
    res.json({ id: req.params.id, revoked: true });
  });

  return r;
}
