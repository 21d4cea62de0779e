/**
 * What mcp-discover decides from what the servers say (issue 14 §6): the RFC 8707 resource
 * (verbatim from the metadata), the default scopes, the scope and auth method it registers
 * with. Real core (ProviderService over SQLite :memory:), an OAuthClient that serves the
 * documents a test sets and records registrations.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MCP_PROTOCOL_VERSION, createMcpDiscoveryClient } from '../../../main/adapters/mcp-discovery-client.ts';
import { chooseAuthMethod, registrationRequest } from '../../../main/core/mcp/client-registration.ts';
import { defaultScopes, discoverMcpProvider, registrableScopes } from '../../../main/core/mcp/discover-mcp-provider.ts';
import { mcpDefaultScopes, mcpResource, readMcpClientFacts, writeMcpClientFacts } from '../../../main/core/mcp/mcp-client-facts.ts';
import { McpClients } from '../../../main/core/mcp/mcp-clients.ts';
import type { ClientRegistrationRequest, OAuthClient, ProtectedResourceMetadataDocument, ServerMetadata } from '../../../main/core/ports.ts';
import { FakeOAuth, coreHarness, quietLogger } from '../../helpers/fakes.ts';
import { ownerVia, TEST_ACTOR } from '../../helpers/owner.ts';

describe('MCP discovery choices', () => {
  test('default scopes: the challenge scope, else scopes_supported; offline_access when the server offers it', () => {
    assert.deepEqual(defaultScopes('files:read files:write', ['mcp:tools'], undefined), ['files:read', 'files:write']);
    assert.deepEqual(defaultScopes(null, ['mcp:tools'], ['mcp:tools']), ['mcp:tools']);
    assert.deepEqual(defaultScopes('', ['mcp:tools'], ['mcp:tools', 'offline_access']), ['mcp:tools', 'offline_access']);
    assert.deepEqual(defaultScopes(null, [], undefined), []);
    // Registration names only what the authorization server lists (oidc-provider refuses others).
    assert.deepEqual(registrableScopes(['mcp:tools', 'offline_access'], { scopes_supported: ['openid', 'offline_access'] }), ['offline_access']);
    assert.deepEqual(registrableScopes(['mcp:tools'], {}), ['mcp:tools']);
  });

  test('auth method from token_endpoint_auth_methods_supported: none when offered or unsaid, else basic, else post', () => {
    assert.equal(chooseAuthMethod(['client_secret_post', 'none']), 'none');
    assert.equal(chooseAuthMethod(undefined), 'none');
    assert.equal(chooseAuthMethod(['client_secret_post']), 'client_secret_post');
    assert.equal(chooseAuthMethod(['client_secret_post', 'client_secret_basic']), 'client_secret_basic');
    assert.equal(chooseAuthMethod(['private_key_jwt']), null);
    assert.equal(registrationRequest('http://127.0.0.1:1/cb', { scopes: ['a', 'b'], authMethod: 'client_secret_post' }).scope, 'a b');
    assert.equal(registrationRequest('http://127.0.0.1:1/cb').scope, undefined, 'no scopes: no scope member');
  });

  async function discover(options: { resource: string; challengeScope: string | null; authMethods?: string[]; serverScopes?: string[] }) {
    const h = coreHarness(() => ({ access_token: 'x', token_type: 'Bearer' }));
    const registered: ClientRegistrationRequest[] = [];
    const meta: ServerMetadata = {
      issuer: 'https://as.example', authorization_endpoint: 'https://as.example/authorize', token_endpoint: 'https://as.example/token',
      registration_endpoint: 'https://as.example/register', code_challenge_methods_supported: ['S256'],
      ...(options.authMethods ? { token_endpoint_auth_methods_supported: options.authMethods } : {}),
      ...(options.serverScopes ? { scopes_supported: options.serverScopes } : {}),
    };
    // The harness's own client is the core's; this one serves discovery to discoverMcpProvider.
    class Discovering extends FakeOAuth {
      override async discover(): Promise<ServerMetadata> { return meta; }
      override async fetchProtectedResourceMetadata(): Promise<ProtectedResourceMetadataDocument> {
        return { url: 'https://h.example/.well-known/oauth-protected-resource', document: { resource: options.resource, authorization_servers: ['https://as.example'], scopes_supported: ['mcp:tools'] }, challengeScope: options.challengeScope };
      }
      override async registerClient(_endpoint: string, request: ClientRegistrationRequest): Promise<unknown> {
        registered.push(request);
        return { client_id: 'dyn-1', ...(request.token_endpoint_auth_method === 'none' ? {} : { client_secret: 's3cret' }), token_endpoint_auth_method: request.token_endpoint_auth_method };
      }
    }
    const oauth: OAuthClient = new Discovering(() => ({ access_token: 'x', token_type: 'Bearer' }));
    const provider = await discoverMcpProvider({
      oauth, providers: h.core.providers, settings: h.store.settings, redirectUri: (id) => `http://127.0.0.1:24817/host-oauth-callback/${id}`,
      allowInsecureEndpoints: false, logger: quietLogger, actor: TEST_ACTOR,
    }, { providerId: 'notes', name: 'Notes', mcpServerUrl: 'https://h.example/mcp/' });
    return { h, provider, registered };
  }

  test('an origin-level resource is sent verbatim, not the typed URL; scope and method go into the registration', async () => {
    const { h, provider, registered } = await discover({ resource: 'https://h.example', challengeScope: 'notes:read', authMethods: ['client_secret_basic'], serverScopes: ['notes:read', 'offline_access'] });
    assert.equal(provider.mcpServerUrl, 'https://h.example/mcp/', 'the typed URL stays the server URL');
    assert.equal(mcpResource(h.store.settings, provider), 'https://h.example');
    assert.equal(h.core.providers.clientConfig(h.core.providers.get('notes')).resource, 'https://h.example', 'token requests carry it too');
    assert.deepEqual(mcpDefaultScopes(h.store.settings, provider), ['notes:read', 'offline_access']);
    assert.equal(registered[0]!.scope, 'notes:read offline_access');
    assert.equal(registered[0]!.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(provider.tokenEndpointAuthMethod, 'client_secret_basic');
    assert.equal(provider.hasClientSecret, true);
  });

  test('the consent URL of a request naming no scopes asks for the default scopes, with the advertised resource', async () => {
    const { h } = await discover({ resource: 'https://h.example/mcp', challengeScope: null });
    const owner = h.core.keys.list().find((k) => k.role === 'owner')!;
    const a = await h.core.requests.authenticate(owner, { provider: 'notes', scopes: [] });
    await h.core.requests.approve(ownerVia('cli'), a.authId!, 'forever');
    const url = new URL(await h.core.flows.begin(h.core.requests.get(a.authId!)!, 'b'));
    assert.equal(url.searchParams.get('scope'), 'mcp:tools');
    assert.equal(url.searchParams.get('resource'), 'https://h.example/mcp');
  });

  test('the adapter reads the 401 challenge\'s scope and sends MCP-Protocol-Version on every discovery request', async () => {
    const seen: Headers[] = [];
    const fetchFake: typeof fetch = async (input, init) => {
      seen.push(new Headers(init?.headers));
      const url = String(input);
      if (url === 'https://h.example/mcp') return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token", scope="notes:read notes:write", resource_metadata="https://h.example/prm"' } });
      return new Response(JSON.stringify({ resource: 'https://h.example/mcp', authorization_servers: ['https://as.example'] }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const client = createMcpDiscoveryClient({ fetch: fetchFake, timeoutMs: 1000, allowInsecureEndpoints: false });
    const doc = await client.fetchProtectedResourceMetadata('https://h.example/mcp');
    assert.equal(doc.url, 'https://h.example/prm');
    assert.equal(doc.challengeScope, 'notes:read notes:write');
    assert.equal(seen.length, 2);
    for (const h of seen) assert.equal(h.get('mcp-protocol-version'), MCP_PROTOCOL_VERSION);
  });

  test('Latchkey moved port: concurrent consents register the client again once, and use the new client', async () => {
    const { h, registered } = await discover({ resource: 'https://h.example/mcp', challengeScope: null, serverScopes: ['mcp:tools'] });
    // As if discovery had run when Latchkey listened elsewhere.
    const facts = readMcpClientFacts(h.store.settings, 'notes')!;
    writeMcpClientFacts(h.store.settings, 'notes', { ...facts, redirectUri: 'http://127.0.0.1:1111/host-oauth-callback/notes' });
    const clients = new McpClients({ settings: h.store.settings, oauth: registeringOAuth(registered, 'dyn-2'), providers: h.core.providers, logger: quietLogger });
    const current = 'http://127.0.0.1:24817/host-oauth-callback/notes';
    const [a, b] = await Promise.all([clients.forRedirect(h.core.providers.get('notes'), current), clients.forRedirect(h.core.providers.get('notes'), current)]);
    assert.equal(registered.length, 2, 'discovery, then one registration again');
    assert.deepEqual(registered[1]!.redirect_uris, [current]);
    assert.equal(registered[1]!.scope, 'mcp:tools');
    assert.equal(a.clientId, 'dyn-2');
    assert.equal(b.clientId, 'dyn-2');
    assert.equal(readMcpClientFacts(h.store.settings, 'notes')!.redirectUri, current);
    await clients.forRedirect(h.core.providers.get('notes'), current);
    assert.equal(registered.length, 2, 'the same redirect URI: nothing to do');
  });
});

/** An OAuthClient whose registration endpoint issues `clientId` and records the request. */
function registeringOAuth(registered: ClientRegistrationRequest[], clientId: string): OAuthClient {
  return new class extends FakeOAuth {
    override async registerClient(_endpoint: string, request: ClientRegistrationRequest): Promise<unknown> {
      registered.push(request);
      await new Promise((r) => setImmediate(r));
      return { client_id: clientId, token_endpoint_auth_method: 'none' };
    }
  }(() => ({ access_token: 'x', token_type: 'Bearer' }));
}
