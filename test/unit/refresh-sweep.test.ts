/** The background sweep with a fake clock: refresh before expiry, keep idle refresh tokens alive. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IDLE_KEEPALIVE_MS } from '../../main/core/refresh-sweep.ts';
import { coreHarness } from '../helpers/fakes.ts';
import { ownerVia } from '../helpers/owner.ts';

async function harness(expiresIn: number | undefined, withRefresh = true) {
  let i = 0;
  const h = coreHarness(() => ({ access_token: `at-${i++}`, token_type: 'Bearer', ...(withRefresh ? { refresh_token: `rt-${i}` } : {}), ...(expiresIn === undefined ? {} : { expires_in: expiresIn }) }));
  const owner = h.core.keys.list().find((k) => k.role === 'owner')!;
  const a = await h.core.requests.authenticate(owner, { provider: 'idp', scopes: ['s'] });
  await h.core.requests.approve(ownerVia('cli'), a.authId!, 'forever');
  const url = new URL(await h.core.flows.begin(h.core.requests.get(a.authId!)!, 'b'));
  await h.core.flows.callback('idp', new URLSearchParams({ code: 'c', state: url.searchParams.get('state')! }), { hash: 'b' });
  return h;
}

describe('refresh sweep', () => {
  test('refreshes a token before it enters the margin, and leaves fresh ones alone', async () => {
    const h = await harness(3600);
    assert.equal(await h.core.sweep.runOnce(), 0);
    h.clock.advance(50 * 60_000);
    assert.equal(await h.core.sweep.runOnce(), 0, '10 minutes left: not yet');
    h.clock.advance(4 * 60_000);
    assert.equal(await h.core.sweep.runOnce(), 1, '6 minutes left: within margin + lookahead');
    assert.equal(h.oauth.calls.refresh, 1);
    const c = h.store.connections.listAll()[0]!;
    assert.equal(c.lastRefreshAt, h.clock.now());
    assert.equal(c.expiresAt, h.clock.now() + 3600_000);
  });

  test('keeps an idle, non-expiring refresh token alive once a week', async () => {
    const h = await harness(undefined);
    h.clock.advance(IDLE_KEEPALIVE_MS - 1000);
    assert.equal(await h.core.sweep.runOnce(), 0);
    h.clock.advance(2000);
    assert.equal(await h.core.sweep.runOnce(), 1);
    assert.equal(await h.core.sweep.runOnce(), 0, 'not again until another week passes');
  });

  test('skips connections without a refresh token and ones that need re-auth', async () => {
    const h = await harness(3600, false);
    h.clock.advance(58 * 60_000);
    assert.equal(await h.core.sweep.runOnce(), 0);
    assert.equal(h.oauth.calls.refresh, 0);
  });
});
