/** Domain records → the owner API's view shapes (owner-api-types.ts). */
import type { Core } from '../../core/core.ts';
import type { ActivityEntry, ApiKey, Connection, Grant, Pairing, Provider } from '../../core/model.ts';
import type { AuthRequestRecord } from '../../core/ports.ts';
import { findTemplate } from '../../core/templates/catalog.ts';
import type { ActivityEntryView, ConnectionView, GrantView, KeyView, PairingView, PendingRequestView, ProviderView } from '../owner-api-types.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** Human descriptions of scopes from the provider's template, where it knows them. */
export function scopeDescriptions(p: Provider | undefined, scopes: readonly string[]): Record<string, string> {
  const known = findTemplate(p?.templateId)?.scopes ?? [];
  const out: Record<string, string> = {};
  for (const s of scopes) {
    const d = known.find((k) => k.scope === s)?.description;
    if (d) out[s] = d;
  }
  return out;
}

export function pendingView(core: Core, r: AuthRequestRecord): PendingRequestView {
  const provider = core.providers.find(r.providerId);
  const held = core.connections.find(r)?.scopes ?? [];
  const presence = core.requests.presence(r);
  return {
    auth_id: r.authId, provider_id: r.providerId, provider_name: provider?.name ?? r.providerId, key_label: core.keyLabel(r.keyId),
    agent_id: r.agentId, user_id: r.userId, scopes: [...r.scopes], scope_descriptions: scopeDescriptions(provider, r.scopes),
    approved: r.approved, needs_consent: r.needsConsent, created_at: iso(r.createdAt), expires_at: iso(r.expiresAt),
    start_url: core.requests.startUrl(r),
    held_scopes: [...held], waiting: presence.waiting, last_seen_at: iso(presence.lastSeenAt), agent_gone: presence.gone,
  };
}

export function providerView(core: Core, p: Provider): ProviderView {
  return {
    provider_id: p.providerId, name: p.name, client_id: p.clientId, auth_url: p.authUrl, token_url: p.tokenUrl,
    revocation_url: p.revocationUrl, uses_pkce: p.usesPkce, token_endpoint_auth_method: p.tokenEndpointAuthMethod,
    authorization_params: p.authorizationParams, template_id: p.templateId, issuer: p.issuer, has_client_secret: p.hasClientSecret,
    provider_type: p.providerType, mcp_server_url: p.mcpServerUrl,
    redirect_uri: core.flows.redirectUri(p.providerId),
    connection_count: core.connectionsOf(p.providerId).length,
    created_at: iso(p.createdAt), updated_at: iso(p.updatedAt),
  };
}

export function connectionView(core: Core, c: Connection, now: number): ConnectionView {
  const status = c.status === 'needs_reauth' ? 'needs_reauth'
    : core.connections.isRefreshing(c.id) ? 'refreshing'
    : c.expiresAt !== null && c.expiresAt <= now ? 'expired' : 'ok';
  return {
    id: c.id, provider_id: c.providerId, provider_name: core.providers.find(c.providerId)?.name ?? c.providerId,
    key_label: core.keyLabel(c.keyId), user_id: c.userId, agent_id: c.agentId, scopes: [...c.scopes], status,
    expires_at: isoOrNull(c.expiresAt), last_refresh_at: isoOrNull(c.lastRefreshAt),
    next_refresh_at: nextRefreshAt(core, c, now),
    created_at: iso(c.createdAt), updated_at: iso(c.updatedAt),
    label: c.label, is_default: c.isDefault, source: c.source,
    bound_agents: core.accounts.bindingsOf(c.id).map((b) => ({ binding_id: b.id, agent_id: b.agentId })),
  };
}

/** When the connection is next due (core/refresh.ts), or null; an unreadable row has none. */
function nextRefreshAt(core: Core, c: Connection, now: number): string | null {
  if (c.expiresAt === null || c.status !== 'ok') return null;
  const record = core.connections.byId(c.id);
  if (!record?.tokenCiphertext) return null;
  try {
    const due = core.connections.nextRefreshAt(record);
    return due === null ? null : iso(Math.max(now, due));
  } catch {
    return null;
  }
}

export function grantView(core: Core, g: Grant): GrantView {
  return {
    id: g.id, key_label: core.keyLabel(g.keyId), agent_id: g.agentId, user_id: g.userId, provider_id: g.providerId,
    scopes: [...g.scopes], expires_at: isoOrNull(g.expiresAt), single_use: g.usesLeft !== null, decided_via: g.decidedVia,
    created_at: iso(g.createdAt),
  };
}

export function keyView(k: ApiKey): KeyView {
  return { id: k.id, label: k.label, role: k.role, created_at: iso(k.createdAt), revoked_at: isoOrNull(k.revokedAt) };
}

export function pairingView(p: Pairing): PairingView {
  return { id: p.id, key_hint: p.keyHint, first_seen_at: iso(p.firstSeenAt), last_seen_at: iso(p.lastSeenAt), attempts: p.attempts };
}

export function activityView(e: ActivityEntry): ActivityEntryView {
  return {
    id: e.id ?? 0, at: iso(e.at), type: e.type, key_label: e.keyLabel, agent_id: e.agentId, user_id: e.userId,
    provider_id: e.providerId, scopes: e.scopes === null ? null : [...e.scopes], auth_id: e.authId, decision: e.decision,
    channel: e.channel, detail: e.detail, count: e.count,
  };
}
