/**
 * The Agent Auth routes and fields upstream grew since our first wire contract (issue 14;
 * shared/spec/agent-auth-upstream.md §3.11–§3.16, §5): status codes, shapes, ownership
 * between keys, owner-only decisions, and the same under `/api-host`. Accounts are made by
 * the import route here; test/integration/accounts-oidc.test.ts makes them with real flows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpBrowser } from '../helpers/http-browser.ts';
import { signIn } from '../helpers/owner-session.ts';
import { TEST_ACTOR } from '../helpers/owner.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

const ISSUER = 'https://idp.example.test';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SUMMARY_KEYS = ['created_at', 'expires_at', 'id', 'is_default', 'provider_account_label', 'provider_id', 'scopes', 'updated_at'];
const CONNECTION_KEYS = ['agent_id', 'created_at', 'created_by', 'expires_at', 'id', 'oauth_token_id', 'provider_account_label', 'provider_id', 'scopes'];

describe('Agent Auth routes for several accounts (upstream §5 #14–#20)', () => {
  let broker: TestBroker;
  let agentKey: string;

  const activity = (type: string) => {
    broker.core.activity.flush();
    return broker.core.activity.query({ type, limit: 50 });
  };
  const importToken = (agentId: string, body: Record<string, unknown>, key?: string, prefix = '/v2/auth') =>
    broker.api(`${prefix}/agents/${agentId}/providers/test-idp/tokens`, { body, ...(key ? { key } : {}) });

  before(async () => {
    broker = await startTestBroker();
    assert.equal((await broker.api('/v2/auth/providers', { body: providerBody(ISSUER) })).status, 200);
    assert.equal((await broker.api('/v2/auth/providers', { body: providerBody(ISSUER, { provider_id: 'slack-ws', name: 'Slack', provider_type: 'slack' }) })).status, 200);
    agentKey = broker.core.keys.create('triage-bot key', 'agent', TEST_ACTOR).key;
  });
  after(() => broker.cleanup());

  test('import: POST …/agents/{agent_id}/providers/{provider_id}/tokens → 201 AgentConnectionResponse; the agent then gets the token', async () => {
    const res = await importToken('importer', { access_token: 'imported-access-1', refresh_token: null, expires_in_seconds: 3600, scopes: ['api:read'], provider_account_label: 'ci-bot', metadata: { source: 'vault' } });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), CONNECTION_KEYS);
    assert.equal(res.body.agent_id, 'importer');
    assert.equal(res.body.provider_id, 'test-idp');
    assert.equal(res.body.provider_account_label, 'ci-bot');
    assert.deepEqual(res.body.scopes, ['api:read']);
    assert.match(res.body.oauth_token_id, UUID);
    assert.ok(Date.parse(res.body.expires_at) > Date.now());
    assert.ok(!res.text.includes('imported-access-1'), 'the answer carries no token material');

    // Binding is the owner's decision: the agent gets it without a prompt, and the response names the account.
    const auth = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], agent_id: 'importer' } });
    assert.equal(auth.status, 200, auth.text);
    assert.equal(auth.body.status, 'completed');
    assert.equal(auth.body.token, 'imported-access-1');
    assert.equal(auth.body.user_id, 'default');
    assert.deepEqual(auth.body.metadata, { token_id: res.body.oauth_token_id, provider_account_label: 'ci-bot' });
    assert.ok(activity('token.imported').some((e) => e.agentId === 'importer'), 'the import is in the activity log');
    assert.ok(activity('agent.connection.created').some((e) => e.agentId === 'importer' && e.decision === 'approved forever'));
  });

  test('import again replaces the binding and deletes the replaced imported account', async () => {
    const before = await broker.api('/v2/auth/agents/importer/connections');
    const oldId = before.body.data[0].oauth_token_id;
    const res = await importToken('importer', { access_token: 'imported-access-2' });
    assert.equal(res.status, 201, res.text);
    assert.notEqual(res.body.oauth_token_id, oldId);
    const listed = await broker.api('/v2/auth/agents/importer/connections');
    assert.deepEqual(listed.body.data.map((c: { oauth_token_id: string }) => c.oauth_token_id), [res.body.oauth_token_id]);
    const tokens = await broker.api('/v2/auth/tokens?provider_id=test-idp');
    assert.ok(!tokens.body.some((t: { id: string }) => t.id === oldId), 'the replaced imported account is gone');
    const auth = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: [], agent_id: 'importer' } });
    assert.equal(auth.body.token, 'imported-access-2');
  });

  test('S17 import, binding and workspace revocation are owner decisions: an agent key gets 403 with a detail', async () => {
    const imp = await importToken('importer', { access_token: 'x' }, agentKey);
    assert.equal(imp.status, 403);
    assert.match(imp.body.detail, /agent role and cannot import tokens/);
    const bind = await broker.api('/v2/auth/agents/a/connections', { body: { oauth_token_id: '00000000-0000-4000-8000-000000000000' }, key: agentKey });
    assert.equal(bind.status, 403);
    assert.match(bind.body.detail, /cannot bind an account to an agent/);
    const slack = await broker.api('/v2/auth/tokens/workspace/slack', { method: 'DELETE', key: agentKey });
    assert.equal(slack.status, 403);
    assert.match(slack.body.detail, /cannot revoke the workspace's Slack tokens/);
  });

  test('GET /v2/auth/tokens: the key\'s own summaries, never secrets; ?provider_id= filters; unknown provider → 404', async () => {
    await importToken('lister', { access_token: 'secret-access-for-listing', refresh_token: 'secret-refresh-for-listing' });
    const all = await broker.api('/v2/auth/tokens');
    assert.equal(all.status, 200, all.text);
    assert.ok(all.body.length >= 2);
    for (const t of all.body) assert.deepEqual(Object.keys(t).sort(), SUMMARY_KEYS);
    assert.ok(!/secret-(access|refresh)-for-listing/.test(all.text), 'no token material');
    const filtered = await broker.api('/v2/auth/tokens?provider_id=slack-ws');
    assert.deepEqual(filtered.body, []);
    assert.equal((await broker.api('/v2/auth/tokens?provider_id=nope')).status, 404);
    const agents = await broker.api('/v2/auth/tokens', { key: agentKey });
    assert.deepEqual(agents.body, [], 'another key sees none of the owner key\'s accounts');
    const hostPrefix = await broker.api('/api-host/v2/auth/tokens?provider_id=test-idp');
    assert.equal(hostPrefix.status, 200);
    assert.deepEqual(hostPrefix.body, all.body.filter((t: { provider_id: string }) => t.provider_id === 'test-idp'));
  });

  test('S16 PATCH /v2/auth/tokens/{id}/metadata: relabel, make default; null leaves a field; another key\'s id → 404; not a UUID → 422', async () => {
    const made = await importToken('patcher', { access_token: 'patch-me', provider_account_label: 'first' });
    const id = made.body.oauth_token_id;
    const relabel = await broker.api(`/v2/auth/tokens/${id}/metadata`, { method: 'PATCH', body: { provider_account_label: 'renamed\u202e', is_default: null } });
    assert.equal(relabel.status, 422, 'a bidi override in a label is refused (S34)');
    const ok = await broker.api(`/v2/auth/tokens/${id}/metadata`, { method: 'PATCH', body: { provider_account_label: 'renamed', is_default: null } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(Object.keys(ok.body).sort(), SUMMARY_KEYS);
    assert.equal(ok.body.provider_account_label, 'renamed');
    const unchanged = await broker.api(`/api-host/v2/auth/tokens/${id}/metadata`, { method: 'PATCH', body: { provider_account_label: null } });
    assert.equal(unchanged.body.provider_account_label, 'renamed', 'null leaves the label as it was');
    assert.ok(activity('connection.updated').some((e) => e.detail?.includes("label 'renamed'")));

    const foreign = await broker.api(`/v2/auth/tokens/${id}/metadata`, { method: 'PATCH', body: { provider_account_label: 'mine now' }, key: agentKey });
    assert.equal(foreign.status, 404, 'another key\'s account is not found');
    assert.equal((await broker.api('/v2/auth/tokens/00000000-0000-4000-8000-000000000000/metadata', { method: 'PATCH', body: {} })).status, 404);
    const notUuid = await broker.api('/v2/auth/tokens/not-a-uuid/metadata', { method: 'PATCH', body: {} });
    assert.equal(notUuid.status, 422);
    assert.deepEqual(notUuid.body.detail[0].loc, ['path', 'token_id']);
  });

  test('DELETE /v2/auth/tokens/{id} → 204 with no body; its agent bindings go with it; the static /tokens/exists path is not shadowed', async () => {
    const made = await importToken('deleter', { access_token: 'delete-me' });
    const id = made.body.oauth_token_id;
    assert.equal((await broker.api(`/v2/auth/tokens/${id}`, { method: 'DELETE', key: agentKey })).status, 404, 'another key cannot delete it');
    const del = await broker.api(`/v2/auth/tokens/${id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    assert.deepEqual((await broker.api('/v2/auth/agents/deleter/connections')).body, { data: [] });
    assert.equal((await broker.api(`/v2/auth/tokens/${id}`, { method: 'DELETE' })).status, 404);
    const auth = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: [], agent_id: 'deleter' } });
    assert.equal(auth.body.status, 'pending', 'the deleted account is never released');
    assert.equal((await broker.api('/v2/auth/tokens/exists?provider_id=test-idp')).status, 200);
    assert.equal((await broker.api('/v2/auth/tokens/exists?provider_id=test-idp', { method: 'DELETE' })).status, 422, 'DELETE /tokens/exists is the single-token route with a non-UUID id');
  });

  test('agent connections: GET {data}, POST 201 (owner binds an existing account, a grant in the log), DELETE 204, unknown → 404', async () => {
    const made = await importToken('source-agent', { access_token: 'shared-account', provider_account_label: 'shared', scopes: ['api:read'] });
    const accountId = made.body.oauth_token_id;
    const bind = await broker.api('/api-host/v2/auth/agents/second-agent/connections', { body: { oauth_token_id: accountId } });
    assert.equal(bind.status, 201, bind.text);
    assert.deepEqual(Object.keys(bind.body).sort(), CONNECTION_KEYS);
    assert.equal(bind.body.agent_id, 'second-agent');
    assert.equal(bind.body.oauth_token_id, accountId);
    assert.equal(bind.body.created_by, 'owner');
    const auth = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], agent_id: 'second-agent' } });
    assert.equal(auth.body.status, 'completed');
    assert.equal(auth.body.token, 'shared-account');

    const listed = await broker.api('/v2/auth/agents/second-agent/connections');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.data.map((c: { id: string }) => c.id), [bind.body.id]);
    assert.deepEqual((await broker.api('/v2/auth/agents/second-agent/connections', { key: agentKey })).body, { data: [] }, 'another key sees no bindings of this key');
    assert.equal((await broker.api('/v2/auth/agents/x/connections', { body: { oauth_token_id: 'nope' } })).status, 422);
    assert.equal((await broker.api('/v2/auth/agents/x/connections', { body: { oauth_token_id: '00000000-0000-4000-8000-000000000000' } })).status, 404);

    assert.equal((await broker.api(`/v2/auth/agents/other-agent/connections/${bind.body.id}`, { method: 'DELETE' })).status, 404, 'the binding belongs to another agent');
    const del = await broker.api(`/v2/auth/agents/second-agent/connections/${bind.body.id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    const after = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], agent_id: 'second-agent' } });
    assert.equal(after.body.status, 'pending', 'unbinding takes the grant with it');
    assert.ok(activity('agent.connection.deleted').some((e) => e.agentId === 'second-agent'));
  });

  test('S16 authenticate token_id: not a UUID → 422; unknown or another key\'s → 404; own → that account', async () => {
    const made = await importToken('pinned', { access_token: 'pinned-account', scopes: ['api:read'] });
    const id = made.body.oauth_token_id;
    const bad = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: [], token_id: 'abc' } });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.detail[0].loc, ['body', 'token_id']);
    assert.equal((await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: [], token_id: '00000000-0000-4000-8000-000000000000' } })).status, 404);
    const foreign = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: [], token_id: id }, key: agentKey });
    assert.equal(foreign.status, 404, 'another key\'s account is not found');
    const own = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], agent_id: 'pinned', token_id: id } });
    assert.equal(own.body.status, 'completed');
    assert.equal(own.body.token, 'pinned-account');
  });

  test('authenticate fields: user_id echoed, metadata null while pending, hidden fields accepted and ignored, redirect_uri only when allowed', async () => {
    const pending = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:write'], user_id: 'carol', ls_user_id: 'ls-42', use_agent_builder_public_oauth: true, check_only: false, is_default: false } });
    assert.equal(pending.status, 200, pending.text);
    assert.equal(pending.body.status, 'pending');
    assert.equal(pending.body.user_id, 'carol');
    assert.equal(pending.body.metadata, null);
    for (const k of ['url', 'auth_id', 'token']) assert.ok(k in pending.body);
    const noUser = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:write'], check_only: true }, headers: { 'x-user-id': 'mallory', 'x-tenant-id': 't1', 'x-service-key': 's' } });
    assert.equal(noUser.status, 200);
    assert.equal(noUser.body.user_id, 'default', 'X-User-Id and friends are accepted and ignored: identity comes from the key only');
    assert.equal(broker.core.requests.get(pending.body.auth_id)?.lsUserId, 'ls-42');
    assert.equal(broker.core.requests.get(pending.body.auth_id)?.userId, 'carol', 'ls_user_id is not used for keying');

    const foreignRedirect = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:write'], redirect_uri: 'https://evil.example/cb' } });
    assert.equal(foreignRedirect.status, 400);
    assert.match(foreignRedirect.body.detail, /redirect_uri 'https:\/\/evil\.example\/cb' is not allowed/);
    const own = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:write'], redirect_uri: `${broker.url}/host-oauth-callback/test-idp` } });
    assert.equal(own.body.status, 'pending', 'Latchkey\'s own callback is always accepted');
    await broker.api('/v2/auth/providers/test-idp', { method: 'PATCH', body: { allowed_redirect_uris: ['https://app.example.test/oauth/done'] } });
    const listed = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:write'], user_id: 'dave', redirect_uri: 'https://app.example.test/oauth/done' } });
    assert.equal(listed.body.status, 'pending');
    // The owner approves: the provider's authorization URL carries the chosen redirect_uri.
    const browser = new HttpBrowser();
    await browser.go(broker.loginUrl());
    const page = await browser.go(listed.body.url);
    assert.match(page.text, /LangSmith user|Approve/);
    const toProvider = await browser.approve(listed.body.url, { stopBefore: (u) => u.startsWith(ISSUER) });
    assert.equal(toProvider.stopped, true);
    assert.equal(new URL(toProvider.url).searchParams.get('redirect_uri'), 'https://app.example.test/oauth/done');
  });

  test('the /start page shows ls_user_id to the owner (not used for keying)', async () => {
    const res = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:admin'], ls_user_id: 'ls-user-7' } });
    const browser = new HttpBrowser();
    await browser.go(broker.loginUrl());
    const page = await browser.go(res.body.url);
    assert.match(page.text, /LangSmith user<\/dt><dd>ls-user-7/);
    assert.ok(activity('request.created').some((e) => e.detail?.includes('LangSmith user ls-user-7')), 'and it is in the activity log');
  });

  test('on /start the owner may hand out another existing account instead of the default; the grant names that account', async () => {
    const ownerKey = broker.core.keys.list().find((k) => k.role === 'owner' && k.revokedAt === null);
    assert.ok(ownerKey);
    const ns = { providerId: 'test-idp', keyId: ownerKey.id, userId: 'chooser', agentId: null };
    const set = (t: string) => ({ accessToken: t, tokenType: 'Bearer', refreshToken: null, expiresAt: null, idToken: null, extra: {} });
    broker.core.connections.save(ns, set('default-account-token'), ['api:read'], { label: 'first' });
    const other = broker.core.connections.save(ns, set('other-account-token'), ['api:read'], { label: 'second', makeDefault: false });
    const asked = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], user_id: 'chooser' } });
    assert.equal(asked.body.status, 'pending');

    const browser = new HttpBrowser();
    await browser.go(broker.loginUrl());
    const page = await browser.go(asked.body.url);
    assert.match(page.text, /<option value="[^"]+" selected>Use first \(default\)<\/option>/);
    assert.match(page.text, new RegExp(`<option value="${other.id}">Use second</option>`));
    const decided = await browser.decide(asked.body.url, { account: other.id });
    assert.equal(decided.res.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.redirect_url, null, 'an existing account with the scopes needs no provider sign-in');
    const waited = await broker.api(`/v2/auth/wait/${asked.body.auth_id}?timeout=2`);
    assert.equal(waited.body.status, 'completed');
    assert.equal(waited.body.token, 'other-account-token', 'the account the owner picked');
    const byDefault = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], user_id: 'chooser' } });
    assert.equal(byDefault.body.status, 'pending', 'the owner approved the second account, not the default');
    const named = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], user_id: 'chooser', token_id: other.id } });
    assert.equal(named.body.token, 'other-account-token');
  });

  test('S39 the /start account pick needs the owner: without the session header it is refused and changes nothing', async () => {
    const ownerKey = broker.core.keys.list().find((k) => k.role === 'owner' && k.revokedAt === null);
    assert.ok(ownerKey);
    const ns = { providerId: 'test-idp', keyId: ownerKey.id, userId: 'picker-guard', agentId: null };
    const set = (t: string) => ({ accessToken: t, tokenType: 'Bearer', refreshToken: null, expiresAt: null, idToken: null, extra: {} });
    broker.core.connections.save(ns, set('guard-default-token'), ['api:read'], { label: 'first' });
    const other = broker.core.connections.save(ns, set('guard-other-token'), ['api:read'], { label: 'second', makeDefault: false });
    const asked = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], user_id: 'picker-guard' } });
    assert.equal(asked.body.status, 'pending');
    const stranger = new HttpBrowser();
    const refused = await stranger.decide(asked.body.url, { account: other.id });
    assert.equal(refused.res.status, 401, JSON.stringify(refused.body));
    const after = broker.core.requests.get(asked.body.auth_id);
    assert.equal(after?.tokenId, null, 'the pick was not recorded');
    assert.equal(after?.status, 'pending');
  });

  test('window (owner API): accounts show label, default and bound agents; the owner relabels, binds, unbinds and deletes', async () => {
    const made = await importToken('window-agent', { access_token: 'window-token', provider_account_label: 'ops' });
    const id = made.body.oauth_token_id;
    const owner = await signIn(broker);
    const listed = await owner.call('GET', '/ui/api/connections');
    const view = listed.body.find((c: { id: string }) => c.id === id);
    assert.equal(view.label, 'ops');
    assert.equal(view.source, 'import');
    assert.deepEqual(view.bound_agents.map((b: { agent_id: string }) => b.agent_id), ['window-agent']);
    const relabelled = await owner.call('PATCH', `/ui/api/connections/${id}`, { label: 'ops team' });
    assert.equal(relabelled.status, 200);
    assert.equal(relabelled.body.label, 'ops team');
    const bound = await owner.call('POST', `/ui/api/connections/${id}/agents`, { agent_id: 'helper-agent' });
    assert.equal(bound.status, 200);
    assert.deepEqual(bound.body.bound_agents.map((b: { agent_id: string }) => b.agent_id).sort(), ['helper-agent', 'window-agent']);
    const auth = await broker.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: [], agent_id: 'helper-agent' } });
    assert.equal(auth.body.token, 'window-token', 'the window\'s binding is an approval');
    assert.ok(activity('agent.connection.created').some((e) => e.agentId === 'helper-agent' && e.channel === 'window'));
    const helper = bound.body.bound_agents.find((b: { agent_id: string }) => b.agent_id === 'helper-agent');
    const unbound = await owner.call('DELETE', `/ui/api/connections/${id}/agents/${helper.binding_id}`);
    assert.deepEqual(unbound.body.bound_agents.map((b: { agent_id: string }) => b.agent_id), ['window-agent']);
    assert.equal((await owner.call('DELETE', `/ui/api/connections/${id}`)).status, 200);
    assert.equal((await owner.call('PATCH', `/ui/api/connections/${id}`, { label: 'x' })).status, 404);
  });

  test('scopes: [] is accepted; with nothing held the consent asks for the template\'s default scopes', async () => {
    broker.core.createFromTemplate({ templateId: 'github', providerId: 'gh', clientId: 'gh-client', clientSecret: 'gh-secret' }, TEST_ACTOR);
    const res = await broker.api('/v2/auth/authenticate', { body: { provider: 'gh', scopes: [] } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'pending');
    const request = broker.core.requests.get(res.body.auth_id);
    assert.ok(request && request.consentScopes.length > 0, 'the template default scopes');
    assert.deepEqual([...(request?.consentScopes ?? [])], ['read:user']);
  });

  test('Slack workspace: exists sees the whole store for the owner key and only its own for an agent; DELETE revokes every Slack account', async () => {
    assert.deepEqual((await broker.api('/v2/auth/tokens/workspace/slack/exists')).body, { has_token: false });
    const made = await broker.api('/v2/auth/agents/slacker/providers/slack-ws/tokens', { body: { access_token: 'xoxp-1' } });
    assert.equal(made.status, 201, made.text);
    assert.deepEqual((await broker.api('/api-host/v2/auth/tokens/workspace/slack/exists')).body, { has_token: true });
    assert.deepEqual((await broker.api('/v2/auth/tokens/workspace/slack/exists', { key: agentKey })).body, { has_token: false }, 'an agent key sees only its own namespace');
    const del = await broker.api('/v2/auth/tokens/workspace/slack', { method: 'DELETE' });
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(del.body, { message: 'Slack tokens revoked', revoked: 1 });
    assert.deepEqual((await broker.api('/v2/auth/tokens/workspace/slack/exists')).body, { has_token: false });
    assert.ok(activity('workspace.slack.revoked').length === 1);
  });
});

describe('GET /v2/auth/setup/{provider_id}: GitHub App installs (upstream §5 #31)', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker();
    await broker.api('/v2/auth/providers', { body: providerBody(ISSUER) });
  });
  after(() => broker.cleanup());
  const setup = (query: string, prefix = '/v2/auth') => fetch(`${broker.url}${prefix}/setup/test-idp?${query}`).then(async (r) => ({ status: r.status, text: await r.text() }));

  test('an update changes nothing; a non-integer installation_id is 422; error and error_description are shown, escaped', async () => {
    const before = broker.core.listConnections().length;
    const update = await setup('setup_action=update&installation_id=42&code=abc&state=xyz');
    assert.equal(update.status, 200);
    assert.match(update.text, /Installation updated/);
    assert.equal(broker.core.listConnections().length, before, 'an update exchanges nothing');
    const bad = await setup('setup_action=install&installation_id=forty-two', '/api-host/v2/auth');
    assert.equal(bad.status, 422);
    assert.match(bad.text, /installation_id must be an integer/);
    const error = await setup(`error=access_denied&error_description=${encodeURIComponent('<b>no</b> thanks')}`);
    assert.equal(error.status, 200);
    assert.match(error.text, /access_denied — &lt;b&gt;no&lt;\/b&gt; thanks/);
    const neutral = await setup('setup_action=request');
    assert.equal(neutral.status, 200);
    assert.match(neutral.text, /Nothing to sign in to here/);
  });
});

describe('provider fields as upstream (upstream §5 #21–#26)', () => {
  let broker: TestBroker;
  before(async () => { broker = await startTestBroker(); });
  after(() => broker.cleanup());

  test('authorization_params may not override a broker-controlled parameter (422 naming it)', async () => {
    for (const key of ['state', 'code_challenge_method', 'redirect_uri', 'scope', 'resource', 'response_type', 'client_id', 'code_challenge', 'Code_Challenge_x']) {
      const res = await broker.api('/v2/auth/providers', { body: providerBody(ISSUER, { provider_id: `p-${key.toLowerCase()}`, authorization_params: { [key]: 'x' } }) });
      assert.equal(res.status, 422, `${key}: ${res.text}`);
      assert.deepEqual(res.body.detail[0].loc, ['body', 'authorization_params', key]);
    }
    const fine = await broker.api('/v2/auth/providers', { body: providerBody(ISSUER, { provider_id: 'p-ok', authorization_params: { prompt: 'consent' } }) });
    assert.equal(fine.status, 200);
    const patch = await broker.api('/v2/auth/providers/p-ok', { method: 'PATCH', body: { authorization_params: { state: 'fixed' } } });
    assert.equal(patch.status, 422);
    assert.deepEqual((await broker.api('/v2/auth/providers/p-ok')).body.authorization_params, { prompt: 'consent' }, 'nothing changed');
  });

  test('provider_type: upstream values only on input; mcp is refused (set by discovery only)', async () => {
    const mcp = await broker.api('/v2/auth/providers', { body: providerBody(ISSUER, { provider_id: 'typed', provider_type: 'mcp' }) });
    assert.equal(mcp.status, 422);
    assert.match(JSON.stringify(mcp.body.detail), /microsoft, salesforce, slack, x/);
    const ms = await broker.api('/v2/auth/providers', { body: providerBody(ISSUER, { provider_id: 'typed', provider_type: 'microsoft', uses_pkce: false }) });
    assert.equal(ms.status, 200);
    assert.equal(ms.body.provider_type, 'microsoft');
    assert.ok('code_challenge_method' in ms.body, 'code_challenge_method is always present');
    assert.equal(ms.body.code_challenge_method, null);
  });

  test('PATCH provider: null leaves a field unchanged (the secret too), provider_id must match the path, non-updatable fields are ignored', async () => {
    await broker.api('/v2/auth/providers', { body: providerBody(ISSUER, { provider_id: 'patchy' }) });
    const nulls = await broker.api('/v2/auth/providers/patchy', { method: 'PATCH', body: { name: null, client_secret: null, revocation_url: null } });
    assert.equal(nulls.status, 200, nulls.text);
    assert.equal(nulls.body.name, 'Test IdP');
    assert.equal(nulls.body.has_client_secret, true, 'client_secret: null never clears the secret');
    const ignored = await broker.api('/v2/auth/providers/patchy', { method: 'PATCH', body: { provider_type: 'slack', mcp_server_url: 'https://x.test', is_dynamic_client: true, provider_id: 'patchy', name: 'Renamed' } });
    assert.equal(ignored.status, 200, ignored.text);
    assert.equal(ignored.body.name, 'Renamed');
    assert.equal(ignored.body.provider_type, null);
    assert.equal(ignored.body.mcp_server_url, null);
    assert.equal(ignored.body.is_dynamic_client, false);
    const renamed = await broker.api('/v2/auth/providers/patchy', { method: 'PATCH', body: { provider_id: 'other' } });
    assert.equal(renamed.status, 400);
    assert.match(renamed.body.detail, /provider_id cannot be changed/);
  });
});
