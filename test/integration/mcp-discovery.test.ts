/**
 * `POST /v2/auth/providers/mcp-discover` against a local MCP-style resource server and a
 * real authorization server (oidc-provider with RFC 7591 registration and RFC 8707
 * resource indicators): discovery, dynamic registration, then the whole consent flow, with
 * the MCP server accepting the token only when it is bound to its URL.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../main/client/client.ts';
import { approveInBrowser } from '../helpers/flows.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.ts';
import { TEST_ACTOR } from '../helpers/owner.ts';
import { movableClock } from '../helpers/fakes.ts';

interface Site {
  origin: string;
  close(): Promise<void>;
}

async function listen(handler: (path: string, headers: Record<string, string | string[] | undefined>) => Promise<{ status: number; headers?: Record<string, string>; body?: unknown }>): Promise<Site> {
  const server: Server = createServer((req, res) => {
    handler(new URL(req.url ?? '/', 'http://x').pathname, req.headers).then((out) => {
      res.writeHead(out.status, { ...(out.body === undefined ? {} : { 'content-type': 'application/json' }), ...out.headers });
      res.end(out.body === undefined ? undefined : JSON.stringify(out.body));
    }, () => { res.writeHead(500).end(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

interface McpServer extends Site {
  /** The MCP endpoint: the resource identifier. */
  url: string;
}

/**
 * An MCP server at `/mcp`: 401 unless the bearer token passes `accept`. `challenge` decides
 * whether the 401 names its RFC 9728 metadata; `wellKnown` whether the path-inserted
 * well-known URL serves it.
 */
async function startMcpServer(options: {
  authorizationServers: (origin: string) => string[];
  challenge: boolean;
  wellKnown: boolean;
  accept?: (token: string, resource: string) => Promise<boolean>;
}): Promise<McpServer> {
  let url = '';
  const site = await listen(async (path, headers) => {
    const metadataPath = '/.well-known/oauth-protected-resource/mcp';
    if (path === metadataPath && (options.challenge || options.wellKnown)) {
      return { status: 200, body: { resource: url, authorization_servers: options.authorizationServers(new URL(url).origin), scopes_supported: ['mcp:tools'], bearer_methods_supported: ['header'] } };
    }
    if (path !== '/mcp') return { status: 404 };
    const token = /^Bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1];
    if (token && options.accept && await options.accept(token, url)) return { status: 200, body: { jsonrpc: '2.0', id: 1, result: { ok: true } } };
    const challenge = options.challenge ? `Bearer error="invalid_token", resource_metadata="${new URL(url).origin}${metadataPath}"` : 'Bearer realm="mcp"';
    return { status: 401, headers: { 'www-authenticate': challenge } };
  });
  url = `${site.origin}/mcp`;
  return { ...site, url };
}

const discover = (broker: TestBroker, body: Record<string, unknown>, key?: string) =>
  broker.api('/v2/auth/providers/mcp-discover', { body, ...(key ? { key } : {}) });

