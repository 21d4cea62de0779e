/**
 * Use cases: the provider operations every channel performs (SDK routes, owner API, CLI,
 * window), with their rules in one place. ProviderService writes the activity entries.
 *
 * S36: a change from the Agent Auth API (the owner *key*, which agents may hold) to where
 * secrets go — token, authorization or revocation endpoint, issuer, client credentials —
 * never redirects a secret Latchkey already holds:
 *  - the stored client secret is never sent to a new endpoint: such a change must carry
 *    a client_secret of its own (refused with `client_secret_required` otherwise);
 *  - the provider's connections move to needs_reauth with their token sets dropped, and
 *    its unfinished OAuth flows (codes, PKCE verifiers) are discarded; the owner reconnects.
 * The same change made by the owner (window, CLI import) is applied as asked and logged.
 */
import type { Actor } from '../activity.ts';
import type { AuthRequests } from '../auth-requests.ts';
import type { ConnectionService } from '../connections.ts';
import { BadRequest, NotFound } from '../errors.ts';
import { discoverMcpProvider, type McpDiscoverInput } from '../mcp/discover-mcp-provider.ts';
import type { Provider, TokenEndpointAuthMethod } from '../model.ts';
import type { OAuthFlows } from '../oauth-flows.ts';
import type { Clock, Logger, OAuthClient, Store } from '../ports.ts';
import { CLIENT_SECRET_ROUTES, SECRET_ROUTING_FIELDS, changedFields, checkEndpointUrl, type ProviderInput, type ProviderPatch, type ProviderService } from '../providers.ts';
import { findTemplate } from '../templates/catalog.ts';
import { providerInputFromTemplate } from '../templates/instantiate.ts';
import { UpstreamError } from '../upstream-error.ts';

export interface ProviderUseCaseDeps {
  store: Store; clock: Clock; logger: Logger; oauth: OAuthClient; allowInsecureEndpoints: boolean;
  providers: ProviderService; connections: ConnectionService; requests: AuthRequests; flows: OAuthFlows;
}

const WIRE_NAMES: Record<string, string> = {
  tokenUrl: 'token_url', authUrl: 'auth_url', revocationUrl: 'revocation_url', issuer: 'issuer',
  clientId: 'client_id', clientSecret: 'client_secret', tokenEndpointAuthMethod: 'token_endpoint_auth_method',
};

