/**
 * security.md S35, S37–S40 (the parts in core): what a grant, a trust rule, a revocation
 * and the owner's authority mean, over real SQLite with a fake clock and provider.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { Policy } from '../../main/core/policy.ts';
import { MAX_PAIRINGS, PAIRING_TTL_MS } from '../../main/core/keys.ts';
import type { ApiKey } from '../../main/core/model.ts';
import { OwnerPrincipal } from '../../main/core/owner-principal.ts';
import { WaitRegistry } from '../../main/core/waiters.ts';
import { RateLimited } from '../../main/core/errors.ts';
import { coreHarness, quietLogger, type CoreHarness, type TokenScript } from '../helpers/fakes.ts';
import { ownerVia, TEST_ACTOR } from '../helpers/owner.ts';

let n = 0;
const issue = (expiresIn = 3600) => ({ access_token: `at-${++n}`, token_type: 'Bearer', refresh_token: `rt-${n}`, expires_in: expiresIn });

function ownerKey(h: CoreHarness): ApiKey {
  return h.core.keys.list().find((k) => k.role === 'owner')!;
}

async function consent(h: CoreHarness, authId: string): Promise<void> {
  const url = new URL(await h.core.flows.begin(h.core.requests.get(authId)!, 'binding'));
  const done = await h.core.flows.callback('idp', new URLSearchParams({ code: 'code', state: url.searchParams.get('state')! }), { hash: 'binding' });
  assert.equal(done.status, 'completed');
}

/** A connection for `key` (approved forever, then the grant revoked) so only what the test sets decides. */
async function connected(h: CoreHarness, key: ApiKey, agentId: string | null, scopes = ['read']) {
  const a = await h.core.requests.authenticate(key, { provider: 'idp', scopes, agentId });
  await h.core.requests.approve(ownerVia(), a.authId!, 'forever');
  await consent(h, a.authId!);
  for (const g of h.core.grants.list()) h.core.grants.revoke(g.id);
}

/** A refresh the test releases by hand, to hold callers while a refresh is in flight. */
function heldRefresh() {
  let release!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const startedP = new Promise<void>((r) => { started = r; });
  let holding = false;
  const script: TokenScript = async (kind) => {
    if (kind === 'refresh' && holding) {
      started();
      await gate;
    }
    return issue();
  };
  return { script, release, started: startedP, hold: () => { holding = true; } };
}

describe('S35 trust rules are bound to the key', () => {
  test('S35 a rule for (owner key, agent triage) does not approve another key sending agent_id triage', async () => {
    const h = coreHarness(() => issue(86_400));
    const owner = ownerKey(h);
    const { record: other } = h.core.keys.create('other-agent', 'agent', TEST_ACTOR);
    await connected(h, owner, 'triage');
    await connected(h, other, 'triage');
    h.core.policy.update({ trustRules: [{ keyId: owner.id, agentId: 'triage', providerId: 'idp', scopes: ['read'] }] }, TEST_ACTOR);

    const stranger = await h.core.requests.authenticate(other, { provider: 'idp', scopes: ['read'], agentId: 'triage' });
    assert.equal(stranger.status, 'pending', 'another key is asked as usual');
    assert.equal(h.core.requests.get(stranger.authId!)!.approved, false);
    assert.equal((await h.core.requests.authenticate(owner, { provider: 'idp', scopes: ['read'], agentId: 'triage' })).status, 'completed', 'the rule\'s own key and agent');
    const otherAgent = await h.core.requests.authenticate(owner, { provider: 'idp', scopes: ['read'], agentId: 'someone-else' });
    assert.equal(otherAgent.status, 'pending', 'the agent still narrows the rule');
  });

  test('S35 a rule must name an active key; rules stored before S35 are bound to the owner key, with an activity entry', () => {
    const h = coreHarness(() => issue());
    assert.throws(() => h.core.policy.update({ trustRules: [{ keyId: 'no-such-key', agentId: 'triage', providerId: 'idp', scopes: ['read'] }] }, TEST_ACTOR), /not an active API key/);
    h.store.settings.set('policy', JSON.stringify({ mode: 'ask', trustRules: [{ agentId: 'triage', providerId: 'idp', scopes: ['read'] }] }));
    const reread = new Policy({ store: h.store, activity: h.core.activity, logger: quietLogger });
    assert.deepEqual(reread.get().trustRules, [{ keyId: ownerKey(h).id, agentId: 'triage', providerId: 'idp', scopes: ['read'] }]);
    const migrated = h.core.activity.query({ type: 'settings.migrated', limit: 10 });
    assert.equal(migrated.length, 1);
    assert.match(migrated[0]!.detail!, /agent triage for idp/);
    assert.equal(JSON.parse(h.store.settings.get('policy')!).trustRules[0].keyId, ownerKey(h).id, 'the migration is persisted');
  });

  test('S35 damaged stored settings fall back to the defaults (ask) instead of being trusted', () => {
    const h = coreHarness(() => issue());
    h.store.settings.set('policy', JSON.stringify({ mode: 'always-yes', trustRules: 'everyone' }));
    const reread = new Policy({ store: h.store, activity: h.core.activity, logger: quietLogger });
    assert.equal(reread.get().mode, 'ask');
    assert.deepEqual(reread.get().trustRules, []);
  });
});

