/**
 * The OAuthClient port over oauth4webapi: PKCE, authorization-response validation
 * (RFC 9207 `iss`), code and refresh grants, RFC 7009 revocation.
 *
 * Every provider call has a deadline inside the SDK's 5 s budget, and every failure is
 * classified (core/upstream-error.ts) so refresh can tell a dead grant from an outage.
 */
import * as oauth from 'oauth4webapi';
import type { Provider } from '../core/model.ts';
import type { OAuthClient, OAuthClientConfig, ServerMetadata, TokenResponse } from '../core/ports.ts';
import { UpstreamError } from '../core/upstream-error.ts';
import { withTokenQuirks } from './token-quirks.ts';
import { MCP_HEADERS, createMcpDiscoveryClient } from './mcp-discovery-client.ts';

/** The SDK gives non-wait calls 5 s; leave room for our own work around the provider call. */
export const PROVIDER_TIMEOUT_MS = 3_500;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface OAuthClientOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Owner opt-in for plain-http provider endpoints beyond loopback (S17). */
  allowInsecureEndpoints?: boolean;
}

function authorizationServer(p: Provider): oauth.AuthorizationServer {
  return {
    // Without discovery there is no issuer identifier; a placeholder keeps oauth4webapi's
    // type happy and is never compared because `iss`/id_token are dropped for such providers.
    issuer: p.issuer ?? `urn:latchkey:provider:${p.providerId}`,
    authorization_endpoint: p.authUrl,
    token_endpoint: p.tokenUrl,
    ...(p.revocationUrl ? { revocation_endpoint: p.revocationUrl } : {}),
    ...(p.issParameterSupported ? { authorization_response_iss_parameter_supported: true } : {}),
  };
}

function clientAuth(cfg: OAuthClientConfig): oauth.ClientAuth {
  switch (cfg.provider.tokenEndpointAuthMethod) {
    case 'none': return oauth.None();
    case 'client_secret_basic': return oauth.ClientSecretBasic(cfg.clientSecret ?? '');
    case 'client_secret_post': return oauth.ClientSecretPost(cfg.clientSecret ?? '');
  }
}

function isInsecureAllowed(url: string, optIn: boolean): boolean {
  const u = new URL(url);
  return u.protocol === 'http:' && (optIn || LOOPBACK.has(u.hostname));
}

/** fetch's own failures: no HTTP answer at all (refused, reset, DNS, TLS, deadline). */
function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'));
}

/** Turn anything oauth4webapi or fetch throws into an UpstreamError. */
export function classify(err: unknown): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (err instanceof oauth.ResponseBodyError) {
    const message = err.error_description ? `${err.error}: ${err.error_description}` : err.error;
    if (err.error === 'invalid_grant') return new UpstreamError('invalid_grant', message, err.error, err);
    // A 5xx is transient, but what the server said goes into the detail.
    if (err.status >= 500) return new UpstreamError('transient', `provider answered HTTP ${err.status} ${message}`, err.error, err);
    return new UpstreamError('oauth_error', message, err.error, err);
  }
  if (err instanceof oauth.OperationProcessingError) {
    const cause = err.cause;
    if (cause instanceof Response && (cause.status >= 500 || cause.status === 429)) {
      return new UpstreamError('transient', `provider answered HTTP ${cause.status}`, null, err);
    }
    return new UpstreamError('protocol', `unexpected provider response (${err.message})`, null, err);
  }
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new UpstreamError('transient', 'provider did not answer in time', null, err);
  }
  if (err instanceof TypeError) return new UpstreamError('transient', `provider unreachable (${err.message})`, null, err);
  return new UpstreamError('protocol', err instanceof Error ? err.message : String(err), null, err);
}

/**
 * oauth4webapi's authorization-response check: RFC 9207 `iss` first, then `state`, then an
 * `error` (thrown as AuthorizationResponseError). A provider configured by hand has no issuer
 * to compare with, so its `iss` is dropped rather than trusted.
 */
function validateAuthorizationResponse(cfg: OAuthClientConfig, callbackParams: URLSearchParams, expectedState: string | typeof oauth.skipStateCheck): URLSearchParams {
  const params = new URLSearchParams(callbackParams);
  if (cfg.provider.issuer === null) params.delete('iss');
  try {
    return oauth.validateAuthResponse(authorizationServer(cfg.provider), { client_id: cfg.provider.clientId }, params, expectedState);
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError) throw err;
    throw new UpstreamError('protocol', 'the authorization response failed validation (issuer mismatch)', 'iss_mismatch', err);
  }
}