export function providerUseCases(deps: ProviderUseCaseDeps) {
  const { store, clock, logger, oauth, providers, connections, requests, flows } = deps;

  return {
    createProvider(input: ProviderInput, actor: Actor): Provider {
      return providers.create(input, actor);
    },

    /** A provider from the catalog: only client id/secret (and template variables) needed. */
    createFromTemplate(input: { templateId: string; providerId?: string | undefined; clientId: string; clientSecret?: string | null | undefined; variables?: Record<string, string> | undefined }, actor: Actor): Provider {
      const template = findTemplate(input.templateId);
      if (!template) throw new NotFound(`Unknown template '${input.templateId}'. List them with \`npx latchkey providers templates\`.`);
      return providers.create(providerInputFromTemplate(template, {
        clientId: input.clientId,
        ...(input.providerId ? { providerId: input.providerId } : {}),
        ...(input.clientSecret !== undefined ? { clientSecret: input.clientSecret } : {}),
        ...(input.variables ? { variables: input.variables } : {}),
      }), actor, `from template ${input.templateId}`);
    },

    /**
     * Create a provider from an issuer URL (OpenID Discovery / RFC 8414). The issuer must
     * match its metadata (S13); RFC 9207 `iss` checks apply when it advertises them.
     */
    async discoverProvider(input: { providerId: string; name: string; issuer: string; clientId: string; clientSecret?: string | null | undefined }, actor: Actor): Promise<Provider> {
      checkEndpointUrl('issuer', input.issuer, deps.allowInsecureEndpoints);
      let meta;
      try {
        meta = await oauth.discover(input.issuer);
      } catch (err) {
        if (err instanceof UpstreamError) throw new BadRequest(`Discovery at ${input.issuer} failed: ${err.message}.`, 'discovery_failed');
        throw err;
      }
      const authMethods = meta.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
      const secret = input.clientSecret ?? null;
      const method: TokenEndpointAuthMethod = secret === null ? 'none' : authMethods.includes('client_secret_post') && !authMethods.includes('client_secret_basic') ? 'client_secret_post' : 'client_secret_basic';
      return providers.create({
        providerId: input.providerId, name: input.name, clientId: input.clientId, clientSecret: secret,
        authUrl: meta.authorization_endpoint, tokenUrl: meta.token_endpoint, revocationUrl: meta.revocation_endpoint ?? null,
        usesPkce: true, tokenEndpointAuthMethod: method, issuer: meta.issuer, userinfoUrl: meta.userinfo_endpoint ?? null,
        issParameterSupported: meta.authorization_response_iss_parameter_supported === true,
      }, actor, `discovered from issuer ${meta.issuer}`);
    },

    /** `mcp-discover`: an MCP server URL → a provider (RFC 9728 → RFC 8414 → RFC 7591); see core/mcp. */
    async discoverMcpProvider(input: McpDiscoverInput, actor: Actor): Promise<Provider> {
      return discoverMcpProvider({
        oauth, providers, logger, actor, settings: store.settings, redirectUri: (id: string) => flows.redirectUri(id),
        allowInsecureEndpoints: deps.allowInsecureEndpoints,
      }, input);
    },

    /** PATCH a provider; S36 (see the file comment) applies to Agent Auth API callers. */
    updateProvider(providerId: string, patch: ProviderPatch, actor: Actor): Provider {
      const current = providers.get(providerId);
      const routing = actor.channel === 'sdk' ? changedFields(current, patch).filter((f) => (SECRET_ROUTING_FIELDS as readonly string[]).includes(f)) : [];
      const names = routing.map((f) => WIRE_NAMES[f] ?? f).join(', ');
      const secretWouldMove = routing.some((f) => (CLIENT_SECRET_ROUTES as readonly string[]).includes(f));
      if (secretWouldMove && current.hasClientSecret && patch.clientSecret === undefined) {
        throw new BadRequest(`Changing ${names} through the Agent Auth API would send the stored client secret to a new endpoint or client, which Latchkey never does. Send client_secret in the same call, or make the change in the Latchkey window.`, 'client_secret_required');
      }
      const updated = providers.update(providerId, patch, actor);
      if (routing.length) {
        store.flows.deleteForProvider(providerId);
        const moved = connections.invalidateForProvider(providerId, `provider ${names} changed through the Agent Auth API by key '${actor.keyLabel ?? 'unknown'}'`);
        logger.warn('provider.secrets_rebound', { providerId, fields: names, connections: moved });
      }
      return updated;
    },

    /**
     * DELETE provider: revoke upstream where possible, then drop its connections, grants,
     * requests and flows with it (agent-auth-api.md §4). Open waits are answered `failed`.
     */
    async deleteProvider(providerId: string, actor: Actor): Promise<{ connections: number; grants: number; requests: number }> {
      const provider = providers.get(providerId);
      const doomed = store.connections.listAll().filter((c) => c.providerId === providerId);
      await connections.remove(doomed, actor.channel);
      const pending = requests.listPending().filter((r) => r.providerId === providerId);
      for (const r of pending) requests.fail(r, `The provider '${provider.name}' was deleted in Latchkey.`);
      const grantCount = store.grants.listAll(clock.now()).filter((g) => g.providerId === providerId).length;
      store.transaction(() => {
        store.grants.deleteForProvider(providerId);
        store.agentConnections.deleteForProvider(providerId);
        store.flows.deleteForProvider(providerId);
        store.requests.deleteForProvider(providerId);
        providers.removeRecord(providerId, actor, `${doomed.length} connection(s), ${grantCount} grant(s), ${pending.length} pending request(s) removed`);
      });
      logger.info('provider.deleted', { providerId });
      return { connections: doomed.length, grants: grantCount, requests: pending.length };
    },
  };
}
