/**
 * `mcp-discover`: turn an MCP server URL into a normal provider (design.md §5).
 *
 *   RFC 9728 protected-resource metadata → its first authorization server → RFC 8414 / OIDC
 *   metadata (issuer must match, S13) → RFC 7591 registration (with the scopes it will ask
 *   for and an auth method the server supports), or the owner's pre-registered client →
 *   provider with `provider_type: "mcp"`, PKCE S256, and the metadata's `resource`, verbatim,
 *   as the RFC 8707 `resource` on authorization and token requests (mcp-client-facts.ts).
 *
 * Everything the MCP server or authorization server gets wrong becomes a 400 whose detail
 * names the step that failed; network access goes through the OAuthClient port.
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization
 */
import { BadRequest, Conflict } from '../errors.ts';
import type { Provider, TokenEndpointAuthMethod } from '../model.ts';
import type { ClientRegistrationRequest, Logger, OAuthClient, ServerMetadata, Store } from '../ports.ts';
import type { Actor } from '../activity.ts';
import { PROVIDER_ID_PATTERN, checkEndpointUrl, type ProviderService } from '../providers.ts';
import { UpstreamError } from '../upstream-error.ts';
import { chooseAuthMethod, parseRegistrationResponse, registrationRequest, type RegisteredClient } from './client-registration.ts';
import { writeMcpClientFacts } from './mcp-client-facts.ts';
import { parseProtectedResourceMetadata, sameResource } from './protected-resource.ts';

export interface McpDiscoveryDeps {
  oauth: OAuthClient;
  providers: ProviderService;
  /** The loopback redirect URI the provider will use (OAuthFlows.redirectUri). */
  redirectUri: (providerId: string) => string;
  allowInsecureEndpoints: boolean;
  logger: Logger;
  settings: Pick<Store['settings'], 'get' | 'set'>;
  /** Who asked, for the activity entry the provider service writes. */
  actor: Actor;
}

export interface McpDiscoverInput {
  providerId: string;
  name: string;
  mcpServerUrl: string;
  /** A client registered by hand, for authorization servers without RFC 7591 registration. */
  clientId?: string | null | undefined;
  clientSecret?: string | null | undefined;
}

const FAILED = 'mcp_discovery_failed';

export async function discoverMcpProvider(deps: McpDiscoveryDeps, input: McpDiscoverInput): Promise<Provider> {
  const { oauth, providers } = deps;
  const serverUrl = input.mcpServerUrl.trim();
  checkNewProvider(deps, input.providerId, serverUrl);
  const fetchMetadata = oauth.fetchProtectedResourceMetadata.bind(oauth);

  const fetched = await upstream(`The MCP server at ${serverUrl} did not provide OAuth protected-resource metadata (RFC 9728)`,
    () => fetchMetadata(serverUrl));
  let resourceMeta;
  try {
    resourceMeta = parseProtectedResourceMetadata(fetched.document, serverUrl);
  } catch (err) {
    throw new BadRequest(`The protected-resource metadata at ${fetched.url} ${(err as Error).message}.`, FAILED);
  }

  // RFC 9728 §2 gives the list no order and MCP leaves the choice to the client; like the
  // MCP SDKs, take the first.
  const issuer = resourceMeta.authorizationServers[0] ?? '';
  checkEndpointUrl('the authorization server named by the MCP server', issuer, deps.allowInsecureEndpoints);
  const meta = await upstream(`Discovery of the authorization server ${issuer} named by the MCP server failed`, () => oauth.discover(issuer, { forMcp: true }));
  checkServerMetadata(meta, deps.allowInsecureEndpoints);

  const scopes = defaultScopes(fetched.challengeScope, resourceMeta.scopesSupported, meta.scopes_supported);
  const client = await clientFor(deps, input, meta, scopes);
  const provider = providers.create({
    providerId: input.providerId, name: input.name,
    clientId: client.clientId, clientSecret: client.clientSecret, tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    authUrl: meta.authorization_endpoint, tokenUrl: meta.token_endpoint, revocationUrl: meta.revocation_endpoint ?? null,
    usesPkce: true, codeChallengeMethod: 'S256',
    issuer: meta.issuer, issParameterSupported: meta.authorization_response_iss_parameter_supported === true,
    providerType: 'mcp', mcpServerUrl: serverUrl, isDynamicClient: client.dynamic,
  }, deps.actor, `discovered from MCP server ${serverUrl}`);
  writeMcpClientFacts(deps.settings, provider.providerId, {
    resource: resourceMeta.resource, scopes, registrationScopes: client.dynamic ? registrableScopes(scopes, meta) : [],
    registrationEndpoint: client.dynamic ? (meta.registration_endpoint ?? null) : null,
    redirectUri: client.dynamic ? deps.redirectUri(input.providerId) : null,
  });
  deps.logger.info('mcp.provider_discovered', { providerId: provider.providerId, issuer: meta.issuer, dynamicClient: client.dynamic });
  return provider;
}

/**
 * Refuse what would fail at the end before talking to anyone, so a refused request never
 * leaves a dynamically registered client behind.
 */
