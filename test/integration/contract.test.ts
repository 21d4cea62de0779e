/**
 * The wire contract (agent-auth-api.md §2–§6): every endpoint, both prefixes, the exact
 * response shapes the old and new Python clients read, and the compatibility matrix.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AGENT_AUTH_ROUTES, API_PREFIXES } from '../../main/contract/agent-auth.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

const NEW_CLIENT_PROVIDER_KEYS = ['id', 'organization_id', 'provider_id', 'name', 'client_id', 'auth_url', 'token_url', 'uses_pkce', 'created_at', 'updated_at'];
const ISSUER = 'http://127.0.0.1:9';

/** A fresh broker holding the test provider for one describe block, closed after it. */
function brokerWithTestProvider(started: (b: TestBroker) => void): void {
  let b: TestBroker | undefined;
  before(async () => {
    b = await startTestBroker();
    const res = await b.api('/v2/auth/providers', { body: providerBody(ISSUER) });
    assert.equal(res.status, 200, res.text);
    started(b);
  });
  after(() => b?.cleanup());
}

describe('Agent Auth wire contract', () => {
  let b!: TestBroker;
  brokerWithTestProvider((started) => { b = started; });

  test('provider object has every key both clients read, is_active, and never client_secret', async () => {
    const res = await b.api('/v2/auth/providers/test-idp');
    assert.equal(res.status, 200);
    for (const k of [...NEW_CLIENT_PROVIDER_KEYS, 'is_active', 'code_challenge_method', 'provider_type', 'token_endpoint_auth_method', 'mcp_server_url', 'is_dynamic_client', 'authorization_params', 'allowed_redirect_uris']) {
      assert.ok(k in res.body, `missing ${k}`);
    }
    assert.equal(res.body.is_active, true);
    assert.equal(res.body.uses_pkce, true, 'Latchkey defaults uses_pkce to true');
    assert.equal(res.body.code_challenge_method, 'S256');
    assert.deepEqual(res.body.authorization_params, {});
    assert.deepEqual(res.body.allowed_redirect_uris, []);
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    assert.match(res.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(res.body.redirect_uri, `${b.url}/host-oauth-callback/test-idp`);
    assert.ok(!('client_secret' in res.body));
    assert.ok(!res.text.includes('test-client-secret-value'));
  });

  test('list providers is a JSON array; every route also works under /api-host', async () => {
    const list = await b.api('/v2/auth/providers');
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body));
    assert.equal(list.body.length, 1);
    const hosted = await b.api('/api-host/v2/auth/providers');
    assert.deepEqual(hosted.body, list.body);
    const auth = await b.api('/api-host/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['a'], user_id: 'u' } });
    assert.equal(auth.status, 200);
    assert.equal(auth.body.status, 'pending');
    const wait = await b.api(`/api-host/v2/auth/wait/${auth.body.auth_id}?timeout=0`);
    assert.deepEqual(wait.body, { status: 'timeout', token: null });
  });

  test('authenticate: old client body (explicit agent_id null) gets all four keys (plus upstream\'s user_id and metadata)', async () => {
    const res = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['read'], user_id: 'me', ls_user_id: null, agent_id: null } });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['auth_id', 'metadata', 'status', 'token', 'url', 'user_id']);
    assert.equal(res.body.user_id, 'me');
    assert.equal(res.body.metadata, null);
    assert.equal(res.body.status, 'pending');
    assert.equal(res.body.token, null);
    assert.match(res.body.url, new RegExp(`^${b.url}/start/[A-Za-z0-9_-]{43}$`));
    assert.match(res.body.auth_id, /^[A-Za-z0-9_-]+$/);
  });

  test('authenticate: new client omits null fields; user_id defaults; identical requests share auth_id and url', async () => {
    const a = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['x', 'y'] } });
    const again = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['y', 'x', 'x'] } });
    assert.equal(a.status, 200);
    assert.equal(again.body.auth_id, a.body.auth_id);
    assert.equal(again.body.url, a.body.url);
    const other = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['x', 'y'], agent_id: 'bot-2' } });
    assert.notEqual(other.body.auth_id, a.body.auth_id, 'a different agent is a different request');
  });

  test('authenticate: camelCase aliases and unknown fields are accepted', async () => {
    const res = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['z'], userId: 'camel', agentId: 'a1', someFutureField: { nested: true }, use_agent_builder_public_oauth: false } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'pending');
  });

  test('authenticate: check_only reports without creating a request; force_new makes a new one', async () => {
    const check = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['never-asked'], check_only: true } });
    assert.deepEqual(check.body, { status: 'pending', url: null, auth_id: null, token: null, user_id: 'default', metadata: null });
    const normal = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['f'] } });
    const forced = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['f'], force_new: true } });
    assert.notEqual(forced.body.auth_id, normal.body.auth_id);
  });

  test('authenticate: unknown provider → 404 with the documented detail', async () => {
    const res = await b.api('/v2/auth/authenticate', { body: { provider: 'nope', scopes: [] } });
    assert.equal(res.status, 404);
    assert.equal(res.body.detail, "Unknown provider 'nope'. Create it with create_oauth_provider or in the Latchkey window.");
  });

  test('wait: timeout (never pending), not_found for unknown ids, clamps and validates timeout', async () => {
    const auth = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['w'] } });
    const t0 = Date.now();
    const res = await b.api(`/v2/auth/wait/${auth.body.auth_id}?timeout=1`);
    assert.deepEqual(res.body, { status: 'timeout', token: null });
    assert.ok(Date.now() - t0 >= 900, 'held open for about the timeout');
    assert.deepEqual((await b.api('/v2/auth/wait/lk-auth-unknown?timeout=1')).body, { status: 'not_found', token: null });
    assert.deepEqual((await b.api(`/v2/auth/wait/${auth.body.auth_id}?timeout=-5`)).body, { status: 'timeout', token: null });
    const bad = await b.api(`/v2/auth/wait/${auth.body.auth_id}?timeout=soon`);
    assert.equal(bad.status, 422);
    assert.equal(bad.body.detail[0].loc.join('.'), 'query.timeout');
  });

  test('PATCH with {} and with a subset; client_secret accepted and never returned', async () => {
    const empty = await b.api('/v2/auth/providers/test-idp', { method: 'PATCH', body: {} });
    assert.equal(empty.status, 200, empty.text);
    const renamed = await b.api('/v2/auth/providers/test-idp', { method: 'PATCH', body: { name: 'Renamed', client_secret: 'another-secret-value' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Renamed');
    assert.ok(!renamed.text.includes('another-secret-value'));
    assert.ok(renamed.body.updated_at >= renamed.body.created_at);
  });

  test('tokens/exists and DELETE tokens answer the shapes the SDK requires', async () => {
    const exists = await b.api('/v2/auth/tokens/exists?provider_id=test-idp');
    assert.deepEqual(exists.body, { has_token: false });
    const del = await b.api('/v2/auth/tokens?provider_id=test-idp', { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body, { message: 'Tokens revoked', provider_id: 'test-idp' });
    const missing = await b.api('/v2/auth/tokens/exists');
    assert.equal(missing.status, 422);
  });

  test('mcp-discover validates its body like every other route (discovery itself: mcp-discovery.test.ts)', async () => {
    const res = await b.api('/v2/auth/providers/mcp-discover', { body: { provider_id: 'm', name: 'M' } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.detail[0].loc, ['body', 'mcp_server_url']);
  });

  test('old client without x-api-key → 401 telling how to set one; Bearer works too', async () => {
    const res = await b.api('/v2/auth/providers', { key: null });
    assert.equal(res.status, 401);
    assert.match(res.body.detail, /LANGSMITH_API_KEY/);
    const bearer = await b.api('/v2/auth/providers', { key: null, headers: { authorization: `Bearer ${b.key}` } });
    assert.equal(bearer.status, 200);
  });

  test('POST callback (headless forwarding) with an unknown state → 400, not a token call', async () => {
    const res = await b.api('/v2/auth/callback/test-idp', { body: { code: 'c', state: 'unknown-state' } });
    assert.equal(res.status, 400);
    assert.match(res.body.detail, /invalid, expired or was already used/);
  });

  test('every route of the contract table is served under both prefixes, checks the key first, and refuses agent keys where owner-only', async () => {
    const agentKey = (await b.api('/ui/api/keys', { key: null, headers: { 'x-latchkey-control': b.core.sessions.controlSecret }, body: { label: 'table-agent' } })).body.key as string;
    for (const [name, spec] of Object.entries(AGENT_AUTH_ROUTES)) {
      const path = spec.path.replace(':authId', 'lk-auth-none').replace(':providerId', 'test-idp');
      for (const prefix of API_PREFIXES) {
        const init = { method: spec.method, ...(spec.body ? { rawBody: '{"truncated":', headers: { 'content-type': 'application/json' } } : {}) };
        const unknown = await b.api(`${prefix}${path}`, { ...init, key: `lk_table-unknown-${name}-0000000000` });
        assert.equal(unknown.status, 401, `${spec.method} ${prefix}${path} with an unknown key: ${unknown.text}`);
        const agent = await b.api(`${prefix}${path}`, { ...init, key: agentKey });
        if (spec.ownerOnly) {
          assert.equal(agent.status, 403, `${name}: ${agent.text}`);
          assert.match(agent.body.detail, new RegExp(`cannot ${spec.ownerOnly}`));
        } else {
          assert.notEqual(agent.status, 401, `${name}`);
          assert.notEqual(agent.status, 404, `${name} is routed`);
        }
      }
    }
  });

  test('unknown routes → 404 JSON detail', async () => {
    const res = await b.api('/v2/auth/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(typeof res.body.detail, 'string');
  });

  test('DELETE provider → {message}; it is gone, with its pending requests', async () => {
    await b.api('/v2/auth/providers', { body: providerBody(ISSUER, { provider_id: 'doomed' }) });
    const pending = await b.api('/v2/auth/authenticate', { body: { provider: 'doomed', scopes: ['s'] } });
    const res = await b.api('/v2/auth/providers/doomed', { method: 'DELETE' });
    assert.deepEqual(res.body, { message: 'Provider deleted' });
    assert.equal((await b.api('/v2/auth/providers/doomed')).status, 404);
    assert.equal((await b.api(`/v2/auth/wait/${pending.body.auth_id}?timeout=0`)).body.status, 'not_found');
  });
});

describe('bad input: documented 4xx with a useful detail, and nothing stored changes', () => {
  let b!: TestBroker;
  brokerWithTestProvider((started) => { b = started; });

  const snapshot = async () => (await b.api('/v2/auth/providers')).text;

  const cases: Array<[string, { body?: unknown; rawBody?: string; headers?: Record<string, string>; method?: string; path?: string }, number, RegExp | null]> = [
    ['malformed JSON', { rawBody: '{"provider_id": "x",', headers: { 'content-type': 'application/json' } }, 422, /not valid JSON/],
    ['wrong types', { body: { ...providerBody(ISSUER, { provider_id: 'typed' }), uses_pkce: 'yes' } }, 422, /uses_pkce/],
    ['missing required fields', { body: { provider_id: 'partial' } }, 422, /client_id/],
    ['duplicate provider_id', { body: providerBody(ISSUER) }, 409, /already exists/],
    ['invalid slug characters', { body: providerBody(ISSUER, { provider_id: 'has/slash' }) }, 400, /provider_id 'has\/slash' is not allowed/],
    ['slug with spaces', { body: providerBody(ISSUER, { provider_id: 'two words' }) }, 400, /not allowed/],
    ['non-https endpoint', { body: providerBody('http://idp.example.com', { provider_id: 'insecure' }) }, 400, /must use https/],
    ['not a URL', { body: providerBody(ISSUER, { provider_id: 'nourl', auth_url: 'not a url' }) }, 400, /not a valid absolute URL/],
    ['secret-less confidential client', { body: { ...providerBody(ISSUER, { provider_id: 'nosecret' }), client_secret: null } }, 400, /needs a client_secret/],
    ['huge body', { rawBody: JSON.stringify({ ...providerBody(ISSUER, { provider_id: 'huge' }), name: 'x'.repeat(70_000) }), headers: { 'content-type': 'application/json' } }, 413, /too large/],
    ['JSON array body', { rawBody: '[1,2]', headers: { 'content-type': 'application/json' } }, 422, null],
    ['not JSON content type', { rawBody: 'provider_id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, /Content-Type: application\/json/],
  ];

  for (const [name, init, status, detail] of cases) {
    test(`${name} → ${status}`, async () => {
      const before = await snapshot();
      const res = await b.api(init.path ?? '/v2/auth/providers', { method: init.method ?? 'POST', ...init });
      assert.equal(res.status, status, res.text);
      if (detail) assert.match(typeof res.body.detail === 'string' ? res.body.detail : JSON.stringify(res.body.detail), detail);
      assert.equal(await snapshot(), before, 'stored providers unchanged');
    });
  }

  test('authenticate with wrong types → 422 FastAPI shape', async () => {
    const res = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: 'repo' } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.detail[0].loc, ['body', 'scopes']);
    assert.equal(typeof res.body.detail[0].msg, 'string');
    assert.equal(typeof res.body.detail[0].type, 'string');
  });

  test('PATCH an unknown provider → 404; PATCH with a bad URL changes nothing', async () => {
    assert.equal((await b.api('/v2/auth/providers/ghost', { method: 'PATCH', body: { name: 'x' } })).status, 404);
    const before = await snapshot();
    const res = await b.api('/v2/auth/providers/test-idp', { method: 'PATCH', body: { token_url: 'ftp://nope' } });
    assert.equal(res.status, 400);
    assert.equal(await snapshot(), before);
  });
});

describe('S34 untrusted text: control characters and bidi overrides are refused at the API', () => {
  let b!: TestBroker;
  brokerWithTestProvider((started) => { b = started; });
  const control = (): Record<string, string> => ({ 'x-latchkey-control': b.core.sessions.controlSecret });

  // ESC (an ANSI sequence that recolours or rewrites the line), BEL, CR, a C1 CSI, RLO, an isolate, NUL.
  const HOSTILE: Array<[string, string]> = [
    ['ESC', 'read:docs\u001b[2K\radmin:org'], ['BEL', 'a\u0007'], ['CR', 'admin\rread'], ['C1 CSI', 'x\u009b31m'],
    ['RLO', 'repo\u202eetirw'], ['LRI', '\u2066repo'], ['PDI', 'repo\u2069'], ['NUL', 'a\u0000b'], ['DEL', 'a\u007f'], ['LRM', 'a\u200eb'],
  ];

  const authenticateFields: Array<[string, (bad: string) => Record<string, unknown>, Array<string | number>]> = [
    ['agent_id', (bad) => ({ provider: 'test-idp', scopes: ['s'], agent_id: bad }), ['body', 'agent_id']],
    ['user_id', (bad) => ({ provider: 'test-idp', scopes: ['s'], user_id: bad }), ['body', 'user_id']],
    ['userId (camelCase alias)', (bad) => ({ provider: 'test-idp', scopes: ['s'], userId: bad }), ['body', 'user_id']],
    ['scopes[1]', (bad) => ({ provider: 'test-idp', scopes: ['ok', bad] }), ['body', 'scopes', 1]],
    ['provider', (bad) => ({ provider: bad, scopes: [] }), ['body', 'provider']],
    ['ls_user_id', (bad) => ({ provider: 'test-idp', scopes: [], ls_user_id: bad }), ['body', 'ls_user_id']],
  ];

  for (const [field, body, loc] of authenticateFields) {
    test(`S34 authenticate ${field}: every hostile character → 422 naming the field, nothing created`, async () => {
      for (const [what, bad] of HOSTILE) {
        const res = await b.api('/v2/auth/authenticate', { body: body(bad) });
        assert.equal(res.status, 422, `${what}: ${res.text}`);
        assert.deepEqual(res.body.detail[0].loc, loc, what);
        assert.equal(res.body.detail[0].type, 'unsafe_text');
        assert.match(res.body.detail[0].msg, /control characters or bidirectional overrides \(found U\+[0-9A-F]{4}\)/);
      }
      assert.equal(b.core.requests.listPending().length, 0, 'no request was created');
    });
  }

  test('S34 provider ids, names and client ids from the SDK are refused the same way; nothing is stored', async () => {
    const before = (await b.api('/v2/auth/providers')).text;
    for (const [field, loc] of [['provider_id', 'provider_id'], ['name', 'name'], ['client_id', 'client_id'], ['provider_type', 'provider_type']] as const) {
      const res = await b.api('/v2/auth/providers', { body: providerBody(ISSUER, { provider_id: 'fresh', [field]: 'Git\u001b[32mHub' }) });
      assert.equal(res.status, 422, `${field}: ${res.text}`);
      assert.deepEqual(res.body.detail[0].loc, ['body', loc]);
    }
    const patch = await b.api('/v2/auth/providers/test-idp', { method: 'PATCH', body: { name: 'Test \u202eIdP' } });
    assert.equal(patch.status, 422);
    assert.deepEqual(patch.body.detail[0].loc, ['body', 'name']);
    const params = await b.api('/v2/auth/providers/test-idp', { method: 'PATCH', body: { authorization_params: { prompt: 'consent\u0007' } } });
    assert.deepEqual(params.body.detail[0].loc, ['body', 'authorization_params', 'prompt']);
    const mcp = await b.api('/v2/auth/providers/mcp-discover', { body: { provider_id: 'm', name: 'M\u0085', mcp_server_url: 'https://mcp.example.com' } });
    assert.deepEqual(mcp.body.detail[0].loc, ['body', 'name']);
    assert.equal((await b.api('/v2/auth/providers')).text, before, 'providers unchanged');
  });

  test('S34 ids in the path are refused the same way (they are echoed in answers), on both mounts', async () => {
    for (const [path, method, loc] of [
      ['/v2/auth/providers/test%1B%5B31m', 'GET', 'provider_id'], ['/v2/auth/providers/x%E2%80%AE', 'PATCH', 'provider_id'],
      ['/api-host/v2/auth/providers/x%07', 'DELETE', 'provider_id'], ['/v2/auth/wait/lk-auth-%1B', 'GET', 'auth_id'], ['/v2/auth/wait/lk-auth-%1B/', 'GET', 'auth_id'],
    ] as const) {
      const res = await b.api(path, { method, ...(method === 'PATCH' ? { body: {} } : {}) });
      assert.equal(res.status, 422, `${method} ${path}: ${res.text}`);
      assert.deepEqual(res.body.detail[0].loc, ['path', loc]);
      assert.equal(res.body.detail[0].type, 'unsafe_text');
    }
    assert.equal((await b.api('/v2/auth/providers/test-idp')).status, 200, 'a plain id still works');
  });

  test('S34 owner API: key and pairing labels, trust rules and owner-made providers are refused the same way', async () => {
    const key = await b.api('/ui/api/keys', { key: null, headers: control(), body: { label: 'triage\u001b]0;owned\u0007' } });
    assert.equal(key.status, 422, key.text);
    assert.deepEqual(key.body.detail[0].loc, ['body', 'label']);
    const settings = await b.api('/ui/api/settings', { key: null, method: 'PUT', headers: control(), body: { trust_rules: [{ key_id: 'some-key', agent_id: 'bot', provider_id: 'test-idp', scopes: ['read\u202e'] }] } });
    assert.equal(settings.status, 422, settings.text);
    assert.deepEqual(settings.body.detail[0].loc, ['body', 'trust_rules', 0, 'scopes', 0]);
    const provider = await b.api('/ui/api/providers', { key: null, headers: control(), body: { kind: 'issuer', provider_id: 'x', name: 'X\u2067', issuer: ISSUER, client_id: 'c' } });
    assert.equal(provider.status, 422, provider.text);
    assert.deepEqual(provider.body.detail[0].loc, ['body', 'name']);
    assert.ok(!(await b.api('/ui/api/keys', { key: null, headers: control() })).text.includes('triage'), 'no key was created');
  });

  test('S34 plain Unicode text is still accepted (accents, CJK, emoji, ZWJ sequences); a tab is not', async () => {
    const res = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['lire:documents', '読む'], agent_id: 'Zoë 🤖👩‍💻', user_id: 'José' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'pending');
    const tab = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['a\tb'] } });
    assert.equal(tab.status, 422, 'a tab is a C0 control too');
  });
});

