/**
 * The Agent Auth API on the wire (agent-auth-api.md §2–§5): every request body and every
 * 200 answer of the routes under `/v2/auth` (and `/api-host/v2/auth`), snake_case as sent.
 *
 * These plain types are the one declaration of the agent-facing contract. The client speaks
 * them; the broker's zod schemas (main/contract/agent-auth.ts) are checked against them at
 * compile time and its answers are built as them, so the two cannot drift apart. No runtime
 * code and no dependencies live here: the client package ships it as is.
 */

/** POST /v2/auth/authenticate. Unknown fields are ignored and camelCase aliases accepted by the broker. */
export interface AuthenticateRequest {
  provider: string;
  scopes: string[];
  user_id?: string | null | undefined;
  ls_user_id?: string | null | undefined;
  agent_id?: string | null | undefined;
  force_new?: boolean | null | undefined;
  check_only?: boolean | null | undefined;
  /** One account (a UUID from GET /v2/auth/tokens); absent: the agent's bound account, else the default. */
  token_id?: string | null | undefined;
  /** A new account made by this request's consent becomes the default (default true). */
  is_default?: boolean | null | undefined;
  /** Only Latchkey's own callback or one of the provider's `allowed_redirect_uris`. */
  redirect_uri?: string | null | undefined;
  /** Upstream's hosted-OAuth switch: accepted and ignored (there is no hosted OAuth app locally). */
  use_agent_builder_public_oauth?: boolean | null | undefined;
}

/** On `completed`: the account released. Null otherwise. */
export interface AuthenticateMetadata { token_id: string; provider_account_label: string | null }

/**
 * All four SDK keys always present, null where unused (the old client reads them with `[...]`),
 * plus upstream's `user_id` (the user the request was resolved to) and `metadata`.
 * `connection_required` and `token_expired` are never sent (docs/api-compatibility.md).
 */
export type AuthenticateResponse = { user_id: string } & (
  | { status: 'completed'; url: null; auth_id: null; token: string; expires_at?: string; metadata: AuthenticateMetadata }
  | { status: 'pending'; url: string; auth_id: string; token: null; metadata: null }
  /** `check_only` with nothing to give: no request was created. */
  | { status: 'pending'; url: null; auth_id: null; token: null; metadata: null });

/**
 * GET /v2/auth/wait/{auth_id}?timeout=N. `denied` and `failed` are Latchkey's: both SDK
 * versions raise on them, and `detail` says why (the 0.2 Python client prints only the status).
 */
export type WaitResponse =
  | { status: 'completed'; token: string; expires_at?: string }
  | { status: 'timeout' | 'not_found'; token: null }
  | { status: 'denied' | 'failed'; token: null; detail: string };

export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

/** The provider object of agent-auth-api.md §3 (routes that return a provider). */
export interface ProviderResponse {
  id: string;
  organization_id: string;
  provider_id: string;
  name: string;
  client_id: string;
  auth_url: string;
  token_url: string;
  uses_pkce: boolean;
  code_challenge_method: string | null;
  provider_type: string | null;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  mcp_server_url: string | null;
  is_dynamic_client: boolean;
  authorization_params: Record<string, string>;
  allowed_redirect_uris: string[];
  is_active: boolean;
  created_at: string;
  updated_at: string;
  /** Latchkey: the redirect URI to register in the provider's console. */
  redirect_uri: string;
  /** Latchkey: the RFC 7009 endpoint tokens are revoked at, if any. */
  revocation_url: string | null;
  /** Latchkey: whether a client secret is stored (the secret itself is never returned). */
  has_client_secret: boolean;
}

/** Upstream's provider types; `mcp` is only ever set by mcp-discover, never accepted as input. */
export type ProviderTypeInput = 'microsoft' | 'salesforce' | 'slack' | 'x';

/** The fields a provider is created with, and (all optional) updated with. */
export interface ProviderFields {
  name: string;
  client_id: string;
  client_secret?: string | null | undefined;
  auth_url: string;
  token_url: string;
  uses_pkce?: boolean | null | undefined;
  code_challenge_method?: 'S256' | null | undefined;
  token_endpoint_auth_method?: TokenEndpointAuthMethod | null | undefined;
  provider_type?: ProviderTypeInput | null | undefined;
  /** Added to the authorization URL; a key the broker sets itself (state, PKCE, scope…) is a 422. */
  authorization_params?: Record<string, string> | null | undefined;
  allowed_redirect_uris?: string[] | null | undefined;
  revocation_url?: string | null | undefined;
}

