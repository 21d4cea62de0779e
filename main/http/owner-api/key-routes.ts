/** API keys and pairing requests: create (shown once), revoke, adopt an unknown key. */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import type { CreateKeyResponse } from '../owner-api-types.ts';
import { ownerPrincipal } from '../request-context.ts';
import { parse } from '../schemas.ts';
import { acceptPairingBody, createKeyBody } from './schemas.ts';
import { keyView, pairingView } from './views.ts';

export function keyRoutes(core: Core): Router {
  const r = Router();

  r.get('/keys', (_req, res) => {
    res.json(core.keys.list().map(keyView));
  });

  r.post('/keys', (req, res) => {
    const b = parse(createKeyBody, req.body, 'body');
    const { key, record } = core.createKey(ownerPrincipal(res), b.label, b.role);
    const body: CreateKeyResponse = { key, record: keyView(record) };
    res.json(body);
  });

  r.delete('/keys/:id', (req, res) => {
    const ended = core.revokeKey(ownerPrincipal(res), req.params.id);
    res.json({ id: req.params.id, revoked: true, requests_cancelled: ended.requests, grants_revoked: ended.grants, trust_rules_removed: ended.trustRules });
  });

  r.get('/pairings', (_req, res) => {
    res.json(core.keys.pairings().map(pairingView));
  });

  r.post('/pairings/:id/accept', (req, res) => {
    const b = parse(acceptPairingBody, req.body, 'body');
    const record = core.acceptPairing(ownerPrincipal(res), req.params.id, b.label, b.role);
    res.json(keyView(record));
  });

  r.post('/pairings/:id/reject', (req, res) => {
    core.rejectPairing(ownerPrincipal(res), req.params.id);
    res.json({ id: req.params.id, rejected: true });
  });

  return r;
}
