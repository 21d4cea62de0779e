/**
 * The agent-facing contract, declared once: every Agent Auth route (method, path, request
 * schema, who may call it, the shape of its 200 answer) and how requests are parsed. The
 * Express mount (main/http/sdk-routes.ts), the node:http fast path (main/http/fast-path.ts),
 * the TypeScript client (packages/client) and the tests all use this table; the order in
 * which a request is checked lives in one pipeline both mounts run (main/http/sdk-pipeline.ts).
 *
 * The wire TYPES are the client package's plain declarations (packages/client/src/wire.ts,
 * which must not depend on zod); the zod schemas below are checked against them at compile
 * time (`Same<…>`), so a field added on one side and not the other fails `npm run typecheck`.
 *
 * Adding a route: declare it in AGENT_AUTH_ROUTES (its wire types in packages/client/src/wire.ts),
 * and the compiler asks for its handler in main/http/sdk-handlers.ts; both mounts serve it.
 *
 * Request parsing: unknown fields are ignored (newer SDKs send fields older servers lack),
 * camelCase aliases of documented fields are accepted (agent-auth-api.md §1), every text an
 * agent controls is refused when it holds control characters (S34), and failures become
 * FastAPI-shaped 422 bodies whose `loc` names the field.
 */
import { z } from 'zod';
import { ValidationFailed } from '../core/errors.ts';
import type * as Wire from '../../packages/client/src/wire.ts';
import { safeText } from './untrusted-text.ts';

export type * as Wire from '../../packages/client/src/wire.ts';

const MAX_STR = 2048;
/** Identifiers, scopes, names: shown to the owner, so safe text (S34). */
const text = safeText(MAX_STR);
/** URLs are checked by the provider service; control characters are refused here already. */
const url = safeText(MAX_STR);
/** Secrets are never displayed and may be any string the provider issued. */
const secret = z.string().max(MAX_STR);

export const TOKEN_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const satisfies readonly Wire.TokenEndpointAuthMethod[];
const tokenAuthMethod = z.enum(TOKEN_AUTH_METHODS);
const stringMap = z.record(safeText(256), text).refine((m) => Object.keys(m).length <= 50, 'at most 50 entries');

export const authenticateBody = z.object({
  provider: text.min(1),
  scopes: z.array(text).max(100),
  user_id: text.nullish(),
  ls_user_id: text.nullish(),
  agent_id: text.nullish(),
  force_new: z.boolean().nullish(),
  check_only: z.boolean().nullish(),
  // Upstream types it as a UUID: anything else is a 422 there too.
  token_id: z.uuid('token_id must be a UUID (an id from GET /v2/auth/tokens)').nullish(),
  is_default: z.boolean().nullish(),
  redirect_uri: url.nullish(),
  use_agent_builder_public_oauth: z.boolean().nullish(),
});

/** Upstream's input values; `mcp` is set by mcp-discover only (docs/api-compatibility.md). */
export const PROVIDER_TYPES = ['microsoft', 'salesforce', 'slack', 'x'] as const satisfies readonly Wire.ProviderTypeInput[];
const providerType = z.enum(PROVIDER_TYPES, { error: `provider_type must be one of: ${PROVIDER_TYPES.join(', ')} (or null)` });

const providerFields = {
  name: text.min(1),
  client_id: text.min(1),
  client_secret: secret.nullish(),
  auth_url: url.min(1),
  token_url: url.min(1),
  uses_pkce: z.boolean().nullish(),
  code_challenge_method: z.enum(['S256']).nullish(),
  token_endpoint_auth_method: tokenAuthMethod.nullish(),
  provider_type: providerType.nullish(),
  authorization_params: stringMap.nullish(),
  allowed_redirect_uris: z.array(url).max(20).nullish(),
  revocation_url: url.nullish(),
};

export const createProviderBody = z.object({ provider_id: text.min(1), ...providerFields });
/**
 * Upstream's updatable fields, each nullable (null = unchanged). `provider_type`,
 * `mcp_server_url` and `is_dynamic_client` are not updatable: unknown here, so ignored.
 */
export const updateProviderBody = z.object({
  name: text.min(1).nullish(),
  client_id: text.min(1).nullish(),
  client_secret: secret.nullish(),
  auth_url: url.min(1).nullish(),
  token_url: url.min(1).nullish(),
  uses_pkce: z.boolean().nullish(),
  code_challenge_method: z.enum(['S256']).nullish(),
  token_endpoint_auth_method: tokenAuthMethod.nullish(),
  authorization_params: stringMap.nullish(),
  allowed_redirect_uris: z.array(url).max(20).nullish(),
  revocation_url: url.nullish(),
  provider_id: text.nullish(),
});

export const mcpDiscoverBody = z.object({
  provider_id: text.min(1),
  name: text.min(1),
  mcp_server_url: url.min(1),
  client_id: text.min(1).nullish(),
  client_secret: secret.nullish(),
});

