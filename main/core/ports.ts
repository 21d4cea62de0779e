/**
 * Ports: everything core needs from the outside world. Adapters in main/adapters implement
 * them for real; unit tests pass small in-memory fakes. Core reads time and randomness only
 * through Clock and Ids so every expiry and TTL rule is testable without sleeping.
 */
import type { ActivityEntry, ActivityFilter, AgentConnection, ApiKey, AuthRequest, Connection, Grant, OAuthFlow, Pairing, Provider, TokenEndpointAuthMethod, TokenSet } from './model.ts';
import type { ScopeSet } from './scopes.ts';
import type { ProviderQuirks } from './templates/template.ts';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface Ids {
  uuid(): string;
  /** A URL-safe random string carrying `bytes` bytes of entropy. */
  token(bytes: number): string;
}

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** Where the master key comes from: the OS keychain, or a passphrase the owner opted in to (design.md §3). */
export type VaultKind = 'keychain' | 'passphrase';

export type KeychainStatus =
  | { ok: true; backend: string; vault?: VaultKind }
  | { ok: false; backend: string; reason: string; vault?: VaultKind };

/**
 * Envelope encryption: secrets are sealed with a master key that lives in the OS keychain.
 * `aad` binds a ciphertext to its row (and generation) so ciphertexts cannot be swapped.
 */
export interface Vault {
  status(): KeychainStatus;
  /** Throws KeychainUnavailable when there is no usable keychain. */
  seal(plaintext: string, aad: string): Buffer;
  open(ciphertext: Buffer, aad: string): string;
}

export interface ProviderRecord extends Provider {
  clientSecretCiphertext: Buffer | null;
}

export interface ConnectionRecord extends Connection {
  tokenCiphertext: Buffer | null;
}

export interface AuthRequestRecord extends AuthRequest {
  dedupeKey: string;
}

/** Persistence. One implementation over SQLite; every method is synchronous (better-sqlite3). */
export interface Store {
  transaction<T>(fn: () => T): T;
  /** Changes whenever another process commits to the database (SQLite `data_version`): caches compare it. */
  externalVersion(): number;

  providers: {
    list(): ProviderRecord[];
    get(providerId: string): ProviderRecord | undefined;
    insert(p: ProviderRecord): void;
    update(p: ProviderRecord): void;
    delete(providerId: string): void;
  };
  keys: {
    list(): ApiKey[];
    byHash(hash: string): ApiKey | undefined;
    byId(id: string): ApiKey | undefined;
    insert(k: ApiKey): void;
    revoke(id: string, at: number): void;
  };
  connections: {
    /** The default account of a namespace (provider, key, user, agent). */
    findDefault(providerId: string, keyId: string, userId: string, agentId: string | null): ConnectionRecord | undefined;
    /** Every account of a namespace, oldest first. */
    listIn(providerId: string, keyId: string, userId: string, agentId: string | null): ConnectionRecord[];
    byId(id: string): ConnectionRecord | undefined;
    listForKey(keyId: string, providerId?: string): ConnectionRecord[];
    listAll(): ConnectionRecord[];
    upsert(c: ConnectionRecord): void;
    /** Make this account its namespace's default (the others lose the flag), in one statement pair. */
    setDefault(id: string): void;
    delete(id: string): void;
  };
  agentConnections: {
    listForAgent(keyId: string, agentId: string): AgentConnection[];
    find(keyId: string, agentId: string, providerId: string): AgentConnection | undefined;
    byId(id: string): AgentConnection | undefined;
    listForConnection(connectionId: string): AgentConnection[];
    listAll(): AgentConnection[];
    /** Insert, replacing the binding of the same (key, agent, provider). */
    put(a: AgentConnection): void;
    delete(id: string): void;
    deleteForProvider(providerId: string): void;
  };
  requests: {
    get(authId: string): AuthRequestRecord | undefined;
    byStartToken(token: string): AuthRequestRecord | undefined;
    findPending(dedupeKey: string, now: number): AuthRequestRecord | undefined;
    /** The newest request with this dedupe key, whatever its status. */
    findLatest(dedupeKey: string): AuthRequestRecord | undefined;
    listPending(now: number): AuthRequestRecord[];
    insert(r: AuthRequestRecord): void;
    update(r: AuthRequestRecord): void;
    deleteForProvider(providerId: string): void;
    /** Drop requests whose keep-window has passed. */
    prune(decidedBefore: number, pendingExpiredBefore: number): number;
  };
  grants: {
    listLive(keyId: string, providerId: string, userId: string, agentId: string | null, now: number): Grant[];
    listAll(now: number): Grant[];
    byId(id: string): Grant | undefined;
    insert(g: Grant): void;
    /** Take one use of a single-use grant; false when none was left (a conditional update, S38). */
    spend(id: string): boolean;
    revoke(id: string, at: number): void;
    /** Name the account for a subject's allow grants that were waiting for one (connectionId null). */
    bindPending(s: { keyId: string; providerId: string; userId: string; agentId: string | null }, connectionId: string): void;
    /** Revoke every live grant covering this account (it is deleted or unbound). */
    revokeForConnection(connectionId: string, at: number, agentId?: string | null): void;
    deleteForProvider(providerId: string): void;
  };
  flows: {
    get(stateHash: string): OAuthFlow | undefined;
    insert(f: OAuthFlow): void;
    markUsed(stateHash: string, at: number): boolean;
    /** Drops a request's not-yet-used attempts (a new attempt supersedes them). */
    deleteUnusedForRequest(authId: string): number;
    deleteForProvider(providerId: string): void;
    prune(createdBefore: number): number;
  };
  settings: {
    get(key: string): string | undefined;
    set(key: string, value: string): void;
  };
  pairings: {
    list(): Pairing[];
    byHash(hash: string): Pairing | undefined;
    byId(id: string): Pairing | undefined;
    upsert(p: Pairing): void;
    delete(id: string): void;
  };
  activity: {
    append(entries: readonly ActivityEntry[]): void;
    query(filter: ActivityFilter): ActivityEntry[];
    prune(before: number): number;
  };
}