describe('MCP server discovery (RFC 9728 → RFC 8414 → RFC 7591) and the consent flow', () => {
  const clock = movableClock();
  let broker: TestBroker;
  let idp: OidcServer;
  let mcp: McpServer;
  const sites: { close(): Promise<void> }[] = [];

  before(async () => {
    broker = await startTestBroker({ clock });
    // The resource server's URL is needed by the authorization server and vice versa.
    let issuer = '';
    mcp = await startMcpServer({
      authorizationServers: () => [issuer],
      challenge: true,
      wellKnown: false,
      // A resource server's check: the token is known and bound to this server (RFC 8707).
      accept: async (token, resource) => {
        const at = await idp.provider.AccessToken.find(token);
        return at !== undefined && at.aud === resource && (at.scope ?? '').split(' ').includes('mcp:tools');
      },
    });
    idp = await startOidcServer({ redirectUris: [`${broker.url}/host-oauth-callback/unused`], registration: true, resourceServers: { [mcp.url]: 'mcp:tools' } });
    issuer = idp.issuer;
  });

  after(async () => {
    await broker.cleanup();
    await idp.close();
    await mcp.close();
    for (const s of sites) await s.close();
  });

  test('mcp-discover registers a public PKCE client and creates an mcp provider', async () => {
    const res = await discover(broker, { provider_id: 'notes-mcp', name: 'Notes MCP', mcp_server_url: mcp.url });
    assert.equal(res.status, 200, res.text);
    const p = res.body;
    assert.equal(p.provider_type, 'mcp');
    assert.equal(p.mcp_server_url, mcp.url);
    assert.equal(p.is_dynamic_client, true);
    assert.equal(p.uses_pkce, true);
    assert.equal(p.code_challenge_method, 'S256');
    assert.equal(p.token_endpoint_auth_method, 'none');
    assert.equal(p.auth_url, `${idp.issuer}/auth`);
    assert.equal(p.token_url, `${idp.issuer}/token`);
    assert.equal(p.revocation_url, `${idp.issuer}/token/revocation`);
    // The client id is the one the authorization server just issued, not a configured one.
    const client = await idp.provider.Client.find(p.client_id);
    assert.ok(client, 'the client is registered at the authorization server');
    assert.deepEqual(client.redirectUris, [`${broker.url}/host-oauth-callback/notes-mcp`]);
    assert.equal(client.clientName, 'Latchkey');
    assert.equal(client.tokenEndpointAuthMethod, 'none');
  });

  test('authenticate → approve → consent → wait returns a token the MCP server accepts; resource sent on every request', async () => {
    const client = new Client({ apiUrl: broker.url, apiKey: broker.key });
    const first = await client.authenticate({ provider: 'notes-mcp', scopes: ['mcp:tools'], userId: 'alice' });
    assert.equal(first.status, 'pending');
    assert.ok(first.authUrl && first.authId);
    const waiting = client.waitForCompletion(first.authId, 30);
    const { done } = await approveInBrowser(broker, first.authUrl);
    assert.equal(done.res.status, 200, done.text);
    const result = await waiting;
    assert.equal(result.status, 'completed');
    assert.ok(result.token);

    const call = await fetch(mcp.url, { method: 'POST', headers: { authorization: `Bearer ${result.token}` } });
    assert.equal(call.status, 200, 'the MCP server accepts the audience-bound token');

    const auth = idp.requests.find((r) => r.path === '/auth');
    assert.equal(auth?.resource, mcp.url, 'RFC 8707 resource on the authorization request');
    const code = idp.requests.find((r) => r.grantType === 'authorization_code');
    assert.equal(code?.resource, mcp.url, 'RFC 8707 resource on the code redemption');

    // Refresh (the 1 h token is due 56 min later on Latchkey's clock, inside the 1 h grant):
    // still bound to the MCP server.
    clock.advance(56 * 60_000);
    const again = await client.authenticate({ provider: 'notes-mcp', scopes: ['mcp:tools'], userId: 'alice' });
    assert.equal(again.status, 'completed');
    const refresh = idp.requests.filter((r) => r.grantType === 'refresh_token');
    assert.ok(refresh.length > 0, 'a refresh happened');
    assert.ok(refresh.every((r) => r.resource === mcp.url), 'RFC 8707 resource on every refresh');
    assert.notEqual(again.token, result.token);
    const call2 = await fetch(mcp.url, { headers: { authorization: `Bearer ${again.token}` } });
    assert.equal(call2.status, 200);
  });

  test('the same MCP server URL again → 409 naming the existing provider', async () => {
    const res = await discover(broker, { provider_id: 'notes-again', name: 'Notes again', mcp_server_url: `${mcp.url}/` });
    assert.equal(res.status, 409, res.text);
    assert.match(res.body.detail, /already set up as provider 'notes-mcp'/);
    assert.match(res.body.detail, /keys tokens by server URL/);
    assert.equal((await broker.api('/v2/auth/providers/notes-again')).status, 404);
  });

  test('without a resource_metadata challenge, the RFC 9728 §3.1 well-known URL is found', async () => {
    const quiet = await startMcpServer({ authorizationServers: () => [idp.issuer], challenge: false, wellKnown: true });
    sites.push(quiet);
    const res = await discover(broker, { provider_id: 'quiet-mcp', name: 'Quiet MCP', mcp_server_url: quiet.url });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.provider_type, 'mcp');
    assert.equal(res.body.is_dynamic_client, true);
  });

  test('an MCP server without metadata → 400 saying what was tried', async () => {
    const bare = await startMcpServer({ authorizationServers: () => [idp.issuer], challenge: false, wellKnown: false });
    sites.push(bare);
    const res = await discover(broker, { provider_id: 'bare-mcp', name: 'Bare', mcp_server_url: bare.url });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.detail, /did not provide OAuth protected-resource metadata \(RFC 9728\)/);
    assert.ok(res.body.detail.includes(`${bare.origin}/.well-known/oauth-protected-resource/mcp answered HTTP 404`), res.body.detail);
    assert.equal((await broker.api('/v2/auth/providers/bare-mcp')).status, 404);
  });

  test('an unreachable MCP server → 400, not 5xx', async () => {
    const gone = await listen(async () => ({ status: 404 }));
    await gone.close();
    const res = await discover(broker, { provider_id: 'gone-mcp', name: 'Gone', mcp_server_url: `${gone.origin}/mcp` });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.detail, /unreachable/);
  });

  test('authorization-server metadata naming another issuer → 400 (S13)', async () => {
    let asOrigin = '';
    const liar = await listen(async (path) => path.startsWith('/.well-known/')
      ? { status: 200, body: { issuer: 'http://127.0.0.1:1/elsewhere', authorization_endpoint: `${asOrigin}/auth`, token_endpoint: `${asOrigin}/token`, registration_endpoint: `${asOrigin}/reg` } }
      : { status: 404 });
    asOrigin = liar.origin;
    sites.push(liar);
    const server = await startMcpServer({ authorizationServers: () => [liar.origin], challenge: true, wellKnown: false });
    sites.push(server);
    const res = await discover(broker, { provider_id: 'liar-mcp', name: 'Liar', mcp_server_url: server.url });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.detail, /different issuer/);
    assert.ok(res.body.detail.includes(liar.origin), res.body.detail);
  });

  test('no registration endpoint: 400 asking for a client_id; with one, a pre-registered client', async () => {
    const staticIdp = await startOidcServer({ redirectUris: [`${broker.url}/host-oauth-callback/static-mcp`] });
    sites.push(staticIdp);
    const server = await startMcpServer({ authorizationServers: () => [staticIdp.issuer], challenge: true, wellKnown: false });
    sites.push(server);

    const refused = await discover(broker, { provider_id: 'static-mcp', name: 'Static', mcp_server_url: server.url });
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.body.detail, /does not offer dynamic client registration \(RFC 7591\)/);
    assert.match(refused.body.detail, /client_id/);
    assert.ok(refused.body.detail.includes(`${broker.url}/host-oauth-callback/static-mcp`), 'names the redirect URI to register');

    const res = await discover(broker, { provider_id: 'static-mcp', name: 'Static', mcp_server_url: server.url, client_id: 'latchkey-test', client_secret: 'test-client-secret-value' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.is_dynamic_client, false);
    assert.equal(res.body.client_id, 'latchkey-test');
    assert.equal(res.body.has_client_secret, true);
    assert.notEqual(res.body.token_endpoint_auth_method, 'none');
  });

  test('an agent key → 403', async () => {
    const { key } = broker.core.keys.create('mcp-agent', 'agent', TEST_ACTOR);
    const res = await discover(broker, { provider_id: 'agent-mcp', name: 'Agent', mcp_server_url: mcp.url }, key);
    assert.equal(res.status, 403, res.text);
    assert.match(res.body.detail, /agent role/);
  });

  test('a body without mcp_server_url → 422', async () => {
    const res = await discover(broker, { provider_id: 'x-mcp', name: 'X' });
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.detail[0].loc, ['body', 'mcp_server_url']);
  });
});
