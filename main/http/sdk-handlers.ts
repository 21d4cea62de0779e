/**
 * What each Agent Auth route does once the pipeline (sdk-pipeline.ts) has checked the
 * request: one core call and the mapping to the route's declared wire answer. The type
 * `SdkHandlers` makes every route of the contract have exactly one handler here, returning
 * exactly its declared answer.
 */
import { sdkActor } from '../core/activity.ts';
import type { Core } from '../core/core.ts';
import { Forbidden } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import type { Provider } from '../core/model.ts';
import { providerInputFromWire, providerPatchFromWire } from '../contract/provider-fields.ts';
import type { SdkHandlers } from './sdk-pipeline.ts';
import { agentConnectionToWire, authenticateToWire, providerToWire, tokenSummaryToWire, waitToWire } from './wire.ts';

/** Upstream's default long-poll when `timeout` is absent (the SDKs always send one). */
const DEFAULT_WAIT_SECONDS = 30;

export function sdkHandlers(core: Core): SdkHandlers {
  const wire = (p: Provider) => providerToWire(p, core.flows.redirectUri(p.providerId));
  const param = (params: Readonly<Record<string, string | undefined>>, name: string): string => params[name] ?? '';

  return {
    async authenticate({ key, body }) {
      const result = await core.authenticate(key, {
        provider: body.provider, scopes: body.scopes, userId: body.user_id, agentId: body.agent_id,
        forceNew: body.force_new ?? false, checkOnly: body.check_only ?? false, tokenId: body.token_id, isDefault: body.is_default,
        lsUserId: body.ls_user_id, redirectUri: body.redirect_uri,
        // use_agent_builder_public_oauth: accepted and ignored (no hosted OAuth apps locally).
      });
      return authenticateToWire(result);
    },

    async wait({ key, query, params, signal }) {
      const seconds = query.timeout === undefined ? DEFAULT_WAIT_SECONDS : Number(query.timeout);
      return waitToWire(await core.wait(key, param(params, 'authId'), seconds, signal));
    },

    listProviders: () => core.providers.list().map(wire),

    /**
     * MCP servers: RFC 9728 → RFC 8414 → RFC 7591 (core/mcp). `client_id`/`client_secret` are a
     * Latchkey addition for authorization servers without dynamic registration.
     */
    async mcpDiscover({ key, body }) {
      return wire(await core.discoverMcpProvider({
        providerId: body.provider_id, name: body.name, mcpServerUrl: body.mcp_server_url, clientId: body.client_id, clientSecret: body.client_secret,
      }, sdkActor(key)));
    },

    createProvider: ({ key, body }) => wire(core.createProvider(providerInputFromWire(body), sdkActor(key))),

    getProvider: ({ params }) => wire(core.providers.get(param(params, 'providerId'))),

    // S36: endpoint and credential changes from here never redirect stored secrets (core/use-cases/manage-providers.ts).
    updateProvider: ({ key, body, params }) => wire(core.updateProvider(param(params, 'providerId'), providerPatchFromWire(body, { nullMeans: 'unchanged', pathProviderId: param(params, 'providerId') }), sdkActor(key))),

    async deleteProvider({ key, params }) {
      await core.deleteProvider(param(params, 'providerId'), sdkActor(key));
      return { message: 'Provider deleted' };
    },

    tokenExists: ({ key, query }) => ({ has_token: core.hasToken(key.id, query.provider_id) }),

    async revokeTokens({ key, query }) {
      await core.revokeTokens(key.id, query.provider_id);
      return { message: 'Tokens revoked', provider_id: query.provider_id };
    },

    // ---- several accounts per provider (issue 14); a key sees only its own accounts ----

    slackWorkspaceExists: ({ key }) => ({ has_token: core.accounts.slackExists(key) }),

    async revokeSlackWorkspace({ key }) {
      const revoked = await core.accounts.revokeSlackWorkspace(`API (${key.label})`);
      return { message: 'Slack tokens revoked', revoked };
    },

    listTokens: ({ key, query }) => core.accounts.list({ keyId: key.id }, query.provider_id).map(tokenSummaryToWire),

    updateToken: ({ key, body, params }) => tokenSummaryToWire(core.accounts.update({ keyId: key.id }, param(params, 'tokenId'), {
      label: body.provider_account_label, isDefault: body.is_default,
    }, `API (${key.label})`)),

    async deleteToken({ key, params }) {
      await core.accounts.delete({ keyId: key.id }, param(params, 'tokenId'), `API (${key.label})`);
      return undefined;
    },

    listAgentConnections: ({ key, params }) => ({
      data: core.accounts.listForAgent({ keyId: key.id }, param(params, 'agentId')).map((x) => agentConnectionToWire(x.binding, x.account)),
    }),

    createAgentConnection({ key, body, params }) {
      const made = core.accounts.bind(key, { keyId: key.id }, param(params, 'agentId'), body.oauth_token_id, key.label);
      return agentConnectionToWire(made.binding, made.account);
    },

    deleteAgentConnection({ key, params }) {
      core.accounts.unbind({ keyId: key.id }, param(params, 'agentId'), param(params, 'connectionId'), `API (${key.label})`);
      return undefined;
    },

    async upsertAgentToken({ key, body, params }) {
      const made = await core.accounts.importToken(key, param(params, 'agentId'), param(params, 'providerId'), {
        accessToken: body.access_token, refreshToken: body.refresh_token, expiresInSeconds: body.expires_in_seconds, scopes: body.scopes,
        label: body.provider_account_label, metadata: body.metadata,
      });
      return agentConnectionToWire(made.binding, made.account);
    },

    /**
     * Forwarding of a redirect by a program (issue 14 §5): the flow's browser binding in the
     * body must match the flow, or else the owner's key stands in for it. An agent key with
     * only a code and a state finishes nobody's flow.
     */
    async callback({ key, body, params }) {
      if (body.binding === undefined && key.role !== 'owner') {
        throw new Forbidden('This API key has the agent role and cannot complete OAuth callbacks without the flow\'s browser binding. Use the owner key (npx latchkey env) or finish in the browser.', 'role_forbidden');
      }
      const providerId = param(params, 'providerId');
      const outcome = await core.flows.callback(providerId, new URLSearchParams({ code: body.code, state: body.state }), body.binding === undefined ? 'headless' : { hash: sha256(body.binding) });
      return { status: outcome.status, provider_id: providerId, ...(outcome.detail ? { detail: outcome.detail } : {}) };
    },
  };
}
