/**
 * The whole authorization-code flow against a real authorization server (oidc-provider),
 * with a cookie-keeping HTTP "browser" standing in for the human. The Chromium run of the
 * same flow is test/e2e/browser-flow.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../main/client/client.ts';
import { approveInBrowser } from '../helpers/flows.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

describe('OAuth authorization-code flow against oidc-provider', () => {
  let broker: TestBroker;
  let idp: OidcServer;

  before(async () => {
    broker = await startTestBroker();
    idp = await startOidcServer({ redirectUris: [`${broker.url}/host-oauth-callback/test-idp`] });
    const created = await broker.api('/v2/auth/providers', { body: providerBody(idp.issuer) });
    assert.equal(created.status, 200, created.text);
  });

  after(async () => {
    await broker.cleanup();
    await idp.close();
  });

  test('authenticate → pending → owner approves → consent → wait returns a token the provider accepts', async () => {
    const client = new Client({ apiUrl: broker.url, apiKey: broker.key });
    const first = await client.authenticate({ provider: 'test-idp', scopes: ['openid', 'api:read'], userId: 'alice' });
    assert.equal(first.status, 'pending');
    assert.ok(first.authUrl?.startsWith(`${broker.url}/start/`));
    assert.ok(first.authId);

    const waiting = client.waitForCompletion(first.authId, 30);
    const { done } = await approveInBrowser(broker, first.authUrl);
    assert.equal(done.res.status, 200, done.text);
    assert.match(done.text, /Connected to Test IdP/);

    const result = await waiting;
    assert.equal(result.status, 'completed');
    assert.ok(result.token);
    const info = await idp.userinfo(result.token);
    assert.equal(info.status, 200);
    assert.equal(info.body.sub, 'alice');

    // Within the grant: completed at once, same token, no prompt.
    const again = await client.authenticate({ provider: 'test-idp', scopes: ['api:read'], userId: 'alice' });
    assert.equal(again.status, 'completed');
    assert.equal(again.token, result.token);
  });

  test('restart on the same home: authenticate completes at once with a working token', async () => {
    broker = await broker.restart();
    const client = new Client({ apiUrl: broker.url, apiKey: broker.key });
    const res = await client.authenticate({ provider: 'test-idp', scopes: ['openid', 'api:read'], userId: 'alice' });
    assert.equal(res.status, 'completed');
    assert.ok(res.token);
    assert.equal((await idp.userinfo(res.token)).status, 200);
  });
});
