/**
 * Request bodies of the wire contract, parsed once with zod. Unknown fields are ignored
 * (newer SDKs send fields older servers lack) and camelCase aliases of documented fields
 * are accepted (agent-auth-api.md §1). Failures become FastAPI-shaped 422 bodies.
 */
import { z } from 'zod';
import { ValidationFailed } from '../core/errors.ts';

const MAX_STR = 2048;
const str = z.string().max(MAX_STR);
const url = z.string().max(MAX_STR);

/** Copy camelCase aliases onto their snake_case names when the snake_case one is absent. */
function withAliases(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const [k, v] of Object.entries(body)) {
    const snake = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (snake !== k && !(snake in out)) out[snake] = v;
  }
  return out;
}

export const authenticateBody = z.object({
  provider: str.min(1),
  scopes: z.array(str).max(100),
  user_id: str.nullish(),
  ls_user_id: str.nullish(),
  agent_id: str.nullish(),
  force_new: z.boolean().nullish(),
  check_only: z.boolean().nullish(),
});

const tokenAuthMethod = z.enum(['none', 'client_secret_basic', 'client_secret_post']);
const stringMap = z.record(z.string().max(256), z.string().max(MAX_STR)).refine((m) => Object.keys(m).length <= 50, 'at most 50 entries');

const providerFields = {
  name: str.min(1),
  client_id: str.min(1),
  client_secret: str.nullish(),
  auth_url: url.min(1),
  token_url: url.min(1),
  uses_pkce: z.boolean().nullish(),
  code_challenge_method: z.enum(['S256']).nullish(),
  token_endpoint_auth_method: tokenAuthMethod.nullish(),
  provider_type: str.nullish(),
  authorization_params: stringMap.nullish(),
  allowed_redirect_uris: z.array(url).max(20).nullish(),
  revocation_url: url.nullish(),
};

export const createProviderBody = z.object({ provider_id: str.min(1), ...providerFields });
export const updateProviderBody = z.object(providerFields).partial();

/** `binding`: the flow's browser binding (a Latchkey extension), the alternative to an owner key (S11). */
export const callbackBody = z.object({ code: str.min(1), state: str.min(1), binding: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'binding must be 32 random bytes in base64url').optional() });

export const waitQuery = z.object({
  timeout: z.string().max(32).regex(/^-?\d+(\.\d+)?$/, 'timeout must be a number of seconds').optional(),
});

export const providerQuery = z.object({ provider_id: str.min(1) });

/** Parse or throw a 422 in FastAPI's shape, e.g. `{"loc": ["body", "scopes"], "msg": "...", "type": "..."}`. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query'): T {
  const result = schema.safeParse(where === 'body' ? withAliases(value) : value);
  if (result.success) return result.data;
  throw new ValidationFailed(result.error.issues.map((i) => ({
    loc: [where, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    msg: i.message,
    type: i.code,
  })));
}
