/** Connections and grants for the window: status, refresh, reconnect, revoke. */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import { NeedsReauth } from '../../core/connections.ts';
import { NotFound, Unavailable } from '../../core/errors.ts';
import type { ConsentLinkResponse } from '../owner-api-types.ts';
import { owner } from '../request-context.ts';
import { connectionView, grantView } from './views.ts';

export function connectionRoutes(core: Core, baseUrl: () => string, now: () => number): Router {
  const r = Router();
  const find = (id: string) => {
    const c = core.connections.byId(id);
    if (!c) throw new NotFound(`No connection '${id}'; it may have been revoked.`);
    return c;
  };

  r.get('/connections', (_req, res) => {
    const t = now();
    res.json(core.listConnections().map((c) => connectionView(core, c, t)));
  });

  r.post('/connections/:id/refresh', async (req, res) => {
    const c = find(req.params.id);
    await core.connections.refresh(c.id, { force: true }).catch((err: unknown) => {
      // needs_reauth and outages (503) are reported through the connection's status below.
      if (!(err instanceof NeedsReauth) && !(err instanceof Unavailable)) throw err;
    });
    res.json(connectionView(core, find(c.id), now()));
  });

  r.post('/connections/:id/reconnect', (req, res) => {
    const request = core.requests.reconnect(find(req.params.id), owner(res).via === 'control' ? 'cli' : 'window');
    const body: ConsentLinkResponse = { consent_url: `${baseUrl()}/consent/${core.sessions.mintConsentTicket(request.authId)}` };
    res.json(body);
  });

  r.delete('/connections/:id', async (req, res) => {
    const c = find(req.params.id);
    await core.connections.remove([c], owner(res).via === 'control' ? 'cli' : 'window');
    res.json({ id: c.id, revoked: true });
  });

  r.get('/grants', (_req, res) => {
    res.json(core.grants.list().filter((g) => g.effect === 'allow').map((g) => grantView(core, g)));
  });

  r.delete('/grants/:id', (req, res) => {
    const g = core.grants.byId(req.params.id);
    if (!g || g.revokedAt !== null) throw new NotFound(`No active grant '${req.params.id}'.`);
    core.grants.revoke(g.id);
    core.activity.record({ type: 'grant.revoked', keyId: g.keyId, keyLabel: core.keyLabel(g.keyId), agentId: g.agentId, userId: g.userId, providerId: g.providerId, scopes: g.scopes, channel: owner(res).via === 'control' ? 'cli' : 'window' });
    res.json({ id: g.id, revoked: true });
  });

  return r;
}
