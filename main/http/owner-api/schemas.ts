/**
 * Owner API request bodies, parsed with zod. The body types of owner-api-types.ts are
 * inferred from these schemas (`z.input`), so the two cannot drift. Text the owner types is
 * shown again in terminals and notifications, so it follows the same S34 rule as the Agent
 * Auth API (main/contract/untrusted-text.ts).
 */
import { z } from 'zod';
import { TOKEN_AUTH_METHODS } from '../../contract/agent-auth.ts';
import { safeText } from '../../contract/untrusted-text.ts';
import { GRANT_DURATION_VALUES } from '../../core/model.ts';

const str = safeText(2048);
const secret = z.string().max(2048);
const durations = z.enum(GRANT_DURATION_VALUES);
const mode = z.enum(['ask', 'auto-owner']);
const role = z.enum(['owner', 'agent']);
const stringMap = z.record(safeText(256), str);

export const approveBody = z.object({ duration: durations.default('1h') });
export const denyBody = z.object({ remember: durations.default('once') });

export const createProviderBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('template'), template_id: str.min(1), provider_id: str.optional(), client_id: str.min(1), client_secret: secret.nullish(), variables: stringMap.optional() }),
  // An MCP server URL, discovered as mcp-discover does (RFC 9728 → 8414 → 7591); `for_client`
  // names the MCP client a bridge (`latchkey mcp`) set it up for, for the activity log.
  z.object({ kind: z.literal('mcp'), provider_id: str.min(1), name: str.min(1), mcp_server_url: str.min(1), client_id: str.nullish(), client_secret: secret.nullish(), for_client: safeText(256).nullish() }),
  z.object({ kind: z.literal('issuer'), provider_id: str.min(1), name: str.min(1), issuer: str.min(1), client_id: str.min(1), client_secret: secret.nullish() }),
  z.object({
    kind: z.literal('generic'), provider_id: str.min(1), name: str.min(1), client_id: str.min(1), client_secret: secret.nullish(),
    auth_url: str.min(1), token_url: str.min(1), revocation_url: str.nullish(), uses_pkce: z.boolean().optional(),
    token_endpoint_auth_method: z.enum(TOKEN_AUTH_METHODS).optional(), authorization_params: stringMap.optional(),
  }),
]);

export const updateProviderBody = z.object({
  name: str.min(1).optional(), client_id: str.min(1).optional(), client_secret: secret.nullish(), auth_url: str.min(1).optional(),
  token_url: str.min(1).optional(), revocation_url: str.nullish(), uses_pkce: z.boolean().optional(), authorization_params: stringMap.optional(),
});

export const createKeyBody = z.object({ label: str.min(1, 'label must not be empty'), role: role.default('agent') });
export const acceptPairingBody = z.object({ label: str.min(1, 'label must not be empty'), role: role.default('agent') });

/**
 * S35: a trust rule covers one API key (`key_id`; `key_label` is shown in answers and ignored
 * in bodies) and optionally one agent name that key sends (`agent_id` null = any agent of it).
 */
export const trustRule = z.object({ key_id: str.min(1), key_label: str.optional(), agent_id: str.min(1).nullish(), provider_id: str.min(1), scopes: z.array(str).max(100) });

export const updateSettingsBody = z.object({
  approval_mode: mode.optional(),
  provider_modes: z.record(safeText(64), mode).optional(),
  trust_rules: z.array(trustRule).max(200).optional(),
  activity_retention_days: z.number().int().min(1).max(3650).optional(),
});

export const activityQuery = z.object({
  provider: str.optional(), agent: str.optional(), key: str.optional(), type: str.optional(), decision: str.optional(),
  since: str.optional(), until: str.optional(), before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const updateConnectionBody = z.object({ label: safeText(200).nullish(), is_default: z.boolean().nullish() });
export const bindAgentBody = z.object({ agent_id: safeText(256).min(1, 'agent_id must not be empty') });

export const loginBody = z.object({ login_token: z.string().min(16).max(256) });

/**
 * The browser binding of an OAuth flow (S11, S33): 32 random bytes the page script keeps in
 * localStorage, which no other port can read. It travels only in JSON bodies of our own
 * page's requests, never in a cookie.
 */
export const browserBinding = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'binding must be 32 random bytes in base64url');

export const startDecisionBody = z.object({
  decision: z.enum(['approve', 'deny']),
  duration: durations.default('1h'),
  /** With deny: how long to remember it ('once' = just this request), as on the Pending card. */
  remember: durations.default('once'),
  binding: browserBinding.optional(),
  /** With approve: the account picked on /start (an account id, or 'new' for another sign-in; issue 14). */
  account: z.string().min(1).max(64).optional(),
});
export const continueBody = z.object({ binding: browserBinding });
export const callbackPageBody = z.object({ query: z.string().max(8192), binding: browserBinding });
