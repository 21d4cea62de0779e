/**
 * The authorization-code flow with a loopback redirect (RFC 8252, RFC 9700).
 *
 * begin: a fresh ≥128-bit `state` (distinct from the auth_id), PKCE S256 unless the
 * provider is configured without it, the exact registered `redirect_uri`, and the hash of
 * the browser binding (a secret in the starting page's localStorage, S33), all stored per
 * attempt; a new attempt for the same request replaces an unused older one.
 * callback: the state must be known, unexpired, unused, issued for the provider named in
 * the path (mix-up defence) and presented by the same browser; only then is the code
 * redeemed, at most once (S10–S12).
 */
import { BadRequest, UpstreamFailed } from './errors.ts';
import { sha256 } from './hash.ts';
import type { AuthRequests } from './auth-requests.ts';
import type { EventBus } from './events.ts';
import type { ConnectionService } from './connections.ts';
import type { Clock, ConnectionRecord, Ids, Logger, OAuthClient, Store, Vault, AuthRequestRecord } from './ports.ts';
import type { ProviderService } from './providers.ts';
import { accountLabel } from './identity.ts';
import { mcpDefaultScopes, mcpResource } from './mcp/mcp-client-facts.ts';
import type { McpClients } from './mcp/mcp-clients.ts';
import { isSubset, parseGrantedScope } from './scopes.ts';
import { quirksFor } from './templates/quirks.ts';
import { tokenSetFromResponse } from './token-sets.ts';
import { UpstreamError } from './upstream-error.ts';
import { redirectUri } from './links.ts';

export const FLOW_TTL_MS = 10 * 60_000;

export const CALLBACK_REJECTED = 'This sign-in link is invalid, expired or was already used, or it was opened in a different browser than the one that started it. Go back to the agent and start again.';

export function flowAad(stateHash: string): string {
  return `flow:${stateHash}:code_verifier`;
}

export interface CallbackOutcome {
  status: 'completed' | 'failed';
  providerName: string;
  detail: string | null;
}

export class OAuthFlows {
  readonly #store: Store;
  readonly #vault: Vault;
  readonly #clock: Clock;
  readonly #ids: Ids;
  readonly #log: Logger;
  readonly #oauth: OAuthClient;
  readonly #providers: ProviderService;
  readonly #connections: ConnectionService;
  readonly #requests: AuthRequests;
  readonly #events: EventBus;
  readonly #baseUrl: () => string;
  readonly #mcpClients: McpClients;

  constructor(deps: {
    store: Store; vault: Vault; clock: Clock; ids: Ids; logger: Logger; oauth: OAuthClient; providers: ProviderService;
    connections: ConnectionService; requests: AuthRequests; events: EventBus; baseUrl: () => string; mcpClients: McpClients;
  }) {
    this.#mcpClients = deps.mcpClients;
    this.#events = deps.events;
    this.#store = deps.store;
    this.#vault = deps.vault;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#log = deps.logger;
    this.#oauth = deps.oauth;
    this.#providers = deps.providers;
    this.#connections = deps.connections;
    this.#requests = deps.requests;
    this.#baseUrl = deps.baseUrl;
  }

