/** Domain records → the exact JSON shapes of agent-auth-api.md §3–§4, as the contract declares them. */
import type { Wire } from '../contract/agent-auth.ts';
import type { AuthenticateResult, WaitResult } from '../core/auth-requests.ts';
import type { AgentConnection, Connection, Provider } from '../core/model.ts';

/** One organization per Latchkey install; the SDK only needs the field to exist. */
export const LOCAL_ORGANIZATION_ID = '4c617463-686b-4579-8000-000000000001';

/** The last conversion is kept: the hot path answers the same token's expiry call after call. */
let lastMs = Number.NaN;
let lastIso = '';
const iso = (ms: number): string => {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
};

export function providerToWire(p: Provider, redirectUri: string): Wire.ProviderResponse {
  return {
    id: p.id,
    organization_id: LOCAL_ORGANIZATION_ID,
    provider_id: p.providerId,
    name: p.name,
    client_id: p.clientId,
    auth_url: p.authUrl,
    token_url: p.tokenUrl,
    uses_pkce: p.usesPkce,
    code_challenge_method: p.codeChallengeMethod,
    provider_type: p.providerType,
    token_endpoint_auth_method: p.tokenEndpointAuthMethod,
    mcp_server_url: p.mcpServerUrl,
    is_dynamic_client: p.isDynamicClient,
    authorization_params: p.authorizationParams,
    allowed_redirect_uris: p.allowedRedirectUris,
    is_active: true,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    // Latchkey additions: what to register in the provider's console, and where revocation goes.
    redirect_uri: redirectUri,
    revocation_url: p.revocationUrl,
    has_client_secret: p.hasClientSecret,
  };
}

/** All four keys always present (the old client reads them with `[...]`). */
export function authenticateToWire(r: AuthenticateResult): Wire.AuthenticateResponse {
  const user_id = r.userId;
  if (r.status === 'completed' && r.token !== null && r.account !== null) {
    const metadata = { token_id: r.account.id, provider_account_label: r.account.label };
    return r.expiresAt === null
      ? { status: 'completed', url: null, auth_id: null, token: r.token, user_id, metadata }
      : { status: 'completed', url: null, auth_id: null, token: r.token, expires_at: iso(r.expiresAt), user_id, metadata };
  }
  if (r.url !== null && r.authId !== null) return { status: 'pending', url: r.url, auth_id: r.authId, token: null, user_id, metadata: null };
  return { status: 'pending', url: null, auth_id: null, token: null, user_id, metadata: null };
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** An account as upstream's OAuthTokenSummary: never any token material. */
export function tokenSummaryToWire(c: Connection): Wire.TokenSummary {
  return {
    id: c.id, provider_id: c.providerId, provider_account_label: c.label, scopes: [...c.scopes], expires_at: isoOrNull(c.expiresAt),
    is_default: c.isDefault, created_at: iso(c.createdAt), updated_at: iso(c.updatedAt),
  };
}

export function agentConnectionToWire(b: AgentConnection, c: Connection): Wire.AgentConnectionResponse {
  return {
    id: b.id, agent_id: b.agentId, oauth_token_id: c.id, provider_id: c.providerId, provider_account_label: c.label,
    scopes: [...c.scopes], expires_at: isoOrNull(c.expiresAt), created_by: b.createdBy, created_at: iso(b.createdAt),
  };
}

export function waitToWire(r: WaitResult): Wire.WaitResponse {
  if (r.status === 'completed') {
    return r.expiresAt === null ? { status: r.status, token: r.token } : { status: r.status, token: r.token, expires_at: iso(r.expiresAt) };
  }
  if (r.status === 'denied' || r.status === 'failed') return { status: r.status, token: null, detail: r.detail };
  return { status: r.status, token: null };
}
