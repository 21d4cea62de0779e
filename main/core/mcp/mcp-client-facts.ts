/**
 * What `mcp-discover` learned about an MCP provider that a provider row has no column for:
 * the RFC 8707 resource its metadata advertises, the default scopes, and the registration
 * (endpoint and redirect URI) of a dynamically registered client. Kept in the settings
 * table under the provider id; written whenever discovery creates the provider, read only
 * for providers that have an `mcpServerUrl`, so an entry left by a deleted provider is
 * overwritten by the next discovery of that id and ignored otherwise.
 */
import type { Provider } from '../model.ts';
import type { Store } from '../ports.ts';

export interface McpClientFacts {
  /** The protected-resource metadata's `resource`, verbatim: the RFC 8707 indicator to send. */
  resource: string;
  /** Scopes to ask for when a request names none (challenge `scope`, else `scopes_supported`). */
  scopes: string[];
  /** The scopes named at registration (those of `scopes` the authorization server lists). */
  registrationScopes: string[];
  /** RFC 7591 registration endpoint; null for a client registered by hand. */
  registrationEndpoint: string | null;
  /** The redirect URI the dynamic client was registered with. */
  redirectUri: string | null;
}

type Settings = Pick<Store['settings'], 'get' | 'set'>;

const key = (providerId: string): string => `mcp_client:${providerId}`;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

export function readMcpClientFacts(settings: Settings, providerId: string): McpClientFacts | null {
  const raw = settings.get(key(providerId));
  if (raw === undefined) return null;
  try {
    const v = JSON.parse(raw) as Partial<McpClientFacts>;
    if (typeof v.resource !== 'string') return null;
    return {
      resource: v.resource,
      scopes: strings(v.scopes),
      registrationScopes: strings(v.registrationScopes),
      registrationEndpoint: typeof v.registrationEndpoint === 'string' ? v.registrationEndpoint : null,
      redirectUri: typeof v.redirectUri === 'string' ? v.redirectUri : null,
    };
  } catch {
    return null;
  }
}

export function writeMcpClientFacts(settings: Settings, providerId: string, facts: McpClientFacts): void {
  settings.set(key(providerId), JSON.stringify(facts));
}

/**
 * The RFC 8707 `resource` for a provider's authorization and token requests, or null for a
 * provider that is not an MCP server. Providers discovered before the advertised resource
 * was recorded send their server URL, as they always did.
 */
export function mcpResource(settings: Settings, p: Provider): string | null {
  if (p.mcpServerUrl === null) return null;
  return readMcpClientFacts(settings, p.providerId)?.resource ?? p.mcpServerUrl;
}

/** The scopes an MCP provider's consent asks for when the request names none. */
export function mcpDefaultScopes(settings: Settings, p: Provider): string[] {
  if (p.mcpServerUrl === null) return [];
  return readMcpClientFacts(settings, p.providerId)?.scopes ?? [];
}
