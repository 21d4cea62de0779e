/**
 * Refresh that fits the token lifetime against a real authorization server (issue 12 §1):
 * oidc-provider issuing 60-second access tokens with refresh-token rotation. Latchkey's
 * clock moves through the Clock port; oidc-provider keeps real time, so every token it
 * hands out stays valid at its userinfo endpoint for the whole test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../main/client/client.ts';
import { HttpBrowser, consentAtOidc } from '../helpers/http-browser.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { signIn } from '../helpers/owner-session.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';
import { movableClock } from '../helpers/fakes.ts';

const TTL_S = 60;

describe('refresh of short-lived tokens against oidc-provider (60 s access tokens)', () => {
  const clock = movableClock();
  let b: TestBroker;
  let idp: OidcServer;
  let client: Client;
  const ask = () => client.authenticate({ provider: 'test-idp', scopes: ['openid', 'api:read'], userId: 'short' });

  before(async () => {
    b = await startTestBroker({ clock });
    idp = await startOidcServer({ redirectUris: [`${b.url}/host-oauth-callback/test-idp`], rotateRefreshToken: true, accessTokenTtlSeconds: TTL_S });
    const created = await b.api('/v2/auth/providers', { body: providerBody(idp.issuer) });
    assert.equal(created.status, 200, created.text);
    client = new Client({ apiUrl: b.url, apiKey: b.key });
  });
  after(async () => {
    await b.cleanup();
    await idp.close();
  });

  test('a fresh 60 s token is served as it is; once due, 50 concurrent callers cause one refresh and share one token', async () => {
    const auth = await ask();
    const owner = await signIn(b);
    const approved = await owner.call('POST', `/ui/api/requests/${auth.authId}/approve`, { duration: 'forever' });
    const browser = new HttpBrowser();
    await consentAtOidc(browser, await browser.go(approved.body.consent_url), { login: 'short' });
    const first = await client.waitForCompletion(auth.authId!, 10);
    assert.equal(first.status, 'completed');

    const afterConsent = idp.tokenCalls;
    const early = [];
    for (let n = 0; n < 5; n++) {
      early.push((await ask()).token);
      clock.advance(5_000);
    }
    console.log(`oidc-provider, 60 s token: 5 authenticate calls on a fresh token → ${idp.tokenCalls - afterConsent} token-endpoint calls`);
    assert.equal(idp.tokenCalls - afterConsent, 0);
    assert.deepEqual(new Set(early), new Set([first.token]));

    // 25 s + 25 s: 50 s of 60 are gone, less than a quarter is left: due.
    clock.advance(25_000);
    const beforeDue = idp.tokenCalls;
    const answers = await Promise.all(Array.from({ length: 50 }, () => ask()));
    const tokens = new Set(answers.map((a) => a.token));
    console.log(`oidc-provider, 60 s token: 50 concurrent authenticate once due → ${idp.tokenCalls - beforeDue} token-endpoint calls, ${tokens.size} token(s)`);
    assert.equal(idp.tokenCalls - beforeDue, 1);
    assert.equal(tokens.size, 1);
    const [renewed] = [...tokens];
    assert.notEqual(renewed, first.token);
    assert.equal((await idp.userinfo(renewed!)).status, 200);

    // The renewed token is fresh again: more calls do not touch the provider.
    for (let n = 0; n < 5; n++) assert.equal((await ask()).token, renewed);
    assert.equal(idp.tokenCalls - beforeDue, 1);
  });
});