/** The subset of a token-endpoint answer core relies on (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: string;
  refresh_token?: string | undefined;
  expires_in?: number | undefined;
  scope?: string | undefined;
  id_token?: string | undefined;
  [extra: string]: unknown;
}

export interface OAuthClientConfig {
  provider: Provider;
  clientSecret: string | null;
  /** Template quirks for this provider ({} for a plain RFC 6749 provider). */
  quirks: ProviderQuirks;
  /** RFC 8707 `resource` for code and refresh requests (MCP providers; core/mcp/mcp-client-facts.ts). */
  resource?: string | null | undefined;
}

/** Authorization-server metadata (RFC 8414 / OpenID Discovery), issuer already verified. */
export interface ServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string | undefined;
  registration_endpoint?: string | undefined;
  authorization_response_iss_parameter_supported?: boolean | undefined;
  code_challenge_methods_supported?: string[] | undefined;
  token_endpoint_auth_methods_supported?: string[] | undefined;
  scopes_supported?: string[] | undefined;
  userinfo_endpoint?: string | undefined;
}

export interface DiscoverOptions {
  /** Discovery on behalf of an MCP server: requests carry the MCP-Protocol-Version header. */
  forMcp?: boolean;
}

/** Talks to providers. Implemented with oauth4webapi. */
export interface OAuthClient {
  /**
   * Fetch the issuer's metadata (OpenID Discovery, then RFC 8414). Metadata whose `issuer`
   * differs from the one asked for is refused (RFC 8414 §3.3, S13).
   */
  discover(issuer: string, options?: DiscoverOptions): Promise<ServerMetadata>;
  pkce(): Promise<{ verifier: string; challenge: string }>;
  /**
   * Validate the authorization response (RFC 9207 `iss` when the issuer advertises it) and
   * redeem the code. `callbackParams` is the full query/body of the redirect.
   */
  /**
   * RFC 9207: throw an UpstreamError (`iss_mismatch`) when the authorization response — a
   * success or an error — carries a foreign `iss`, or none although the issuer promised it.
   */
  checkIssuer(cfg: OAuthClientConfig, callbackParams: URLSearchParams): void;
  exchangeCode(cfg: OAuthClientConfig, input: { callbackParams: URLSearchParams; expectedState: string; redirectUri: string; codeVerifier: string | null }): Promise<TokenResponse>;
  refresh(cfg: OAuthClientConfig, refreshToken: string, scopes: ScopeSet): Promise<TokenResponse>;
  revoke(cfg: OAuthClientConfig, token: string, hint: 'access_token' | 'refresh_token'): Promise<void>;
  /**
   * MCP discovery (core/mcp): locate and fetch an MCP server's RFC 9728 protected-resource
   * metadata — the `resource_metadata` of the 401 challenge an unauthenticated request
   * gets, else the well-known URLs. Returns the raw document; core validates it.
   */
  fetchProtectedResourceMetadata(serverUrl: string): Promise<ProtectedResourceMetadataDocument>;
  /** RFC 7591 §3.1 registration; returns the raw response body (§3.2.1) for core to read. */
  registerClient(registrationEndpoint: string, metadata: ClientRegistrationRequest): Promise<unknown>;
  /**
   * GET a JSON identity document (OpenID userinfo, GitHub `/user`) with a new access token.
   * Used only to label the account (core/identity.ts); the answer is never trusted for access.
   */
  fetchIdentity(cfg: OAuthClientConfig, url: string, accessToken: string): Promise<unknown>;
}

/** A protected-resource metadata document as fetched, and the URL it came from. */
export interface ProtectedResourceMetadataDocument {
  url: string;
  document: unknown;
  /** The `scope` of the 401's Bearer challenge, if it named one (MCP's first choice of scopes). */
  challengeScope: string | null;
}

/** The RFC 7591 §2 client metadata Latchkey registers with. */
export interface ClientRegistrationRequest {
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  application_type: 'native';
  /** Space-separated scopes the client will ask for (RFC 7591 §2). */
  scope?: string;
}

export type { TokenSet };