/** POST /v2/auth/providers */
export interface CreateProviderRequest extends ProviderFields { provider_id: string }

/**
 * PATCH /v2/auth/providers/{provider_id}: the updatable fields, each optional; null leaves a
 * field unchanged. `provider_id` must equal the path (else 400); `provider_type`,
 * `mcp_server_url` and `is_dynamic_client` are not updatable and ignored, as upstream.
 */
export interface UpdateProviderRequest {
  name?: string | null | undefined;
  client_id?: string | null | undefined;
  client_secret?: string | null | undefined;
  auth_url?: string | null | undefined;
  token_url?: string | null | undefined;
  uses_pkce?: boolean | null | undefined;
  code_challenge_method?: 'S256' | null | undefined;
  /** Latchkey extension (upstream does not update it). */
  token_endpoint_auth_method?: TokenEndpointAuthMethod | null | undefined;
  authorization_params?: Record<string, string> | null | undefined;
  allowed_redirect_uris?: string[] | null | undefined;
  revocation_url?: string | null | undefined;
  provider_id?: string | null | undefined;
}

/** POST /v2/auth/providers/mcp-discover. `client_id`/`client_secret` are Latchkey's, for servers without dynamic registration. */
export interface McpDiscoverRequest {
  provider_id: string;
  name: string;
  mcp_server_url: string;
  client_id?: string | null | undefined;
  client_secret?: string | null | undefined;
}

/** DELETE /v2/auth/providers/{provider_id} */
export interface DeleteProviderResponse { message: string }

/** GET /v2/auth/tokens/exists?provider_id= */
export interface TokenExistsResponse { has_token: boolean }

/** DELETE /v2/auth/tokens?provider_id= */
export interface RevokeTokensResponse { message: string; provider_id: string }

/** POST /v2/auth/callback/{provider_id}: a redirect forwarded headlessly with the owner key. */
export interface CallbackRequest {
  code: string;
  state: string;
  /** Latchkey: the flow's browser binding (what its callback page sends); without it, only an owner key may forward a callback. */
  binding?: string | undefined;
}
export interface CallbackResponse { status: string; provider_id: string; detail?: string }

/** GET /v2/auth/tokens[?provider_id=]: one account, never any token material (upstream OAuthTokenSummary). */
export interface TokenSummary {
  id: string;
  provider_id: string;
  provider_account_label: string | null;
  scopes: string[];
  expires_at: string | null;
  is_default: boolean;
  created_at: string;
  updated_at: string;
}

/** PATCH /v2/auth/tokens/{token_id}/metadata: null or absent leaves a field unchanged. */
export interface UpdateTokenRequest {
  provider_account_label?: string | null | undefined;
  is_default?: boolean | null | undefined;
}

/** An account bound to an agent (upstream AgentConnectionResponse: every field present). */
export interface AgentConnectionResponse {
  id: string;
  agent_id: string;
  oauth_token_id: string;
  provider_id: string;
  provider_account_label: string | null;
  scopes: string[];
  expires_at: string | null;
  created_by: string;
  created_at: string;
}

/** GET /v2/auth/agents/{agent_id}/connections */
export interface AgentConnectionsResponse { data: AgentConnectionResponse[] }

/** POST /v2/auth/agents/{agent_id}/connections (owner only, 201) */
export interface CreateAgentConnectionRequest { oauth_token_id: string }

/** POST /v2/auth/agents/{agent_id}/providers/{provider_id}/tokens (owner only, 201): import a token for the agent. */
export interface UpsertAgentTokenRequest {
  access_token: string;
  refresh_token?: string | null | undefined;
  expires_in_seconds?: number | null | undefined;
  scopes?: string[] | undefined;
  provider_account_label?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

/** GET /v2/auth/tokens/workspace/slack/exists */
export interface SlackWorkspaceExistsResponse { has_token: boolean }

/** DELETE /v2/auth/tokens/workspace/slack (owner only) */
export interface SlackWorkspaceRevokeResponse { message: string; revoked: number }

/** One FastAPI-style validation issue: `loc` names the field, e.g. `["body", "scopes", 0]`. */
export interface ValidationIssue { loc: Array<string | number>; msg: string; type: string }

/** Every non-200 answer: a sentence, or the 422 list of issues. */
export interface ErrorResponse { detail: string | ValidationIssue[] }
