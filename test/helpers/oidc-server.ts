/**
 * A real, certified authorization server (oidc-provider) in-process on 127.0.0.1:0 for
 * end-to-end tests: PKCE required, refresh tokens with rotation, revocation and userinfo.
 * Counts token-endpoint calls so tests can assert single-flight refresh.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors, type ClientMetadata } from 'oidc-provider';

export interface OidcServer {
  issuer: string;
  provider: Provider;
  tokenCalls: number;
  revocationCalls: number;
  /** Authorization and token requests as the provider parsed them, oldest first. */
  requests: OidcRequestRecord[];
  /** Calls the userinfo endpoint with an access token; returns the HTTP status and body. */
  userinfo(accessToken: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface OidcOptions {
  redirectUris: string[];
  tokenEndpointAuthMethod?: 'client_secret_post' | 'client_secret_basic' | 'none';
  accessTokenTtlSeconds?: number;
  rotateRefreshToken?: boolean;
  /** Open RFC 7591 dynamic client registration at /reg (no initial access token). */
  registration?: boolean;
  /**
   * RFC 8707 resource servers this provider issues audience-bound opaque tokens for:
   * resource indicator → space-separated scopes. Unknown indicators get `invalid_target`.
   */
  resourceServers?: Record<string, string>;
}

export interface OidcRequestRecord {
  path: string;
  grantType: string | null;
  resource: string | null;
}

export async function startOidcServer(options: OidcOptions): Promise<OidcServer> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const authMethod = options.tokenEndpointAuthMethod ?? 'client_secret_post';
  const client: ClientMetadata = {
    client_id: 'latchkey-test',
    ...(authMethod === 'none' ? {} : { client_secret: 'test-client-secret-value' }),
    redirect_uris: options.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: authMethod,
    application_type: 'native',
  };
  const provider = new Provider(issuer, {
    clients: [client],
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read', 'api:write'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
    features: {
      devInteractions: { enabled: true }, revocation: { enabled: true }, userinfo: { enabled: true },
      ...(options.registration ? { registration: { enabled: true } } : {}),
      ...(options.resourceServers ? { resourceIndicators: resourceIndicators(options.resourceServers) } : {}),
    },
    issueRefreshToken: async () => true,
    rotateRefreshToken: options.rotateRefreshToken ?? true,
    ttl: { AccessToken: options.accessTokenTtlSeconds ?? 3600 },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, name: `User ${sub}`, email: `${sub}@example.test` }) }),
    // Quiet: the provider's own render of errors is fine for tests.
    renderError: async (ctx, out) => { ctx.type = 'json'; ctx.body = out; },
  });
  const counters = { tokenCalls: 0, revocationCalls: 0 };
  const requests: OidcRequestRecord[] = [];
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path === '/token') counters.tokenCalls++;
    if (ctx.method === 'POST' && ctx.path === '/token/revocation') counters.revocationCalls++;
    await next();
    // After the provider parsed them, so POST bodies are visible too.
    if (ctx.path === '/auth' || ctx.path === '/token') {
      const params = (ctx.oidc?.params ?? {}) as { grant_type?: unknown; resource?: unknown };
      requests.push({ path: ctx.path, grantType: typeof params.grant_type === 'string' ? params.grant_type : null, resource: typeof params.resource === 'string' ? params.resource : null });
    }
  });
  server.on('request', provider.callback());
  return {
    issuer,
    provider,
    get tokenCalls() { return counters.tokenCalls; },
    get revocationCalls() { return counters.revocationCalls; },
    requests,
    async userinfo(accessToken) {
      const res = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* keep text */ }
      return { status: res.status, body };
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  } as OidcServer;
}

/** Audience-bound opaque access tokens for the listed resources (RFC 8707). */
function resourceIndicators(servers: Record<string, string>) {
  return {
    enabled: true,
    getResourceServerInfo: async (_ctx: unknown, indicator: string) => {
      const scope = servers[indicator];
      if (scope === undefined) throw new errors.InvalidTarget();
      return { scope, audience: indicator, accessTokenFormat: 'opaque' as const };
    },
  };
}
