/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) for MCP servers: where to find the
 * document, and what a usable one must say. Pure functions; the fetching is an adapter's.
 * @see https://www.rfc-editor.org/rfc/rfc9728.html
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization
 */
import { parseChallenges } from './www-authenticate.ts';

/** RFC 9728 §3: the well-known URI suffix. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** The fields of RFC 9728 §2 that Latchkey acts on. */
export interface ProtectedResourceMetadata {
  resource: string;
  /** Issuer identifiers of the authorization servers that protect the resource (RFC 8414). */
  authorizationServers: string[];
  scopesSupported: string[];
}

/**
 * The `resource_metadata` parameter of a Bearer challenge on a 401, resolved against the
 * URL that was requested, or null when the challenge does not name one.
 * @see https://www.rfc-editor.org/rfc/rfc9728.html#section-5.1
 */
export function resourceMetadataUrl(wwwAuthenticate: string | null, requestedUrl: string): string | null {
  if (!wwwAuthenticate) return null;
  const bearer = parseChallenges(wwwAuthenticate).find((c) => c.scheme === 'bearer' && c.params.resource_metadata);
  const value = bearer?.params.resource_metadata;
  if (!value) return null;
  try {
    return new URL(value, requestedUrl).toString();
  } catch {
    return null;
  }
}

/**
 * Where to look when the server sent no `resource_metadata`: the well-known suffix inserted
 * between host and path (RFC 9728 §3.1), then — for a resource with a path — the origin's
 * root document, the fallback the MCP authorization spec has clients try next.
 * @see https://www.rfc-editor.org/rfc/rfc9728.html#section-3.1
 */
export function wellKnownMetadataUrls(resource: string): string[] {
  const url = new URL(resource);
  // §3.1: a terminating "/" right after the host is removed before inserting the suffix.
  const path = url.pathname === '/' ? '' : url.pathname;
  const inserted = `${url.origin}${PROTECTED_RESOURCE_WELL_KNOWN}${path}${url.search}`;
  const root = `${url.origin}${PROTECTED_RESOURCE_WELL_KNOWN}`;
  return inserted === root ? [root] : [inserted, root];
}

/** Compare resource identifiers as URLs: case-insensitive host, one trailing slash ignored. */
export function normalizeResource(value: string): string {
  const url = new URL(value);
  url.hash = '';
  const href = url.toString();
  return href.endsWith('/') && url.search === '' ? href.slice(0, -1) : href;
}

export function sameResource(a: string, b: string): boolean {
  try {
    return normalizeResource(a) === normalizeResource(b);
  } catch {
    return false;
  }
}

/**
 * RFC 9728 §3.3 wants the metadata's `resource` identical to the URL the client used, so a
 * server cannot hand out another resource's metadata (§7.3). Like the MCP SDKs, Latchkey also
 * accepts a same-origin resource whose path is a prefix of the server URL (`https://h` for
 * `https://h/mcp`), the relaxation proposed in draft-mcguinness-oauth-rfc9728bis.
 */
export function resourceCovers(metadataResource: string, serverUrl: string): boolean {
  let meta: URL;
  let server: URL;
  try {
    meta = new URL(normalizeResource(metadataResource));
    server = new URL(normalizeResource(serverUrl));
  } catch {
    return false;
  }
  if (meta.origin !== server.origin) return false;
  if (meta.toString() === server.toString()) return true;
  if (meta.search !== '') return false;
  const prefix = meta.pathname.endsWith('/') ? meta.pathname : `${meta.pathname}/`;
  return server.pathname.startsWith(prefix);
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Validate a fetched metadata document for the MCP server at `serverUrl`. Throws an Error
 * whose message finishes the sentence "the protected-resource metadata …".
 * @see https://www.rfc-editor.org/rfc/rfc9728.html#section-2
 */
export function parseProtectedResourceMetadata(document: unknown, serverUrl: string): ProtectedResourceMetadata {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new Error('is not a JSON object');
  }
  const doc = document as Record<string, unknown>;
  if (typeof doc.resource !== 'string' || doc.resource === '') throw new Error("has no 'resource' (RFC 9728 §2)");
  if (!resourceCovers(doc.resource, serverUrl)) {
    throw new Error(`names resource '${doc.resource}', which is not ${serverUrl} (RFC 9728 §3.3)`);
  }
  const servers = doc.authorization_servers;
  if (!isStringArray(servers) || servers.length === 0) {
    throw new Error("lists no 'authorization_servers', so there is no authorization server to sign in with");
  }
  return {
    resource: doc.resource,
    authorizationServers: servers,
    scopesSupported: isStringArray(doc.scopes_supported) ? doc.scopes_supported : [],
  };
}