describe('S37 a revoked key\'s requests end at once', () => {
  test('S37 revoking a key answers its open waits denied, empties its pending list, drops its grants and rules', async () => {
    const h = coreHarness(() => issue(86_400));
    const { record: agent } = h.core.keys.create('doomed', 'agent', TEST_ACTOR);
    await connected(h, agent, null);
    h.core.grants.create(ownerVia(), { keyId: agent.id, providerId: 'idp', userId: 'default', agentId: 'x' }, ['other'], 'forever');
    h.core.policy.update({ trustRules: [{ keyId: agent.id, agentId: null, providerId: 'idp', scopes: ['admin'] }] }, TEST_ACTOR);
    const pending = await h.core.requests.authenticate(agent, { provider: 'idp', scopes: ['write'] });
    const decided: string[] = [];
    h.core.events.on('request.decided', (e) => decided.push(`${e.authId}:${e.status}`));
    const waiting = h.core.requests.wait(agent, pending.authId!, 600);

    const result = h.core.revokeKey(ownerVia('window'), agent.id);
    await new Promise(setImmediate);
    assert.equal(h.core.requests.waiters.waitingOn(pending.authId!), 0, 'the open wait was answered at once');
    const answer = await waiting;
    assert.equal(answer.status, 'denied');
    assert.match((answer as { detail: string }).detail, /revoked the API key/);
    assert.deepEqual(h.core.requests.listPending().filter((r) => r.keyId === agent.id), []);
    assert.deepEqual(decided, [`${pending.authId}:denied`], 'the UI and tray hear of it');
    assert.deepEqual(h.core.grants.list().filter((g) => g.keyId === agent.id), []);
    assert.deepEqual(h.core.policy.get().trustRules, []);
    assert.deepEqual(result, { requests: 1, grants: 1, trustRules: 1 });
    assert.equal(h.core.activity.query({ type: 'key.revoked', limit: 5 })[0]!.channel, 'window');
  });

  test('S37 a long-poll opened before the revocation never receives the token, even when its release was already under way', async () => {
    const held = heldRefresh();
    const h = coreHarness(held.script);
    const { record: agent } = h.core.keys.create('racing', 'agent', TEST_ACTOR);
    await connected(h, agent, null);
    // The token is due for refresh: the release after approval waits on the provider…
    h.clock.advance(3590_000);
    const pending = await h.core.requests.authenticate(agent, { provider: 'idp', scopes: ['read'] });
    const waiting = h.core.requests.wait(agent, pending.authId!, 600);
    held.hold();
    await h.core.requests.approve(ownerVia(), pending.authId!, '1h');
    await held.started;
    // …and the key is revoked meanwhile.
    h.core.revokeKey(ownerVia(), agent.id);
    held.release();
    const answer = await waiting;
    assert.equal(answer.status, 'denied');
    assert.equal(answer.token, null);
  });
});

