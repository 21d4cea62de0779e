import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DECISION_OPTIONS, entryTitle, entryWho, eventLabel, mergeEntries } from '../../../renderer/src/logic/activity-text.ts';
import { STATUS_LABELS, needsReconnect } from '../../../renderer/src/logic/connection-status.ts';
import { grantLifetime, whoLabel } from '../../../renderer/src/logic/grant-text.ts';
import { hashFor, pageFromHash, PAGES } from '../../../renderer/src/logic/routes.ts';
import { addTrustRule, removeTrustRule, setProviderMode } from '../../../renderer/src/logic/settings-draft.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('approval settings drafts', () => {
  test('a per-provider mode is set, changed, and removed again by "same as default"', () => {
    const one = setProviderMode({}, 'google', 'ask');
    assert.deepEqual(one, { google: 'ask' });
    assert.deepEqual(setProviderMode(one, 'github', 'auto-owner'), { google: 'ask', github: 'auto-owner' });
    assert.deepEqual(setProviderMode(one, 'google', 'default'), {});
    assert.deepEqual(one, { google: 'ask' }, 'the input is not mutated');
  });

  test('S35 a trust rule needs a key, a provider and scopes (the agent is optional); duplicates (in any scope order) are refused', () => {
    const added = addTrustRule([], { keyId: 'k1', agentId: ' triage-bot ', providerId: 'github', scopes: 'read:user, repo' });
    assert.deepEqual(added, { ok: true, rules: [{ key_id: 'k1', agent_id: 'triage-bot', provider_id: 'github', scopes: ['read:user', 'repo'] }] });
    assert.ok(added.ok);
    assert.deepEqual(addTrustRule(added.rules, { keyId: 'k1', agentId: 'triage-bot', providerId: 'github', scopes: 'repo read:user' }), { ok: false, error: 'That rule already exists.' });
    assert.equal(addTrustRule(added.rules, { keyId: 'k2', agentId: 'triage-bot', providerId: 'github', scopes: 'repo read:user' }).ok, true, 'the same agent name on another key is another rule');
    assert.deepEqual(addTrustRule([], { keyId: 'k1', agentId: '', providerId: 'github', scopes: 'repo' }), { ok: true, rules: [{ key_id: 'k1', agent_id: null, provider_id: 'github', scopes: ['repo'] }] });
    assert.match(JSON.stringify(addTrustRule([], { keyId: '', agentId: 'a', providerId: 'github', scopes: 'repo' })), /Choose the API key/);
    assert.match(JSON.stringify(addTrustRule([], { keyId: 'k1', agentId: 'a', providerId: '', scopes: 'repo' })), /Choose the provider/);
    assert.match(JSON.stringify(addTrustRule([], { keyId: 'k1', agentId: 'a', providerId: 'github', scopes: ' , ' })), /at least one scope/);
    assert.deepEqual(removeTrustRule(added.rules, 0), []);
  });
});

describe('words for grants, connections and the activity log', () => {
  test('grant lifetimes', () => {
    assert.equal(grantLifetime({ expires_at: null, single_use: false }, NOW), 'until revoked');
    assert.equal(grantLifetime({ expires_at: new Date(NOW + 8 * 3_600_000).toISOString(), single_use: false }, NOW), 'in 8 h');
    assert.equal(grantLifetime({ expires_at: new Date(NOW + 3_600_000).toISOString(), single_use: true }, NOW), 'once, in 1 h');
    assert.equal(grantLifetime({ expires_at: new Date(NOW - 1).toISOString(), single_use: true }, NOW), 'once — expired unused');
    assert.equal(whoLabel('Dev key', 'triage-bot'), 'triage-bot via Dev key');
    assert.equal(whoLabel('Dev key', null), 'Dev key');
    assert.equal(entryWho({ key_label: null, agent_id: null }), '—');
  });

  test('only "needs re-auth" calls for Reconnect; every status has a label and a hint', () => {
    assert.deepEqual((['ok', 'refreshing', 'needs_reauth', 'expired'] as const).filter(needsReconnect), ['needs_reauth']);
    for (const s of Object.values(STATUS_LABELS)) assert.ok(s.label && s.hint.endsWith('.'));
  });

  test('activity entries read as words, coalesced releases show their count', () => {
    assert.equal(eventLabel('request.approved'), 'Approved');
    assert.equal(eventLabel('something.new'), 'something.new');
    assert.equal(entryTitle({ type: 'token.released', count: 12 }), 'Token released ×12');
    assert.equal(entryTitle({ type: 'token.released', count: 1 }), 'Token released');
  });

  test('the decision filter offers exactly the texts the broker stores', () => {
    const values = DECISION_OPTIONS.flatMap((g) => g.options.map((o) => o.value));
    for (const d of ['once', '1h', '8h', '30d', 'forever']) assert.ok(values.includes(`approved ${d}`));
    for (const d of ['1h', '8h', '30d', 'forever']) assert.ok(values.includes(`denied ${d}`));
    assert.ok(values.includes('denied'));
  });

  test('a re-read first page merges with older pages: newest first, one row per id', () => {
    const e = (id: number, type = 'x') => ({ id, at: '', type, key_label: null, agent_id: null, user_id: null, provider_id: null, scopes: null, auth_id: null, decision: null, channel: null, detail: null, count: 1 });
    const merged = mergeEntries([e(5), e(4), e(2), e(1)], [e(7), e(6), e(5, 'updated')]);
    assert.deepEqual(merged.map((x) => x.id), [7, 6, 5, 4, 2, 1]);
    assert.equal(merged[2]?.type, 'updated');
  });
});

describe('hash routes', () => {
  test('every page has a hash that leads back to it; unknown hashes land on Pending', () => {
    for (const p of PAGES) assert.equal(pageFromHash(hashFor(p.id)), p.id);
    assert.equal(pageFromHash(''), 'pending');
    assert.equal(pageFromHash('#/nope'), 'pending');
    assert.equal(pageFromHash('#activity'), 'activity');
    assert.equal(pageFromHash('#/connections?x=1'), 'connections');
  });
});
