/**
 * A client for Latchkey's Agent Auth API, shaped like the documented `@langchain/auth` JS
 * client: camelCase here, snake_case on the wire (the wire types are wire.ts, the one
 * declaration the broker is checked against). Reads LANGSMITH_API_URL / LANGSMITH_API_KEY
 * when they are not passed, like the SDK. Only `fetch`, `URL` and `AbortSignal`: it runs on
 * Node ≥ 18, Deno, Bun and in bundlers, with no dependencies.
 *
 * ```ts
 * import { Client } from '@latchkey/client';
 * const client = new Client({ apiKey: process.env.LANGSMITH_API_KEY, apiUrl: 'http://127.0.0.1:24817' });
 * const auth = await client.authenticate({ provider: 'github', scopes: ['repo'], userId: 'me' });
 * const token = auth.status === 'completed' ? auth.token : (await client.waitForCompletion(auth.authId!)).token;
 * ```
 */
import { camelKeys, snakeKeys, type Camel, type CamelParams } from './case.ts';
import { AgentAuthError, LatchkeyUnreachableError, isConnectionRefused, rootMessage } from './errors.ts';
import type * as Wire from './wire.ts';

/** The part of `fetch` the client uses, so any WHATWG-compatible fetch (undici, Deno, Bun, a test double) fits. */
export type FetchLike = (url: string, init: {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}) => Promise<{ status: number; text(): Promise<string> }>;

export interface ClientOptions {
  /** Defaults to LANGSMITH_API_KEY. */
  apiKey?: string | undefined;
  /** Defaults to LANGSMITH_API_URL, then http://127.0.0.1:24817. */
  apiUrl?: string | undefined;
  /** Defaults to the global fetch. */
  fetch?: FetchLike | undefined;
  /** Per call, except waits (which get their own timeout + 10 s, like the Python SDK). Default 5 s. */
  timeoutMs?: number | undefined;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:24817';

export type AuthenticateParams = CamelParams<Omit<Wire.AuthenticateRequest, 'scopes'>> & { scopes: readonly string[] };

/** Which account a `completed` answer released. */
export type AuthMetadata = Camel<Wire.AuthenticateMetadata>;

/** `authenticate`'s answer: `url` is called `authUrl` in the JS SDK; `userId` is the user the broker resolved. */
export type AuthResult = { userId: string } & (
  | { status: 'completed'; token: string; authUrl: null; authId: null; expiresAt: string | null; metadata: AuthMetadata }
  | { status: 'pending'; token: null; authUrl: string; authId: string; expiresAt: null; metadata: null }
  /** `checkOnly` with nothing to give: no request was created. */
  | { status: 'pending'; token: null; authUrl: null; authId: null; expiresAt: null; metadata: null });

/** One account at a provider; never any token material. */
export type TokenSummary = Camel<Wire.TokenSummary>;
export type UpdateTokenParams = CamelParams<Wire.UpdateTokenRequest>;
/** An account bound to an agent. */
export type AgentConnection = Camel<Wire.AgentConnectionResponse>;
export type UpsertAgentTokenParams = CamelParams<Wire.UpsertAgentTokenRequest>;

export type WaitResult =
  | { status: 'completed'; token: string; expiresAt: string | null }
  | { status: 'timeout' | 'not_found'; token: null }
  | { status: 'denied' | 'failed'; token: null; detail: string };

export type OAuthProvider = Camel<Wire.ProviderResponse>;
export type CreateOAuthProviderParams = CamelParams<Wire.CreateProviderRequest>;
export type UpdateOAuthProviderParams = CamelParams<Wire.UpdateProviderRequest>;
export type DiscoverMcpProviderParams = CamelParams<Wire.McpDiscoverRequest>;

function authResult(r: Wire.AuthenticateResponse): AuthResult {
  const userId = r.user_id;
  if (r.status === 'completed') {
    return { status: 'completed', token: r.token, authUrl: null, authId: null, expiresAt: r.expires_at ?? null, userId, metadata: camelKeys(r.metadata) };
  }
  if (r.url !== null) return { status: 'pending', token: null, authUrl: r.url, authId: r.auth_id, expiresAt: null, userId, metadata: null };
  return { status: 'pending', token: null, authUrl: null, authId: null, expiresAt: null, userId, metadata: null };
}

function waitResult(r: Wire.WaitResponse): WaitResult {
  if (r.status === 'completed') return { status: 'completed', token: r.token, expiresAt: r.expires_at ?? null };
  if (r.status === 'denied' || r.status === 'failed') return { status: r.status, token: null, detail: r.detail };
  return { status: r.status, token: null };
}

/** LANGSMITH_* from the environment where there is one (Node, Bun, Deno with --allow-env); never required. */
function fromEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    return env?.[name] || undefined;
  } catch {
    return undefined;
  }
}

