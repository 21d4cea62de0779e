/**
 * Refresh rules in core with a scripted provider and a fake clock (design.md §5):
 * single-flight, rotation kept durable, invalid_grant → needs_reauth, outages back off.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiKey } from '../../main/core/model.ts';
import { UpstreamError } from '../../main/core/upstream-error.ts';
import { coreHarness, type CoreHarness, type TokenScript } from '../helpers/fakes.ts';
import { ownerVia } from '../helpers/owner.ts';

/** A connection for the owner with a token that expires in `ttlSeconds`, approved forever. */
async function connected(script: TokenScript, ttlSeconds = 3600): Promise<CoreHarness & { key: ApiKey; authenticate: () => ReturnType<CoreHarness['core']['requests']['authenticate']> }> {
  let first = true;
  const h = coreHarness((kind, input) => {
    if (first && kind === 'code') {
      first = false;
      return { access_token: 'at-0', token_type: 'Bearer', refresh_token: 'rt-0', expires_in: ttlSeconds };
    }
    return script(kind, input);
  });
  const key = h.core.keys.list().find((k) => k.role === 'owner')!;
  const a = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['s'] });
  await h.core.requests.approve(ownerVia('cli'), a.authId!, 'forever');
  const url = new URL(await h.core.flows.begin(h.core.requests.get(a.authId!)!, 'b'));
  await h.core.flows.callback('idp', new URLSearchParams({ code: 'c', state: url.searchParams.get('state')! }), { hash: 'b' });
  return { ...h, key, authenticate: () => h.core.requests.authenticate(key, { provider: 'idp', scopes: ['s'] }) };
}

describe('refresh', () => {
  test('a fresh token is served without a provider call; one inside the 5-minute margin is refreshed', async () => {
    let i = 0;
    const h = await connected(() => ({ access_token: `at-${++i}`, token_type: 'Bearer', refresh_token: `rt-${i}`, expires_in: 3600 }));
    assert.equal((await h.authenticate()).token, 'at-0');
    assert.equal(h.oauth.calls.refresh, 0);
    h.clock.advance(56 * 60_000);
    assert.equal((await h.authenticate()).token, 'at-1');
    assert.equal(h.oauth.calls.refresh, 1);
  });

  test('S20 50 concurrent callers on an expired token → exactly one refresh, all get the same new token', async () => {
    let i = 0;
    const h = await connected(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return { access_token: `at-${++i}`, token_type: 'Bearer', refresh_token: `rt-${i}`, expires_in: 3600 };
    });
    h.clock.advance(2 * 3600_000);
    const answers = await Promise.all(Array.from({ length: 50 }, () => h.authenticate()));
    assert.equal(h.oauth.calls.refresh, 1);
    assert.deepEqual(new Set(answers.map((a) => a.token)), new Set(['at-1']));
  });

  test('the old refresh token is kept when the provider omits one; a rotated one replaces it', async () => {
    const seen: string[] = [];
    let rotate = false;
    const h = await connected((_k, input) => {
      seen.push(input.refreshToken ?? '');
      return rotate ? { access_token: 'at-b', token_type: 'Bearer', refresh_token: 'rt-b', expires_in: 3600 } : { access_token: 'at-a', token_type: 'Bearer', expires_in: 3600 };
    });
    h.clock.advance(2 * 3600_000);
    await h.authenticate();
    rotate = true;
    h.clock.advance(2 * 3600_000);
    await h.authenticate();
    h.clock.advance(2 * 3600_000);
    await h.authenticate();
    assert.deepEqual(seen, ['rt-0', 'rt-0', 'rt-b']);
  });

  test('S21 the rotated set is committed before a caller sees the new access token', async () => {
    const h = await connected(() => ({ access_token: 'at-new', token_type: 'Bearer', refresh_token: 'rt-new', expires_in: 3600 }));
    h.clock.advance(2 * 3600_000);
    const answer = await h.authenticate();
    assert.equal(answer.token, 'at-new');
    // Read back from SQLite without the cache: the stored set is the new one, whole.
    const conn = h.store.connections.listAll()[0]!;
    h.core.connections.forget(conn.id);
    const stored = h.core.connections.read(h.core.connections.byId(conn.id)!);
    assert.equal(stored.accessToken, 'at-new');
    assert.equal(stored.refreshToken, 'rt-new');
    assert.ok(conn.lastRefreshAt !== null);
  });

  test('S22 invalid_grant → needs_reauth, no more provider calls, authenticate answers pending (never an error)', async () => {
    let events = 0;
    const h = await connected(() => { throw new UpstreamError('invalid_grant', 'invalid_grant: refresh token revoked', 'invalid_grant'); });
    h.core.events.on('connection.needs_reauth', () => events++);
    h.clock.advance(2 * 3600_000);
    const a = await h.authenticate();
    assert.equal(a.status, 'pending');
    assert.equal(h.core.requests.get(a.authId!)!.needsConsent, true);
    assert.equal(h.store.connections.listAll()[0]!.status, 'needs_reauth');
    assert.equal(events, 1);
    await h.authenticate();
    assert.equal(h.oauth.calls.refresh, 1, 'stops retrying');
  });

  test('S23 provider outage: unexpired token still served; expired → 503 with Retry-After; backoff; not revoked', async () => {
    const h = await connected(() => { throw new UpstreamError('transient', 'provider answered HTTP 503'); });
    h.clock.advance(57 * 60_000); // inside the margin, not yet expired
    assert.equal((await h.authenticate()).token, 'at-0');
    assert.equal(h.oauth.calls.refresh, 1);
    assert.equal((await h.authenticate()).token, 'at-0');
    assert.equal(h.oauth.calls.refresh, 1, 'backing off: no call during the cooldown');
    h.clock.advance(4 * 60_000); // expired now, cooldown over
    await assert.rejects(h.authenticate(), (e: Error & { status?: number; headers?: Record<string, string> }) => e.status === 503 && Number(e.headers?.['Retry-After']) >= 1);
    assert.equal(h.store.connections.listAll()[0]!.status, 'ok');
  });

  test('S27 revoking tokens calls the revocation endpoint and deletes locally even when it fails', async () => {
    const h = await connected(() => ({ access_token: 'x', token_type: 'Bearer' }));
    h.oauth.revokeFails = true;
    await h.core.revokeTokens(h.key.id, 'idp');
    assert.equal(h.oauth.calls.revoke, 1);
    assert.equal(h.store.connections.listAll().length, 0);
    assert.equal(h.core.hasToken(h.key.id, 'idp'), false);
  });
});
