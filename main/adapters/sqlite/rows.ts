/**
 * Row ↔ record mapping for the SQLite store: one `fromRow` and one `toParams` per table, and
 * the column list every INSERT/UPDATE is built from (so a new column is named once).
 */
import type { ActivityEntry, AgentConnection, ApiKey, Grant, OAuthFlow, Pairing } from '../../core/model.ts';
import type { AuthRequestRecord, ConnectionRecord, ProviderRecord } from '../../core/ports.ts';

export type Row = Record<string, unknown>;

const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const bool = (v: unknown): boolean => Number(v) === 1;
const int = (b: boolean): number => (b ? 1 : 0);
const blobOrNull = (v: unknown): Buffer | null => (v === null || v === undefined ? null : (v as Buffer));
const json = <T>(v: unknown): T => JSON.parse(v as string) as T;
const jsonOrNull = <T>(v: unknown): T | null => (v === null || v === undefined ? null : json<T>(v));

export { str };

export const PROVIDER_COLUMNS = [
  'id', 'provider_id', 'name', 'client_id', 'client_secret_ct', 'auth_url', 'token_url', 'uses_pkce', 'code_challenge_method',
  'token_endpoint_auth_method', 'provider_type', 'authorization_params', 'allowed_redirect_uris', 'mcp_server_url',
  'is_dynamic_client', 'revocation_url', 'issuer', 'iss_parameter_supported', 'template_id', 'userinfo_url', 'created_at', 'updated_at',
] as const;

export function providerFromRow(r: Row): ProviderRecord {
  return {
    id: str(r.id), providerId: str(r.provider_id), name: str(r.name), clientId: str(r.client_id),
    hasClientSecret: r.client_secret_ct !== null, clientSecretCiphertext: blobOrNull(r.client_secret_ct),
    authUrl: str(r.auth_url), tokenUrl: str(r.token_url), usesPkce: bool(r.uses_pkce),
    codeChallengeMethod: strOrNull(r.code_challenge_method),
    tokenEndpointAuthMethod: str(r.token_endpoint_auth_method) as ProviderRecord['tokenEndpointAuthMethod'],
    providerType: strOrNull(r.provider_type), authorizationParams: json(r.authorization_params),
    allowedRedirectUris: json(r.allowed_redirect_uris), mcpServerUrl: strOrNull(r.mcp_server_url),
    isDynamicClient: bool(r.is_dynamic_client), revocationUrl: strOrNull(r.revocation_url), issuer: strOrNull(r.issuer),
    issParameterSupported: bool(r.iss_parameter_supported), templateId: strOrNull(r.template_id), userinfoUrl: strOrNull(r.userinfo_url),
    createdAt: num(r.created_at), updatedAt: num(r.updated_at),
  };
}

export function providerParams(p: ProviderRecord): Record<(typeof PROVIDER_COLUMNS)[number], unknown> {
  return {
    id: p.id, provider_id: p.providerId, name: p.name, client_id: p.clientId, client_secret_ct: p.clientSecretCiphertext,
    auth_url: p.authUrl, token_url: p.tokenUrl, uses_pkce: int(p.usesPkce), code_challenge_method: p.codeChallengeMethod,
    token_endpoint_auth_method: p.tokenEndpointAuthMethod, provider_type: p.providerType,
    authorization_params: JSON.stringify(p.authorizationParams), allowed_redirect_uris: JSON.stringify(p.allowedRedirectUris),
    mcp_server_url: p.mcpServerUrl, is_dynamic_client: int(p.isDynamicClient), revocation_url: p.revocationUrl,
    issuer: p.issuer, iss_parameter_supported: int(p.issParameterSupported), template_id: p.templateId, userinfo_url: p.userinfoUrl,
    created_at: p.createdAt, updated_at: p.updatedAt,
  };
}

export function keyFromRow(r: Row): ApiKey {
  return { id: str(r.id), label: str(r.label), role: str(r.role) as ApiKey['role'], hash: str(r.hash), createdAt: num(r.created_at), revokedAt: numOrNull(r.revoked_at) };
}

export const CONNECTION_COLUMNS = [
  'id', 'provider_id', 'key_id', 'user_id', 'agent_id', 'scopes', 'status', 'generation', 'token_ct', 'expires_at', 'created_at',
  'updated_at', 'last_refresh_at', 'account_label', 'is_default', 'source', 'installation_id', 'metadata',
] as const;

export function connectionFromRow(r: Row): ConnectionRecord {
  return {
    id: str(r.id), providerId: str(r.provider_id), keyId: str(r.key_id), userId: str(r.user_id), agentId: strOrNull(r.agent_id),
    scopes: json(r.scopes), status: str(r.status) as ConnectionRecord['status'], generation: num(r.generation),
    tokenCiphertext: blobOrNull(r.token_ct), expiresAt: numOrNull(r.expires_at), createdAt: num(r.created_at),
    updatedAt: num(r.updated_at), lastRefreshAt: numOrNull(r.last_refresh_at), label: strOrNull(r.account_label),
    isDefault: bool(r.is_default), source: str(r.source) as ConnectionRecord['source'], installationId: numOrNull(r.installation_id),
    metadata: jsonOrNull(r.metadata),
  };
}

export function connectionParams(c: ConnectionRecord): Record<(typeof CONNECTION_COLUMNS)[number], unknown> {
  return {
    id: c.id, provider_id: c.providerId, key_id: c.keyId, user_id: c.userId, agent_id: c.agentId, scopes: JSON.stringify(c.scopes),
    status: c.status, generation: c.generation, token_ct: c.tokenCiphertext, expires_at: c.expiresAt, created_at: c.createdAt,
    updated_at: c.updatedAt, last_refresh_at: c.lastRefreshAt, account_label: c.label, is_default: int(c.isDefault), source: c.source,
    installation_id: c.installationId, metadata: c.metadata === null ? null : JSON.stringify(c.metadata),
  };
}