/** `binding`: the flow's browser binding, the alternative to an owner key (issue 14 §5, S11). */
export const callbackBody = z.object({ code: secret.min(1), state: secret.min(1), binding: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'binding must be 32 random bytes in base64url').optional() });

export const waitQuery = z.object({
  timeout: z.string().max(32).regex(/^-?\d+(\.\d+)?$/, 'timeout must be a number of seconds').optional(),
});

export const providerQuery = z.object({ provider_id: text.min(1) });
export const optionalProviderQuery = z.object({ provider_id: text.min(1).optional() });

export const updateTokenBody = z.object({
  provider_account_label: text.max(200).nullish(),
  is_default: z.boolean().nullish(),
});

export const createAgentConnectionBody = z.object({ oauth_token_id: z.uuid('oauth_token_id must be a UUID (an id from GET /v2/auth/tokens)') });

export const upsertAgentTokenBody = z.object({
  access_token: secret.min(1),
  refresh_token: secret.nullish(),
  expires_in_seconds: z.number().int().min(0).max(10 * 365 * 86_400).nullish(),
  scopes: z.array(text).max(100).optional(),
  provider_account_label: text.max(200).nullish(),
  metadata: z.record(z.string().max(256), z.unknown()).refine((m) => JSON.stringify(m).length <= 8192, 'metadata is at most 8 KiB of JSON').nullish(),
});

/** Path parameters that upstream types as UUIDs (static paths such as /tokens/exists are matched first). */
export const TOKEN_ID_PARAM = 'tokenId';
export const CONNECTION_ID_PARAM = 'connectionId';

/** Mutual assignability: the schema accepts exactly the declared wire type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type SchemasMatchTheWireTypes = [
  Assert<Same<z.input<typeof authenticateBody>, Wire.AuthenticateRequest>>,
  Assert<Same<z.input<typeof createProviderBody>, Wire.CreateProviderRequest>>,
  Assert<Same<z.input<typeof updateProviderBody>, Wire.UpdateProviderRequest>>,
  Assert<Same<z.input<typeof mcpDiscoverBody>, Wire.McpDiscoverRequest>>,
  Assert<Same<z.input<typeof callbackBody>, Wire.CallbackRequest>>,
  Assert<Same<z.input<typeof updateTokenBody>, Wire.UpdateTokenRequest>>,
  Assert<Same<z.input<typeof createAgentConnectionBody>, Wire.CreateAgentConnectionRequest>>,
  Assert<Same<z.input<typeof upsertAgentTokenBody>, Wire.UpsertAgentTokenRequest>>,
];

// ---- the route table ----------------------------------------------------------------------

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteSpec<Body = unknown, Query = unknown, Answer = unknown> {
  method: Method;
  /** Relative to `/v2/auth` (and `/api-host/v2/auth`), Express-style `:param`s. */
  path: string;
  /** Parsed from a JSON body after the content checks; absent means the body is not read. */
  body?: z.ZodType<Body> | undefined;
  query?: z.ZodType<Query> | undefined;
  /** Set for routes only the owner key may call: the action named in the 403. */
  ownerOnly?: string | undefined;
  /** A long-poll: the handler gets a signal that aborts when the caller goes away. */
  longPoll?: true | undefined;
  /** The success status: 200 unless upstream says 201 (created) or 204 (no body). */
  status?: 200 | 201 | 204 | undefined;
  /** Path parameters that must be UUIDs (422 otherwise, as upstream's typed parameters). */
  uuidParams?: readonly string[] | undefined;
  /** Phantom: the 200 answer's type (never set at run time). */
  readonly answer?: Answer;
}

function route<Body = undefined, Query = undefined, Answer = unknown>(spec: RouteSpec<Body, Query, Answer>): RouteSpec<Body, Query, Answer> {
  return spec;
}

