/**
 * security.md S01–S06, S17, S19: what may reach the broker at all.
 * Each test is named after its requirement.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rawRequest } from '../helpers/raw-http.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';
import { ownerVia, TEST_ACTOR } from '../helpers/owner.ts';

const ISSUER = 'http://127.0.0.1:9';

describe('requests reaching the broker', () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker();
    await b.api('/v2/auth/providers', { body: providerBody(ISSUER) });
  });
  after(() => b.cleanup());

  test('S01 host allow-list: only exact loopback Host values with our port pass', async () => {
    const get = (host: string | null) => rawRequest(b.port, `GET /v2/auth/providers HTTP/1.1${host === null ? '' : `\nHost: ${host}`}\nx-api-key: ${b.key}`);
    for (const host of [`127.0.0.1:${b.port}`, `localhost:${b.port}`, `[::1]:${b.port}`, `LOCALHOST:${b.port}`]) {
      assert.equal((await get(host)).status, 200, host);
    }
    for (const host of [`evil.example:${b.port}`, `127.1:${b.port}`, `0177.0.0.1:${b.port}`, `localhost.:${b.port}`, `[::ffff:127.0.0.1]:${b.port}`, '127.0.0.1', `127.0.0.1:${b.port + 1}`, null]) {
      const res = await get(host);
      assert.equal(res.status, 403, `${host} → ${res.status}`);
      assert.match(res.body, /Host header refused/);
    }
    // Also before the flow pages and the owner routes.
    assert.equal((await rawRequest(b.port, `POST /ui/login HTTP/1.1\nHost: attacker.test:${b.port}`)).status, 403);
  });

  test('S02 /v2 refuses browser requests (Origin, Sec-Fetch-Site) but not Node fetch or httpx-like clients', async () => {
    assert.equal((await b.api('/v2/auth/providers', { headers: { origin: 'https://evil.example' } })).status, 403);
    assert.equal((await b.api('/v2/auth/providers', { headers: { origin: b.url } })).status, 403);
    assert.equal((await b.api('/v2/auth/providers', { headers: { 'sec-fetch-site': 'cross-site' } })).status, 403);
    assert.equal((await b.api('/v2/auth/providers', { headers: { 'sec-fetch-site': 'same-origin' } })).status, 403);
    assert.equal((await b.api('/v2/auth/providers', { headers: { 'sec-fetch-site': 'none' } })).status, 200);
    // Node's fetch sends sec-fetch-mode: cors by itself; b.api uses it.
    assert.equal((await b.api('/v2/auth/providers')).status, 200);
    const httpxLike = await rawRequest(b.port, `GET /v2/auth/providers HTTP/1.1\nHost: 127.0.0.1:${b.port}\nUser-Agent: python-httpx/0.27\nAccept: */*\nx-api-key: ${b.key}`);
    assert.equal(httpxLike.status, 200);
  });

  test('S03 no Access-Control-Allow-* on any response; preflights get no grant', async () => {
    const pre = await rawRequest(b.port, `OPTIONS /v2/auth/authenticate HTTP/1.1\nHost: 127.0.0.1:${b.port}\nOrigin: https://evil.example\nAccess-Control-Request-Method: POST\nAccess-Control-Request-Headers: x-api-key, content-type`);
    assert.notEqual(pre.status, 204);
    assert.doesNotMatch(pre.headers, /access-control-allow/i);
    for (const path of ['/v2/auth/providers', '/', '/start/x', '/ui/api/requests', '/assets/page.css']) {
      const res = await b.api(path, { headers: { origin: 'https://evil.example' } });
      for (const [k] of res.headers) assert.doesNotMatch(k, /^access-control-allow/i, path);
    }
  });

  test('S04 POST/PATCH without Content-Type: application/json → 415 and the body is not parsed', async () => {
    const before = (await b.api('/v2/auth/providers')).text;
    const body = JSON.stringify(providerBody(ISSUER, { provider_id: 'sneaky' }));
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
      const res = await b.api('/v2/auth/providers', { rawBody: body, headers: type ? { 'content-type': type } : {} });
      assert.equal(res.status, 415, String(type));
    }
    const patch = await b.api('/v2/auth/providers/test-idp', { method: 'PATCH', rawBody: '{"name":"x"}', headers: { 'content-type': 'text/plain' } });
    assert.equal(patch.status, 415);
    assert.equal((await b.api('/v2/auth/providers')).text, before);
    const ok = await b.api('/v2/auth/providers/test-idp', { method: 'PATCH', rawBody: '{}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    assert.equal(ok.status, 200);
  });

  test('S05 missing, unknown and revoked keys get one identical 401 body', async () => {
    const { key, record } = b.core.keys.create('soon-revoked', 'agent', TEST_ACTOR);
    assert.equal((await b.api('/v2/auth/providers', { key })).status, 200);
    b.core.revokeKey(ownerVia('cli'), record.id);
    const missing = await b.api('/v2/auth/providers', { key: null });
    const unknown = await b.api('/v2/auth/providers', { key: 'lk_not-a-real-key' });
    const revoked = await b.api('/v2/auth/providers', { key });
    const nearMiss = await b.api('/v2/auth/providers', { key: `${b.key.slice(0, -1)}x` });
    for (const res of [missing, unknown, revoked, nearMiss]) assert.equal(res.status, 401);
    assert.equal(unknown.text, missing.text);
    assert.equal(revoked.text, missing.text);
    assert.equal(nearMiss.text, missing.text);
  });

  test('S06 body > 64 KiB → 413, headers > 16 KiB → 431, __proto__ cannot pollute', async () => {
    const big = await b.api('/v2/auth/authenticate', { rawBody: JSON.stringify({ provider: 'test-idp', scopes: ['x'.repeat(70 * 1024)] }), headers: { 'content-type': 'application/json' } });
    assert.equal(big.status, 413);
    const headers = await rawRequest(b.port, `GET /v2/auth/providers HTTP/1.1\nHost: 127.0.0.1:${b.port}\nx-api-key: ${b.key}\nx-filler: ${'a'.repeat(17 * 1024)}`);
    assert.equal(headers.status, 431);
    const polluting = await b.api('/v2/auth/providers', {
      rawBody: `{"__proto__": {"polluted": "yes"}, "provider_id": "proto", "name": "P", "client_id": "c", "client_secret": "s", "auth_url": "${ISSUER}/a", "token_url": "${ISSUER}/t", "authorization_params": {"__proto__": {"polluted": "yes"}, "constructor": "x"}}`,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(polluting.status, 200, polluting.text);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(polluting.body.authorization_params), Object.prototype);
    assert.ok(!Object.hasOwn(polluting.body.authorization_params, '__proto__'));
  });

  test('S17 agent keys cannot create, update or delete providers; non-https endpoints are refused', async () => {
    const { key } = b.core.keys.create('agent-bot', 'agent', TEST_ACTOR);
    assert.equal((await b.api('/v2/auth/providers', { key, body: providerBody(ISSUER, { provider_id: 'agent-made' }) })).status, 403);
    assert.equal((await b.api('/v2/auth/providers/test-idp', { key, method: 'PATCH', body: { name: 'hijack' } })).status, 403);
    assert.equal((await b.api('/v2/auth/providers/test-idp', { key, method: 'DELETE' })).status, 403);
    assert.equal((await b.api('/v2/auth/callback/test-idp', { key, body: { code: 'c', state: 's' } })).status, 403);
    assert.equal((await b.api('/v2/auth/providers/test-idp', { key })).status, 200, 'agents may read provider configs (no secrets)');
    const insecure = await b.api('/v2/auth/providers', { body: providerBody('http://idp.corp.example', { provider_id: 'plain-http' }) });
    assert.equal(insecure.status, 400);
  });

  test('S19 S33 owner UI API: a header session token (no cookie), Origin check on changes, no framing', async () => {
    assert.equal((await b.api('/ui/api/requests', { key: null })).status, 401);
    assert.equal((await b.api('/ui/api/requests')).status, 401, 'an API key is not an owner session');
    const link = b.loginUrl();
    assert.match(link, new RegExp(`^${b.url}/#login=[A-Za-z0-9_-]{43}$`), 'the one-time token rides in the fragment');
    const token = new URL(link).hash.slice('#login='.length);
    const login = await fetch(`${b.url}/ui/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: b.url }, body: JSON.stringify({ login_token: token }) });
    assert.equal(login.status, 200);
    assert.equal(login.headers.get('set-cookie'), null, 'signing in sets no cookie at all');
    const { session_token: sessionToken } = (await login.json()) as { session_token: string };
    const session = await fetch(`${b.url}/ui/api/session`, { headers: { 'x-latchkey-session': sessionToken } });
    assert.equal(session.status, 200);
    assert.match(session.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal((await fetch(`${b.url}/ui/api/session`, { headers: { cookie: `lk_session=${sessionToken}` } })).status, 401, 'the token as a cookie is nothing');
    assert.equal((await fetch(`${b.url}/ui/api/session`, { headers: { authorization: `Bearer ${sessionToken}` } })).status, 401, 'nor as an API-style bearer');
    const post = (headers: Record<string, string>) => fetch(`${b.url}/ui/api/login-links`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    assert.equal((await post({ origin: b.url })).status, 401, 'no session header');
    assert.equal((await post({ origin: b.url, 'x-latchkey-session': 'wrong' })).status, 401, 'wrong session token');
    assert.equal((await post({ origin: 'https://evil.example', 'x-latchkey-session': sessionToken })).status, 403, 'foreign Origin');
    assert.equal((await post({ origin: 'http://127.0.0.1:1', 'x-latchkey-session': sessionToken })).status, 403, 'another loopback port');
    assert.equal((await post({ 'x-latchkey-session': sessionToken })).status, 403, 'no Origin');
    assert.equal((await post({ origin: b.url, 'x-latchkey-session': sessionToken })).status, 200);
  });

  test('S19 S40 a login token works once, only by POST; HEAD or GET of the link spends nothing; an expired session gets the sign-in-again answer', async () => {
    const link = b.loginUrl();
    const token = new URL(link).hash.slice('#login='.length);
    // What a link preview or prefetcher could do with the link: the fragment is not even sent.
    for (const method of ['HEAD', 'GET']) assert.equal((await fetch(link, { method })).status, 200);
    assert.equal((await fetch(`${b.url}/ui/login/${token}`, { method: 'HEAD' })).status, 404, 'the old path form is gone');
    const exchange = () => fetch(`${b.url}/ui/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login_token: token }) });
    assert.equal((await exchange()).status, 200, 'still unused after HEAD and GET');
    const second = await exchange();
    assert.equal(second.status, 400);
    assert.match(await second.text(), /npx latchkey ui/);
    const bogus = await b.api('/ui/api/requests', { key: null, headers: { 'x-latchkey-session': 'forged' } });
    assert.equal(bogus.status, 401);
    assert.match(bogus.body.detail, /npx latchkey ui/);
  });
});
