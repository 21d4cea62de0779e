/** API keys and pairing requests: create (shown once), revoke, adopt an unknown key. */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import type { CreateKeyResponse } from '../owner-api-types.ts';
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
    const { key, record } = core.keys.create(b.label, b.role);
    core.activity.record({ type: 'key.created', keyId: record.id, keyLabel: record.label, detail: `role ${record.role}` });
    const body: CreateKeyResponse = { key, record: keyView(record) };
    res.json(body);
  });

  r.delete('/keys/:id', (req, res) => {
    const label = core.keyLabel(req.params.id);
    core.keys.revoke(req.params.id);
    core.activity.record({ type: 'key.revoked', keyId: req.params.id, keyLabel: label });
    res.json({ id: req.params.id, revoked: true });
  });

  r.get('/pairings', (_req, res) => {
    res.json(core.keys.pairings().map(pairingView));
  });

  r.post('/pairings/:id/accept', (req, res) => {
    const b = parse(acceptPairingBody, req.body, 'body');
    const record = core.keys.acceptPairing(req.params.id, b.label, b.role);
    core.activity.record({ type: 'key.paired', keyId: record.id, keyLabel: record.label, detail: `role ${record.role}` });
    res.json(keyView(record));
  });

  r.post('/pairings/:id/reject', (req, res) => {
    core.keys.rejectPairing(req.params.id);
    res.json({ id: req.params.id, rejected: true });
  });

  return r;
}
