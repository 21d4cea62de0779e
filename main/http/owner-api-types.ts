/**
 * The owner API (/ui/api) contract: paths, bodies and answers, shared with `import type` by
 * the server (main/http/owner-routes.ts), the CLI, the renderer and the tests.
 * snake_case like the Agent Auth API; times are ISO-8601 UTC strings.
 *
 * Auth: the owner session token in `x-latchkey-session` (exchanged at POST /ui/login for the
 * one-time token in a sign-in link's fragment; never a cookie, S33), with a same-origin
 * request on every state change; or the CLI's control secret in `x-latchkey-control`.
 * Errors are `{detail}` with a sentence.
 */
import type { z } from 'zod';
import type { EventName, BrokerEvents } from '../core/events.ts';
import type { GrantDuration } from '../core/model.ts';
import type { TemplateSummary } from '../core/templates/instantiate.ts';
import type * as Schemas from './owner-api/schemas.ts';

/** Request bodies are the owner API's zod schemas' input types (owner-api/schemas.ts): one declaration. */
type BodyOf<S extends z.ZodType> = z.input<S>;

export type GrantDurationWire = GrantDuration;
export type DenyDurationWire = GrantDuration;
export type ApprovalModeWire = 'ask' | 'auto-owner';

export interface SessionView {
  via: 'session' | 'control';
  /** The public id of the caller's own session (null for the CLI), so Settings can mark "this browser". */
  session_id: string | null;
  version: string;
  url: string;
  port: number;
  policy: ApprovalModeWire;
  /** `vault`: where the master key comes from — the OS keychain, or the passphrase vault the owner opted in to. */
  keychain: { ok: boolean; backend: string; reason: string | null; vault: 'keychain' | 'passphrase' };
  env_block: string;
}

/** GET /env: what `latchkey env` prints. `api_key` is null when it cannot be shown; `hint` names the fix. */
export interface EnvView {
  url: string;
  api_key: string | null;
  problem: 'vault_unavailable' | 'not_sealed' | 'not_made' | null;
  hint: string | null;
  env_block: string;
}

/** GET /connections/:id/reconnect and POST /providers/... answers that hand the owner a consent link. */
export interface ConsentLinkResponse { consent_url: string }

export interface PendingRequestView {
  auth_id: string;
  provider_id: string;
  provider_name: string;
  key_label: string;
  agent_id: string | null;
  user_id: string;
  scopes: string[];
  /** Human descriptions of the scopes where the provider's template knows them. */
  scope_descriptions: Record<string, string>;
  approved: boolean;
  needs_consent: boolean;
  created_at: string;
  expires_at: string;
  start_url: string;
  /** Scopes the same key/agent/user already holds at this provider (its connection); the rest are new. */
  held_scopes: string[];
  /** Open `wait` long-polls by the agent right now. */
  waiting: number;
  /** When the agent last asked about this request (authenticate or wait). */
  last_seen_at: string;
  /** Nobody waits and the agent has not asked for a while: its process likely ended. Still decidable. */
  agent_gone: boolean;
}

/** POST /requests/:auth_id/approve */
export type ApproveBody = BodyOf<typeof Schemas.approveBody>;
export interface ApproveResponse {
  auth_id: string;
  status: string;
  /** Single-use link for the provider consent, when one is still needed. */
  consent_url: string | null;
}
/** POST /requests/:auth_id/deny — `remember` keeps denying identical requests for a while. */
export type DenyBody = BodyOf<typeof Schemas.denyBody>;

export interface LoginLinkResponse { url: string }

/** POST /ui/login: the one-time token from the link's fragment, exchanged for a session token. */
export interface LoginBody { login_token: string }
export interface LoginResponse { session_token: string; session_id: string; expires_at: string }

/** GET /ui/api/sessions: the signed-in browsers and windows (never their tokens). */
export interface OwnerSessionView { id: string; client: string; created_at: string; last_seen_at: string; expires_at: string; current: boolean }
export interface LogoutResponse { ended: number }

/** POST /ui/api/events/tickets: a single-use ticket for `GET /ui/api/events?ticket=` (EventSource sends no headers). */
export interface EventTicketResponse { ticket: string; expires_in: number }

/** POST /keys/reissue-owner: the new owner key, shown this once; `revoked` are the ids it replaced. */
export interface ReissueOwnerResponse { key: string; record: KeyView; revoked: string[]; env_block: string }

export interface ProviderView {
  provider_id: string;
  name: string;
  client_id: string;
  auth_url: string;
  token_url: string;
  revocation_url: string | null;
  uses_pkce: boolean;
  token_endpoint_auth_method: string;
  authorization_params: Record<string, string>;
  template_id: string | null;
  issuer: string | null;
  has_client_secret: boolean;
  provider_type: string | null;
  /** Set for MCP servers (mcp-discover, or `latchkey mcp`). */
  mcp_server_url: string | null;
  redirect_uri: string;
  connection_count: number;
  created_at: string;
  updated_at: string;
}