  /** The loopback redirect URI to register with the provider (RFC 8252 §7.3: IP literal). */
  redirectUri(providerId: string): string {
    return redirectUri(this.#baseUrl(), providerId);
  }

  /**
   * Start a provider consent for an approved request; returns the provider's authorization URL.
   * @param bindingHash SHA-256 of the browser binding, or null for a headless flow
   *   whose callback will be forwarded with the owner's key.
   */
  async begin(r: AuthRequestRecord, bindingHash: string | null): Promise<string> {
    if (r.status !== 'pending' || !r.approved || !r.needsConsent) {
      throw new BadRequest('This request does not need a provider consent now.', 'no_consent_needed');
    }
    // An MCP client registered for another redirect URI (Latchkey moved port) registers again.
    const provider = await this.#mcpClients.forRedirect(this.#providers.get(r.providerId), this.redirectUri(r.providerId));
    const state = this.#ids.token(32);
    const stateHash = sha256(state);
    const pkce = provider.usesPkce ? await this.#oauth.pkce() : null;
    // An allowed redirect_uri the agent chose (checked at authenticate), else our loopback callback.
    const redirectUri = r.redirectUri ?? this.redirectUri(provider.providerId);
    // One live attempt per request: clicking "Continue" again replaces the last attempt,
    // so repeated clicks or scripted posts never grow the table (S40).
    this.#store.flows.deleteUnusedForRequest(r.authId);
    this.#store.flows.insert({
      stateHash, authId: r.authId, providerId: provider.providerId, bindingHash,
      codeVerifierCiphertext: pkce ? this.#vault.seal(pkce.verifier, flowAad(stateHash)) : null,
      redirectUri, createdAt: this.#clock.now(), usedAt: null,
    });
    const url = new URL(provider.authUrl);
    // Template parameters first, so the protocol parameters below always win.
    for (const [k, v] of Object.entries(provider.authorizationParams)) url.searchParams.set(k, v);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', provider.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    const quirks = quirksFor(provider);
    const scopes = r.consentScopes.length > 0 ? r.consentScopes : mcpDefaultScopes(this.#store.settings, provider);
    if (scopes.length > 0) url.searchParams.set(quirks.scopeParam ?? 'scope', scopes.join(quirks.scopeSeparator ?? ' '));
    url.searchParams.set('state', state);
    if (pkce) {
      url.searchParams.set('code_challenge', pkce.challenge);
      url.searchParams.set('code_challenge_method', 'S256');
    }
    const resource = mcpResource(this.#store.settings, provider);
    if (resource) url.searchParams.set('resource', resource);
    this.#log.info('flow.started', { authId: r.authId, providerId: provider.providerId, pkce: pkce !== null });
    return url.toString();
  }

  /**
   * Handle the provider's redirect. Rejections throw BadRequest with one generic sentence
   * and change nothing; provider errors and failed exchanges fail the request.
   * @param binding the hash of the browser binding the callback page sent; `headless` skips
   *   the check for the owner-key `POST /v2/auth/callback` forwarding path.
   */
  async callback(pathProviderId: string, params: URLSearchParams, binding: { hash: string | null } | 'headless', extra: { installationId?: number | undefined } = {}): Promise<CallbackOutcome> {
    const state = params.get('state');
    if (!state) throw new BadRequest(CALLBACK_REJECTED, 'invalid_state');
    const stateHash = sha256(state);
    const flow = this.#store.flows.get(stateHash);
    const now = this.#clock.now();
    const bindingOk = binding === 'headless' || (flow?.bindingHash != null && binding.hash === flow.bindingHash);
    if (!flow || flow.usedAt !== null || flow.createdAt + FLOW_TTL_MS < now || flow.providerId !== pathProviderId || !bindingOk) {
      this.#log.warn('callback.rejected', { providerId: pathProviderId, known: flow !== undefined, used: flow?.usedAt != null, providerMatches: flow?.providerId === pathProviderId, bindingOk });
      throw new BadRequest(CALLBACK_REJECTED, 'invalid_state');
    }
    const request = this.#requests.get(flow.authId);
    if (!request || request.status !== 'pending') throw new BadRequest(CALLBACK_REJECTED, 'invalid_state');
    // Single use, atomically: a replayed code+state loses this race (S12).
    if (!this.#store.flows.markUsed(stateHash, now)) throw new BadRequest(CALLBACK_REJECTED, 'invalid_state');

    const provider = this.#providers.get(pathProviderId);
    // RFC 9207: `iss` is checked before anything the response says is believed — an error
    // response too, or a mix-up attacker could end the flow with a forged one (S13, S40).
    try {
      this.#oauth.checkIssuer(this.#providers.clientConfig(provider), params);
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      this.#requests.fail(request, `${provider.name} refused the sign-in: ${err.message}`);
      this.#log.warn('callback.iss_rejected', { authId: request.authId, providerId: provider.providerId });
      throw new BadRequest(CALLBACK_REJECTED, 'invalid_iss');
    }
    const error = params.get('error');
    if (error) {
      const description = params.get('error_description');
      const detail = `${provider.name} did not grant access: ${error}${description ? ` — ${description}` : ''}.`;
      this.#requests.fail(request, detail);
      return { status: 'failed', providerName: provider.name, detail };
    }
    if (!params.get('code')) {
      this.#requests.fail(request, `${provider.name} redirected back without an authorization code.`);
      throw new BadRequest(`${provider.name} redirected back without an authorization code.`, 'missing_code');
    }

    let response;
    try {
      const codeVerifier = flow.codeVerifierCiphertext ? this.#vault.open(flow.codeVerifierCiphertext, flowAad(stateHash)) : null;
      response = await this.#oauth.exchangeCode(
        this.#providers.clientConfig(provider),
        { callbackParams: params, expectedState: state, redirectUri: flow.redirectUri, codeVerifier },
      );
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      const detail = `${provider.name} refused the sign-in: ${err.message}`;
      this.#requests.fail(request, detail);
      this.#log.warn('flow.exchange_failed', { authId: request.authId, providerId: provider.providerId, kind: err.kind, oauthError: err.oauthError });
      if (err.kind === 'protocol' && err.oauthError === 'iss_mismatch') throw new BadRequest(CALLBACK_REJECTED, 'invalid_iss');
      throw new UpstreamFailed(detail, err);
    }

    const set = tokenSetFromResponse(response, this.#clock.now());
    const granted = parseGrantedScope(response.scope) ?? request.consentScopes;
    const label = await accountLabel({ oauth: this.#oauth, logger: this.#log }, this.#providers.clientConfig(provider), response);
    const target = this.#accountFor(request, label);
    const conn = this.#connections.save(request, set, granted, {
      connectionId: target?.id, label, makeDefault: request.makeDefault, installationId: extra.installationId,
    });
    if (!isSubset(request.scopes, granted)) {
      const missing = request.scopes.filter((s) => !granted.includes(s));
      const detail = `${provider.name} granted fewer scopes than requested; missing: ${missing.join(', ')}.`;
      this.#requests.fail(request, detail);
      return { status: 'failed', providerName: provider.name, detail };
    }
    this.#log.info('connection.saved', { connectionId: conn.id, providerId: provider.providerId, scopes: granted });
    this.#events.emit('connection.created', { connectionId: conn.id, providerId: conn.providerId, userId: conn.userId, agentId: conn.agentId });
    this.#requests.completeWithNewConnection(request, conn);
    return { status: 'completed', providerName: provider.name, detail: null };
  }

  /**
   * Which account a finished consent writes to: the one the request pinned; else the
   * namespace's account with the same identity; else — identity unknown, or the default
   * has no label yet (say, from before labels) — the default; else (another identity) a new
   * account. So a provider Latchkey cannot identify keeps one account per namespace, as
   * before issue 14, and a second login at one it can becomes a second account.
   */
  #accountFor(request: AuthRequestRecord, label: string | null): ConnectionRecord | undefined {
    if (request.tokenId !== null) return this.#connections.byId(request.tokenId);
    const accounts = this.#store.connections.listIn(request.providerId, request.keyId, request.userId, request.agentId);
    if (label !== null) {
      const same = accounts.find((c) => c.label === label);
      if (same) return same;
    }
    const fallback = accounts.find((c) => c.isDefault);
    if (!fallback || (label !== null && fallback.label !== null)) return undefined;
    return fallback;
  }
}
