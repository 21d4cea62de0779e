/** Connections and grants for the window: status, refresh, reconnect, revoke. */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import { NotFound } from '../../core/errors.ts';
import type { ConsentLinkResponse } from '../owner-api-types.ts';
import { owner, ownerPrincipal } from '../request-context.ts';
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

  // Several accounts per provider (issue 14): the owner relabels, picks the default, binds.
  r.patch('/connections/:id', (req, res) => {
    const b = parse(updateConnectionBody, req.body ?? {}, 'body');
    const c = core.accounts.update('all', find(req.params.id).id, { label: b.label, isDefault: b.is_default }, channel(res));
    res.json(connectionView(core, c, now()));
  });

  r.post('/connections/:id/agents', (req, res) => {
    const b = parse(bindAgentBody, req.body ?? {}, 'body');
    const made = core.accounts.bind(ownerPrincipal(res), 'all', b.agent_id, find(req.params.id).id, owner(res).via === 'control' ? 'Latchkey CLI' : 'Latchkey window');
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
    core.revokeGrant(ownerPrincipal(res), req.params.id);
    res.json({ id: req.params.id, revoked: true });
  });

  return r;
}
