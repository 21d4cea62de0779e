/**
 * security.md S10–S16 and S25: the OAuth flow and the tokens it yields, against a real
 * authorization server (oidc-provider). Each test is named after its requirement.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../main/adapters/logger.ts';
import { Client } from '../../main/client/client.ts';
import { HttpBrowser, consentAtOidc } from '../helpers/http-browser.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';
import { movableClock } from '../helpers/fakes.ts';
import { TEST_ACTOR } from '../helpers/owner.ts';

/** Everything the broker logs, as text, to grep for secrets (S15). */
function captureLogs() {
  const chunks: string[] = [];
  const destination = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
  return { logger: createLogger({ level: 'trace', destination }), text: () => chunks.join('') };
}

describe('OAuth flow security', () => {
  let b: TestBroker;
  let idp: OidcServer;
  const clock = movableClock();
  const logs = captureLogs();
  const isCallback = (url: string) => url.includes('/host-oauth-callback/');

  before(async () => {
    b = await startTestBroker({ clock, logger: logs.logger });
    idp = await startOidcServer({ redirectUris: [`${b.url}/host-oauth-callback/test-idp`, `${b.url}/host-oauth-callback/other-idp`] });
    assert.equal((await b.api('/v2/auth/providers', { body: providerBody(idp.issuer) })).status, 200);
    assert.equal((await b.api('/v2/auth/providers', { body: providerBody(idp.issuer, { provider_id: 'other-idp', name: 'Other' }) })).status, 200);
  });
  after(async () => {
    await b.cleanup();
    await idp.close();
  });

  /** An agent asks; the owner approves in `browser`; consent happens; stop before the callback. */
  async function flowToCallback(browser: HttpBrowser, scopes: string[], userId: string) {
    const client = new Client({ apiUrl: b.url, apiKey: b.key });
    const auth = await client.authenticate({ provider: 'test-idp', scopes, userId });
    assert.equal(auth.status, 'pending');
    await browser.go(b.loginUrl());
    const decided = await browser.approve(auth.authUrl!, { duration: '1h', stopBefore: isCallback });
    const atCallback = decided.stopped ? decided : await consentAtOidc(browser, decided, { login: userId, stopBefore: isCallback });
    assert.ok(atCallback.stopped, `expected to stop before the callback, got ${atCallback.url}`);
    return { auth, callbackUrl: atCallback.url, client };
  }

  test('S10 the start link, approved by the owner, sends the browser to the provider with PKCE S256, fresh state and the exact redirect_uri', async () => {
    const client = new Client({ apiUrl: b.url, apiKey: b.key });
    const auth = await client.authenticate({ provider: 'test-idp', scopes: ['openid'], userId: 's10' });
    assert.match(auth.authUrl!, new RegExp(`^http://127\\.0\\.0\\.1:${b.port}/start/[A-Za-z0-9_-]+$`));
    const browser = new HttpBrowser();
    await browser.go(b.loginUrl());
    const res = await browser.decide(auth.authUrl!, { duration: 'once' });
    assert.equal(res.res.status, 200);
    assert.equal(res.res.headers.get('set-cookie'), null, 'the browser binding is no cookie (S33)');
    const location = new URL(res.body.redirect_url);
    assert.equal(location.origin + location.pathname, `${idp.issuer}/auth`);
    const q = location.searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok((q.get('code_challenge') ?? '').length >= 43);
    assert.ok(Buffer.from(q.get('state') ?? '', 'base64url').length >= 16, 'state carries ≥128 bits');
    assert.notEqual(q.get('state'), auth.authId);
    assert.equal(q.get('redirect_uri'), `http://127.0.0.1:${b.port}/host-oauth-callback/test-idp`);
    assert.equal(q.get('client_id'), 'latchkey-test');
    // A second attempt ("Continue" on the now approved page) gets a different state.
    const stranger = await new HttpBrowser().continueFlow(auth.authUrl!);
    assert.equal(stranger.res.status, 401, 'an owner-approved request continues only for the owner or with a consent link');
    const retried = await browser.continueFlow(auth.authUrl!);
    assert.notEqual(new URL(retried.body.redirect_url).searchParams.get('state'), q.get('state'));
  });

  test('S11 unknown, reused, other-provider, cookie-less and expired states → 400, no token call, nothing stored', async () => {
    const browser = new HttpBrowser();
    const { callbackUrl, client } = await flowToCallback(browser, ['openid'], 's11');
    const calls = idp.tokenCalls;
    const url = new URL(callbackUrl);
    const stranger = new HttpBrowser();
    const variants = {
      unknown: (() => { const u = new URL(url); u.searchParams.set('state', 'x'.repeat(43)); return u.toString(); })(),
      otherProvider: callbackUrl.replace('/host-oauth-callback/test-idp', '/host-oauth-callback/other-idp'),
      noState: (() => { const u = new URL(url); u.searchParams.delete('state'); return u.toString(); })(),
    };
    for (const [name, u] of Object.entries(variants)) {
      const res = await browser.finishCallback(u);
      assert.equal(res.res.status, 400, name);
    }
    assert.equal((await stranger.finishCallback(callbackUrl)).res.status, 400, 'from a browser without the binding');
    // The page a provider redirect lands on only shows a page: a GET finishes nothing.
    assert.equal((await stranger.request(callbackUrl)).status, 200);
    clock.advance(11 * 60_000);
    try {
      assert.equal((await browser.finishCallback(callbackUrl)).res.status, 400, 'expired state');
    } finally {
      clock.advance(-11 * 60_000);
    }
    assert.equal(idp.tokenCalls, calls, 'no token-endpoint call for any rejected callback');
    assert.equal(await client.checkTokenExists('test-idp'), false);
    // The genuine callback still works afterwards: rejections changed nothing.
    const ok = await browser.finishCallback(callbackUrl);
    assert.equal(ok.res.status, 200);
    assert.equal(ok.body.status, 'completed');
    assert.equal(idp.tokenCalls, calls + 1);
    // Reused now: rejected.
    assert.equal((await browser.finishCallback(callbackUrl)).res.status, 400, 'reused state');
    assert.equal(idp.tokenCalls, calls + 1);
  });

  test('S11 S33 POST /v2/auth/callback (issue 14 §5): an agent key needs the flow\'s browser binding; code and state alone finish nothing', async () => {
    const browser = new HttpBrowser();
    const { callbackUrl, auth, client } = await flowToCallback(browser, ['openid'], 's11-post');
    const q = new URL(callbackUrl).searchParams;
    const body = { code: q.get('code'), state: q.get('state') };
    const { key: agentKey } = b.core.keys.create('forwarding-agent', 'agent', TEST_ACTOR);
    const calls = idp.tokenCalls;
    assert.equal((await b.api('/v2/auth/callback/test-idp', { key: agentKey, body })).status, 403, 'no binding, not the owner key');
    assert.equal((await b.api('/v2/auth/callback/test-idp', { key: agentKey, body: { ...body, binding: 'z'.repeat(43) } })).status, 400, 'another browser\'s binding');
    assert.equal((await b.api('/v2/auth/callback/test-idp', { key: agentKey, body: { ...body, binding: 'short' } })).status, 422);
    assert.equal(idp.tokenCalls, calls, 'no token call for a refused forward');
    const ok = await b.api('/v2/auth/callback/test-idp', { key: agentKey, body: { ...body, binding: browser.binding(b.url) } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.status, 'completed');
    assert.equal((await client.waitForCompletion(auth.authId!, 5)).status, 'completed');
  });

  test('S12 the same code+state delivered twice concurrently is redeemed at most once', async () => {
    const browser = new HttpBrowser();
    const { callbackUrl, auth, client } = await flowToCallback(browser, ['openid', 'api:read'], 's12');
    const calls = idp.tokenCalls;
    const results = await Promise.all([browser.finishCallback(callbackUrl), browser.finishCallback(callbackUrl), browser.finishCallback(callbackUrl)]);
    assert.deepEqual(results.map((r) => r.res.status).sort(), [200, 400, 400]);
    assert.equal(idp.tokenCalls, calls + 1);
    const waited = await client.waitForCompletion(auth.authId!, 5);
    assert.equal(waited.status, 'completed');
  });

  test('S14 pages escape provider text, never redirect to request-supplied URLs, and carry strict headers', async () => {
    await b.api('/v2/auth/providers/other-idp', { method: 'PATCH', body: { name: '<script>alert("x")</script>' } });
    const auth = await b.api('/v2/auth/authenticate', { body: { provider: 'other-idp', scopes: ['<img src=x onerror=alert(1)>'], agent_id: '"><b>agent</b>' } });
    const browser = new HttpBrowser();
    await browser.go(b.loginUrl());
    const res = await browser.request(`${auth.body.url}?redirect_uri=https://evil.example&next=https://evil.example`);
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.ok(!text.includes('<script>alert'), 'provider name escaped');
    assert.ok(text.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(!text.includes('<img src=x'), 'scope escaped');
    assert.ok(!text.includes('<b>agent</b>'), 'agent id escaped');
    assert.ok(!text.includes('evil.example'));
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const errorUrl = `${b.url}/host-oauth-callback/test-idp?error=<b>bad</b>&error_description=<i>x</i>&state=nope`;
    const errPage = await browser.request(errorUrl);
    assert.equal(errPage.status, 200);
    assert.ok(!(await errPage.text()).includes('<b>bad</b>'), 'the callback page echoes nothing of the query');
    assert.equal(errPage.headers.get('location'), null);
    const err = await browser.finishCallback(errorUrl);
    assert.equal(err.res.status, 400);
    assert.equal(err.res.headers.get('location'), null);
  });

  test('S15 token responses are no-store; seeded secrets never reach logs, URLs or Location headers', async () => {
    const browser = new HttpBrowser();
    const { callbackUrl, auth, client } = await flowToCallback(browser, ['openid', 'api:read'], 's15');
    const code = new URL(callbackUrl).searchParams.get('code')!;
    assert.equal((await browser.finishCallback(callbackUrl)).res.status, 200);
    const waited = await client.waitForCompletion(auth.authId!, 5);
    assert.equal(waited.status, 'completed');
    const completed = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['openid'], user_id: 's15' } });
    assert.equal(completed.body.status, 'completed');
    assert.equal(completed.headers.get('cache-control'), 'no-store');
    const waitRes = await b.api(`/v2/auth/wait/${auth.authId}?timeout=1`);
    assert.equal(waitRes.headers.get('cache-control'), 'no-store');
    const secrets = { token: waited.token, code, clientSecret: 'test-client-secret-value', apiKey: b.key };
    const log = logs.text();
    assert.ok(log.length > 1000, 'the flow was logged');
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(!log.includes(value), `${name} appears in the log`);
      for (const visited of browser.visited) assert.ok(!visited.includes(value) || name === 'code', `${name} in a visited URL`);
    }
    assert.ok(!auth.authUrl!.includes(secrets.token) && !auth.authUrl!.includes(b.key));
  });

  test('S16 another key cannot see key A\'s auth_id or connection; user_id is only a label', async () => {
    const { key: other } = b.core.keys.create('other-agent', 'agent', TEST_ACTOR);
    const mine = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:write'], user_id: 'shared-user' } });
    const theirs = await b.api(`/v2/auth/wait/${mine.body.auth_id}?timeout=0`, { key: other });
    assert.deepEqual(theirs.body, { status: 'not_found', token: null });
    // Key A holds a connection for user s15 (previous test); key B asking as the same user has none.
    assert.equal((await b.api('/v2/auth/tokens/exists?provider_id=test-idp')).body.has_token, true);
    assert.equal((await b.api('/v2/auth/tokens/exists?provider_id=test-idp', { key: other })).body.has_token, false);
    const spoof = await b.api('/v2/auth/authenticate', { key: other, body: { provider: 'test-idp', scopes: ['openid'], user_id: 's15' } });
    assert.equal(spoof.body.status, 'pending');
    assert.equal(spoof.body.token, null);
    assert.notEqual(spoof.body.auth_id, mine.body.auth_id);
    // And B's revoke cannot touch A's tokens.
    await b.api('/v2/auth/tokens?provider_id=test-idp', { key: other, method: 'DELETE' });
    assert.equal((await b.api('/v2/auth/tokens/exists?provider_id=test-idp')).body.has_token, true);
  });

  test('S13 RFC 9207: with iss support advertised, a missing or wrong iss is rejected; discovery refuses a mismatched issuer', async () => {
    const discovered = await b.core.discoverProvider({ providerId: 'disc-idp', name: 'Discovered', issuer: idp.issuer, clientId: 'latchkey-test', clientSecret: 'test-client-secret-value' }, TEST_ACTOR);
    assert.equal(discovered.issuer, idp.issuer);
    assert.equal(discovered.issParameterSupported, true, 'oidc-provider advertises authorization_response_iss_parameter_supported');
    await assert.rejects(b.core.discoverProvider({ providerId: 'disc-bad', name: 'Bad', issuer: `${idp.issuer}/other`, clientId: 'c', clientSecret: 's' }, TEST_ACTOR), /failed/);
    // Drive flows with the discovered provider; answer as a mix-up attacker would: the right
    // state and a code, but a missing or foreign iss.
    for (const [label, issParam] of [['missing', ''], ['wrong', '&iss=https%3A%2F%2Fevil.example']] as const) {
      const auth = await b.api('/v2/auth/authenticate', { body: { provider: 'disc-idp', scopes: ['openid'], user_id: `s13-${label}` } });
      const browser = new HttpBrowser();
      await browser.go(b.loginUrl());
      const redirect = await browser.decide(auth.body.url, { duration: '1h' });
      const state = new URL(redirect.body.redirect_url).searchParams.get('state')!;
      const calls = idp.tokenCalls;
      const res = await browser.finishCallback(`${b.url}/host-oauth-callback/disc-idp?code=abc&state=${state}${issParam}`);
      assert.equal(res.res.status, 400, `${label} iss`);
      assert.equal(idp.tokenCalls, calls, `no token call with a ${label} iss`);
    }
  });

  test('S25 a 6 KB token set round-trips byte-for-byte through the vault and SQLite', async () => {
    const big = `eyJ${'A1b2C3d4E5-_'.repeat(500)}`.slice(0, 6144);
    const { record } = b.core.keys.create('s25', 'agent', TEST_ACTOR);
    const saved = b.core.connections.save(
      { providerId: 'test-idp', keyId: record.id, userId: 'big', agentId: null },
      { accessToken: big, tokenType: 'Bearer', refreshToken: `${big}-r`, expiresAt: Date.now() + 3_600_000, idToken: null, extra: { instance_url: 'https://x.example', nested: { a: [1, 2, 'ü'] } } },
      ['api:read'],
    );
    b.core.connections.forget(saved.id);
    const reread = b.core.connections.byId(saved.id)!;
    assert.ok(reread.tokenCiphertext && reread.tokenCiphertext.length > 12_000);
    assert.ok(!reread.tokenCiphertext.toString('latin1').includes('A1b2C3'), 'stored encrypted');
    const set = b.core.connections.read(reread);
    assert.equal(set.accessToken, big);
    assert.equal(Buffer.compare(Buffer.from(set.accessToken), Buffer.from(big)), 0);
    assert.equal(set.refreshToken, `${big}-r`);
    assert.deepEqual(set.extra, { instance_url: 'https://x.example', nested: { a: [1, 2, 'ü'] } });
  });
});
