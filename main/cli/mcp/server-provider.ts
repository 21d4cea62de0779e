/**
 * The broker's provider for an MCP server URL. The bridge looks for it with its agent key
 * (`GET /v2/auth/providers`: provider_type `mcp`, same resource). When there is none, it
 * creates it through the owner channel (`POST /ui/api/providers` with `kind: "mcp"`: the
 * mcp-discover path, RFC 9728 → 8414 → 7591), recorded in the activity log with the MCP
 * client's name. Creating the provider releases nothing: the token still needs the owner's
 * approval on the Pending card.
 */
import type { OAuthProvider } from '../../client/client.ts';
import { sameResource } from '../../core/mcp/protected-resource.ts';
import type { ProviderView } from '../../http/owner-api-types.ts';
import type { OwnerClient } from '../owner-client.ts';

export interface ProviderLister {
  listOAuthProviders(): Promise<OAuthProvider[]>;
}

/** A readable provider id from the URL: `mcp-example.com-mcp`, within the provider-id rule. */
export function providerIdFor(serverUrl: string): string {
  const u = new URL(serverUrl);
  const path = u.pathname.replace(/\/+$/, '').replace(/^\/+/, '').replace(/\//g, '-');
  const raw = `mcp-${u.hostname}${u.port ? `-${u.port}` : ''}${path ? `-${path}` : ''}`;
  return raw.replace(/[^A-Za-z0-9._~-]/g, '-').slice(0, 60);
}

export async function ensureServerProvider(deps: { agent: ProviderLister; owner: OwnerClient }, serverUrl: string, clientName: string | null): Promise<string> {
  const match = (p: { mcpServerUrl?: string | null }) => typeof p.mcpServerUrl === 'string' && sameResource(p.mcpServerUrl, serverUrl);
  const existing = (await deps.agent.listOAuthProviders()).find(match);
  if (existing) return existing.providerId;
  const base = providerIdFor(serverUrl);
  const taken = new Set((await deps.agent.listOAuthProviders()).map((p) => p.providerId));
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  const created = await deps.owner.call<ProviderView>('POST', '/ui/api/providers', {
    kind: 'mcp', provider_id: id, name: new URL(serverUrl).host, mcp_server_url: serverUrl, ...(clientName ? { for_client: clientName } : {}),
  });
  return created.provider_id;
}
