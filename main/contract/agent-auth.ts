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
});

const providerFields = {
  name: text.min(1),
  client_id: text.min(1),
  client_secret: secret.nullish(),
  auth_url: url.min(1),
  token_url: url.min(1),
  uses_pkce: z.boolean().nullish(),
  code_challenge_method: z.enum(['S256']).nullish(),
  token_endpoint_auth_method: tokenAuthMethod.nullish(),
  provider_type: text.nullish(),
  authorization_params: stringMap.nullish(),
  allowed_redirect_uris: z.array(url).max(20).nullish(),
  revocation_url: url.nullish(),
};

export const createProviderBody = z.object({ provider_id: text.min(1), ...providerFields });
export const updateProviderBody = z.object(providerFields).partial();

export const mcpDiscoverBody = z.object({
  provider_id: text.min(1),
  name: text.min(1),
  mcp_server_url: url.min(1),
  client_id: text.min(1).nullish(),
  client_secret: secret.nullish(),
});

export const callbackBody = z.object({ code: secret.min(1), state: secret.min(1) });

export const waitQuery = z.object({
  timeout: z.string().max(32).regex(/^-?\d+(\.\d+)?$/, 'timeout must be a number of seconds').optional(),
});

export const providerQuery = z.object({ provider_id: text.min(1) });

/** Mutual assignability: the schema accepts exactly the declared wire type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemasMatchTheWireTypes: [
  Same<z.input<typeof authenticateBody>, Wire.AuthenticateRequest>,
  Same<z.input<typeof createProviderBody>, Wire.CreateProviderRequest>,
  Same<z.input<typeof updateProviderBody>, Wire.UpdateProviderRequest>,
  Same<z.input<typeof mcpDiscoverBody>, Wire.McpDiscoverRequest>,
  Same<z.input<typeof callbackBody>, Wire.CallbackRequest>,
] = [true, true, true, true, true];
void schemasMatchTheWireTypes;

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
  callback: route<z.output<typeof callbackBody>, undefined, Wire.CallbackResponse>({ method: 'POST', path: '/callback/:providerId', body: callbackBody, ownerOnly: 'complete OAuth callbacks' }),
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
