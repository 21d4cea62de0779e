/**
 * The two SDK calls agents make all the time — authenticate and wait — as functions of
 * (key, input), so the Express routes and the fast path (fast-path.ts) run the same code.
 */
import type { Core } from '../core/core.ts';
import type { ApiKey } from '../core/model.ts';
import { authenticateBody, parse, waitQuery } from './schemas.ts';
import { authenticateToWire, waitToWire } from './wire.ts';

export async function authenticateCall(core: Core, key: ApiKey, rawBody: unknown) {
  const body = parse(authenticateBody, rawBody, 'body');
  const result = await core.requests.authenticate(key, {
    provider: body.provider, scopes: body.scopes, userId: body.user_id, agentId: body.agent_id,
    forceNew: body.force_new ?? false, checkOnly: body.check_only ?? false,
  });
  return authenticateToWire(result);
}

/** `query` as Express's simple parser gives it (node:querystring). */
export async function waitCall(core: Core, key: ApiKey, authId: string, query: unknown, signal: AbortSignal) {
  const q = parse(waitQuery, query, 'query');
  const seconds = q.timeout === undefined ? 300 : Number(q.timeout);
  return waitToWire(await core.requests.wait(key, authId, seconds, signal));
}
