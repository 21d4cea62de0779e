/**
 * A TypeScript client for Latchkey's Agent Auth API, shaped like the documented
 * `@langchain/auth` JS client (which is not published on npm): camelCase here, snake_case
 * on the wire. Reads LANGSMITH_API_URL / LANGSMITH_API_KEY by default, like the SDK.
 *
 * ```ts
 * import { Client } from 'latchkey/client';
 * const client = new Client();
 * const auth = await client.authenticate({ provider: 'github', scopes: ['repo'], userId: 'me' });
 * const token = auth.status === 'completed' ? auth.token : (await client.waitForCompletion(auth.authId!)).token;
 * ```
 */

export interface ClientOptions {
  apiKey?: string | undefined;
  apiUrl?: string | undefined;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch | undefined;
}

export interface AuthenticateParams {
  provider: string;
  scopes: string[];
  userId?: string | undefined;
  agentId?: string | null | undefined;
  forceNew?: boolean | undefined;
  checkOnly?: boolean | undefined;
  /** One account (an id from listTokens); absent: the agent's bound account, else the default. */
  tokenId?: string | undefined;
  /** Whether a new account made by this request's sign-in becomes the default (broker default true). */
  isDefault?: boolean | undefined;
  /** Latchkey's callback or one of the provider's allowedRedirectUris. */
  redirectUri?: string | undefined;
  /** Shown to the human, never used for access. */
  lsUserId?: string | undefined;
}

/** Which account a `completed` answer released. */
export interface AuthMetadata { tokenId: string; providerAccountLabel: string | null }

export type AuthResult = { userId: string } & (
  | { status: 'completed'; token: string; authUrl: null; authId: null; expiresAt: string | null; metadata: AuthMetadata }
  | { status: 'pending'; token: null; authUrl: string; authId: string; expiresAt: null; metadata: null }
  | { status: 'pending'; token: null; authUrl: null; authId: null; expiresAt: null; metadata: null });

/** One account at a provider; never any token material. */
export interface TokenSummary {
  id: string;
  providerId: string;
  providerAccountLabel: string | null;
  scopes: string[];
  expiresAt: string | null;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

/** An account bound to an agent. */
export interface AgentConnection {
  id: string;
  agentId: string;
  oauthTokenId: string;
  providerId: string;
  providerAccountLabel: string | null;
  scopes: string[];
  expiresAt: string | null;
  createdBy: string;
  createdAt: string;
}

export interface UpsertAgentTokenParams {
  accessToken: string;
  refreshToken?: string | null | undefined;
  expiresInSeconds?: number | null | undefined;
  scopes?: string[] | undefined;
  providerAccountLabel?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

export type WaitResult =
  | { status: 'completed'; token: string; expiresAt: string | null }
  | { status: 'timeout' | 'not_found'; token: null }
  | { status: 'denied' | 'failed'; token: null; detail: string };

export interface OAuthProvider {
  id: string;
  organizationId: string;
  providerId: string;
  name: string;
  clientId: string;
  authUrl: string;
  tokenUrl: string;
  usesPkce: boolean;
  codeChallengeMethod: string | null;
  tokenEndpointAuthMethod: 'none' | 'client_secret_basic' | 'client_secret_post';
  providerType: string | null;
  authorizationParams: Record<string, string>;
  allowedRedirectUris: string[];
  mcpServerUrl: string | null;
  isDynamicClient: boolean;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
  /** Latchkey: the redirect URI to register with the provider. */
  redirectUri: string;
}

export interface CreateOAuthProviderParams {
  providerId: string;
  name: string;
  clientId: string;
  clientSecret?: string | null | undefined;
  authUrl: string;
  tokenUrl: string;
  usesPkce?: boolean | undefined;
  tokenEndpointAuthMethod?: OAuthProvider['tokenEndpointAuthMethod'] | undefined;
  authorizationParams?: Record<string, string> | undefined;
  revocationUrl?: string | null | undefined;
}

/** A non-200 answer. The message matches the Python SDK's `HTTP <code>: <body>`. */
export class AgentAuthError extends Error {
  readonly status: number;
  readonly detail: unknown;
  constructor(status: number, body: string) {
    super(`HTTP ${status}: ${body}`);
    this.name = 'AgentAuthError';
    this.status = status;
    let detail: unknown = body;
    try { detail = (JSON.parse(body) as { detail?: unknown }).detail ?? body; } catch { /* raw text */ }
    this.detail = detail;
  }
}

const toSnake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const toCamel = (k: string): string => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function snakeKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[toSnake(k)] = v;
  return out;
}

function camelKeys<T>(o: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[toCamel(k)] = v;
  return out as T;
}

export class Client {
  readonly apiUrl: string;
  readonly #apiKey: string;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? process.env.LANGSMITH_API_KEY;
    if (!apiKey) throw new Error('No API key: pass apiKey or set LANGSMITH_API_KEY (print it with `npx latchkey env`).');
    this.#apiKey = apiKey;
    this.apiUrl = (options.apiUrl ?? process.env.LANGSMITH_API_URL ?? 'http://127.0.0.1:24817').replace(/\/+$/, '');
    this.#fetch = options.fetch ?? fetch;
  }

