/**
 * Domain records. Times are epoch milliseconds (read through the Clock port);
 * the HTTP layer renders them as ISO-8601 UTC.
 */
import type { ScopeSet } from './scopes.ts';

export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';
export type Role = 'owner' | 'agent';

export interface Provider {
  /** Record id (UUID). */
  id: string;
  /** The slug the SDK uses in paths and in `authenticate(provider=…)`. */
  providerId: string;
  name: string;
  clientId: string;
  hasClientSecret: boolean;
  authUrl: string;
  tokenUrl: string;
  usesPkce: boolean;
  codeChallengeMethod: string | null;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  providerType: string | null;
  authorizationParams: Record<string, string>;
  allowedRedirectUris: string[];
  mcpServerUrl: string | null;
  isDynamicClient: boolean;
  /** RFC 7009 endpoint, from a template or discovery. */
  revocationUrl: string | null;
  /** Issuer identifier when known (discovery); enables RFC 9207 `iss` checks. */
  issuer: string | null;
  /** Whether the issuer advertised `authorization_response_iss_parameter_supported`. */
  issParameterSupported: boolean;
  /** The catalog template this provider was made from; its quirks apply (core/templates). */
  templateId: string | null;
  /** OpenID userinfo endpoint (from discovery): where an account's label comes from. */
  userinfoUrl: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ApiKey {
  id: string;
  label: string;
  role: Role;
  /** SHA-256 of the key, hex. The key itself is never stored. */
  hash: string;
  createdAt: number;
  revokedAt: number | null;
}

/** What a provider's token endpoint gave us. Stored only encrypted. */
export interface TokenSet {
  accessToken: string;
  tokenType: string;
  refreshToken: string | null;
  /** Epoch ms; null when the provider gave no expiry (e.g. GitHub OAuth Apps). */
  expiresAt: number | null;
  /**
   * Epoch ms when the provider issued the set: with `expiresAt` it gives the lifetime that
   * bounds the refresh margin (core/refresh.ts). Absent in sets sealed before it was recorded.
   */
  issuedAt?: number;
  idToken: string | null;
  /** Everything else the provider returned, kept for provider-specific fields (instance_url…). */
  extra: Record<string, unknown>;
}

export type ConnectionStatus = 'ok' | 'needs_reauth';
/** `flow`: made by an OAuth flow Latchkey ran; `import`: a token the owner brought in, bound to an agent. */
export type ConnectionSource = 'flow' | 'import';

/**
 * One account at a provider (upstream calls it a token). A namespace (provider, key, user,
 * agent) may hold several; exactly one of them is its default.
 */
export interface Connection {
  /** UUID; the `token_id` of the upstream API. */
  id: string;
  providerId: string;
  keyId: string;
  userId: string;
  agentId: string | null;
  scopes: ScopeSet;
  status: ConnectionStatus;
  /** Bumped on every token write; bound into the ciphertext's associated data. */
  generation: number;
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
  lastRefreshAt: number | null;
  /** Who the account is at the provider (login, e-mail), from its identity or the owner; shown, never trusted. */
  label: string | null;
  isDefault: boolean;
  source: ConnectionSource;
  /** GitHub App installation this account came with, if any. */
  installationId: number | null;
  /** Free-form metadata an import carried; never interpreted. */
  metadata: Record<string, unknown> | null;
}

/** The owner bound one account to an agent of the account's key (upstream "agent connection"). */
export interface AgentConnection {
  id: string;
  keyId: string;
  agentId: string;
  providerId: string;
  connectionId: string;
  /** The label of the key (or "Latchkey window") that made the binding. */
  createdBy: string;
  createdAt: number;
}

export type RequestStatus = 'pending' | 'completed' | 'denied' | 'failed';
/** How long an approval (or a remembered denial) lasts: the one list of choices, shortest first. */
export const GRANT_DURATION_VALUES = ['once', '1h', '8h', '30d', 'forever'] as const;
export type GrantDuration = (typeof GRANT_DURATION_VALUES)[number];
export type DecisionChannel = 'browser' | 'cli' | 'window' | 'tray' | 'policy' | 'api';

/** An agent's request for a token that could not be answered at once. */
export interface AuthRequest {
  authId: string;
  /**
   * The `<t>` of the agent's `/start/<t>` link. Kept so identical requests get the same
   * `url` back; it is a 15-minute capability for a page that still needs the owner.
   */
  startToken: string;
  keyId: string;
  providerId: string;
  userId: string;
  agentId: string | null;
  /** What the agent asked for. */
  scopes: ScopeSet;
  /** What the provider consent asks for: the union of held and requested (incremental consent). */
  consentScopes: ScopeSet;
  status: RequestStatus;
  /** The owner (or policy) said yes; consent may still be outstanding. */
  approved: boolean;
  /** A provider consent is still needed before a token exists. */
  needsConsent: boolean;
  /** Approved by policy (auto-owner): the agent's link may go straight to consent. */
  autoApproved: boolean;
  forceNew: boolean;
  /** The account the agent named (`token_id`); the flow, if any, reconnects that account. */
  tokenId: string | null;
  /** A new account made by this request's flow becomes the default (`is_default`, default true). */
  makeDefault: boolean;
  /** The LangSmith user id the agent sent: shown to the human, never used for keying. */
  lsUserId: string | null;
  /** An allowed `redirect_uri` other than Latchkey's loopback callback, if the agent chose one. */
  redirectUri: string | null;
  grantDuration: GrantDuration | null;
  decidedVia: DecisionChannel | null;
  connectionId: string | null;
  detail: string | null;
  createdAt: number;
  expiresAt: number;
  decidedAt: number | null;
}

export interface Grant {
  id: string;
  keyId: string;
  agentId: string | null;
  userId: string;
  providerId: string;
  scopes: ScopeSet;
  /**
   * The account this "yes" covers. null only until the approved request's flow produces an
   * account (then it is bound); a grant never moves to another account (issue 14).
   */
  connectionId: string | null;
  /** null = until revoked. */
  expiresAt: number | null;
  /** `once` grants allow one release, then are spent. */
  usesLeft: number | null;
  /** `deny` remembers a denial so a looping agent stops prompting. */
  effect: 'allow' | 'deny';
  decidedVia: DecisionChannel;
  createdAt: number;
  revokedAt: number | null;
}

/** One OAuth authorization-code attempt for a request (a request may be retried in the browser). */
export interface OAuthFlow {
  stateHash: string;
  authId: string;
  providerId: string;
  /** SHA-256 of the browser binding (kept in localStorage by the page, S33); null for flows forwarded headlessly. */
  bindingHash: string | null;
  /** PKCE verifier, sealed by the vault; null when the provider is configured without PKCE. */
  codeVerifierCiphertext: Buffer | null;
  redirectUri: string;
  createdAt: number;
  usedAt: number | null;
}

/** A key Latchkey has never seen, waiting for the owner to adopt it (design.md §4). */
export interface Pairing {
  id: string;
  keyHash: string;
  /** The first characters of the key, enough to recognise it, never enough to use it. */
  keyHint: string;
  firstSeenAt: number;
  lastSeenAt: number;
  attempts: number;
}

/** One line of the append-only activity log. Never holds a token or secret. */
export interface ActivityEntry {
  id?: number;
  at: number;
  type: string;
  keyId: string | null;
  keyLabel: string | null;
  agentId: string | null;
  userId: string | null;
  providerId: string | null;
  scopes: readonly string[] | null;
  authId: string | null;
  decision: string | null;
  channel: string | null;
  detail: string | null;
  count: number;
}

export interface ActivityFilter {
  providerId?: string | undefined;
  agentId?: string | undefined;
  keyLabel?: string | undefined;
  type?: string | undefined;
  decision?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
  /** Entries with id < before (paging backwards from the newest). */
  before?: number | undefined;
  limit: number;
}
