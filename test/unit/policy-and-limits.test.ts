/** Approval policy precedence, remembered denials and per-key rate limits, with a fake clock. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiKey } from '../../main/core/model.ts';
import { RateLimiter } from '../../main/core/rate-limits.ts';
import { FakeClock, coreHarness } from '../helpers/fakes.ts';
import { ownerVia, TEST_ACTOR } from '../helpers/owner.ts';

const token = () => ({ access_token: `at-${Math.random()}`, token_type: 'Bearer', expires_in: 86_400 });

async function withConnection(agentId: string | null = 'bot') {
  const h = coreHarness(token);
  const owner = h.core.keys.list().find((k) => k.role === 'owner')!;
  const { record: agent } = h.core.keys.create('agent-key', 'agent', TEST_ACTOR);
  // Connect once (owner approves forever), then revoke the grant so only policy decides.
  const a = await h.core.requests.authenticate(agent, { provider: 'idp', scopes: ['read'], agentId });
  await h.core.requests.approve(ownerVia('cli'), a.authId!, 'forever');
  const url = new URL(await h.core.flows.begin(h.core.requests.get(a.authId!)!, 'b'));
  await h.core.flows.callback('idp', new URLSearchParams({ code: 'c', state: url.searchParams.get('state')! }), { hash: 'b' });
  for (const g of h.core.grants.list()) h.core.grants.revoke(g.id);
  const ask = (key: ApiKey, scopes = ['read']) => h.core.requests.authenticate(key, { provider: 'idp', scopes, agentId });
  return { ...h, owner, agent, ask };
}

describe('approval policy precedence', () => {
  test('default ask: without a grant the agent is asked', async () => {
    const h = await withConnection();
    assert.equal((await h.ask(h.agent)).status, 'pending');
  });

  test('a trust rule approves its key (as its agent) for its provider and scope subset', async () => {
    const h = await withConnection();
    h.core.policy.update({ trustRules: [{ keyId: h.agent.id, agentId: 'bot', providerId: 'idp', scopes: ['read', 'extra'] }] }, TEST_ACTOR);
    assert.equal((await h.ask(h.agent)).status, 'completed');
    const wider = await h.ask(h.agent, ['read', 'write']);
    assert.equal(wider.status, 'pending', 'scopes beyond the rule still ask');
    assert.equal(h.core.requests.get(wider.authId!)!.approved, false);
  });

  test('auto-owner covers the owner key only; a provider override "ask" beats it', async () => {
    const h = await withConnection();
    h.core.policy.update({ mode: 'auto-owner' }, TEST_ACTOR);
    const byOwner = await h.ask(h.owner);
    assert.ok(h.core.requests.get(byOwner.authId!)!.approved, 'owner key approved by policy');
    assert.equal(h.core.requests.get((await h.ask(h.agent)).authId!)!.approved, false, 'agent key still asks');
    h.core.policy.update({ providerModes: { idp: 'ask' } }, TEST_ACTOR);
    const again = await h.core.requests.authenticate(h.owner, { provider: 'idp', scopes: ['other'] });
    assert.equal(h.core.requests.get(again.authId!)!.approved, false, '"always ask for idp"');
  });

  test('a remembered denial beats grants and trust rules; it stops the prompts; a later approval lifts it', async () => {
    const h = await withConnection();
    let prompts = 0;
    h.core.events.on('request.created', () => prompts++);
    const first = await h.ask(h.agent);
    h.core.requests.deny(ownerVia('window'), first.authId!, '1h');
    h.core.policy.update({ trustRules: [{ keyId: h.agent.id, agentId: 'bot', providerId: 'idp', scopes: ['read'] }] }, TEST_ACTOR);
    const looping = await Promise.all(Array.from({ length: 20 }, () => h.ask(h.agent)));
    assert.equal(prompts, 1, 'no new prompts while the denial lasts');
    assert.equal(new Set(looping.map((l) => l.authId)).size, 1);
    assert.equal((await h.core.requests.wait(h.agent, looping[0]!.authId!, 0)).status, 'denied');
    h.clock.advance(61 * 60_000);
    assert.equal((await h.ask(h.agent)).status, 'completed', 'after the hour the trust rule applies again');
  });

  test('settings are validated as a whole', () => {
    const h = coreHarness(token);
    assert.throws(() => h.core.policy.update({ mode: 'sometimes' as never, activityRetentionDays: 0 }, TEST_ACTOR), /approval_mode.*activity_retention_days/);
    assert.equal(h.core.policy.get().mode, 'ask', 'nothing saved');
  });
});

describe('rate limits (S09)', () => {
  test('token bucket: capacity, then 429 with Retry-After, refilled over time', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock, { capacity: 3, refillPerMinute: 6 }, 'slow down');
    for (let i = 0; i < 3; i++) limiter.take('k');
    assert.throws(() => limiter.take('k'), (e: Error & { status?: number; headers?: Record<string, string> }) => e.status === 429 && e.headers?.['Retry-After'] === '10');
    limiter.take('other');
    clock.advance(10_000);
    limiter.take('k');
  });

  test('prompt-producing calls have a per-key budget; identical calls do not spend it', async () => {
    const h = coreHarness(token);
    const owner = h.core.keys.list().find((k) => k.role === 'owner')!;
    for (let i = 0; i < 50; i++) await h.core.requests.authenticate(owner, { provider: 'idp', scopes: ['same'] });
    let created = 0;
    await assert.rejects(async () => {
      for (let i = 0; i < 50; i++) { await h.core.requests.authenticate(owner, { provider: 'idp', scopes: [`s${i}`] }); created++; }
    }, (e: Error & { status?: number }) => e.status === 429);
    assert.equal(created, 19, 'capacity 20 minus the one identical request above');
  });

  test('failed key attempts have a budget too', () => {
    const h = coreHarness(token);
    let unauthorized = 0;
    assert.throws(() => { for (;;) { try { h.core.keys.authenticate('lk_wrong-key-value-000000'); } catch (e) { if ((e as { status?: number }).status === 401) unauthorized++; else throw e; } } }, (e: Error & { status?: number }) => e.status === 429);
    assert.equal(unauthorized, 30);
  });
});
