/** Domain records → the exact JSON shapes of agent-auth-api.md §3–§4, as the contract declares them. */
import type { Wire } from '../contract/agent-auth.ts';
import type { AuthenticateResult, WaitResult } from '../core/auth-requests.ts';
import type { Provider } from '../core/model.ts';

/** One organization per Latchkey install; the SDK only needs the field to exist. */
export const LOCAL_ORGANIZATION_ID = '4c617463-686b-4579-8000-000000000001';

const iso = (ms: number): string => new Date(ms).toISOString();

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
  if (r.status === 'completed' && r.token !== null) {
    return r.expiresAt === null
      ? { status: 'completed', url: null, auth_id: null, token: r.token }
      : { status: 'completed', url: null, auth_id: null, token: r.token, expires_at: iso(r.expiresAt) };
  }
  if (r.url !== null && r.authId !== null) return { status: 'pending', url: r.url, auth_id: r.authId, token: null };
  return { status: 'pending', url: null, auth_id: null, token: null };
}

export function waitToWire(r: WaitResult): Wire.WaitResponse {
  if (r.status === 'completed') {
    return r.expiresAt === null ? { status: r.status, token: r.token } : { status: r.status, token: r.token, expires_at: iso(r.expiresAt) };
  }
  if (r.status === 'denied' || r.status === 'failed') return { status: r.status, token: null, detail: r.detail };
  return { status: r.status, token: null };
}
