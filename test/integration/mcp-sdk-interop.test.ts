/**
 * MCP servers as the official MCP SDK runs them (issue 14 §6): the SDK's own example
 * Streamable HTTP server with its demo OAuth authorization server (`--oauth`, and
 * `--oauth-strict`, which accepts only tokens issued for the MCP server's own URL), started
 * from the npm package (test/helpers/mcp-sdk-server.ts). Latchkey discovers it (RFC 9728 →
 * RFC 8414 → RFC 7591), the owner approves, the demo server consents, and the token Latchkey
 * hands out drives a real MCP `initialize` + `tools/list` through the SDK's own Client and
 * StreamableHTTPClientTransport.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createOAuthClient } from '../../main/adapters/oauth-client.ts';
import { Client } from '../../main/client/client.ts';
import { approveInBrowser } from '../helpers/flows.ts';
import { mcpSdkVersion, startMcpSdkServer, type McpSdkServer } from '../helpers/mcp-sdk-server.ts';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

interface Seen { method: string; url: string; headers: Headers; body: string | null }

/** The broker's upstream fetch, recording every request it makes. */
function recordingFetch(seen: Seen[]): typeof fetch {
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const body = typeof init?.body === 'string' ? init.body : init?.body instanceof URLSearchParams ? init.body.toString() : null;
    seen.push({ method: init?.method ?? 'GET', url, headers: new Headers(init?.headers), body });
    return fetch(input, init);
  };
}

