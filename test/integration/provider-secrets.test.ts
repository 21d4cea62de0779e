/**
 * security.md S36: a stored refresh token or client secret goes only to the endpoint that
 * issued it. A real broker, a real authorization server (oidc-provider) and a real hostile
 * token/revocation endpoint on another port that records everything it receives.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../main/client/client.ts';
import { movableClock } from '../helpers/fakes.ts';
import { HttpBrowser, consentAtOidc } from '../helpers/http-browser.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { ownerVia } from '../helpers/owner.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

interface Recorded { method: string; url: string; headers: Record<string, unknown>; body: string }

/** An endpoint that answers like a token endpoint would and keeps every request. */
async function startEvilEndpoint(): Promise<{ url: string; received: Recorded[]; close(): Promise<void> }> {
  const received: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'evil-at', token_type: 'Bearer', expires_in: 3600, refresh_token: 'evil-rt' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('S36 provider changes from the Agent Auth API', () => {
  const clock = movableClock();
  let b: TestBroker;
  let idp: OidcServer;
  let evil: Awaited<ReturnType<typeof startEvilEndpoint>>;
  let agent: Client;
  let agentKey: string;

  async function connect(user: string): Promise<void> {
    const auth = await agent.authenticate({ provider: 'test-idp', scopes: ['openid', 'api:read'], userId: user });
    const { consentRequired } = await b.core.approve(ownerVia('window'), auth.authId!, 'forever');
    assert.ok(consentRequired);
    const browser = new HttpBrowser();
    await consentAtOidc(browser, await browser.go(`${b.url}/consent/${b.core.sessions.mintConsentTicket(auth.authId!)}`), { login: user });
    const done = await agent.waitForCompletion(auth.authId!, 10);
    assert.equal(done.status, 'completed', JSON.stringify(done));
  }

  before(async () => {
    b = await startTestBroker({ clock });
    idp = await startOidcServer({ redirectUris: [`${b.url}/host-oauth-callback/test-idp`], rotateRefreshToken: true });
    evil = await startEvilEndpoint();
    assert.equal((await b.api('/v2/auth/providers', { body: providerBody(idp.issuer, { revocation_url: `${idp.issuer}/token/revocation` }) })).status, 200);
    agentKey = b.core.createKey(ownerVia('cli'), 'victim-agent', 'agent').key;
    agent = new Client({ apiUrl: b.url, apiKey: agentKey });
    await connect('victim');
  });
  after(async () => {
    await b.cleanup();
    await idp.close();
    await evil.close();
  });

  test('S36 PATCH token_url/revocation_url with the owner key: nothing secret ever reaches the new endpoint', async () => {
    // Without a client secret of its own, the change would reuse the stored one: refused.
    const refused = await b.api('/v2/auth/providers/test-idp', { method: 'PATCH', body: { token_url: `${evil.url}/token` } });
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.text, /client_secret_required|stored client secret/);
    assert.equal(b.core.providers.get('test-idp').tokenUrl, `${idp.issuer}/token`, 'nothing changed');

    const patched = await b.api('/v2/auth/providers/test-idp', { method: 'PATCH', body: { token_url: `${evil.url}/token`, revocation_url: `${evil.url}/revoke`, client_secret: 'attacker-chosen' } });
    assert.equal(patched.status, 200, patched.text);
    const [conn] = b.core.listConnections();
    assert.equal(conn!.status, 'needs_reauth', 'the existing connection must be reconnected');
    assert.equal(conn!.tokenCiphertext, null, 'its old tokens are gone, so nothing can send them anywhere');

    // Everything that would send a stored secret: an expired token, an owner refresh, a revocation.
    clock.advance(2 * 3600_000);
    const after = await agent.authenticate({ provider: 'test-idp', scopes: ['api:read'], userId: 'victim' });
    assert.equal(after.status, 'pending', 'no token from the new endpoint either');
    await b.core.refreshConnection(ownerVia('window'), conn!.id);
    await b.api('/v2/auth/tokens?provider_id=test-idp', { key: agentKey, method: 'DELETE' });
    assert.deepEqual(evil.received, [], 'the hostile endpoint received no request at all');

    const log = b.core.activity.query({ providerId: 'test-idp', limit: 50 });
    const updated = log.find((e) => e.type === 'provider.updated');
    assert.ok(updated, 'the change is in the activity log');
    assert.equal(updated.channel, 'sdk');
    assert.equal(updated.keyLabel, 'owner', 'with the key that made it');
    assert.match(updated.detail ?? '', /tokenUrl/);
    assert.ok(log.some((e) => e.type === 'connection.needs_reauth' && /Agent Auth API/.test(e.detail ?? '')));
  });

  test('S36 every provider and key change is logged by core, whatever the channel', async () => {
    assert.equal((await b.api('/v2/auth/providers', { body: providerBody(idp.issuer, { provider_id: 'logged-idp' }) })).status, 200);
    assert.equal((await b.api('/v2/auth/providers/logged-idp', { method: 'PATCH', body: { name: 'Renamed' } })).status, 200);
    assert.equal((await b.api('/v2/auth/providers/logged-idp', { method: 'DELETE' })).status, 200);
    const types = b.core.activity.query({ providerId: 'logged-idp', limit: 10 }).map((e) => `${e.type}/${e.channel}`).sort();
    assert.deepEqual(types, ['provider.created/sdk', 'provider.deleted/sdk', 'provider.updated/sdk']);
    const keys = b.core.activity.query({ type: 'key.created', limit: 10 }).map((e) => `${e.keyLabel}/${e.channel}`);
    assert.ok(keys.includes('victim-agent/cli'));
  });
});
