/**
 * A dynamically registered MCP client is registered with one redirect URI. When Latchkey's
 * changes — another port — servers that compare redirect URIs exactly (the MCP SDK's demo
 * authorization server does) refuse the next consent with "Unregistered redirect_uri". So
 * before a consent begins, a client whose recorded redirect URI is not the current one is
 * registered again (RFC 7591) and the provider takes the new client. One registration at a
 * time per provider, so concurrent consents share it.
 *
 * Tokens issued to the old client stay with the old client: the authorization server will
 * refuse their refresh under the new client id (`invalid_grant` → needs_reauth, S22).
 */
import type { Logger, OAuthClient, ProviderRecord } from '../ports.ts';
import type { ProviderService } from '../providers.ts';
import { registrationRequest } from './client-registration.ts';
import { registerClient } from './discover-mcp-provider.ts';
import { readMcpClientFacts, writeMcpClientFacts, type McpClientFacts } from './mcp-client-facts.ts';
import type { Store } from '../ports.ts';

export class McpClients {
  readonly #settings: Pick<Store['settings'], 'get' | 'set'>;
  readonly #oauth: OAuthClient;
  readonly #providers: ProviderService;
  readonly #log: Logger;
  readonly #inFlight = new Map<string, Promise<ProviderRecord>>();

  constructor(deps: { settings: Pick<Store['settings'], 'get' | 'set'>; oauth: OAuthClient; providers: ProviderService; logger: Logger }) {
    this.#settings = deps.settings;
    this.#oauth = deps.oauth;
    this.#providers = deps.providers;
    this.#log = deps.logger;
  }

  /** The provider as a consent with `redirectUri` should use it: registered again first if that URI is new. */
  async forRedirect(provider: ProviderRecord, redirectUri: string): Promise<ProviderRecord> {
    if (!provider.isDynamicClient || provider.mcpServerUrl === null) return provider;
    const facts = readMcpClientFacts(this.#settings, provider.providerId);
    // Discovered before the redirect URI was recorded, or registered by hand: nothing to compare.
    if (!facts?.registrationEndpoint || facts.redirectUri === null || facts.redirectUri === redirectUri) return provider;
    const running = this.#inFlight.get(provider.providerId);
    if (running) return running;
    const p = this.#register(provider, facts, facts.registrationEndpoint, redirectUri).finally(() => this.#inFlight.delete(provider.providerId));
    this.#inFlight.set(provider.providerId, p);
    return p;
  }

  async #register(provider: ProviderRecord, facts: McpClientFacts, endpoint: string, redirectUri: string): Promise<ProviderRecord> {
    const client = await registerClient(this.#oauth, endpoint, registrationRequest(redirectUri, { scopes: facts.registrationScopes, authMethod: provider.tokenEndpointAuthMethod }));
    this.#providers.update(provider.providerId, { clientId: client.clientId, clientSecret: client.clientSecret, tokenEndpointAuthMethod: client.tokenEndpointAuthMethod }, { channel: 'system' });
    writeMcpClientFacts(this.#settings, provider.providerId, { ...facts, redirectUri });
    this.#log.info('mcp.client_registered_again', { providerId: provider.providerId, previousRedirectUri: facts.redirectUri, redirectUri });
    return this.#providers.get(provider.providerId);
  }
}
