/**
 * The home's owner key over the owner API: `GET /env` (what `latchkey env` prints, answered by
 * the running broker so another terminal needs no keychain access of its own) and
 * `POST /keys/reissue-owner` (a new owner key, shown once; the old one is revoked).
 */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import { envBlock, OWNER_KEY_HINT } from '../../core/env-block.ts';
import type { EnvView, ReissueOwnerResponse } from '../owner-api-types.ts';
import { ownerPrincipal } from '../request-context.ts';
import { keyView } from './views.ts';

export function ownerKeyRoutes(core: Core, baseUrl: () => string): Router {
  const r = Router();

  r.get('/env', (_req, res) => {
    const owner = core.keys.ownerKeyStatus();
    const body: EnvView = {
      url: baseUrl(), api_key: owner.key, problem: owner.problem,
      hint: owner.problem ? OWNER_KEY_HINT[owner.problem] : null, env_block: envBlock(baseUrl(), owner),
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  r.post('/keys/reissue-owner', (_req, res) => {
    const { key, record, revoked } = core.reissueOwnerKey(ownerPrincipal(res));
    const body: ReissueOwnerResponse = { key, record: keyView(record), revoked: revoked.map((k) => k.id), env_block: envBlock(baseUrl(), { key, problem: null }) };
    res.set('Cache-Control', 'no-store').json(body);
  });

  return r;
}