  async #call<T>(method: string, path: string, body?: unknown, timeoutMs = 5_000, expected: 200 | 201 | 204 = 200): Promise<T> {
    const res = await this.#fetch(`${this.apiUrl}/v2/auth${path}`, {
      method,
      headers: { 'x-api-key': this.#apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (res.status !== expected) throw new AgentAuthError(res.status, text);
    return (expected === 204 ? undefined : JSON.parse(text)) as T;
  }

  async authenticate(params: AuthenticateParams): Promise<AuthResult> {
    const r = await this.#call<{
      status: string; url: string | null; auth_id: string | null; token: string | null; expires_at?: string; user_id?: string;
      metadata?: { token_id: string; provider_account_label: string | null } | null;
    }>('POST', '/authenticate', snakeKeys({ ...params }));
    const metadata = r.metadata ? { tokenId: r.metadata.token_id, providerAccountLabel: r.metadata.provider_account_label } : null;
    return { status: r.status, token: r.token, authUrl: r.url, authId: r.auth_id, expiresAt: r.expires_at ?? null, userId: r.user_id ?? params.userId ?? 'default', metadata } as AuthResult;
  }

  /** Long-poll until the human finishes (or `timeoutSeconds` pass: status `timeout`). */
  async waitForCompletion(authId: string, timeoutSeconds = 300): Promise<WaitResult> {
    const r = await this.#call<{ status: string; token: string | null; detail?: string; expires_at?: string }>(
      'GET', `/wait/${encodeURIComponent(authId)}?timeout=${timeoutSeconds}`, undefined, (timeoutSeconds + 10) * 1000,
    );
    if (r.status === 'completed') return { status: 'completed', token: r.token ?? '', expiresAt: r.expires_at ?? null };
    if (r.status === 'denied' || r.status === 'failed') return { status: r.status, token: null, detail: r.detail ?? r.status };
    return { status: r.status as 'timeout' | 'not_found', token: null };
  }

  async createOAuthProvider(params: CreateOAuthProviderParams): Promise<OAuthProvider> {
    return camelKeys(await this.#call<Record<string, unknown>>('POST', '/providers', snakeKeys({ ...params })));
  }

  async listOAuthProviders(): Promise<OAuthProvider[]> {
    return (await this.#call<Record<string, unknown>[]>('GET', '/providers')).map((p) => camelKeys<OAuthProvider>(p));
  }

  async getOAuthProvider(providerId: string): Promise<OAuthProvider> {
    return camelKeys(await this.#call<Record<string, unknown>>('GET', `/providers/${encodeURIComponent(providerId)}`));
  }

  async updateOAuthProvider(providerId: string, patch: Partial<Omit<CreateOAuthProviderParams, 'providerId'>>): Promise<OAuthProvider> {
    return camelKeys(await this.#call<Record<string, unknown>>('PATCH', `/providers/${encodeURIComponent(providerId)}`, snakeKeys({ ...patch })));
  }

  async deleteOAuthProvider(providerId: string): Promise<{ message: string }> {
    return this.#call('DELETE', `/providers/${encodeURIComponent(providerId)}`);
  }

  async checkTokenExists(providerId: string): Promise<boolean> {
    return (await this.#call<{ has_token: boolean }>('GET', `/tokens/exists?provider_id=${encodeURIComponent(providerId)}`)).has_token;
  }

  async revokeTokens(providerId: string): Promise<{ message: string; providerId: string }> {
    const r = await this.#call<{ message: string; provider_id: string }>('DELETE', `/tokens?provider_id=${encodeURIComponent(providerId)}`);
    return { message: r.message, providerId: r.provider_id };
  }

  // ---- several accounts per provider (upstream's token and agent-connection routes) ----

  async listTokens(providerId?: string): Promise<TokenSummary[]> {
    const q = providerId === undefined ? '' : `?provider_id=${encodeURIComponent(providerId)}`;
    return (await this.#call<Record<string, unknown>[]>('GET', `/tokens${q}`)).map((t) => camelKeys<TokenSummary>(t));
  }

  /** Relabel an account or make it the default; omitted fields stay as they are. */
  async updateToken(tokenId: string, patch: { providerAccountLabel?: string | undefined; isDefault?: boolean | undefined }): Promise<TokenSummary> {
    return camelKeys(await this.#call<Record<string, unknown>>('PATCH', `/tokens/${encodeURIComponent(tokenId)}/metadata`, snakeKeys({ ...patch })));
  }

  /** Revoke at the provider (RFC 7009, best effort), then delete. */
  async deleteToken(tokenId: string): Promise<void> {
    await this.#call<undefined>('DELETE', `/tokens/${encodeURIComponent(tokenId)}`, undefined, 5_000, 204);
  }

  async listAgentConnections(agentId: string): Promise<AgentConnection[]> {
    const r = await this.#call<{ data: Record<string, unknown>[] }>('GET', `/agents/${encodeURIComponent(agentId)}/connections`);
    return r.data.map((c) => camelKeys<AgentConnection>(c));
  }

  /** Owner key only: hand one of this key's accounts to an agent (recorded as an approval). */
  async createAgentConnection(agentId: string, oauthTokenId: string): Promise<AgentConnection> {
    return camelKeys(await this.#call<Record<string, unknown>>('POST', `/agents/${encodeURIComponent(agentId)}/connections`, { oauth_token_id: oauthTokenId }, 5_000, 201));
  }

  async deleteAgentConnection(agentId: string, connectionId: string): Promise<void> {
    await this.#call<undefined>('DELETE', `/agents/${encodeURIComponent(agentId)}/connections/${encodeURIComponent(connectionId)}`, undefined, 5_000, 204);
  }

  /** Owner key only: import a token obtained elsewhere as the agent's account for the provider. */
  async upsertAgentProviderToken(agentId: string, providerId: string, params: UpsertAgentTokenParams): Promise<AgentConnection> {
    return camelKeys(await this.#call<Record<string, unknown>>('POST', `/agents/${encodeURIComponent(agentId)}/providers/${encodeURIComponent(providerId)}/tokens`, snakeKeys({ ...params }), 5_000, 201));
  }

  async slackWorkspaceTokensExist(): Promise<boolean> {
    return (await this.#call<{ has_token: boolean }>('GET', '/tokens/workspace/slack/exists')).has_token;
  }

  /** Owner key only: revoke and delete every Slack account. */
  async revokeSlackWorkspaceTokens(): Promise<{ message: string; revoked: number }> {
    return this.#call('DELETE', '/tokens/workspace/slack');
  }
}