describe('S37 revocation during an authenticate', () => {
  test('S37 an authenticate waiting on a refresh when its key is revoked gets a 401 and leaves no request behind', async () => {
    const held = heldRefresh();
    const h = coreHarness(held.script);
    const { record: agent } = h.core.keys.create('mid-flight', 'agent', TEST_ACTOR);
    await connected(h, agent, null);
    const subject = { keyId: agent.id, providerId: 'idp', userId: 'default', agentId: null };
    // A grant names the account it covers (issue 14).
    h.core.grants.create(ownerVia(), subject, ['read'], 'forever', h.core.connections.find(subject)?.id ?? null);
    h.clock.advance(3590_000);
    held.hold();
    const call = h.core.authenticate(agent, { provider: 'idp', scopes: ['read'] });
    await held.started;
    h.core.revokeKey(ownerVia(), agent.id);
    held.release();
    await assert.rejects(call, (err: Error & { status?: number }) => err.status === 401);
    assert.deepEqual(h.core.requests.listPending(), []);
  });
});

describe('S38 "once" means one release', () => {
  test('S38 20 concurrent callers during a refresh: exactly one gets the token of a once approval', async () => {
    const held = heldRefresh();
    const h = coreHarness(held.script);
    const key = ownerKey(h);
    const first = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['r'] });
    await h.core.requests.approve(ownerVia(), first.authId!, 'once');
    await consent(h, first.authId!);
    h.clock.advance(3590_000);
    held.hold();
    const calls = Array.from({ length: 20 }, () => h.core.requests.authenticate(key, { provider: 'idp', scopes: ['r'] }));
    await held.started;
    held.release();
    const answers = await Promise.all(calls);
    assert.equal(answers.filter((a) => a.status === 'completed').length, 1);
    assert.equal(answers.filter((a) => a.status === 'pending').length, 19);
    assert.equal((await h.core.requests.wait(key, first.authId!, 0)).status, 'failed', 'nor does the original request release it again');
  });

  test('S38 a once approval goes to the waiters of its request, and then not to a later authenticate', async () => {
    const h = coreHarness(() => issue(86_400));
    const key = ownerKey(h);
    const first = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['r'] });
    const waiters = [h.core.requests.wait(key, first.authId!, 30), h.core.requests.wait(key, first.authId!, 30)];
    await h.core.requests.approve(ownerVia(), first.authId!, 'once');
    await consent(h, first.authId!);
    const got = await Promise.all(waiters);
    assert.ok(got.every((w) => w.status === 'completed'), 'every waiter of the request: one release');
    assert.equal((await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['r'] })).status, 'pending');
    assert.equal((await h.core.requests.wait(key, first.authId!, 0)).status, 'failed', 'a later wait does not get it either');
  });

  test('S38 a remembered denial says until when and that asking again will not prompt', async () => {
    const h = coreHarness(() => issue());
    const key = ownerKey(h);
    const first = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['r'] });
    h.core.requests.deny(ownerVia(), first.authId!, '8h');
    const until = new Date(h.clock.now() + 8 * 3_600_000).toISOString();
    for (const answer of [await h.core.requests.wait(key, first.authId!, 0), await h.core.requests.wait(key, (await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['r'] })).authId!, 0)]) {
      assert.equal(answer.status, 'denied');
      assert.equal((answer as { detail: string }).detail, `The Latchkey owner denied this request until ${until}; asking again will not prompt them before then.`);
    }
  });
});