/**
 * classify, and for a 5xx answer also what the server said: oauth4webapi reads OAuth error
 * bodies of 4xx answers only, so the body of a 5xx (RFC 6749 §5.2 `error`, `error_description`)
 * is read here (the first 4 KB are looked at) and kept in the detail.
 */
export async function classifyWithBody(err: unknown): Promise<UpstreamError> {
  const classified = classify(err);
  const cause = err instanceof oauth.OperationProcessingError ? err.cause : undefined;
  if (!(cause instanceof Response) || cause.status < 500 || cause.bodyUsed) return classified;
  let body: Record<string, unknown>;
  try {
    const text = (await cause.text()).slice(0, 4096);
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return classified;
  }
  if (typeof body !== 'object' || body === null || typeof body.error !== 'string') return classified;
  const description = typeof body.error_description === 'string' ? `: ${body.error_description}` : '';
  return new UpstreamError(classified.kind, `${classified.message} ${body.error}${description}`, body.error, err);
}

export function createOAuthClient(options: OAuthClientOptions = {}): OAuthClient {
  const timeoutMs = options.timeoutMs ?? PROVIDER_TIMEOUT_MS;
  const baseFetch = options.fetch ?? fetch;

  const requestOptions = (cfg: OAuthClientConfig, url: string, extra: Record<string, string> = {}) => {
    const p = cfg.provider;
    // Providers configured by hand have no issuer to check an id_token against, and we never
    // use id_token claims for anything: drop it rather than fail the exchange.
    const dropIdToken = p.issuer === null;
    const quirkFetch = withTokenQuirks(baseFetch, cfg.quirks);
    const customFetch: typeof fetch = async (input, init) => {
      const res = await quirkFetch(input, init);
      if (!dropIdToken || !res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return res;
      const body = (await res.json()) as Record<string, unknown>;
      delete body.id_token;
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    };
    return {
      signal: AbortSignal.timeout(timeoutMs),
      [oauth.customFetch]: customFetch,
      ...(isInsecureAllowed(url, options.allowInsecureEndpoints ?? false) ? { [oauth.allowInsecureRequests]: true } : {}),
      ...(Object.keys(extra).length > 0 ? { additionalParameters: extra } : {}),
    };
  };

  const asTokenResponse = (r: oauth.TokenEndpointResponse): TokenResponse => ({ ...r }) as TokenResponse;
  /** RFC 8707 §2.2: an MCP provider's token requests (code and refresh) name the resource too. */
  const resourceParam = (cfg: OAuthClientConfig): Record<string, string> => {
    const resource = cfg.resource ?? cfg.provider.mcpServerUrl;
    return resource ? { resource } : {};
  };

  return {
    ...createMcpDiscoveryClient({ fetch: baseFetch, timeoutMs, allowInsecureEndpoints: options.allowInsecureEndpoints ?? false }),

    async discover(issuer, discoverOptions = {}) {
      const issuerUrl = new URL(issuer);
      const insecure = isInsecureAllowed(issuer, options.allowInsecureEndpoints ?? false) ? { [oauth.allowInsecureRequests]: true } : {};
      // oauth4webapi never follows a redirect here (it answers 3xx with an error), so no hop
      // can lead past the URL rule the issuer was checked against (S40).
      const headers = discoverOptions.forMcp ? { headers: MCP_HEADERS } : {};
      // What each well-known URL answered, so a failure names the URLs fetched, not library
      // internals. Network failures are not noted: they all read "unreachable" below (S40).
      const answered: string[] = [];
      const fetchAndNote = async (url: string, init: object): Promise<Response> => {
        const res = await baseFetch(url, init as RequestInit);
        answered.push(res.ok ? `${url} (no usable metadata)` : `${url} (HTTP ${res.status})`);
        return res;
      };
      let lastError: unknown;
      for (const algorithm of ['oidc', 'oauth2'] as const) {
        try {
          const res = await oauth.discoveryRequest(issuerUrl, { algorithm, signal: AbortSignal.timeout(timeoutMs), [oauth.customFetch]: fetchAndNote, ...insecure, ...headers });
          const as = await oauth.processDiscoveryResponse(issuerUrl, res);
          if (!as.authorization_endpoint || !as.token_endpoint) throw new UpstreamError('protocol', 'the metadata has no authorization_endpoint or token_endpoint');
          return { ...as, authorization_endpoint: as.authorization_endpoint, token_endpoint: as.token_endpoint } as ServerMetadata;
        } catch (err) {
          lastError = err;
          // An issuer mismatch is a verdict, not a reason to try the other well-known path.
          if (err instanceof oauth.OperationProcessingError && err.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
            throw new UpstreamError('protocol', `the metadata names a different issuer than ${issuer} (RFC 8414 §3.3)`, 'issuer_mismatch', err);
          }
        }
      }
      // Refused, reset or silent: all the same "unreachable", so discovery cannot be used to
      // map which loopback ports listen (S40).
      if (isNetworkFailure(lastError)) throw new UpstreamError('transient', `${issuer} is unreachable`, null, lastError);
      if (answered.length > 0) throw new UpstreamError('protocol', `no discovery metadata found; fetched ${answered.join(' and ')}`, null, lastError);
      throw classify(lastError);
    },

    async pkce() {
      const verifier = oauth.generateRandomCodeVerifier();
      return { verifier, challenge: await oauth.calculatePKCECodeChallenge(verifier) };
    },

    checkIssuer(cfg, callbackParams) {
      try {
        validateAuthorizationResponse(cfg, callbackParams, oauth.skipStateCheck);
      } catch (err) {
        // An error response whose `iss` passed: the error itself is the flow's to report.
        if (!(err instanceof oauth.AuthorizationResponseError)) throw err;
      }
    },

    async exchangeCode(cfg, input) {
      const as = authorizationServer(cfg.provider);
      const client: oauth.Client = { client_id: cfg.provider.clientId };
      const validated = validateAuthorizationResponse(cfg, input.callbackParams, input.expectedState);
      try {
        const res = await oauth.authorizationCodeGrantRequest(as, client, clientAuth(cfg), validated, input.redirectUri,
          input.codeVerifier ?? oauth.nopkce, requestOptions(cfg, cfg.provider.tokenUrl, resourceParam(cfg)));
        return asTokenResponse(await oauth.processAuthorizationCodeResponse(as, client, res));
      } catch (err) {
        throw await classifyWithBody(err);
      }
    },

    async refresh(cfg, refreshToken) {
      // Some providers take the refresh grant at a separate endpoint (Figma).
      const tokenUrl = cfg.quirks.refreshUrl ?? cfg.provider.tokenUrl;
      const as = { ...authorizationServer(cfg.provider), token_endpoint: tokenUrl };
      const client: oauth.Client = { client_id: cfg.provider.clientId };
      try {
        const res = await oauth.refreshTokenGrantRequest(as, client, clientAuth(cfg), refreshToken, requestOptions(cfg, tokenUrl, resourceParam(cfg)));
        return asTokenResponse(await oauth.processRefreshTokenResponse(as, client, res));
      } catch (err) {
        throw await classifyWithBody(err);
      }
    },

    async fetchIdentity(cfg, url, accessToken) {
      const insecure = url.startsWith('http:') && !isInsecureAllowed(url, options.allowInsecureEndpoints ?? false);
      if (insecure) throw new UpstreamError('protocol', 'identity endpoint is not https');
      try {
        const headers = new Headers(cfg.quirks.tokenHeaders);
        headers.set('accept', 'application/json');
        headers.set('authorization', `Bearer ${accessToken}`);
        const res = await baseFetch(url, {
          headers,
          signal: AbortSignal.timeout(timeoutMs), redirect: 'error',
        });
        if (!res.ok) throw new UpstreamError(res.status >= 500 ? 'transient' : 'protocol', `identity endpoint answered HTTP ${res.status}`);
        return (await res.json()) as unknown;
      } catch (err) {
        throw err instanceof UpstreamError ? err : classify(err);
      }
    },

    async revoke(cfg, token, hint) {
      if (!cfg.provider.revocationUrl) return;
      const as = authorizationServer(cfg.provider);
      const client: oauth.Client = { client_id: cfg.provider.clientId };
      try {
        const res = await oauth.revocationRequest(as, client, clientAuth(cfg), token, requestOptions(cfg, cfg.provider.revocationUrl, { token_type_hint: hint }));
        await oauth.processRevocationResponse(res);
      } catch (err) {
        throw await classifyWithBody(err);
      }
    },
  };
}
