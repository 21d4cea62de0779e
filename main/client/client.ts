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
}

export type AuthResult =
  | { status: 'completed'; token: string; authUrl: null; authId: null; expiresAt: string | null }
  | { status: 'pending'; token: null; authUrl: string; authId: string; expiresAt: null }
  | { status: 'pending'; token: null; authUrl: null; authId: null; expiresAt: null };

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

  async #call<T>(method: string, path: string, body?: unknown, timeoutMs = 5_000): Promise<T> {
    const res = await this.#fetch(`${this.apiUrl}/v2/auth${path}`, {
      method,
      headers: { 'x-api-key': this.#apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (res.status !== 200) throw new AgentAuthError(res.status, text);
    return JSON.parse(text) as T;
  }

  async authenticate(params: AuthenticateParams): Promise<AuthResult> {
    const r = await this.#call<{ status: string; url: string | null; auth_id: string | null; token: string | null; expires_at?: string }>(
      'POST', '/authenticate', snakeKeys({ ...params }),
    );
    return { status: r.status, token: r.token, authUrl: r.url, authId: r.auth_id, expiresAt: r.expires_at ?? null } as AuthResult;
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
}
