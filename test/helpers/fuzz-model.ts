/**
 * What the fuzz test (S31) knows about the broker's HTTP surface: which route a request
 * reaches (matched the way Express matches: case-insensitive, optional trailing slash, on the
 * still-encoded path), and the documented answer shapes of agent-auth-api.md §4–§5 and
 * owner-api-types.ts that every response must have.
 */
import assert from 'node:assert/strict';

export type RouteKind = 'json' | 'html' | 'asset' | 'sse' | 'ndjson';

export interface RouteMatch {
  name: string;
  kind: RouteKind;
  /** The handler may call a provider or discovery endpoint (the only place 502/503 may come from). */
  upstream: boolean;
  /** The documented success status (upstream's 201/204 for the account routes, else 200). */
  success: 200 | 201 | 204;
}

const SEG = '[^/]+';
const END = '/?$';
const SDK = '(?:/api-host)?/v2/auth';

interface Rule { method: string; re: RegExp; route: RouteMatch }

const rule = (method: string, pattern: string, name: string, kind: RouteKind = 'json', upstream = false, success: 200 | 201 | 204 = 200): Rule => ({
  method, re: new RegExp(`^${pattern}${END}`, 'i'), route: { name, kind, upstream, success },
});

/** In app.ts order: flow pages, the SDK under both prefixes, then the owner routes. */
const RULES: Rule[] = [
  rule('GET', '/assets/page\\.css', 'asset', 'asset'),
  rule('GET', '/assets/logo\\.svg', 'asset', 'asset'),
  rule('GET', '/assets/flow\\.js', 'asset', 'asset'),
  rule('GET', `/start/${SEG}`, 'start', 'html', true),
  rule('POST', `/start/${SEG}/decision`, 'flow-step', 'json', true),
  rule('POST', `/start/${SEG}/continue`, 'flow-step', 'json', true),
  rule('GET', `/consent/${SEG}`, 'consent', 'html', true),
  rule('POST', `/consent/${SEG}`, 'flow-step', 'json', true),
  rule('GET', `/host-oauth-callback/${SEG}`, 'callback-page', 'html', true),
  rule('POST', `/host-oauth-callback/${SEG}`, 'callback-finish', 'json', true),
  rule('GET', `${SDK}/callback/${SEG}`, 'callback-page', 'html', true),
  rule('GET', `${SDK}/setup/${SEG}`, 'callback-page', 'html', true),
  rule('POST', `${SDK}/authenticate`, 'authenticate', 'json', true),
  rule('GET', `${SDK}/wait/${SEG}`, 'wait', 'json', true),
  rule('GET', `${SDK}/providers`, 'providers', 'json'),
  rule('POST', `${SDK}/providers/mcp-discover`, 'mcp-discover', 'json', true),
  rule('POST', `${SDK}/providers`, 'provider-create', 'json'),
  rule('GET', `${SDK}/providers/${SEG}`, 'provider', 'json'),
  rule('PATCH', `${SDK}/providers/${SEG}`, 'provider', 'json'),
  rule('DELETE', `${SDK}/providers/${SEG}`, 'provider-delete', 'json', true),
  rule('GET', `${SDK}/tokens/exists`, 'tokens-exists', 'json'),
  rule('DELETE', `${SDK}/tokens`, 'tokens-delete', 'json', true),
  rule('POST', `${SDK}/callback/${SEG}`, 'sdk-callback', 'json', true),
  rule('GET', `${SDK}/tokens/workspace/slack/exists`, 'tokens-exists', 'json'),
  rule('DELETE', `${SDK}/tokens/workspace/slack`, 'slack-revoke', 'json', true),
  rule('GET', `${SDK}/tokens`, 'tokens-list', 'json'),
  rule('PATCH', `${SDK}/tokens/${SEG}/metadata`, 'token-summary', 'json'),
  rule('DELETE', `${SDK}/tokens/${SEG}`, 'no-content', 'json', true, 204),
  rule('GET', `${SDK}/agents/${SEG}/connections`, 'agent-connections', 'json'),
  rule('POST', `${SDK}/agents/${SEG}/connections`, 'agent-connection', 'json', false, 201),
  rule('DELETE', `${SDK}/agents/${SEG}/connections/${SEG}`, 'no-content', 'json', false, 204),
  rule('POST', `${SDK}/agents/${SEG}/providers/${SEG}/tokens`, 'agent-connection', 'json', true, 201),
  rule('*', `${SDK}(?:/.*)?`, 'sdk-unknown'),
  rule('POST', '/ui/login', 'ui-login'),
  rule('GET', '/ui/api/session', 'ui-session'),
  rule('POST', '/ui/api/login-links', 'ui-login-link'),
  rule('GET', '/ui/api/requests', 'ui-requests'),
  rule('POST', `/ui/api/requests/${SEG}/approve`, 'ui-approve'),
  rule('POST', `/ui/api/requests/${SEG}/deny`, 'ui-deny'),
  rule('GET', '/ui/api/templates', 'ui-templates'),
  rule('GET', '/ui/api/providers', 'ui-providers'),
  rule('POST', '/ui/api/providers', 'ui-provider', 'json', true),
  rule('PATCH', `/ui/api/providers/${SEG}`, 'ui-provider'),
  rule('DELETE', `/ui/api/providers/${SEG}`, 'ui-provider-delete', 'json', true),
  rule('GET', '/ui/api/connections', 'ui-connections'),
  rule('POST', `/ui/api/connections/${SEG}/refresh`, 'ui-connection', 'json', true),
  rule('POST', `/ui/api/connections/${SEG}/reconnect`, 'ui-consent-link'),
  rule('DELETE', `/ui/api/connections/${SEG}`, 'ui-revoked', 'json', true),
  rule('PATCH', `/ui/api/connections/${SEG}`, 'ui-connection'),
  rule('POST', `/ui/api/connections/${SEG}/agents`, 'ui-connection'),
  rule('DELETE', `/ui/api/connections/${SEG}/agents/${SEG}`, 'ui-connection', 'json', true),
  rule('GET', '/ui/api/grants', 'ui-grants'),
  rule('DELETE', `/ui/api/grants/${SEG}`, 'ui-revoked'),
  rule('GET', '/ui/api/keys', 'ui-keys'),
  rule('POST', '/ui/api/keys', 'ui-key-created'),
  rule('DELETE', `/ui/api/keys/${SEG}`, 'ui-revoked'),
  rule('GET', '/ui/api/pairings', 'ui-pairings'),
  rule('POST', `/ui/api/pairings/${SEG}/accept`, 'ui-key'),
  rule('POST', `/ui/api/pairings/${SEG}/reject`, 'ui-rejected'),
  rule('GET', '/ui/api/activity', 'ui-activity'),
  rule('GET', '/ui/api/activity/export', 'ui-activity-export', 'ndjson'),
  rule('GET', '/ui/api/settings', 'ui-settings'),
  rule('PUT', '/ui/api/settings', 'ui-settings'),
  rule('GET', '/ui/api/events', 'ui-events', 'sse'),
  rule('POST', '/ui/api/events/tickets', 'ui-event-ticket'),
  rule('GET', '/ui/api/sessions', 'ui-sessions'),
  rule('DELETE', `/ui/api/sessions(?:/${SEG})?`, 'ui-logout'),
  rule('*', '/ui/api(?:/.*)?', 'ui-unknown'),
  rule('GET', '/', 'home', 'html'),
  rule('GET', '/index\\.html', 'home-redirect', 'html'),
  rule('GET', `/assets/ui/${SEG}`, 'asset', 'asset'),
];

