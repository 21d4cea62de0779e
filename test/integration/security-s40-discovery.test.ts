/**
 * S40 (issue 11), the holes in discovery and in the callback: redirects followed hop by hop
 * through the URL rule, failure details that cannot map loopback ports, and RFC 9207 `iss`
 * checked on error responses too. A "remote" host (https://mcp.example.test) is answered by
 * the broker's injected fetch, which follows redirects as real fetch does unless told not to.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../main/client/client.ts';
import { HttpBrowser, consentAtOidc } from '../helpers/http-browser.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.ts';
import { TEST_ACTOR } from '../helpers/owner.ts';

const REMOTE = 'https://mcp.example.test';

/** A loopback HTTP server that records the paths it was asked for. */
async function recordingServer(answer: (path: string) => { status: number; headers?: Record<string, string>; body?: unknown }) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.push(path);
    const out = answer(path);
    res.writeHead(out.status, { ...(out.body === undefined ? {} : { 'content-type': 'application/json' }), ...out.headers });
    res.end(out.body === undefined ? undefined : JSON.stringify(out.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, hits, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** TCP listeners that misbehave: one resets every connection, one never says a word. */
async function tcpListener(onConnection: (s: Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((s) => { sockets.add(s); onConnection(s); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** The "internet": REMOTE answered here; redirects followed like fetch does unless `redirect: 'manual'`. */
function remoteFetch(routes: Record<string, () => Response>): typeof fetch {
  const f: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith(REMOTE)) return fetch(input, init);
    const route = routes[new URL(url).pathname];
    const res = route ? route() : new Response('not found', { status: 404 });
    const location = res.headers.get('location');
    if (location && res.status >= 300 && res.status < 400 && init?.redirect !== 'manual' && init?.redirect !== 'error') {
      return f(new URL(location, url).toString(), init);
    }
    return res;
  };
  return f;
}

describe('S40 discovery follows redirects hop by hop and does not map loopback ports', () => {
  let broker: TestBroker;
  let victim: Awaited<ReturnType<typeof recordingServer>>;
  const closers: { close(): Promise<void> }[] = [];

  before(async () => {
    victim = await recordingServer(() => ({ status: 200, body: { resource: `${REMOTE}/mcp`, authorization_servers: [`${REMOTE}`] } }));
    closers.push(victim);
    broker = await startTestBroker({
      fetch: remoteFetch({
        '/mcp': () => new Response(null, { status: 401, headers: { 'www-authenticate': `Bearer resource_metadata="${REMOTE}/.well-known/oauth-protected-resource/mcp"` } }),
        // The remote server's metadata URL sends Latchkey into this machine.
        '/.well-known/oauth-protected-resource/mcp': () => new Response(null, { status: 302, headers: { location: `${victim.origin}/internal-admin` } }),
      }),
    });
  });
  after(async () => {
    await broker.cleanup();
    for (const c of closers) await c.close();
  });

  test('S40 a remote server redirecting discovery to a loopback address is refused; the loopback server is never asked', async () => {
    const res = await broker.api('/v2/auth/providers/mcp-discover', { body: { provider_id: 'remote-mcp', name: 'Remote', mcp_server_url: `${REMOTE}/mcp` } });
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.detail, /refusing to follow the redirect/);
    assert.deepEqual(victim.hits, [], 'no request reached the loopback server');
  });

  test('S40 a redirect to a forbidden URL (plain http off loopback) is refused at that hop', async () => {
    const mcp = await recordingServer((path) => path === '/mcp'
      ? { status: 401, headers: { 'www-authenticate': 'Bearer resource_metadata="/meta"' } }
      : { status: 307, headers: { location: 'http://10.255.255.1/meta' } });
    closers.push(mcp);
    const res = await broker.api('/v2/auth/providers/mcp-discover', { body: { provider_id: 'lan-mcp', name: 'LAN', mcp_server_url: `${mcp.origin}/mcp` } });
    assert.equal(res.status, 400, res.text);
    assert.ok(res.body.detail.includes('refusing to fetch http://10.255.255.1/meta'), res.body.detail);
  });

  test('S40 a redirect that keeps to the rule is followed, one checked hop at a time', async () => {
    let origin = '';
    const mcp = await recordingServer((path) => {
      if (path === '/mcp') return { status: 401, headers: { 'www-authenticate': 'Bearer resource_metadata="/old-meta"' } };
      if (path === '/old-meta') return { status: 301, headers: { location: '/new-meta' } };
      if (path === '/new-meta') return { status: 200, body: { resource: `${origin}/mcp`, authorization_servers: [`${origin}/nowhere`] } };
      return { status: 404 };
    });
    origin = mcp.origin;
    closers.push(mcp);
    const res = await broker.api('/v2/auth/providers/mcp-discover', { body: { provider_id: 'moved-mcp', name: 'Moved', mcp_server_url: `${mcp.origin}/mcp` } });
    // The metadata was found through the redirect; what fails is the (absent) authorization server.
    assert.equal(res.status, 400, res.text);
    assert.match(res.body.detail, /Discovery of the authorization server/);
    assert.deepEqual(mcp.hits.slice(0, 3), ['/mcp', '/old-meta', '/new-meta']);
  });

  test('S40 closed, resetting and silent loopback ports all read "unreachable" and nothing more', async () => {
    const closed = await tcpListener(() => {});
    const closedPort = closed.port;
    await closed.close();
    const resetting = await tcpListener((s) => s.resetAndDestroy());
    const silent = await tcpListener(() => {});
    closers.push(resetting, silent);

    const details: string[] = [];
    for (const [label, port] of [['closed', closedPort], ['reset', resetting.port], ['silent', silent.port]] as const) {
      // As the MCP server itself, and as the authorization server an MCP server names.
      const direct = await broker.api('/v2/auth/providers/mcp-discover', { body: { provider_id: `scan-${label}`, name: 'Scan', mcp_server_url: `http://127.0.0.1:${port}/mcp` } });
      assert.equal(direct.status, 400, direct.text);
      let origin = '';
      const namer = await recordingServer((path) => path === '/mcp'
        ? { status: 401, headers: { 'www-authenticate': 'Bearer resource_metadata="/meta"' } }
        : { status: 200, body: { resource: `${origin}/mcp`, authorization_servers: [`http://127.0.0.1:${port}`] } });
      origin = namer.origin;
      closers.push(namer);
      const viaMetadata = await broker.api('/v2/auth/providers/mcp-discover', { body: { provider_id: `scan-as-${label}`, name: 'Scan', mcp_server_url: `${namer.origin}/mcp` } });
      assert.equal(viaMetadata.status, 400, viaMetadata.text);
      for (const detail of [direct.body.detail as string, (viaMetadata.body.detail as string).replace(namer.origin, 'NAMER')]) {
        assert.match(detail, /unreachable/);
        assert.doesNotMatch(detail, /refused|reset|ECONN|socket|fetch failed|in time|timed? ?out/i, detail);
        details.push(detail.replaceAll(String(port), 'PORT'));
      }
    }
    assert.equal(new Set(details.filter((_, i) => i % 2 === 0)).size, 1, `direct details differ: ${details.join(' | ')}`);
    assert.equal(new Set(details.filter((_, i) => i % 2 === 1)).size, 1, `authorization-server details differ: ${details.join(' | ')}`);
  });
});

describe('S40 RFC 9207: iss is checked on authorization error responses too', () => {
  let b: TestBroker;
  let idp: OidcServer;

  before(async () => {
    b = await startTestBroker();
    idp = await startOidcServer({ redirectUris: [`${b.url}/host-oauth-callback/disc-idp`] });
    await b.core.discoverProvider({ providerId: 'disc-idp', name: 'Discovered', issuer: idp.issuer, clientId: 'latchkey-test', clientSecret: 'test-client-secret-value' }, TEST_ACTOR);
  });
  after(async () => {
    await b.cleanup();
    await idp.close();
  });

  /** Approve a request and consent at oidc-provider, stopping before its redirect reaches Latchkey. */
  async function stateAtCallback(userId: string): Promise<{ browser: HttpBrowser; state: string; authId: string }> {
    const client = new Client({ apiUrl: b.url, apiKey: b.key });
    const auth = await client.authenticate({ provider: 'disc-idp', scopes: ['openid'], userId });
    const browser = new HttpBrowser();
    await browser.go(b.loginUrl());
    const isCallback = (u: string) => u.includes('/host-oauth-callback/');
    const decided = await browser.approve(auth.authUrl!, { duration: '1h', stopBefore: isCallback });
    const at = decided.stopped ? decided : await consentAtOidc(browser, decided, { login: userId, stopBefore: isCallback });
    assert.ok(at.stopped);
    const callback = new URL(at.url);
    assert.equal(callback.searchParams.get('iss'), idp.issuer, 'oidc-provider sends iss');
    return { browser, state: callback.searchParams.get('state')!, authId: auth.authId! };
  }

  test('S40 error=…&iss=evil is rejected like a success with a wrong iss; a missing iss too; the right iss reports the error', async () => {
    for (const [label, iss] of [['wrong', '&iss=https%3A%2F%2Fevil.example'], ['missing', '']] as const) {
      const { browser, state, authId } = await stateAtCallback(`s40-${label}`);
      const res = await browser.finishCallback(`${b.url}/host-oauth-callback/disc-idp?error=access_denied&error_description=forged&state=${state}${iss}`);
      assert.equal(res.res.status, 400, `${label} iss`);
      assert.doesNotMatch(JSON.stringify(res.body), /did not grant access/, 'the forged error is not reported as the provider\'s answer');
      assert.equal(b.core.requests.get(authId)!.status, 'failed');
    }
    const { browser, state } = await stateAtCallback('s40-right');
    const res = await browser.finishCallback(`${b.url}/host-oauth-callback/disc-idp?error=access_denied&state=${state}&iss=${encodeURIComponent(idp.issuer)}`);
    assert.equal(res.res.status, 200);
    assert.equal(res.body.status, 'failed');
    assert.match(res.body.detail, /did not grant access: access_denied/);
  });
});