describe('issue 12 §6: old clients', () => {
  let b!: TestBroker;
  brokerWithTestProvider((started) => { b = started; });

  test('an api_url ending in "/" (requests to //v2/auth/…) reaches every route, on both prefixes', async () => {
    for (const prefix of ['//v2/auth', '///api-host/v2/auth']) {
      assert.equal((await b.api(`${prefix}/providers`)).status, 200, prefix);
      assert.equal((await b.api(`${prefix}/providers/test-idp`)).body.provider_id, 'test-idp');
      const auth = await b.api(`${prefix}/authenticate`, { body: { provider: 'test-idp', scopes: ['slash'] } });
      assert.equal(auth.status, 200, auth.text);
      assert.deepEqual((await b.api(`${prefix}/wait/${auth.body.auth_id}?timeout=0`)).body, { status: 'timeout', token: null });
      assert.deepEqual((await b.api(`${prefix}/tokens/exists?provider_id=test-idp`)).body, { has_token: false });
    }
  });

  test('a denial keeps the 200 the SDK needs and puts its reason in `detail`, on the /start page and in the activity log', async () => {
    const control = { 'x-latchkey-control': b.core.sessions.controlSecret };
    const auth = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['deny-reason'], agent_id: 'old-client' } });
    assert.equal((await b.api(`/ui/api/requests/${auth.body.auth_id}/deny`, { key: null, headers: control, body: { remember: '1h' } })).status, 200);
    const wait = await b.api(`/v2/auth/wait/${auth.body.auth_id}?timeout=0`);
    assert.equal(wait.status, 200);
    assert.equal(wait.body.status, 'denied');
    assert.match(wait.body.detail, /owner denied this request/);
    const page = await fetch(auth.body.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Request denied[\s\S]*owner denied this request/);
    // Asking again during the remembered denial: still the 200 pending answer, whose url shows why.
    const again = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['deny-reason'], agent_id: 'old-client' } });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'pending');
    assert.match(await (await fetch(again.body.url)).text(), /Request denied/);
    const log = await b.api('/ui/api/activity?agent=old-client', { key: null, headers: control });
    const denied = (log.body.entries as Array<{ type: string; decision: string | null; detail: string | null }>).filter((e) => e.type === 'request.denied');
    assert.equal(denied.length, 1, log.text);
    assert.equal(denied[0]!.decision, 'denied 1h');
  });
});