export const AGENT_AUTH_ROUTES = {
  authenticate: route<z.output<typeof authenticateBody>, undefined, Wire.AuthenticateResponse>({ method: 'POST', path: '/authenticate', body: authenticateBody }),
  wait: route<undefined, z.output<typeof waitQuery>, Wire.WaitResponse>({ method: 'GET', path: '/wait/:authId', query: waitQuery, longPoll: true }),
  listProviders: route<undefined, undefined, Wire.ProviderResponse[]>({ method: 'GET', path: '/providers' }),
  mcpDiscover: route<z.output<typeof mcpDiscoverBody>, undefined, Wire.ProviderResponse>({ method: 'POST', path: '/providers/mcp-discover', body: mcpDiscoverBody, ownerOnly: 'create providers' }),
  createProvider: route<z.output<typeof createProviderBody>, undefined, Wire.ProviderResponse>({ method: 'POST', path: '/providers', body: createProviderBody, ownerOnly: 'create providers' }),
  getProvider: route<undefined, undefined, Wire.ProviderResponse>({ method: 'GET', path: '/providers/:providerId' }),
  updateProvider: route<z.output<typeof updateProviderBody>, undefined, Wire.ProviderResponse>({ method: 'PATCH', path: '/providers/:providerId', body: updateProviderBody, ownerOnly: 'update providers' }),
  deleteProvider: route<undefined, undefined, Wire.DeleteProviderResponse>({ method: 'DELETE', path: '/providers/:providerId', ownerOnly: 'delete providers' }),
  tokenExists: route<undefined, z.output<typeof providerQuery>, Wire.TokenExistsResponse>({ method: 'GET', path: '/tokens/exists', query: providerQuery }),
  revokeTokens: route<undefined, z.output<typeof providerQuery>, Wire.RevokeTokensResponse>({ method: 'DELETE', path: '/tokens', query: providerQuery }),
  // Static paths before the `:tokenId` patterns (upstream §5 #33).
  slackWorkspaceExists: route<undefined, undefined, Wire.SlackWorkspaceExistsResponse>({ method: 'GET', path: '/tokens/workspace/slack/exists' }),
  revokeSlackWorkspace: route<undefined, undefined, Wire.SlackWorkspaceRevokeResponse>({ method: 'DELETE', path: '/tokens/workspace/slack', ownerOnly: "revoke the workspace's Slack tokens" }),
  listTokens: route<undefined, z.output<typeof optionalProviderQuery>, Wire.TokenSummary[]>({ method: 'GET', path: '/tokens', query: optionalProviderQuery }),
  updateToken: route<z.output<typeof updateTokenBody>, undefined, Wire.TokenSummary>({ method: 'PATCH', path: '/tokens/:tokenId/metadata', body: updateTokenBody, uuidParams: [TOKEN_ID_PARAM] }),
  deleteToken: route<undefined, undefined, undefined>({ method: 'DELETE', path: '/tokens/:tokenId', status: 204, uuidParams: [TOKEN_ID_PARAM] }),
  listAgentConnections: route<undefined, undefined, Wire.AgentConnectionsResponse>({ method: 'GET', path: '/agents/:agentId/connections' }),
  createAgentConnection: route<z.output<typeof createAgentConnectionBody>, undefined, Wire.AgentConnectionResponse>({
    method: 'POST', path: '/agents/:agentId/connections', body: createAgentConnectionBody, ownerOnly: 'bind an account to an agent', status: 201,
  }),
  deleteAgentConnection: route<undefined, undefined, undefined>({ method: 'DELETE', path: '/agents/:agentId/connections/:connectionId', status: 204, uuidParams: [CONNECTION_ID_PARAM] }),
  upsertAgentToken: route<z.output<typeof upsertAgentTokenBody>, undefined, Wire.AgentConnectionResponse>({
    method: 'POST', path: '/agents/:agentId/providers/:providerId/tokens', body: upsertAgentTokenBody, ownerOnly: 'import tokens for an agent', status: 201,
  }),
  callback: route<z.output<typeof callbackBody>, undefined, Wire.CallbackResponse>({ method: 'POST', path: '/callback/:providerId', body: callbackBody }),
} as const;

export type RouteName = keyof typeof AGENT_AUTH_ROUTES;
type Spec<N extends RouteName> = (typeof AGENT_AUTH_ROUTES)[N];
export type BodyOf<N extends RouteName> = Spec<N> extends RouteSpec<infer B, unknown, unknown> ? B : never;
export type QueryOf<N extends RouteName> = Spec<N> extends RouteSpec<unknown, infer Q, unknown> ? Q : never;
export type AnswerOf<N extends RouteName> = Spec<N> extends RouteSpec<unknown, unknown, infer A> ? A : never;

/** The two prefixes every route is served under (agent-auth-api.md §1). */
export const API_PREFIXES = ['/v2/auth', '/api-host/v2/auth'] as const;

// ---- parsing -------------------------------------------------------------------------------

/**
 * Copy camelCase aliases onto their snake_case names when the snake_case one is absent. The
 * common body has no capital letter in any key and is returned as is (no copy on the hot path).
 */
function withAliases(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  let out: Record<string, unknown> | undefined;
  for (const k in body) {
    if (!/[A-Z]/.test(k)) continue;
    const snake = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    // `_Proto__` would become `__proto__`: never let an alias reach the prototype (S06).
    if (snake === '__proto__') continue;
    out ??= { ...(body as Record<string, unknown>) };
    if (!Object.hasOwn(out, snake)) out[snake] = (body as Record<string, unknown>)[k];
  }
  return out ?? body;
}

/** Parse or throw a 422 in FastAPI's shape, e.g. `{"loc": ["body", "scopes", 0], "msg": "...", "type": "..."}`. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query'): T {
  const result = schema.safeParse(where === 'body' ? withAliases(value) : value);
  if (result.success) return result.data;
  throw new ValidationFailed(result.error.issues.map((i) => ({
    loc: [where, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    msg: i.message,
    type: i.code === 'custom' && typeof i.params?.type === 'string' ? i.params.type : i.code,
  })));
}