describe('S39 approving is a capability only owner channels hold', () => {
  test('S39 a plain object, a cast or a hand-made principal cannot approve, deny or create a grant', async () => {
    const h = coreHarness(() => issue());
    const key = ownerKey(h);
    const r = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['r'] });
    const forged = { channel: 'cli', isOwner: true } as unknown as OwnerPrincipal;
    await assert.rejects(h.core.approve(forged, r.authId!, 'forever'), /Only the Latchkey owner/);
    assert.throws(() => h.core.deny(forged, r.authId!), /Only the Latchkey owner/);
    assert.throws(() => h.core.grants.create(forged, { keyId: key.id, providerId: 'idp', userId: 'default', agentId: null }, ['r'], 'forever'), /Only the Latchkey owner/);
    const Ctor = OwnerPrincipal as unknown as new (token: symbol, channel: string) => OwnerPrincipal;
    assert.throws(() => new Ctor(Symbol('owner-principal'), 'cli'), /Only an owner channel/);
    // @ts-expect-error S39: an object literal is not an OwnerPrincipal (the class carries a private brand).
    assert.throws(() => h.core.deny({ channel: 'cli', isOwner: true }, r.authId!));
    assert.equal(h.core.requests.get(r.authId!)!.status, 'pending', 'nothing was decided');
    assert.equal(h.core.grants.list().length, 0);
  });

  test('S39 only the owner channels may import mintOwnerPrincipal (lint rule)', async () => {
    const eslint = new ESLint();
    const source = "import { mintOwnerPrincipal } from '../core/owner-principal.ts';\nexport const p = mintOwnerPrincipal('cli');\n";
    const namespace = "import * as op from '../core/owner-principal.ts';\nexport const p = op.mintOwnerPrincipal('cli');\n";
    const messages = async (code: string, filePath: string) => (await eslint.lintText(code, { filePath }))[0]!.messages.filter((m) => m.ruleId === 'no-restricted-syntax');
    for (const path of ['main/http/sdk-routes.ts', 'main/http/owner-api/decision-routes.ts', 'main/core/auth-requests.ts', 'main/cli/run.ts']) {
      assert.equal((await messages(source, path)).length, 1, path);
      assert.equal((await messages(namespace, path)).length, 1, `${path} (namespace import)`);
    }
    for (const path of ['main/http/owner-auth.ts', 'main/http/flow-routes.ts', 'main/shell/shell-controller.ts']) {
      assert.equal((await messages(source, path)).length, 0, path);
    }
  });

  test('S39 auto-owner approves as a policy decision recorded with its channel, never as the owner', async () => {
    const h = coreHarness(() => issue());
    h.core.policy.update({ mode: 'auto-owner' }, TEST_ACTOR);
    const r = await h.core.requests.authenticate(ownerKey(h), { provider: 'idp', scopes: ['r'] });
    const record = h.core.requests.get(r.authId!)!;
    assert.equal(record.approved, true);
    assert.equal(record.decidedVia, 'policy');
    const approved = h.core.activity.query({ type: 'request.approved', limit: 5 });
    assert.equal(approved.length, 1);
    assert.equal(approved[0]!.channel, 'policy');
    assert.equal(approved[0]!.decision, 'approved by auto-owner');
    assert.equal(h.core.grants.list().length, 0, 'policy creates no grant');
  });
});

describe('S40 pairing requests and waiter caps', () => {
  test('S40 pairing requests expire after 24 h and a full table evicts the oldest, so a new key is never dropped', () => {
    const h = coreHarness(() => issue());
    const unknown = (i: number) => `lk_${String(i).padStart(5, '0')}-an-unknown-key`;
    for (let i = 0; i < MAX_PAIRINGS; i++) {
      assert.throws(() => h.core.keys.authenticate(unknown(i)));
      h.clock.advance(1000);
    }
    assert.equal(h.core.keys.pairings().length, MAX_PAIRINGS);
    assert.throws(() => h.core.keys.authenticate('lk_the-legitimate-new-agent-key'));
    const hints = h.core.keys.pairings().map((p) => p.keyHint);
    assert.equal(hints.length, MAX_PAIRINGS);
    assert.ok(hints.includes('lk_the-l…'), 'the new key is listed');
    assert.ok(!hints.includes('lk_00000…'), 'the least recently seen went');
    assert.ok(hints.includes('lk_00001…'));
    h.clock.advance(PAIRING_TTL_MS + 1);
    assert.deepEqual(h.core.keys.pairings(), [], 'a day later they are gone');
  });

  test('S40 waits are capped per API key as well as per request and in total', async () => {
    const reg = new WaitRegistry<string>({ caps: { perRequest: 10, perKey: 3, total: 100 }, schedule: () => () => {} });
    const held = ['r1', 'r2', 'r3'].map((id) => reg.wait(id, 1000, undefined, 'key-a'));
    assert.throws(() => reg.wait('r4', 1000, undefined, 'key-a'), RateLimited);
    const other = reg.wait('r4', 1000, undefined, 'key-b');
    assert.equal(reg.size, 4, 'another key still gets in');
    reg.release('r1', 'done');
    assert.equal(await held[0], 'done');
    const again = reg.wait('r5', 1000, undefined, 'key-a');
    assert.equal(reg.size, 4, 'a released wait frees its key\'s slot');
    reg.releaseAll();
    await Promise.all([...held, other, again]);
  });
});
