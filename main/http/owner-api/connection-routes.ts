/** Connections and grants for the window: status, refresh, reconnect, revoke. */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import { NeedsReauth } from '../../core/connections.ts';
import { NotFound, Unavailable } from '../../core/errors.ts';
import type { ConsentLinkResponse } from '../owner-api-types.ts';
import { owner } from '../request-context.ts';
import { parse } from '../schemas.ts';
import { bindAgentBody, updateConnectionBody } from './schemas.ts';
import { connectionView, grantView } from './views.ts';
import { consentLink } from '../../core/links.ts';

export function connectionRoutes(core: Core, baseUrl: () => string, now: () => number): Router {
  const r = Router();
  const channel = (res: Parameters<typeof owner>[0]): string => (owner(res).via === 'control' ? 'cli' : 'window');
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
    // The owner's "Refresh now": refresh even if not due, and even while backing off.
    await core.connections.refresh(c.id, { force: true, ignoreBackoff: true }).catch((err: unknown) => {
      // needs_reauth and outages (503) are reported through the connection's status below.
      if (!(err instanceof NeedsReauth) && !(err instanceof Unavailable)) throw err;
    });
    res.json(connectionView(core, find(c.id), now()));
  });

  r.post('/connections/:id/reconnect', (req, res) => {
    const request = core.requests.reconnect(find(req.params.id), owner(res).via === 'control' ? 'cli' : 'window');
    const body: ConsentLinkResponse = { consent_url: consentLink(baseUrl(), core.sessions.mintConsentTicket(request.authId)) };
    res.json(body);
  });

  r.delete('/connections/:id', async (req, res) => {
    const c = find(req.params.id);
    await core.connections.remove([c], owner(res).via === 'control' ? 'cli' : 'window');
    res.json({ id: c.id, revoked: true });
  });

  // Several accounts per provider (issue 14): the owner relabels, picks the default, binds.
  r.patch('/connections/:id', (req, res) => {
    const b = parse(updateConnectionBody, req.body ?? {}, 'body');
    const c = core.accounts.update('all', find(req.params.id).id, { label: b.label, isDefault: b.is_default }, channel(res));
    res.json(connectionView(core, c, now()));
  });

  r.post('/connections/:id/agents', (req, res) => {
    const b = parse(bindAgentBody, req.body ?? {}, 'body');
    const via = owner(res).via === 'control' ? 'cli' : 'window';
    const made = core.accounts.bind('all', b.agent_id, find(req.params.id).id, via === 'cli' ? 'Latchkey CLI' : 'Latchkey window', via);
    res.json(connectionView(core, made.account, now()));
  });

  r.delete('/connections/:id/agents/:bindingId', (req, res) => {
    const c = find(req.params.id);
    const binding = core.accounts.bindingsOf(c.id).find((b) => b.id === req.params.bindingId);
    if (!binding) throw new NotFound(`No agent binding '${req.params.bindingId}' on this account.`);
    core.accounts.unbind('all', binding.agentId, binding.id, channel(res));
    res.json(connectionView(core, find(c.id), now()));
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