const UNKNOWN: RouteMatch = { name: 'unknown', kind: 'json', upstream: false, success: 200 };

/** The route Express will run for `method` and the raw (still percent-encoded) `target`. */
export function matchRoute(method: string, target: string): RouteMatch {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  let path = target;
  // Absolute-form targets (`GET http://host/path`) are routed by their path.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
  // The broker collapses repeated leading slashes of an origin-form target (`//v2/auth/…`, issue 12 §6).
  else path = path.replace(/^\/{2,}/, '/');
  path = path.split(/[?#]/)[0] ?? '';
  for (const r of RULES) if ((r.method === '*' || r.method === m) && r.re.test(path)) return r.route;
  return UNKNOWN;
}

// ---- answer shapes -----------------------------------------------------------------------

const isString = (v: unknown): v is string => typeof v === 'string';
const isIso = (v: unknown): boolean => isString(v) && !Number.isNaN(Date.parse(v));
const isIsoOrNull = (v: unknown): boolean => v === null || isIso(v);
const isStringOrNull = (v: unknown): boolean => v === null || isString(v);
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every(isString);
const isStringMap = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isString);

type Shape = Record<string, (v: unknown) => boolean>;

/** Exactly these keys (optional ones may be missing), each passing its check. */
function exact(what: string, value: unknown, shape: Shape, optional: string[] = []): void {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${what}: expected an object, got ${JSON.stringify(value)?.slice(0, 200)}`);
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (const k of keys) assert.ok(Object.hasOwn(shape, k), `${what}: unexpected key '${k}'`);
  for (const [k, check] of Object.entries(shape)) {
    if (!Object.hasOwn(obj, k)) {
      assert.ok(optional.includes(k), `${what}: missing key '${k}'`);
      continue;
    }
    assert.ok(check(obj[k]), `${what}: bad value for '${k}': ${JSON.stringify(obj[k])?.slice(0, 200)}`);
  }
}

const eachOf = (what: string, value: unknown, check: (item: unknown) => void): void => {
  assert.ok(Array.isArray(value), `${what}: expected an array`);
  for (const item of value) check(item);
};

const SDK_PROVIDER: Shape = {
  id: isString, organization_id: isString, provider_id: isString, name: isString, client_id: isString, auth_url: isString,
  token_url: isString, uses_pkce: (v) => typeof v === 'boolean', code_challenge_method: isStringOrNull, provider_type: isStringOrNull,
  token_endpoint_auth_method: isString, mcp_server_url: isStringOrNull, is_dynamic_client: (v) => typeof v === 'boolean',
  authorization_params: isStringMap, allowed_redirect_uris: isStringArray, is_active: (v) => v === true, created_at: isIso,
  updated_at: isIso, redirect_uri: isString, revocation_url: isStringOrNull, has_client_secret: (v) => typeof v === 'boolean',
};

const PROVIDER_VIEW: Shape = {
  provider_id: isString, name: isString, client_id: isString, auth_url: isString, token_url: isString, revocation_url: isStringOrNull,
  uses_pkce: (v) => typeof v === 'boolean', token_endpoint_auth_method: isString, authorization_params: isStringMap,
  template_id: isStringOrNull, issuer: isStringOrNull, has_client_secret: (v) => typeof v === 'boolean', redirect_uri: isString,
  provider_type: isStringOrNull, mcp_server_url: isStringOrNull, connection_count: Number.isInteger, created_at: isIso, updated_at: isIso,
};

const KEY_VIEW: Shape = { id: isString, label: isString, role: (v) => v === 'owner' || v === 'agent', created_at: isIso, revoked_at: isIsoOrNull };

const CONNECTION_VIEW: Shape = {
  id: isString, provider_id: isString, provider_name: isString, key_label: isString, user_id: isString, agent_id: isStringOrNull,
  scopes: isStringArray, status: (v) => ['ok', 'refreshing', 'needs_reauth', 'expired'].includes(v as string), expires_at: isIsoOrNull,
  last_refresh_at: isIsoOrNull, next_refresh_at: isIsoOrNull, created_at: isIso, updated_at: isIso,
  label: isStringOrNull, is_default: (v) => typeof v === 'boolean', source: (v) => v === 'flow' || v === 'import',
  bound_agents: (v) => Array.isArray(v) && v.every((b) => typeof b === 'object' && b !== null && isString((b as { agent_id?: unknown }).agent_id)),
};

const PENDING_VIEW: Shape = {
  auth_id: isString, provider_id: isString, provider_name: isString, key_label: isString, agent_id: isStringOrNull, user_id: isString,
  scopes: isStringArray, scope_descriptions: isStringMap, approved: (v) => typeof v === 'boolean', needs_consent: (v) => typeof v === 'boolean',
  created_at: isIso, expires_at: isIso, start_url: isString,
  held_scopes: isStringArray, waiting: (v) => Number.isInteger(v) && (v as number) >= 0, last_seen_at: isIso, agent_gone: (v) => typeof v === 'boolean',
};

const GRANT_VIEW: Shape = {
  id: isString, key_label: isString, agent_id: isStringOrNull, user_id: isString, provider_id: isString, scopes: isStringArray,
  expires_at: isIsoOrNull, single_use: (v) => typeof v === 'boolean', decided_via: isString, created_at: isIso,
};

const PAIRING_VIEW: Shape = { id: isString, key_hint: isString, first_seen_at: isIso, last_seen_at: isIso, attempts: Number.isInteger };

const ACTIVITY_VIEW: Shape = {
  id: Number.isInteger, at: isIso, type: isString, key_label: isStringOrNull, agent_id: isStringOrNull, user_id: isStringOrNull,
  provider_id: isStringOrNull, scopes: (v) => v === null || isStringArray(v), auth_id: isStringOrNull, decision: isStringOrNull,
  channel: isStringOrNull, detail: isStringOrNull, count: Number.isInteger,
};

const SETTINGS_VIEW: Shape = {
  approval_mode: (v) => v === 'ask' || v === 'auto-owner', provider_modes: (v) => typeof v === 'object' && v !== null,
  trust_rules: Array.isArray, activity_retention_days: Number.isInteger,
};

const TOKEN_SUMMARY: Shape = {
  id: isString, provider_id: isString, provider_account_label: isStringOrNull, scopes: isStringArray, expires_at: isIsoOrNull,
  is_default: (v) => typeof v === 'boolean', created_at: isIso, updated_at: isIso,
};

const AGENT_CONNECTION: Shape = {
  id: isString, agent_id: isString, oauth_token_id: isString, provider_id: isString, provider_account_label: isStringOrNull,
  scopes: isStringArray, expires_at: isIsoOrNull, created_by: isString, created_at: isIso,
};

/** Success bodies per route (agent-auth-api.md §3–§4; owner-api-types.ts). */
export function checkSuccessBody(route: string, body: unknown, brokerUrl: string): void {
  const w = `${route} answer`;
  switch (route) {
    case 'providers': return eachOf(w, body, (p) => exact(w, p, SDK_PROVIDER));
    case 'provider':
    case 'provider-create':
    case 'mcp-discover': return exact(w, body, SDK_PROVIDER);
    case 'provider-delete': return assert.deepEqual(body, { message: 'Provider deleted' }, w);
    case 'authenticate': {
      exact(w, body, {
        status: (v) => v === 'completed' || v === 'pending', url: isStringOrNull, auth_id: isStringOrNull, token: isStringOrNull, expires_at: isIso,
        user_id: isString, metadata: (v) => v === null || (typeof v === 'object' && isString((v as { token_id?: unknown }).token_id)),
      }, ['expires_at']);
      const b = body as { status: string; url: string | null; auth_id: string | null; token: string | null };
      if (b.status === 'completed') assert.ok(isString(b.token) && b.url === null && b.auth_id === null, `${w}: completed without a token`);
      else {
        assert.equal(b.token, null, `${w}: pending with a token`);
        assert.ok((b.url === null) === (b.auth_id === null), `${w}: url and auth_id go together`);
        if (b.url !== null) assert.ok(b.url.startsWith(`${brokerUrl}/start/`), `${w}: url is not Latchkey's own /start link: ${b.url}`);
      }
      return;
    }
    case 'wait': {
      exact(w, body, {
        status: (v) => ['completed', 'timeout', 'not_found', 'denied', 'failed'].includes(v as string), token: isStringOrNull, expires_at: isIso, detail: isString,
      }, ['expires_at', 'detail']);
      const b = body as { status: string; token: string | null; detail?: string };
      assert.equal(b.status === 'completed', b.token !== null, `${w}: token iff completed`);
      if (b.status === 'denied' || b.status === 'failed') assert.ok(isString(b.detail), `${w}: ${b.status} without detail`);
      return;
    }
    case 'tokens-exists': return exact(w, body, { has_token: (v) => typeof v === 'boolean' });
    case 'tokens-delete': return exact(w, body, { message: (v) => v === 'Tokens revoked', provider_id: isString });
    case 'tokens-list': return eachOf(w, body, (t) => exact(w, t, TOKEN_SUMMARY));
    case 'token-summary': return exact(w, body, TOKEN_SUMMARY);
    case 'agent-connections': {
      exact(w, body, { data: Array.isArray });
      return eachOf(w, (body as { data: unknown }).data, (c) => exact(w, c, AGENT_CONNECTION));
    }
    case 'agent-connection': return exact(w, body, AGENT_CONNECTION);
    case 'slack-revoke': return exact(w, body, { message: isString, revoked: Number.isInteger });
    case 'sdk-callback': return exact(w, body, { status: (v) => v === 'completed' || v === 'failed', provider_id: isString, detail: isString }, ['detail']);
    case 'ui-session': return exact(w, body, {
      via: (v) => v === 'session' || v === 'control', session_id: isStringOrNull, version: isString, url: isString, port: Number.isInteger,
      policy: isString, keychain: (v) => typeof v === 'object' && v !== null, env_block: isString,
    });
    case 'ui-login-link': return exact(w, body, { url: (v) => isString(v) && v.startsWith(`${brokerUrl}/#login=`) });
    case 'ui-login': return exact(w, body, { session_token: isString, session_id: isString, expires_at: isIso });
    case 'ui-event-ticket': return exact(w, body, { ticket: isString, expires_in: Number.isInteger });
    case 'ui-sessions': return eachOf(w, body, (x) => exact(w, x, { id: isString, client: isString, created_at: isIso, last_seen_at: isIso, expires_at: isIso, current: (v) => typeof v === 'boolean' }));
    case 'ui-logout': return exact(w, body, { ended: Number.isInteger });
    case 'flow-step': return exact(w, body, { status: isString, redirect_url: isStringOrNull });
    case 'callback-finish': return exact(w, body, { status: (v) => v === 'completed' || v === 'failed', provider_name: isString, detail: isStringOrNull });
    case 'ui-requests': return eachOf(w, body, (p) => exact(w, p, PENDING_VIEW));
    case 'ui-approve': return exact(w, body, { auth_id: isString, status: isString, consent_url: (v) => v === null || (isString(v) && v.startsWith(`${brokerUrl}/consent/`)) });
    case 'ui-deny': return exact(w, body, { auth_id: isString, status: isString });
    case 'ui-templates': return eachOf(w, body, (t) => assert.ok(typeof t === 'object' && t !== null && isString((t as { id?: unknown }).id), w));
    case 'ui-providers': return eachOf(w, body, (p) => exact(w, p, PROVIDER_VIEW));
    case 'ui-provider': return exact(w, body, PROVIDER_VIEW);
    case 'ui-provider-delete': return exact(w, body, { provider_id: isString, connections_removed: Number.isInteger, grants_removed: Number.isInteger, requests_removed: Number.isInteger });
    case 'ui-connections': return eachOf(w, body, (c) => exact(w, c, CONNECTION_VIEW));
    case 'ui-connection': return exact(w, body, CONNECTION_VIEW);
    case 'ui-consent-link': return exact(w, body, { consent_url: (v) => isString(v) && v.startsWith(`${brokerUrl}/consent/`) });
    case 'ui-revoked': return exact(w, body, { id: isString, revoked: (v) => v === true });
    case 'ui-rejected': return exact(w, body, { id: isString, rejected: (v) => v === true });
    case 'ui-grants': return eachOf(w, body, (g) => exact(w, g, GRANT_VIEW));
    case 'ui-keys': return eachOf(w, body, (k) => exact(w, k, KEY_VIEW));
    case 'ui-key': return exact(w, body, KEY_VIEW);
    case 'ui-key-created': {
      exact(w, body, { key: (v) => isString(v) && /^lk_[A-Za-z0-9_-]{43}$/.test(v), record: (v) => typeof v === 'object' && v !== null });
      return exact(w, (body as { record: unknown }).record, KEY_VIEW);
    }
    case 'ui-pairings': return eachOf(w, body, (p) => exact(w, p, PAIRING_VIEW));
    case 'ui-activity': {
      exact(w, body, { entries: Array.isArray, next_before: (v) => v === null || Number.isInteger(v) });
      return eachOf(w, (body as { entries: unknown }).entries, (e) => exact(w, e, ACTIVITY_VIEW));
    }
    case 'ui-settings': return exact(w, body, SETTINGS_VIEW);
    default: assert.fail(`${route}: a JSON success from a route without a documented success (${JSON.stringify(body)?.slice(0, 200)})`);
  }
}

/** FastAPI-shaped error bodies (agent-auth-api.md §5). */
export function checkErrorBody(status: number, body: unknown): void {
  assert.ok(typeof body === 'object' && body !== null && !Array.isArray(body), `error body is not an object: ${JSON.stringify(body)?.slice(0, 200)}`);
  const keys = Object.keys(body);
  assert.deepEqual(keys, ['detail'], `error body has keys ${keys.join(', ')}`);
  const detail = (body as { detail: unknown }).detail;
  if (status === 422) {
    assert.ok(Array.isArray(detail) && detail.length > 0, '422 detail must be a non-empty list');
    for (const issue of detail) {
      exact('422 issue', issue, {
        loc: (v) => Array.isArray(v) && v.length > 0 && v.every((p) => isString(p) || Number.isInteger(p)), msg: isString, type: isString,
      });
    }
    return;
  }
  assert.ok(isString(detail) && detail.length > 0, `detail must be a sentence, got ${JSON.stringify(detail)?.slice(0, 200)}`);
  assert.doesNotMatch(detail, /\bat [^\n]*\.(ts|js):\d+|node_modules/, 'a stack trace leaked into the detail');
}
