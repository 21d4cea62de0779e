/**
 * OAuth provider configurations. Created by the owner (SDK `create_oauth_provider`, the
 * window, or the CLI). The client secret is sealed by the vault and never returned.
 */
import { byActor, type ActivityLog, type Actor } from './activity.ts';
import { BadRequest, Conflict, NotFound, ValidationFailed } from './errors.ts';
import type { Provider, TokenEndpointAuthMethod } from './model.ts';
import type { Clock, Ids, OAuthClientConfig, ProviderRecord, Store, Vault } from './ports.ts';
import { mcpResource } from './mcp/mcp-client-facts.ts';
import { quirksFor } from './templates/quirks.ts';

/** agent-auth-api.md §1: ids are put into URLs unencoded by the SDK. */
export const PROVIDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$/;

export interface ProviderInput {
  providerId: string;
  name: string;
  clientId: string;
  clientSecret?: string | null | undefined;
  authUrl: string;
  tokenUrl: string;
  usesPkce?: boolean | undefined;
  codeChallengeMethod?: string | null | undefined;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod | undefined;
  providerType?: string | null | undefined;
  authorizationParams?: Record<string, string> | undefined;
  allowedRedirectUris?: string[] | undefined;
  mcpServerUrl?: string | null | undefined;
  isDynamicClient?: boolean | undefined;
  revocationUrl?: string | null | undefined;
  issuer?: string | null | undefined;
  issParameterSupported?: boolean | undefined;
  templateId?: string | null | undefined;
  userinfoUrl?: string | null | undefined;
}

export type ProviderPatch = Partial<Omit<ProviderInput, 'providerId'>>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * S17: provider endpoints must be https, except on loopback (local test servers) or when
 * the owner has explicitly allowed insecure endpoints.
 */
export function checkEndpointUrl(field: string, value: string, allowInsecure: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadRequest(`${field} '${value}' is not a valid absolute URL.`, 'invalid_url');
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || allowInsecure)) return;
  throw new BadRequest(`${field} must use https (got '${url.protocol}//${url.host}'); plain http is accepted only for loopback test servers.`, 'insecure_url');
}

/**
 * Authorization-URL parameters the broker sets itself: a provider's `authorization_params`
 * may not override them, or a configuration could turn off PKCE or state (upstream §5 #22).
 */
export const BROKER_CONTROLLED_PARAMS: readonly string[] = ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method', 'scope', 'resource'];

export function checkAuthorizationParams(params: Record<string, string> | undefined): void {
  if (params === undefined) return;
  const refused = Object.keys(params).filter((k) => BROKER_CONTROLLED_PARAMS.includes(k.toLowerCase()) || k.toLowerCase().startsWith('code_challenge'));
  if (refused.length === 0) return;
  throw new ValidationFailed(refused.map((k) => ({
    loc: ['body', 'authorization_params', k],
    msg: `'${k}' is set by Latchkey on every authorization request and cannot be overridden; remove it (broker-controlled: ${BROKER_CONTROLLED_PARAMS.join(', ')}).`,
    type: 'value_error',
  })));
}

/**
 * S36: the fields that decide where a stored refresh token or client secret is sent, or
 * whose credentials they are. Changing one from the Agent Auth API must not redirect the
 * secrets already held (use-cases/manage-providers.ts).
 */
export const SECRET_ROUTING_FIELDS = ['tokenUrl', 'authUrl', 'revocationUrl', 'issuer', 'clientId', 'clientSecret', 'tokenEndpointAuthMethod'] as const;
/** Of those, the ones the client secret itself travels to or is bound with. */
export const CLIENT_SECRET_ROUTES = ['tokenUrl', 'revocationUrl', 'clientId', 'issuer'] as const;

/** The patch fields whose value differs from the provider's (a client secret always counts: it cannot be compared). */
export function changedFields(current: ProviderRecord, patch: ProviderPatch): string[] {
  return (Object.keys(patch) as (keyof ProviderPatch)[]).filter((k) => {
    if (patch[k] === undefined) return false;
    if (k === 'clientSecret') return true;
    return JSON.stringify(patch[k]) !== JSON.stringify(current[k]);
  });
}