export const REQUEST_COLUMNS = [
  'auth_id', 'start_token', 'dedupe_key', 'key_id', 'provider_id', 'user_id', 'agent_id', 'scopes', 'consent_scopes', 'status',
  'approved', 'needs_consent', 'auto_approved', 'force_new', 'grant_duration', 'decided_via', 'connection_id', 'detail',
  'created_at', 'expires_at', 'decided_at', 'token_id', 'make_default', 'ls_user_id', 'redirect_uri',
] as const;

export function requestFromRow(r: Row): AuthRequestRecord {
  return {
    authId: str(r.auth_id), startToken: str(r.start_token), dedupeKey: str(r.dedupe_key), keyId: str(r.key_id),
    providerId: str(r.provider_id), userId: str(r.user_id), agentId: strOrNull(r.agent_id), scopes: json(r.scopes),
    consentScopes: json(r.consent_scopes), status: str(r.status) as AuthRequestRecord['status'], approved: bool(r.approved),
    needsConsent: bool(r.needs_consent), autoApproved: bool(r.auto_approved), forceNew: bool(r.force_new),
    grantDuration: strOrNull(r.grant_duration) as AuthRequestRecord['grantDuration'],
    decidedVia: strOrNull(r.decided_via) as AuthRequestRecord['decidedVia'], connectionId: strOrNull(r.connection_id),
    detail: strOrNull(r.detail), createdAt: num(r.created_at), expiresAt: num(r.expires_at), decidedAt: numOrNull(r.decided_at),
    tokenId: strOrNull(r.token_id), makeDefault: bool(r.make_default), lsUserId: strOrNull(r.ls_user_id), redirectUri: strOrNull(r.redirect_uri),
  };
}

export function requestParams(r: AuthRequestRecord): Record<(typeof REQUEST_COLUMNS)[number], unknown> {
  return {
    auth_id: r.authId, start_token: r.startToken, dedupe_key: r.dedupeKey, key_id: r.keyId, provider_id: r.providerId,
    user_id: r.userId, agent_id: r.agentId, scopes: JSON.stringify(r.scopes), consent_scopes: JSON.stringify(r.consentScopes),
    status: r.status, approved: int(r.approved), needs_consent: int(r.needsConsent), auto_approved: int(r.autoApproved),
    force_new: int(r.forceNew), grant_duration: r.grantDuration, decided_via: r.decidedVia, connection_id: r.connectionId,
    detail: r.detail, created_at: r.createdAt, expires_at: r.expiresAt, decided_at: r.decidedAt, token_id: r.tokenId,
    make_default: int(r.makeDefault), ls_user_id: r.lsUserId, redirect_uri: r.redirectUri,
  };
}

export function grantFromRow(r: Row): Grant {
  return {
    id: str(r.id), keyId: str(r.key_id), agentId: strOrNull(r.agent_id), userId: str(r.user_id), providerId: str(r.provider_id),
    scopes: json(r.scopes), connectionId: strOrNull(r.connection_id), expiresAt: numOrNull(r.expires_at), usesLeft: numOrNull(r.uses_left),
    decidedVia: str(r.decided_via) as Grant['decidedVia'], createdAt: num(r.created_at), revokedAt: numOrNull(r.revoked_at),
    effect: str(r.effect) as Grant['effect'],
  };
}

export function agentConnectionFromRow(r: Row): AgentConnection {
  return {
    id: str(r.id), keyId: str(r.key_id), agentId: str(r.agent_id), providerId: str(r.provider_id), connectionId: str(r.connection_id),
    createdBy: str(r.created_by), createdAt: num(r.created_at),
  };
}

export function pairingFromRow(r: Row): Pairing {
  return { id: str(r.id), keyHash: str(r.key_hash), keyHint: str(r.key_hint), firstSeenAt: num(r.first_seen_at), lastSeenAt: num(r.last_seen_at), attempts: num(r.attempts) };
}

export function activityFromRow(r: Row): ActivityEntry {
  return {
    id: num(r.id), at: num(r.at), type: str(r.type), keyId: strOrNull(r.key_id), keyLabel: strOrNull(r.key_label), agentId: strOrNull(r.agent_id),
    userId: strOrNull(r.user_id), providerId: strOrNull(r.provider_id), scopes: r.scopes === null ? null : json(r.scopes), authId: strOrNull(r.auth_id),
    decision: strOrNull(r.decision), channel: strOrNull(r.channel), detail: strOrNull(r.detail), count: num(r.count),
  };
}

export function flowFromRow(r: Row): OAuthFlow {
  return {
    stateHash: str(r.state_hash), authId: str(r.auth_id), providerId: str(r.provider_id), bindingHash: strOrNull(r.binding_hash),
    codeVerifierCiphertext: blobOrNull(r.code_verifier_ct), redirectUri: str(r.redirect_uri), createdAt: num(r.created_at), usedAt: numOrNull(r.used_at),
  };
}

/** `a, b, c` / `@a, @b, @c` / `a = @a, …` from a column list. */
export const cols = (c: readonly string[]): string => c.join(', ');
export const vals = (c: readonly string[]): string => c.map((k) => `@${k}`).join(', ');
export const sets = (c: readonly string[], skip: readonly string[]): string => c.filter((k) => !skip.includes(k)).map((k) => `${k} = @${k}`).join(', ');
