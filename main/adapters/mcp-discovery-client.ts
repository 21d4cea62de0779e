/**
 * The HTTP half of MCP discovery (core/mcp): find an MCP server's protected-resource
 * metadata (RFC 9728) and register a client (RFC 7591). Parsing and validation stay in
 * core; this file only moves bytes, with the same deadlines and failure classes as the
 * OAuth client (UpstreamError).
 */
import { resourceMetadataUrl, wellKnownMetadataUrls } from '../core/mcp/protected-resource.ts';
import { parseChallenges } from '../core/mcp/www-authenticate.ts';
import type { ClientRegistrationRequest, OAuthClient, ProtectedResourceMetadataDocument } from '../core/ports.ts';
import { checkEndpointUrl } from '../core/providers.ts';
import { UpstreamError } from '../core/upstream-error.ts';

/** Metadata documents are small; refuse to buffer anything that is not. */
const MAX_DOCUMENT_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/**
 * MCP clients send the protocol version on every HTTP request, discovery included, so a
 * server can answer with the metadata layout of that version.
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#protocol-version-header
 */
export const MCP_PROTOCOL_VERSION = '2025-06-18';
export const MCP_HEADERS: Readonly<Record<string, string>> = { 'mcp-protocol-version': MCP_PROTOCOL_VERSION };

const isLoopback = (url: string): boolean => LOOPBACK.has(new URL(url).hostname);

function resolveRedirect(location: string, base: string): string {
  try {
    return new URL(location, base).toString();
  } catch {
    throw new UpstreamError('protocol', `${base} redirected to an invalid URL`);
  }
}

/** The `scope` a Bearer challenge asks for (RFC 6750 §3), the MCP client's first choice of scopes. */
function challengeScope(header: string | null): string | null {
  if (!header) return null;
  return parseChallenges(header).find((c) => c.scheme === 'bearer' && c.params.scope)?.params.scope ?? null;
}

export interface McpDiscoveryClientOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  allowInsecureEndpoints: boolean;
}

export type McpDiscoveryClient = Required<Pick<OAuthClient, 'fetchProtectedResourceMetadata' | 'registerClient'>>;

export function createMcpDiscoveryClient(options: McpDiscoveryClientOptions): McpDiscoveryClient {
  /**
   * One request, no redirect followed. Every network failure reads the same — "unreachable",
   * nothing about refused, reset or silent ports — so the detail of a failed discovery
   * cannot map which loopback ports listen (S40).
   */
  const send = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await options.fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (err) {
      throw new UpstreamError('transient', `${url} is unreachable`, null, err);
    }
  };

  /** Fetched URLs come from the network; hold them to the provider-URL rule (S17). */
  const checkUrl = (url: string): void => {
    try {
      checkEndpointUrl('url', url, options.allowInsecureEndpoints);
    } catch {
      throw new UpstreamError('protocol', `refusing to fetch ${url}: only https (or loopback http) is allowed`);
    }
  };

  /**
   * GET, following redirects one hop at a time: each target passes the same URL rule as the
   * first URL, and no hop leads from another host into this machine's loopback (S40).
   */
  const get = async (url: string, headers: Record<string, string>): Promise<{ res: Response; url: string }> => {
    let current = url;
    checkUrl(current);
    for (let hop = 0; ; hop++) {
      const res = await send(current, { method: 'GET', headers: { ...headers, ...MCP_HEADERS } });
      const location = REDIRECTS.has(res.status) ? res.headers.get('location') : null;
      if (location === null) return { res, url: current };
      await res.body?.cancel().catch(() => {});
      if (hop === MAX_REDIRECTS) throw new UpstreamError('protocol', `${url} redirected more than ${MAX_REDIRECTS} times`);
      const next = resolveRedirect(location, current);
      checkUrl(next);
      if (isLoopback(next) && !isLoopback(current)) {
        throw new UpstreamError('protocol', `refusing to follow the redirect from ${current} to ${next}: a remote server may not send Latchkey to this machine`);
      }
      current = next;
    }
  };

  return {
    async fetchProtectedResourceMetadata(serverUrl: string): Promise<ProtectedResourceMetadataDocument> {
      // RFC 9728 §5.1: an unauthenticated request draws a 401 whose Bearer challenge names
      // the metadata. GET, because it changes nothing on a server that answers it anyway.
      const { res: probe, url: probedUrl } = await get(serverUrl, { accept: 'application/json, text/event-stream' });
      await probe.body?.cancel().catch(() => {});
      const challenge = probe.headers.get('www-authenticate');
      const advertised = resourceMetadataUrl(challenge, probedUrl);
      const candidates = advertised ? [advertised] : wellKnownMetadataUrls(serverUrl);
      const misses: string[] = [];
      for (const candidate of candidates) {
        const { res, url } = await get(candidate, { accept: 'application/json' });
        if (res.status === 200) return { url, document: await readJson(res, url), challengeScope: challengeScope(challenge) };
        await res.body?.cancel().catch(() => {});
        misses.push(`${candidate} answered HTTP ${res.status}`);
        // Only a missing document sends us on to the next candidate.
        if (res.status !== 404) break;
      }
      const how = advertised ? 'the metadata URL named by its 401 challenge failed:' : `it answered HTTP ${probe.status} without a Bearer resource_metadata challenge, and`;
      throw new UpstreamError('protocol', `${how} ${misses.join(', ')}`);
    },

    async registerClient(endpoint: string, metadata: ClientRegistrationRequest): Promise<unknown> {
      checkUrl(endpoint);
      // Never redirected: a 307 would replay the registration elsewhere.
      const res = await send(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...MCP_HEADERS },
        body: JSON.stringify(metadata),
      });
      if (REDIRECTS.has(res.status)) throw new UpstreamError('protocol', `the server answered HTTP ${res.status} (a redirect, which Latchkey does not follow for registration)`);
      // RFC 7591 §3.2.1 says 201; some servers answer 200, which carries the same body.
      if (res.status === 201 || res.status === 200) return readJson(res, endpoint);
      throw await registrationError(res);
    },
  };
}

async function readBody(res: Response, url: string): Promise<string> {
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new UpstreamError('transient', `${url} broke off its answer`, null, err);
  }
  if (text.length > MAX_DOCUMENT_BYTES) throw new UpstreamError('protocol', `${url} returned more than ${MAX_DOCUMENT_BYTES} bytes`);
  return text;
}

async function readJson(res: Response, url: string): Promise<unknown> {
  const text = await readBody(res, url);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UpstreamError('protocol', `${url} did not return JSON`);
  }
}

/** RFC 7591 §3.2.2 error bodies, e.g. `invalid_redirect_uri`, become the message. */
async function registrationError(res: Response): Promise<UpstreamError> {
  const kind = res.status >= 500 || res.status === 429 ? 'transient' : 'oauth_error';
  let body: unknown;
  try {
    body = JSON.parse(await readBody(res, res.url)) as unknown;
  } catch {
    body = null;
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.error === 'string') {
    const description = typeof b.error_description === 'string' ? ` (${b.error_description})` : '';
    return new UpstreamError(kind, `the server answered HTTP ${res.status} ${b.error}${description}`, b.error);
  }
  return new UpstreamError(kind, `the server answered HTTP ${res.status}`);
}