/** POST /providers — one of four shapes: `kind` is `template`, `mcp`, `issuer` or `generic`. */
export type CreateProviderBody = BodyOf<typeof Schemas.createProviderBody>;

/** PATCH /providers/:id — only the fields present change; `null` clears a secret or revocation URL. */
export type UpdateProviderBody = BodyOf<typeof Schemas.updateProviderBody>;

/** DELETE /providers/:id answer: what was removed with it. */
export interface DeleteProviderResponse { provider_id: string; connections_removed: number; grants_removed: number; requests_removed: number }

/** GET /templates: the provider catalog, as listed for the UI and `latchkey providers templates --json`. */
export type TemplateView = TemplateSummary;

export type ConnectionStatusWire = 'ok' | 'refreshing' | 'needs_reauth' | 'expired';

export interface ConnectionView {
  id: string;
  provider_id: string;
  provider_name: string;
  key_label: string;
  user_id: string;
  agent_id: string | null;
  scopes: string[];
  status: ConnectionStatusWire;
  expires_at: string | null;
  last_refresh_at: string | null;
  next_refresh_at: string | null;
  created_at: string;
  updated_at: string;
  /** Who the account is at the provider (from its identity, or set by the owner); display text only. */
  label: string | null;
  /** The account agents of this key, user and agent get when they name none. */
  is_default: boolean;
  /** `flow`: made by a sign-in; `import`: a token imported for an agent. */
  source: 'flow' | 'import';
  /** The agents the owner bound this account to. */
  bound_agents: Array<{ binding_id: string; agent_id: string }>;
}

/** PATCH /ui/api/connections/{id}: relabel, or make the account its namespace's default. */
export type UpdateConnectionRequest = BodyOf<typeof Schemas.updateConnectionBody>;
/** POST /ui/api/connections/{id}/agents: bind the account to an agent of its key. */
export type BindAgentRequest = BodyOf<typeof Schemas.bindAgentBody>;

export interface GrantView {
  id: string;
  key_label: string;
  agent_id: string | null;
  user_id: string;
  provider_id: string;
  scopes: string[];
  expires_at: string | null;
  single_use: boolean;
  decided_via: string;
  created_at: string;
}

export interface KeyView {
  id: string;
  label: string;
  role: 'owner' | 'agent';
  created_at: string;
  revoked_at: string | null;
}

/** POST /keys → the key itself is in this answer only. */
export type CreateKeyBody = BodyOf<typeof Schemas.createKeyBody>;
export interface CreateKeyResponse { key: string; record: KeyView }

export interface PairingView {
  id: string;
  key_hint: string;
  first_seen_at: string;
  last_seen_at: string;
  attempts: number;
}
export type AcceptPairingBody = BodyOf<typeof Schemas.acceptPairingBody>;

export interface ActivityEntryView {
  id: number;
  at: string;
  type: string;
  key_label: string | null;
  agent_id: string | null;
  user_id: string | null;
  provider_id: string | null;
  scopes: string[] | null;
  auth_id: string | null;
  decision: string | null;
  channel: string | null;
  detail: string | null;
  /** Repeated identical token releases within a minute are one entry with a count. */
  count: number;
}

/** GET /activity?provider=&agent=&key=&type=&decision=&since=&until=&limit=&before= */
export interface ActivityPage { entries: ActivityEntryView[]; next_before: number | null }

/** S35: the key a rule covers (and, optionally, the agent); see owner-api/schemas.ts. */
export type TrustRuleWire = BodyOf<typeof Schemas.trustRule>;

export interface SettingsView {
  approval_mode: ApprovalModeWire;
  /** Per-provider override of the approval mode ("always ask for Google"). */
  provider_modes: Record<string, ApprovalModeWire>;
  /** "Trust agent X for GitHub read scopes": approved without asking, for any key. */
  trust_rules: TrustRuleWire[];
  activity_retention_days: number;
}
export type UpdateSettingsBody = BodyOf<typeof Schemas.updateSettingsBody>;

/** The settings a PUT may send are exactly the settings a GET shows. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type SettingsBodyMatchesView = Assert<Same<{ [K in keyof UpdateSettingsBody]-?: Exclude<UpdateSettingsBody[K], undefined> }, SettingsView>>;

/** One Server-Sent Event from GET /events: `event: <name>` + `data: <json>`. */
export type OwnerEvent = { [E in EventName]: { name: E; data: BrokerEvents[E] } }[EventName];
