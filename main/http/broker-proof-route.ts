/** `GET /ui/broker-proof?nonce=…`: the broker proves to the CLI that it holds the control secret (S40, main/broker-proof.ts). */
import { Router } from 'express';
import { brokerProof, PROOF_PATH } from '../broker-proof.ts';
import type { Core } from '../core/core.ts';
import { BadRequest } from '../core/errors.ts';

export function brokerProofRoute(core: Core, port: () => number): Router {
  const r = Router();
  r.get(PROOF_PATH, (req, res, next) => {
    const proof = brokerProof(core.sessions.controlSecret, typeof req.query.nonce === 'string' ? req.query.nonce : '', port());
    if (proof === null) return next(new BadRequest('nonce must be 32 random bytes, base64url-encoded.', 'bad_nonce'));
    res.set('Cache-Control', 'no-store').json({ proof });
  });
  return r;
}
