/**
 * Core rules of authenticate / approve / deny / wait with a fake clock and a scripted
 * provider: when a token is released, when a human is asked, and when not.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Core } from '../../main/core/core.ts';
import type { ApiKey } from '../../main/core/model.ts';
import { coreHarness, type CoreHarness } from '../helpers/fakes.ts';
import { ownerVia, TEST_ACTOR } from '../helpers/owner.ts';

let n = 0;
const issue = () => ({ access_token: `at-${++n}`, token_type: 'Bearer', refresh_token: `rt-${n}`, expires_in: 3600 });

function owner(core: Core): ApiKey {
  return core.keys.list().find((k) => k.role === 'owner')!;
}

/** Run the consent part of a flow in core: begin, then a callback with a fake code. */
async function consent(h: CoreHarness, authId: string) {
  const r = h.core.requests.get(authId)!;
  const url = new URL(await h.core.flows.begin(r, 'binding'));
  return h.core.flows.callback('idp', new URLSearchParams({ code: 'code', state: url.searchParams.get('state')! }), { hash: 'binding' });
}

describe('authenticate and decisions', () => {
  test('first request is pending; approve + consent completes it; within the grant the next is completed at once', async () => {
    const h = coreHarness(() => issue());
    const key = owner(h.core);
    const first = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['read'], userId: 'u' });
    assert.equal(first.status, 'pending');
    const waiting = h.core.requests.wait(key, first.authId!, 30);
    const { consentRequired } = await h.core.requests.approve(ownerVia('cli'), first.authId!, '1h');
    assert.ok(consentRequired);
    assert.equal((await consent(h, first.authId!)).status, 'completed');
    const waited = await waiting;
    assert.equal(waited.status, 'completed');
    const next = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['read'], userId: 'u' });
    assert.equal(next.status, 'completed');
    assert.equal(next.token, waited.token);
    assert.equal(h.oauth.calls.code, 1);
  });

  test('grant TTL: after the hour the owner is asked again, without a new consent', async () => {
    const h = coreHarness(() => ({ ...issue(), expires_in: 86_400 }));
    const key = owner(h.core);
    const first = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['read'], userId: 'u' });
    await h.core.requests.approve(ownerVia('cli'), first.authId!, '1h');
    await consent(h, first.authId!);
    h.clock.advance(59 * 60_000);
    assert.equal((await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['read'], userId: 'u' })).status, 'completed');
    h.clock.advance(2 * 60_000);
    const later = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['read'], userId: 'u' });
    assert.equal(later.status, 'pending');
    const r = h.core.requests.get(later.authId!)!;
    assert.equal(r.needsConsent, false, 'the connection still holds the scopes: only approval is needed');
    const decided = await h.core.requests.approve(ownerVia('cli'), later.authId!, '8h');
    assert.equal(decided.consentRequired, false);
    assert.equal((await h.core.requests.wait(key, later.authId!, 0)).status, 'completed');
    assert.equal(h.oauth.calls.code, 1, 'no second consent');
  });

  test('subset of a live grant needs no question; a superset asks for the union (incremental consent)', async () => {
    const h = coreHarness(() => issue());
    const key = owner(h.core);
    const first = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['a', 'b'], userId: 'u' });
    await h.core.requests.approve(ownerVia('cli'), first.authId!, 'forever');
    await consent(h, first.authId!);
    assert.equal((await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['a'], userId: 'u' })).status, 'completed');
    const wider = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['a', 'c'], userId: 'u' });
    assert.equal(wider.status, 'pending');
    assert.deepEqual(h.core.requests.get(wider.authId!)!.consentScopes, ['a', 'b', 'c']);
  });

  test('a once grant releases one token (no one waited, so to the next authenticate), then asks again', async () => {
    const h = coreHarness(() => ({ ...issue(), expires_in: 86_400 }));
    const key = owner(h.core);
    const first = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['r'], userId: 'u' });
    await h.core.requests.approve(ownerVia('cli'), first.authId!, 'once');
    await consent(h, first.authId!);
    assert.equal((await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['r'], userId: 'u' })).status, 'completed');
    assert.equal((await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['r'], userId: 'u' })).status, 'pending');
  });

  test('identical pending requests share one auth_id (one prompt for 100 concurrent calls)', async () => {
    const h = coreHarness(() => issue());
    const key = owner(h.core);
    let prompts = 0;
    h.core.events.on('request.created', () => prompts++);
    const answers = await Promise.all(Array.from({ length: 100 }, () => h.core.requests.authenticate(key, { provider: 'idp', scopes: ['x', 'y'], userId: 'u', agentId: 'bot' })));
    assert.equal(new Set(answers.map((a) => a.authId)).size, 1);
    assert.equal(new Set(answers.map((a) => a.url)).size, 1);
    assert.equal(prompts, 1);
  });

  test('deny answers every waiter with denied and a detail', async () => {
    const h = coreHarness(() => issue());
    const key = owner(h.core);
    const a = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['x'] });
    const waits = [h.core.requests.wait(key, a.authId!, 30), h.core.requests.wait(key, a.authId!, 30)];
    h.core.requests.deny(ownerVia('browser'), a.authId!);
    for (const w of await Promise.all(waits)) {
      assert.equal(w.status, 'denied');
      assert.ok('detail' in w && w.detail.length > 10);
    }
    assert.equal((await h.core.requests.wait(key, a.authId!, 0)).status, 'denied', 'a late wait still gets the answer');
    h.clock.advance(61 * 60_000);
    assert.equal((await h.core.requests.wait(key, a.authId!, 0)).status, 'not_found', 'decided requests are kept one hour');
  });

  test('pending requests expire after 15 minutes', async () => {
    const h = coreHarness(() => issue());
    const key = owner(h.core);
    const a = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['x'] });
    h.clock.advance(15 * 60_000 + 1);
    assert.equal((await h.core.requests.wait(key, a.authId!, 0)).status, 'not_found');
    assert.notEqual((await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['x'] })).authId, a.authId);
  });

  test('auto-owner policy: the owner key skips the question, agent keys do not', async () => {
    const h = coreHarness(() => issue());
    h.core.policy.update({ mode: 'auto-owner' }, TEST_ACTOR);
    const key = owner(h.core);
    const a = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['x'] });
    const r = h.core.requests.get(a.authId!)!;
    assert.ok(r.approved && r.autoApproved && r.needsConsent);
    await consent(h, a.authId!);
    assert.equal((await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['x'] })).status, 'completed');
    const { record: agent } = h.core.keys.create('bot', 'agent', TEST_ACTOR);
    const b = await h.core.requests.authenticate(agent, { provider: 'idp', scopes: ['x'] });
    assert.equal(h.core.requests.get(b.authId!)!.approved, false);
  });

  test('consent cannot begin before approval', async () => {
    const h = coreHarness(() => issue());
    const a = await h.core.requests.authenticate(owner(h.core), { provider: 'idp', scopes: ['x'] });
    await assert.rejects(h.core.flows.begin(h.core.requests.get(a.authId!)!, 'binding'), /does not need a provider consent now/);
  });

  test('provider grants fewer scopes than asked → request failed with the missing scopes named', async () => {
    const h = coreHarness(() => ({ ...issue(), scope: 'a' }));
    const key = owner(h.core);
    const a = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['a', 'b'] });
    await h.core.requests.approve(ownerVia('cli'), a.authId!, '1h');
    const outcome = await consent(h, a.authId!);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.detail ?? '', /missing: b/);
    const w = await h.core.requests.wait(key, a.authId!, 0);
    assert.equal(w.status, 'failed');
  });
});