function checkNewProvider(deps: McpDiscoveryDeps, providerId: string, serverUrl: string): void {
  if (!PROVIDER_ID_PATTERN.test(providerId) || providerId === 'mcp-discover') {
    throw new BadRequest(`provider_id '${providerId}' is not allowed: use 1–64 letters, digits, '.', '_', '~' or '-', starting with a letter or digit ('mcp-discover' is reserved).`, 'invalid_provider_id');
  }
  checkEndpointUrl('mcp_server_url', serverUrl, deps.allowInsecureEndpoints);
  // RFC 8707 §2: a resource indicator must not carry a fragment.
  if (new URL(serverUrl).hash !== '') throw new BadRequest('mcp_server_url must not contain a fragment (#…): it is sent as the RFC 8707 resource indicator.', 'invalid_url');
  if (deps.providers.find(providerId)) {
    throw new Conflict(`A provider with provider_id '${providerId}' already exists. Update it with PATCH or choose another id.`);
  }
  const existing = deps.providers.list().find((p) => p.mcpServerUrl !== null && sameResource(p.mcpServerUrl, serverUrl));
  if (existing) {
    throw new Conflict(`The MCP server ${serverUrl} is already set up as provider '${existing.providerId}'. Latchkey keys tokens by server URL, so use that provider (or delete it first).`);
  }
}

/** The endpoints come from the network: hold them to the same rules as typed-in ones (S17). */
function checkServerMetadata(meta: ServerMetadata, allowInsecure: boolean): void {
  checkEndpointUrl('authorization_endpoint', meta.authorization_endpoint, allowInsecure);
  checkEndpointUrl('token_endpoint', meta.token_endpoint, allowInsecure);
  // MCP requires PKCE S256; a server that lists its methods without S256 cannot do it.
  const methods = meta.code_challenge_methods_supported;
  if (methods && !methods.includes('S256')) {
    throw new BadRequest(`The authorization server ${meta.issuer} does not support PKCE with S256 (it lists ${methods.join(', ') || 'no methods'}), which MCP requires.`, FAILED);
  }
}

/**
 * The scopes a consent asks for when the agent names none, as the MCP authorization spec has
 * clients choose them: the 401 challenge's `scope`, else the resource's `scopes_supported`;
 * plus `offline_access` when the authorization server offers it, so a refresh token comes too.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#scope-selection-strategy
 */
export function defaultScopes(challengeScope: string | null, resourceScopes: readonly string[], serverScopes: readonly string[] | undefined): string[] {
  const fromChallenge = (challengeScope ?? '').split(' ').filter((s) => s !== '');
  const chosen = fromChallenge.length > 0 ? fromChallenge : [...resourceScopes];
  if (serverScopes?.includes('offline_access') && !chosen.includes('offline_access')) chosen.push('offline_access');
  return [...new Set(chosen)];
}

/**
 * The scopes to name at registration: those of the defaults the authorization server lists in
 * its `scopes_supported`, or all of them when it lists none. Servers check registered scopes
 * against their own list (oidc-provider refuses a resource server's scope such as `mcp:tools`
 * there), while the consent may still ask for a resource's scopes.
 */
export function registrableScopes(scopes: readonly string[], meta: Pick<ServerMetadata, 'scopes_supported'>): string[] {
  const listed = meta.scopes_supported;
  return listed && listed.length > 0 ? scopes.filter((s) => listed.includes(s)) : [...scopes];
}

async function clientFor(
  deps: McpDiscoveryDeps, input: McpDiscoverInput, meta: ServerMetadata, scopes: string[],
): Promise<RegisteredClient & { dynamic: boolean }> {
  if (input.clientId) {
    const secret = input.clientSecret ?? null;
    return { clientId: input.clientId, clientSecret: secret, tokenEndpointAuthMethod: preRegisteredMethod(meta, secret), dynamic: false };
  }
  const redirectUri = deps.redirectUri(input.providerId);
  if (!meta.registration_endpoint) {
    throw new BadRequest(`The authorization server ${meta.issuer} does not offer dynamic client registration (RFC 7591). Register Latchkey there with the redirect URI ${redirectUri}, then call mcp-discover again with its client_id (and client_secret, if it issued one).`, 'client_id_required');
  }
  const endpoint = meta.registration_endpoint;
  checkEndpointUrl('registration_endpoint', endpoint, deps.allowInsecureEndpoints);
  const authMethod = chooseAuthMethod(meta.token_endpoint_auth_methods_supported);
  if (authMethod === null) {
    throw new BadRequest(`The authorization server ${meta.issuer} supports none of the token endpoint auth methods Latchkey can use (none, client_secret_basic, client_secret_post); it lists ${meta.token_endpoint_auth_methods_supported?.join(', ')}.`, FAILED);
  }
  return { ...await registerClient(deps.oauth, endpoint, registrationRequest(redirectUri, { scopes: registrableScopes(scopes, meta), authMethod })), dynamic: true };
}

/** RFC 7591 registration; also used to register again when Latchkey's redirect URI moved (mcp-clients.ts). */
export async function registerClient(oauth: OAuthClient, endpoint: string, request: ClientRegistrationRequest): Promise<RegisteredClient> {
  const body = await upstream(`Client registration at ${endpoint} failed`, () => oauth.registerClient(endpoint, request));
  try {
    return parseRegistrationResponse(body);
  } catch (err) {
    throw new BadRequest(`The client registration response from ${endpoint} ${(err as Error).message}.`, FAILED);
  }
}

/** With a secret, prefer basic unless the server lists only post (RFC 8414 §2 default: basic). */
function preRegisteredMethod(meta: ServerMetadata, secret: string | null): TokenEndpointAuthMethod {
  if (secret === null) return 'none';
  const methods = meta.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  return methods.includes('client_secret_post') && !methods.includes('client_secret_basic') ? 'client_secret_post' : 'client_secret_basic';
}

/** Run one network step; an upstream failure becomes a 400 naming the step (never a 5xx). */
async function upstream<T>(step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UpstreamError) throw new BadRequest(`${step}: ${err.message}.`, FAILED);
    throw err;
  }
}