const seg = encodeURIComponent;

export class Client {
  readonly apiUrl: string;
  readonly #apiKey: string;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? fromEnv('LANGSMITH_API_KEY');
    if (!apiKey) throw new Error('No API key: pass apiKey or set LANGSMITH_API_KEY (print it with `npx latchkey env`).');
    this.#apiKey = apiKey;
    this.apiUrl = (options.apiUrl ?? fromEnv('LANGSMITH_API_URL') ?? DEFAULT_API_URL).replace(/\/+$/, '');
    const f = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
    if (!f) throw new Error('No fetch: this runtime has no global fetch (Node ≥ 18, Deno and Bun have one); pass options.fetch.');
    this.#fetch = f;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async #call<T>(method: string, path: string, body?: unknown, timeoutMs = this.#timeoutMs, expected: 200 | 201 | 204 = 200): Promise<T> {
    const url = `${this.apiUrl}/v2/auth${path}`;
    const headers: Record<string, string> = { 'x-api-key': this.#apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Awaited<ReturnType<FetchLike>>;
    let text: string;
    try {
      res = await this.#fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (err) {
      const name = (err as { name?: unknown } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new LatchkeyUnreachableError(url, 'timeout', `${timeoutMs / 1000} s`, { cause: err });
      if (isConnectionRefused(err)) throw new LatchkeyUnreachableError(url, 'refused', 'connection refused', { cause: err });
      throw new LatchkeyUnreachableError(url, 'network', rootMessage(err), { cause: err });
    }
    // Only 200 is success, as in the Python SDK; the account routes answer upstream's 201/204.
    if (res.status !== expected) throw new AgentAuthError(res.status, text);
    return (expected === 204 ? undefined : JSON.parse(text)) as T;
  }

  /** Ask for a token: `completed` with it, or `pending` with the link the human opens (`authUrl`). */
  async authenticate(params: AuthenticateParams): Promise<AuthResult> {
    return authResult(await this.#call<Wire.AuthenticateResponse>('POST', '/authenticate', snakeKeys(params)));
  }

  /** Long-poll until the human finishes (or `timeoutSeconds` pass: status `timeout`). `denied`/`failed` carry a `detail`. */
  async waitForCompletion(authId: string, timeoutSeconds = 300): Promise<WaitResult> {
    const r = await this.#call<Wire.WaitResponse>('GET', `/wait/${seg(authId)}?timeout=${timeoutSeconds}`, undefined, (timeoutSeconds + 10) * 1000);
    return waitResult(r);
  }

  async createOAuthProvider(params: CreateOAuthProviderParams): Promise<OAuthProvider> {
    return camelKeys(await this.#call<Wire.ProviderResponse>('POST', '/providers', snakeKeys(params)));
  }

  async listOAuthProviders(): Promise<OAuthProvider[]> {
    return (await this.#call<Wire.ProviderResponse[]>('GET', '/providers')).map((p) => camelKeys(p));
  }

  async getOAuthProvider(providerId: string): Promise<OAuthProvider> {
    return camelKeys(await this.#call<Wire.ProviderResponse>('GET', `/providers/${seg(providerId)}`));
  }

  async updateOAuthProvider(providerId: string, patch: UpdateOAuthProviderParams): Promise<OAuthProvider> {
    return camelKeys(await this.#call<Wire.ProviderResponse>('PATCH', `/providers/${seg(providerId)}`, snakeKeys(patch)));
  }

  async deleteOAuthProvider(providerId: string): Promise<Wire.DeleteProviderResponse> {
    return this.#call('DELETE', `/providers/${seg(providerId)}`);
  }

  /** MCP servers: discovery and dynamic registration by the broker (RFC 9728 → 8414 → 7591). */
  async discoverMcpProvider(params: DiscoverMcpProviderParams): Promise<OAuthProvider> {
    return camelKeys(await this.#call<Wire.ProviderResponse>('POST', '/providers/mcp-discover', snakeKeys(params)));
  }

  async checkTokenExists(providerId: string): Promise<boolean> {
    return (await this.#call<Wire.TokenExistsResponse>('GET', `/tokens/exists?provider_id=${seg(providerId)}`)).has_token;
  }

  async revokeTokens(providerId: string): Promise<Camel<Wire.RevokeTokensResponse>> {
    return camelKeys(await this.#call<Wire.RevokeTokensResponse>('DELETE', `/tokens?provider_id=${seg(providerId)}`));
  }

  // ---- several accounts per provider (upstream's token and agent-connection routes) ----

  /** This key's accounts, optionally for one provider. */
  async listTokens(providerId?: string): Promise<TokenSummary[]> {
    const q = providerId === undefined ? '' : `?provider_id=${seg(providerId)}`;
    return (await this.#call<Wire.TokenSummary[]>('GET', `/tokens${q}`)).map((t) => camelKeys(t));
  }

  /** Relabel an account or make it the default; omitted (or null) fields stay as they are. */
  async updateToken(tokenId: string, patch: UpdateTokenParams): Promise<TokenSummary> {
    return camelKeys(await this.#call<Wire.TokenSummary>('PATCH', `/tokens/${seg(tokenId)}/metadata`, snakeKeys(patch)));
  }

  /** Revoke at the provider (RFC 7009, best effort), then delete. */
  async deleteToken(tokenId: string): Promise<void> {
    await this.#call<undefined>('DELETE', `/tokens/${seg(tokenId)}`, undefined, this.#timeoutMs, 204);
  }

  async listAgentConnections(agentId: string): Promise<AgentConnection[]> {
    return (await this.#call<Wire.AgentConnectionsResponse>('GET', `/agents/${seg(agentId)}/connections`)).data.map((c) => camelKeys(c));
  }

  /** Owner key only: hand one of this key's accounts to an agent (recorded as an approval). */
  async createAgentConnection(agentId: string, oauthTokenId: string): Promise<AgentConnection> {
    const body: Wire.CreateAgentConnectionRequest = { oauth_token_id: oauthTokenId };
    return camelKeys(await this.#call<Wire.AgentConnectionResponse>('POST', `/agents/${seg(agentId)}/connections`, body, this.#timeoutMs, 201));
  }

  async deleteAgentConnection(agentId: string, connectionId: string): Promise<void> {
    await this.#call<undefined>('DELETE', `/agents/${seg(agentId)}/connections/${seg(connectionId)}`, undefined, this.#timeoutMs, 204);
  }

  /** Owner key only: import a token obtained elsewhere as the agent's account for the provider. */
  async upsertAgentProviderToken(agentId: string, providerId: string, params: UpsertAgentTokenParams): Promise<AgentConnection> {
    return camelKeys(await this.#call<Wire.AgentConnectionResponse>('POST', `/agents/${seg(agentId)}/providers/${seg(providerId)}/tokens`, snakeKeys(params), this.#timeoutMs, 201));
  }

  async slackWorkspaceTokensExist(): Promise<boolean> {
    return (await this.#call<Wire.SlackWorkspaceExistsResponse>('GET', '/tokens/workspace/slack/exists')).has_token;
  }

  /** Owner key only: revoke and delete every Slack account. */
  async revokeSlackWorkspaceTokens(): Promise<Wire.SlackWorkspaceRevokeResponse> {
    return this.#call('DELETE', '/tokens/workspace/slack');
  }
}
