/**
 * Refresh, rotation and revocation against oidc-provider with refresh-token rotation and
 * reuse detection (security.md S20–S23, S27). Time moves through the Clock port; the
 * provider's failures are injected at the HTTP layer through the broker's fetch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../main/client/client.ts';
import { HttpBrowser, consentAtOidc } from '../helpers/http-browser.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { signIn } from '../helpers/owner-session.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';
import { movableClock } from '../helpers/fakes.ts';

/** A fetch the test can make fail: 'http500', 'hang' (until aborted) or 'refuse' for the token or revocation endpoint. */
function faultyFetch() {
  const faults = { token: null as null | 'http500' | 'hang', revocation: null as null | 'http500' | 'refuse' };
  const f: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/token/revocation') && faults.revocation) {
      if (faults.revocation === 'refuse') throw new TypeError('fetch failed: connection refused');
      return new Response('{"error":"server_error"}', { status: 500, headers: { 'content-type': 'application/json' } });
    }
    if (url.endsWith('/token') && faults.token === 'http500') return new Response('<html>down</html>', { status: 500, headers: { 'content-type': 'text/html' } });
    if (url.endsWith('/token') && faults.token === 'hang') {
      return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason ?? new Error('aborted'))));
    }
    return fetch(input, init);
  };
  return { fetch: f, faults };
}

describe('refresh against a rotating provider', () => {
  const clock = movableClock();
  const upstream = faultyFetch();
  let b: TestBroker;
  let idp: OidcServer;
  let client: Client;

  /** A connection for `user` with offline access, approved until revoked. */
  async function connect(user: string) {
    const auth = await client.authenticate({ provider: 'test-idp', scopes: ['openid', 'api:read'], userId: user });
    const owner = await signIn(b);
    const approved = await owner.call('POST', `/ui/api/requests/${auth.authId}/approve`, { duration: 'forever' });
    const browser = new HttpBrowser();
    await consentAtOidc(browser, await browser.go(approved.body.consent_url), { login: user });
    const done = await client.waitForCompletion(auth.authId!, 10);
    assert.equal(done.status, 'completed');
    return done.token!;
  }

  before(async () => {
    b = await startTestBroker({ clock, fetch: upstream.fetch });
    idp = await startOidcServer({ redirectUris: [`${b.url}/host-oauth-callback/test-idp`], rotateRefreshToken: true });
    const created = await b.api('/v2/auth/providers', { body: providerBody(idp.issuer, { revocation_url: `${idp.issuer}/token/revocation` }) });
    assert.equal(created.status, 200, created.text);
    client = new Client({ apiUrl: b.url, apiKey: b.key });
  });
  after(async () => {
    await b.cleanup();
    await idp.close();
  });

  test('S20 50 concurrent authenticate calls on an expired token → exactly one token-endpoint call, one new token for all', async () => {
    const first = await connect('s20');
    clock.advance(2 * 3600_000);
    const calls = idp.tokenCalls;
    const answers = await Promise.all(Array.from({ length: 50 }, () => client.authenticate({ provider: 'test-idp', scopes: ['api:read'], userId: 's20' })));
    const upstreamCalls = idp.tokenCalls - calls;
    console.log(`token-endpoint calls for 50 concurrent authenticate on an expired token: ${upstreamCalls}`);
    assert.equal(upstreamCalls, 1);
    assert.ok(answers.every((a) => a.status === 'completed'));
    assert.equal(new Set(answers.map((a) => a.token)).size, 1);
    assert.notEqual(answers[0]!.token, first);
    assert.equal((await idp.userinfo(answers[0]!.token!)).status, 200);
    // Rotation: the next refresh uses the rotated refresh token (reuse would be rejected by the provider).
    clock.advance(2 * 3600_000);
    const again = await client.authenticate({ provider: 'test-idp', scopes: ['api:read'], userId: 's20' });
    assert.equal(again.status, 'completed');
    assert.equal((await idp.userinfo(again.token!)).status, 200);
  });

  test('S23 token endpoint 500 or timeout: unexpired token still served, expired → 503 + Retry-After, never revoked; recovers after', async () => {
    await connect('s23');
    clock.advance(57 * 60_000);
    upstream.faults.token = 'http500';
    const stillGood = await client.authenticate({ provider: 'test-idp', scopes: ['api:read'], userId: 's23' });
    assert.equal(stillGood.status, 'completed', 'inside the margin but not expired: served');
    clock.advance(10 * 60_000);
    upstream.faults.token = 'hang';
    const t0 = Date.now();
    const down = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], user_id: 's23' } });
    assert.ok(Date.now() - t0 < 5000, 'answers inside the SDK\'s 5 s budget');
    assert.equal(down.status, 503, down.text);
    assert.ok(Number(down.headers.get('retry-after')) >= 1);
    assert.match(down.body.detail, /down or slow/);
    const owner = await signIn(b);
    const conns = (await owner.call('GET', '/ui/api/connections')).body as Array<{ user_id: string; status: string }>;
    assert.notEqual(conns.find((c) => c.user_id === 's23')!.status, 'needs_reauth');
    upstream.faults.token = null;
    clock.advance(10 * 60_000); // past the backoff
    const back = await client.authenticate({ provider: 'test-idp', scopes: ['api:read'], userId: 's23' });
    assert.equal(back.status, 'completed');
    assert.equal((await idp.userinfo(back.token!)).status, 200);
  });

  test('S22 refresh token revoked at the provider → needs_reauth, authenticate answers pending for re-consent, never 5xx', async () => {
    await connect('s22');
    const owner = await signIn(b);
    const conn = ((await owner.call('GET', '/ui/api/connections')).body as Array<{ id: string; user_id: string }>).find((c) => c.user_id === 's22')!;
    // What "remove app access" in a provider's settings does: the refresh token dies upstream.
    const stored = b.core.connections.read(b.core.connections.byId(conn.id)!);
    const revoke = await fetch(`${idp.issuer}/token/revocation`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: stored.refreshToken!, client_id: 'latchkey-test', client_secret: 'test-client-secret-value' }) });
    assert.equal(revoke.status, 200);
    clock.advance(2 * 3600_000);
    const res = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], user_id: 's22' } });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'pending');
    assert.match(res.body.url, /\/start\//);
    const after = ((await owner.call('GET', '/ui/api/connections')).body as Array<{ id: string; status: string }>).find((c) => c.id === conn.id)!;
    assert.equal(after.status, 'needs_reauth');
    const calls = idp.tokenCalls;
    await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['api:read'], user_id: 's22' } });
    assert.equal(idp.tokenCalls, calls, 'no more refresh attempts once needs_reauth');
  });

  test('S27 DELETE tokens revokes at the provider; local secrets go even when revocation fails', async () => {
    const token = await connect('s27a');
    const revocations = idp.revocationCalls;
    await client.revokeTokens('test-idp');
    assert.ok(idp.revocationCalls > revocations, 'RFC 7009 revocation called');
    assert.equal(await client.checkTokenExists('test-idp'), false);
    assert.equal((await idp.userinfo(token)).status, 401, 'the provider no longer accepts it');

    await connect('s27b');
    upstream.faults.revocation = 'refuse';
    await client.revokeTokens('test-idp');
    upstream.faults.revocation = null;
    assert.equal(await client.checkTokenExists('test-idp'), false, 'deleted locally although the provider was unreachable');
    const owner = await signIn(b);
    const log = (await owner.call('GET', '/ui/api/activity?type=connection.revoked')).body as { entries: Array<{ detail: string }> };
    assert.ok(log.entries.some((e) => /revocation failed/.test(e.detail)));
  });
});
