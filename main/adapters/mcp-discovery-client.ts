/**
 * The HTTP half of MCP discovery (core/mcp): find an MCP server's protected-resource
 * metadata (RFC 9728) and register a client (RFC 7591). Parsing and validation stay in
 * core; this file only moves bytes, with the same deadlines and failure classes as the
 * OAuth client (UpstreamError).
 */
import { resourceMetadataUrl, wellKnownMetadataUrls } from '../core/mcp/protected-resource.ts';
import type { ClientRegistrationRequest, OAuthClient, ProtectedResourceMetadataDocument } from '../core/ports.ts';
import { checkEndpointUrl } from '../core/providers.ts';
import { UpstreamError } from '../core/upstream-error.ts';

/** Metadata documents are small; refuse to buffer anything that is not. */
const MAX_DOCUMENT_BYTES = 64 * 1024;

export interface McpDiscoveryClientOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  allowInsecureEndpoints: boolean;
}

export type McpDiscoveryClient = Required<Pick<OAuthClient, 'fetchProtectedResourceMetadata' | 'registerClient'>>;

export function createMcpDiscoveryClient(options: McpDiscoveryClientOptions): McpDiscoveryClient {
  const send = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await options.fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (err) {
      if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
        throw new UpstreamError('transient', `${url} did not answer in time`, null, err);
      }
      throw new UpstreamError('transient', `${url} is unreachable (${err instanceof Error ? err.message : String(err)})`, null, err);
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

  return {
    async fetchProtectedResourceMetadata(serverUrl: string): Promise<ProtectedResourceMetadataDocument> {
      // RFC 9728 §5.1: an unauthenticated request draws a 401 whose Bearer challenge names
      // the metadata. GET, because it changes nothing on a server that answers it anyway.
      const probe = await send(serverUrl, { method: 'GET', redirect: 'manual', headers: { accept: 'application/json, text/event-stream' } });
      await probe.body?.cancel().catch(() => {});
      const advertised = resourceMetadataUrl(probe.headers.get('www-authenticate'), serverUrl);
      const candidates = advertised ? [advertised] : wellKnownMetadataUrls(serverUrl);
      const misses: string[] = [];
      for (const url of candidates) {
        checkUrl(url);
        const res = await send(url, { method: 'GET', headers: { accept: 'application/json' } });
        if (res.status === 200) return { url, document: await readJson(res, url) };
        await res.body?.cancel().catch(() => {});
        misses.push(`${url} answered HTTP ${res.status}`);
        // Only a missing document sends us on to the next candidate.
        if (res.status !== 404) break;
      }
      const how = advertised ? 'the metadata URL named by its 401 challenge failed:' : `it answered HTTP ${probe.status} without a Bearer resource_metadata challenge, and`;
      throw new UpstreamError('protocol', `${how} ${misses.join(', ')}`);
    },

    async registerClient(endpoint: string, metadata: ClientRegistrationRequest): Promise<unknown> {
      checkUrl(endpoint);
      const res = await send(endpoint, {
        method: 'POST',
        redirect: 'error',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(metadata),
      });
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