/** initialize + tools/list with the SDK's client; returns the tool names. */
async function listTools(mcpUrl: string, token: string): Promise<string[]> {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new McpClient({ name: 'latchkey-interop-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    assert.equal(client.getServerVersion()?.name, 'simple-streamable-http-server');
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

/** What the demo authorization server says about a token (its /introspect). */
async function introspect(server: McpSdkServer, token: string): Promise<{ active: boolean; scope?: string; aud?: string }> {
  const res = await fetch(`${server.issuer}introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
  return (await res.json()) as { active: boolean; scope?: string; aud?: string };
}

describe(`MCP interop with @modelcontextprotocol/sdk ${mcpSdkVersion()} (its example server with OAuth)`, () => {
  const seen: Seen[] = [];
  const servers: McpSdkServer[] = [];
  let broker: TestBroker;

  before(async () => {
    broker = await startTestBroker({ fetch: recordingFetch(seen) });
  });
  after(async () => {
    await broker.cleanup();
    for (const s of servers) await s.close();
  });

  async function sdkServer(strict: boolean): Promise<McpSdkServer> {
    const s = await startMcpSdkServer({ strict });
    servers.push(s);
    return s;
  }

  /** mcp-discover, then authenticate → approve → the demo's consent → the token. */
  async function tokenThroughLatchkey(b: TestBroker, providerId: string, typedUrl: string | null, scopes: string[], userId = 'interop'): Promise<string> {
    if (typedUrl !== null) {
      const discovered = await b.api('/v2/auth/providers/mcp-discover', { body: { provider_id: providerId, name: providerId, mcp_server_url: typedUrl } });
      assert.equal(discovered.status, 200, discovered.text);
    }
    const client = new Client({ apiUrl: b.url, apiKey: b.key });
    const auth = await client.authenticate({ provider: providerId, scopes, userId });
    assert.equal(auth.status, 'pending');
    const waiting = client.waitForCompletion(auth.authId!, 30);
    const { done } = await approveInBrowser(b, auth.authUrl!);
    const result = await waiting;
    assert.equal(result.status, 'completed', `${done.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 400)}`);
    return result.token!;
  }

  test('--oauth-strict: discovery, registration, consent, then initialize + tools/list with the token', async () => {
    const server = await sdkServer(true);
    const from = seen.length;
    const token = await tokenThroughLatchkey(broker, 'sdk-strict', server.mcpUrl, []);
    assert.ok((await listTools(server.mcpUrl, token)).includes('greet'));

    const info = await introspect(server, token);
    assert.equal(info.aud, server.mcpUrl, 'the token is bound to the advertised resource');
    assert.equal(info.scope, 'mcp:tools', 'no scopes asked: the metadata\'s scopes_supported');

    const mine = seen.slice(from);
    const registration = mine.find((r) => r.method === 'POST' && r.url.endsWith('/register'));
    assert.ok(registration?.body, 'registered dynamically');
    const sent = JSON.parse(registration.body) as Record<string, unknown>;
    assert.equal(sent.scope, 'mcp:tools', 'scope sent at registration');
    assert.equal(sent.token_endpoint_auth_method, 'none', 'the server lists none: a public PKCE client');
    const discovery = mine.filter((r) => r.method === 'GET' && (r.url.includes('/.well-known/') || r.url === server.mcpUrl));
    assert.ok(discovery.length >= 3, discovery.map((r) => r.url).join(', '));
    for (const r of discovery) assert.ok(r.headers.get('mcp-protocol-version'), `MCP-Protocol-Version on ${r.url}`);
  });

  test('--oauth-strict with the URL typed as …/mcp/: the advertised resource is sent verbatim, and the token works', async () => {
    const server = await sdkServer(true);
    const from = seen.length;
    const token = await tokenThroughLatchkey(broker, 'sdk-slash', `${server.mcpUrl}/`, ['mcp:tools']);
    assert.ok((await listTools(server.mcpUrl, token)).includes('greet'));
    const tokenRequest = seen.slice(from).find((r) => r.method === 'POST' && r.url.endsWith('/token'));
    assert.equal(new URLSearchParams(tokenRequest?.body ?? '').get('resource'), server.mcpUrl);
  });

  test('--oauth (not strict): the same path works, with the scopes the agent named', async () => {
    const server = await sdkServer(false);
    const token = await tokenThroughLatchkey(broker, 'sdk-lax', server.mcpUrl, ['mcp:tools']);
    assert.ok((await listTools(server.mcpUrl, token)).includes('greet'));
  });

  test('a token endpoint answering 5xx: its OAuth error body stays in the detail', async () => {
    // The demo server has no refresh grant: its token endpoint answers 500 with
    // {"error":"server_error","error_description":"Internal Server Error"}.
    const provider = broker.core.providers.get('sdk-lax');
    const oauth = createOAuthClient();
    await assert.rejects(oauth.refresh(broker.core.providers.clientConfig(provider), 'no-such-refresh-token', ['mcp:tools']), (err: Error & { kind?: string }) => {
      assert.equal(err.kind, 'transient');
      assert.match(err.message, /HTTP 500 server_error: Internal Server Error/);
      return true;
    });
  });

  test('Latchkey on another port: the client is registered again instead of failing with "Unregistered redirect_uri"', async () => {
    const server = await sdkServer(true);
    const first = await startTestBroker({ fetch: recordingFetch(seen) });
    let moved: TestBroker | undefined;
    try {
      await tokenThroughLatchkey(first, 'sdk-moved', server.mcpUrl, ['mcp:tools']);
      const before = (await first.api('/v2/auth/providers/sdk-moved')).body.client_id as string;
      moved = await first.restart({ port: 0 });
      assert.notEqual(moved.port, first.port);
      const from = seen.length;
      // Another user, so a new consent is needed (the first user's token is still good).
      const token = await tokenThroughLatchkey(moved, 'sdk-moved', null, ['mcp:tools'], 'interop-2');
      assert.ok((await listTools(server.mcpUrl, token)).includes('greet'));
      const registration = seen.slice(from).find((r) => r.method === 'POST' && r.url.endsWith('/register'));
      assert.deepEqual(JSON.parse(registration?.body ?? '{}').redirect_uris, [`${moved.url}/host-oauth-callback/sdk-moved`]);
      assert.notEqual((await moved.api('/v2/auth/providers/sdk-moved')).body.client_id, before, 'the provider took the new client');
    } finally {
      await (moved ?? first).cleanup();
    }
  });
});