export function secretAad(id: string): string {
  return `provider:${id}:client_secret`;
}

export class ProviderService {
  readonly #store: Store;
  readonly #vault: Vault;
  readonly #clock: Clock;
  readonly #ids: Ids;
  readonly #allowInsecure: boolean;
  readonly #activity: ActivityLog;

  constructor(deps: { store: Store; vault: Vault; clock: Clock; ids: Ids; activity: ActivityLog; allowInsecureEndpoints: boolean }) {
    this.#activity = deps.activity;
    this.#store = deps.store;
    this.#vault = deps.vault;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#allowInsecure = deps.allowInsecureEndpoints;
  }

  /**
   * Providers by id, cached for the authenticate hot path. Our own writes reset it; commits
   * by another process (`latchkey providers import`) change the store's external version.
   */
  #cache = new Map<string, ProviderRecord>();
  #cacheVersion = -1;

  #cached(): Map<string, ProviderRecord> {
    const version = this.#store.externalVersion();
    if (version !== this.#cacheVersion) {
      this.#cache = new Map(this.#store.providers.list().map((p) => [p.providerId, p]));
      this.#cacheVersion = version;
    }
    return this.#cache;
  }

  #invalidate(): void {
    this.#cacheVersion = -1;
  }

  list(): Provider[] {
    return [...this.#cached().values()];
  }

  get(providerId: string): ProviderRecord {
    const p = this.#cached().get(providerId);
    if (!p) throw new NotFound(`Unknown provider '${providerId}'. Create it with create_oauth_provider or in the Latchkey window.`);
    return p;
  }

  find(providerId: string): ProviderRecord | undefined {
    return this.#cached().get(providerId);
  }

  /** The row only; use-cases/manage-providers.ts removes what hangs off it first. */
  removeRecord(providerId: string, actor: Actor, detail: string): void {
    this.#store.providers.delete(providerId);
    this.#invalidate();
    this.#activity.record({ type: 'provider.deleted', ...byActor(actor), providerId, detail });
  }

  clientSecret(p: ProviderRecord): string | null {
    return p.clientSecretCiphertext ? this.#vault.open(p.clientSecretCiphertext, secretAad(p.id)) : null;
  }

  /** Everything the OAuth client needs to talk to this provider. */
  clientConfig(p: ProviderRecord): OAuthClientConfig {
    return { provider: p, clientSecret: this.clientSecret(p), quirks: quirksFor(p), resource: mcpResource(this.#store.settings, p) };
  }

  /** `how` says where the configuration came from (a template, discovery…) for the activity log. */
  create(input: ProviderInput, actor: Actor, how?: string): Provider {
    if (!PROVIDER_ID_PATTERN.test(input.providerId)) {
      throw new BadRequest(`provider_id '${input.providerId}' is not allowed: use 1–64 letters, digits, '.', '_', '~' or '-', starting with a letter or digit.`, 'invalid_provider_id');
    }
    if (input.providerId === 'mcp-discover') throw new BadRequest(`provider_id 'mcp-discover' is reserved.`, 'invalid_provider_id');
    this.#checkUrls(input);
    checkAuthorizationParams(input.authorizationParams);
    if (this.find(input.providerId)) {
      throw new Conflict(`A provider with provider_id '${input.providerId}' already exists. Update it with PATCH or choose another id.`);
    }
    const now = this.#clock.now();
    const id = this.#ids.uuid();
    const authMethod = input.tokenEndpointAuthMethod ?? 'client_secret_post';
    const secret = input.clientSecret ?? null;
    if (authMethod !== 'none' && !secret) {
      throw new BadRequest(`token_endpoint_auth_method '${authMethod}' needs a client_secret; send one, or use 'none' for a public client.`, 'missing_client_secret');
    }
    const usesPkce = input.usesPkce ?? true;
    const record: ProviderRecord = {
      id,
      providerId: input.providerId,
      name: input.name,
      clientId: input.clientId,
      hasClientSecret: secret !== null,
      clientSecretCiphertext: secret === null ? null : this.#vault.seal(secret, secretAad(id)),
      authUrl: input.authUrl,
      tokenUrl: input.tokenUrl,
      usesPkce,
      codeChallengeMethod: usesPkce ? (input.codeChallengeMethod ?? 'S256') : (input.codeChallengeMethod ?? null),
      tokenEndpointAuthMethod: authMethod,
      providerType: input.providerType ?? null,
      authorizationParams: input.authorizationParams ?? {},
      allowedRedirectUris: input.allowedRedirectUris ?? [],
      mcpServerUrl: input.mcpServerUrl ?? null,
      isDynamicClient: input.isDynamicClient ?? false,
      revocationUrl: input.revocationUrl ?? null,
      issuer: input.issuer ?? null,
      issParameterSupported: input.issParameterSupported ?? false,
      templateId: input.templateId ?? null,
      userinfoUrl: input.userinfoUrl ?? null,
      createdAt: now,
      updatedAt: now,
    };
    this.#store.providers.insert(record);
    this.#invalidate();
    this.#activity.record({ type: 'provider.created', ...byActor(actor), providerId: record.providerId, detail: how ?? (input.templateId ? `from template ${input.templateId}` : null) });
    return record;
  }

  update(providerId: string, patch: ProviderPatch, actor: Actor): Provider {
    const current = this.get(providerId);
    this.#checkUrls(patch);
    checkAuthorizationParams(patch.authorizationParams);
    const next: ProviderRecord = { ...current, updatedAt: this.#clock.now() };
    const assign = <K extends keyof ProviderRecord>(key: K, value: ProviderRecord[K] | undefined): void => {
      if (value !== undefined) next[key] = value;
    };
    assign('name', patch.name);
    assign('clientId', patch.clientId);
    assign('authUrl', patch.authUrl);
    assign('tokenUrl', patch.tokenUrl);
    assign('usesPkce', patch.usesPkce);
    assign('codeChallengeMethod', patch.codeChallengeMethod);
    assign('tokenEndpointAuthMethod', patch.tokenEndpointAuthMethod);
    assign('providerType', patch.providerType);
    assign('authorizationParams', patch.authorizationParams);
    assign('allowedRedirectUris', patch.allowedRedirectUris);
    assign('mcpServerUrl', patch.mcpServerUrl);
    assign('isDynamicClient', patch.isDynamicClient);
    assign('revocationUrl', patch.revocationUrl);
    assign('issuer', patch.issuer);
    assign('issParameterSupported', patch.issParameterSupported);
    assign('templateId', patch.templateId);
    assign('userinfoUrl', patch.userinfoUrl);
    if (next.usesPkce && next.codeChallengeMethod === null) next.codeChallengeMethod = 'S256';
    if (patch.clientSecret !== undefined) {
      next.clientSecretCiphertext = patch.clientSecret === null ? null : this.#vault.seal(patch.clientSecret, secretAad(current.id));
      next.hasClientSecret = patch.clientSecret !== null;
    }
    if (next.tokenEndpointAuthMethod !== 'none' && !next.hasClientSecret) {
      throw new BadRequest(`token_endpoint_auth_method '${next.tokenEndpointAuthMethod}' needs a client_secret; send one, or use 'none' for a public client.`, 'missing_client_secret');
    }
    this.#store.providers.update(next);
    this.#invalidate();
    const changed = changedFields(current, patch);
    this.#activity.record({ type: 'provider.updated', ...byActor(actor), providerId, detail: changed.length ? `changed ${changed.join(', ')}` : 'nothing changed' });
    return next;
  }


  #checkUrls(input: { authUrl?: string | undefined; tokenUrl?: string | undefined; revocationUrl?: string | null | undefined; userinfoUrl?: string | null | undefined }): void {
    if (input.authUrl !== undefined) checkEndpointUrl('auth_url', input.authUrl, this.#allowInsecure);
    if (input.tokenUrl !== undefined) checkEndpointUrl('token_url', input.tokenUrl, this.#allowInsecure);
    if (input.revocationUrl) checkEndpointUrl('revocation_url', input.revocationUrl, this.#allowInsecure);
    if (input.userinfoUrl) checkEndpointUrl('userinfo_url', input.userinfoUrl, this.#allowInsecure);
  }
}
