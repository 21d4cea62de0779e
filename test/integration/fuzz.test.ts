/**
 * S31: property-based fuzzing (fast-check) of every route — the Agent Auth API under both
 * prefixes, the /start, /consent, callback pages and their JSON steps, POST /ui/login, and the owner API with a real
 * owner session — with random and malformed JSON, wrong types, huge and unicode strings, path
 * tricks, duplicate and prototype-polluting keys, odd headers, and raw bytes no client sends.
 *
 * Every answer must be documented (agent-auth-api.md §5):
 *  - no 5xx, except 501 from mcp-discover, 502/503 from routes that call a provider or
 *    discovery endpoint (the test's upstream fetch refuses all traffic, so these are the
 *    "provider unreachable / refresh unavailable" answers), and the owner's `/` answering 503
 *    "window not built" before `npm run build:ui`; never 500 or 504;
 *  - redirects only from the browser pages (302/303; 301 `/index.html` → `/`), and only to a
 *    path of ours or a registered provider's authorization URL (S14);
 *  - errors are `{detail: string}` or 422 `{detail: [{loc, msg, type}]}`, or an HTML page on
 *    the browser routes; 429 carries Retry-After; successes have their route's shape;
 *  - the one exception: a request Node's HTTP server rejects itself (NUL in the path, headers over
 *    16 KiB, broken framing, an unmeetable `Expect`, the HTTP/2 `PRI` preface) gets Node's bare
 *    400/417/431/505 without a body, or a closed connection for `PRI` — it never reaches Latchkey;
 *  - no hang (a deadline per request), no crash, no 500 logged as `http.unhandled`, no polluted
 *    prototype, no waiter or event listener left behind;
 *  - a batch of requests none of which succeeded at a state-changing route leaves providers,
 *    connections, keys, grants, pending requests and settings exactly as they were.
 *    (Unknown keys do leave a pairing request behind by design; pairings are not compared.)
 *
 * Seeded: LATCHKEY_FUZZ_SEED replays a run, LATCHKEY_FUZZ_RUNS sets the number of requests.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Logger } from '../../main/core/ports.ts';
import { TEMPLATES } from '../../main/core/templates/catalog.ts';
import { ClientRefused, fuzzClient, type FuzzAnswer, type FuzzClient, type FuzzRequest } from '../helpers/fuzz-client.ts';
import { checkErrorBody, checkSuccessBody, matchRoute } from '../helpers/fuzz-model.ts';
import { signIn } from '../helpers/owner-session.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';
import { ownerVia, TEST_ACTOR } from '../helpers/owner.ts';

const SEED = Number(process.env.LATCHKEY_FUZZ_SEED ?? 31_031);
const CASES = Number(process.env.LATCHKEY_FUZZ_RUNS ?? 30_000);
const RAW_CASES = Math.max(100, Math.round(CASES * 0.04));
const BATCH = 8;
const REQUEST_DEADLINE_MS = 10_000;

const ISSUER = 'http://127.0.0.1:9';
const CLIENT_SECRET = 'fuzz-client-secret-value-9f3b';
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

interface Fixture {
  url: string;
  port: number;
  ownerKey: string;
  agentKey: string;
  control: string;
  session: string;
  pendingId: string;
  pendingStart: string;
  deniedId: string;
  deniedStart: string;
  connectionId: string;
}

interface FuzzCase { family: string; req: FuzzRequest }

// ---- values ------------------------------------------------------------------------------

const weird = fc.constantFrom(
  '', ' ', '\u0000', 'null', '..', '../../etc/passwd', '%2F', '__proto__', 'constructor', '<script>alert(1)</script>', '"\'`',
  '\ud800', '\udfff\ud800', 'ﬀ', 'İı', '\u202egnp.exe', '😀😀😀', 'a\r\nX-Injected: 1', "x'); DROP TABLE providers;--", '${7*7}',
  '%s%n%x', '\\', 'http://evil.example/', 'javascript:alert(1)', 'lk-auth-', 'test-idp', 'TEST-IDP', ' test-idp ', 'openid offline_access',
);
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 3, arbitrary: weird },
  { weight: 1, arbitrary: fc.constantFrom(257, 2049, 5000, 70_000).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40_000 }).map((n) => 'é'.repeat(n)) },
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: text },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, [], {}, [null], ['openid'], { a: 1 }, [[['deep']]]) },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTO_KEYS)), text, { maxKeys: 4 }) },
);

/** Percent-encode, keeping a lone surrogate as the bytes a sloppy client would send. */
const enc = (s: string): string => {
  try { return encodeURIComponent(s); } catch { return '%ED%A0%80'; }
};

const PATH_TRICKS = [
  '..', '.', '%2e%2e', '%2E', '..%2F..%2Fetc%2Fpasswd', '%2F', 'a%2Fb', '%5C', '%00', 'x%00y', '%E0%A4%A', '%', '%ZZ', '%C0%AE%C0%AE',
  '%u002e', '~', '*', ';', '%3B', '%20', '%0d%0aSet-Cookie:%20x=1', '%ff', '%25', '__proto__', 'constructor', 'prototype', 'hasOwnProperty',
  'mcp-discover', '%E9t%E9', '%FF%FE', '%F0%9F%98%80', '%ED%A0%80',
];

/** A path segment: a real id (often), or something odd in its place. */
function segment(real: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...real) },
    { weight: 3, arbitrary: text.filter((s) => s.length < 3000).map(enc) },
    { weight: 3, arbitrary: fc.constantFrom(...PATH_TRICKS) },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 20_000 }).map((n) => 'a'.repeat(n)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...real), fc.constantFrom('..', '%00', '%2F..', '.json', '/', '%20', 'X')).map(([r, s]) => `${r}${s}`) },
    { weight: 1, arbitrary: fc.constantFrom(...real).map((r) => r.toUpperCase()) },
  );
}

function query(keys: string[], values: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const pair = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'x', `${keys[0] ?? 'a'}[]`, `${keys[0] ?? 'a'}[k]`) }), values);
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${enc(k)}=${v}`).join('&')}` : '')) },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?%', '?a=%ZZ', `?${keys[0] ?? 'a'}`, '?__proto__[x]=1', '?a=1#frag') },
  );
}

const queryValue = (real: string[]): fc.Arbitrary<string> => fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...real) },
  { weight: 3, arbitrary: text.filter((s) => s.length < 3000).map(enc) },
  { weight: 1, arbitrary: fc.constantFrom(...PATH_TRICKS) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1e999', '600', '601', '99999999999999999999', 'NaN', '0x10', '1.5', '%202') },
);

// ---- bodies -----------------------------------------------------------------------------

type Entries = Array<[string, unknown]>;
type Mutation = { op: 'set' | 'dup' | 'camel' | 'proto'; key: string; value: unknown } | { op: 'drop'; key: string };

/** JSON text from entries, so a key may repeat and `__proto__` may be an own key of the text. */
const serialize = (entries: Entries): string => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;

const camel = (k: string): string => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

function mutate(base: Entries, mutations: Mutation[]): Entries {
  let out: Entries = base.map(([k, v]) => [k, v]);
  for (const m of mutations) {
    if (m.op === 'drop') out = out.filter(([k]) => k !== m.key);
    else if (m.op === 'set') {
      const i = out.findIndex(([k]) => k === m.key);
      if (i >= 0) out[i] = [m.key, m.value];
      else out.push([m.key, m.value]);
    } else if (m.op === 'camel') out.push([camel(m.key), m.value]);
    else out.push([m.key, m.value]); // dup / proto: one more occurrence in the raw text
  }
  return out;
}

function malformed(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('', ' ', '{', '}', '{"a":}', '{"a":1,}', "{'a':1}", '{"a":NaN}', '{"a":Infinity}', '\ufeff{}', '{"a":"\\x41"}', '{"a":"\\ud800"}',
      'null', '[]', '"str"', '1e999', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"a":1}{"b":2}', '{"a" 1}'),
    fc.nat().map((n) => valid.slice(0, n % Math.max(1, valid.length))),
    fc.integer({ min: 1, max: 30_000 }).map((n) => `{"provider":${'['.repeat(n)}${']'.repeat(n)}}`),
  );
}

function jsonBody(base: Entries): fc.Arbitrary<string> {
  const keys = base.map(([k]) => k);
  const key = keys.length
    ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) })
    : fc.string({ maxLength: 12 });
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constantFrom('set' as const, 'dup' as const, 'camel' as const), key, value: anyValue }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const), key }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('proto' as const), key: fc.constantFrom(...PROTO_KEYS), value: anyValue }) },
  );
  const valid = serialize(base);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(valid) },
    { weight: 8, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => serialize(mutate(base, ms))) },
    { weight: 1, arbitrary: anyValue.map((v) => JSON.stringify(v) ?? '') },
    { weight: 2, arbitrary: malformed(valid) },
  );
}

const JSON_TYPES = fc.oneof(
  { weight: 12, arbitrary: fc.constant<string | undefined>('application/json') },
  { weight: 3, arbitrary: fc.constantFrom<string | undefined>(
    'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=utf-16', 'application/json; charset=latin1',
    'application/json; charset=bogus', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx',
    'application/json-patch+json', '*/*', '', 'application/json, text/plain', 'application/json; boundary="', undefined,
  ) },
);

// ---- headers ----------------------------------------------------------------------------

/** Header values Node's client will put on the wire (no CR, LF or NUL; Latin-1). */
const headerValue = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '?').trim()) },
  { weight: 2, arbitrary: fc.constantFrom('', 'null', 'none', 'same-origin', 'cross-site', 'same-site', 'https://evil.example', 'gzip', 'deflate', 'br', 'identity', 'bogus',
    '*', 'W/"x"', 'lk_session=', 'lk_session=%', 'lk_session=%E0%A4%A; lk_bind=%', 'a=b; a=c; =; ;;', '\u00e9\u00e8', 'Bearer', 'Basic Zm9vOmJhcg==', 'x'.repeat(5000)) },
  { weight: 1, arbitrary: fc.constantFrom('c'.repeat(17 * 1024), 'c'.repeat(15 * 1024)) },
);
const ODD_HEADER_NAMES = ['origin', 'sec-fetch-site', 'sec-fetch-mode', 'content-encoding', 'accept', 'accept-encoding', 'accept-charset', 'cookie', 'referer',
  'x-forwarded-host', 'x-forwarded-for', 'forwarded', 'x-http-method-override', 'x-original-url', 'x-rewrite-url', 'user-agent', 'range', 'if-none-match', 'x-latchkey-session', 'x-latchkey-control'];
const oddHeaders = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...ODD_HEADER_NAMES), headerValue, { maxKeys: 3 }) },
);

// ---- request families ---------------------------------------------------------------------

/** The window's built assets, when built (test/run-tests builds renderer/dist before the suite). */
const uiAssets = (() => {
  try { return readdirSync(join(process.cwd(), 'renderer', 'dist', 'assets', 'ui')).map((f) => `/assets/ui/${f}`); } catch { return []; }
})();

function families(fx: Fixture): fc.Arbitrary<FuzzCase> {
  const host = fc.oneof(
    { weight: 30, arbitrary: fc.constant<string | null>(`127.0.0.1:${fx.port}`) },
    { weight: 2, arbitrary: fc.constantFrom<string | null>(`localhost:${fx.port}`, `[::1]:${fx.port}`, `LOCALHOST:${fx.port}`) },
    { weight: 2, arbitrary: fc.constantFrom<string | null>(`evil.example:${fx.port}`, `127.1:${fx.port}`, '127.0.0.1', `127.0.0.1:${fx.port}.evil`, '', `0x7f.0.0.1:${fx.port}`, `localhost.:${fx.port}`, null) },
  );
  const sdkAuth = fc.oneof(
    { weight: 14, arbitrary: fc.constant<Record<string, string>>({ 'x-api-key': fx.ownerKey }) },
    { weight: 3, arbitrary: fc.constant<Record<string, string>>({ 'x-api-key': fx.agentKey }) },
    { weight: 1, arbitrary: fc.constant<Record<string, string>>({ authorization: `Bearer ${fx.ownerKey}` }) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({}, { 'x-api-key': '' }, { 'x-api-key': `lk_${'A'.repeat(43)}` }, { authorization: 'Bearer' },
      { authorization: 'Basic Zm9vOmJhcg==' }, { 'x-api-key': `${fx.ownerKey}, ${fx.ownerKey}` }, { 'x-api-key': fx.ownerKey.slice(0, -1) }) },
    { weight: 1, arbitrary: headerValue.map((v) => ({ 'x-api-key': v })) },
  );
  const ownerAuth = fc.oneof(
    { weight: 14, arbitrary: fc.constant<Record<string, string>>({ 'x-latchkey-session': fx.session, origin: fx.url }) },
    { weight: 2, arbitrary: fc.constant<Record<string, string>>({ 'x-latchkey-control': fx.control }) },
    { weight: 3, arbitrary: fc.constantFrom<Record<string, string>>(
      {}, { 'x-latchkey-session': fx.session }, { cookie: `lk_session=${fx.session}`, origin: fx.url }, { authorization: `Bearer ${fx.session}`, origin: fx.url },
      { 'x-latchkey-session': fx.session, origin: 'https://evil.example' }, { 'x-latchkey-session': fx.session, origin: `http://127.0.0.1:${fx.port + 1}` },
      { 'x-latchkey-session': fx.session, origin: 'null', 'sec-fetch-site': 'same-origin' }, { 'x-latchkey-session': 'forged' },
      { 'x-latchkey-session': `${fx.session}, ${fx.session}`, origin: fx.url }, { 'x-latchkey-control': 'wrong' }, { 'x-api-key': fx.ownerKey },
      { 'x-latchkey-session': `${fx.session}x`, origin: fx.url }) },
  );
  const browser = fc.oneof(
    { weight: 3, arbitrary: fc.constant<Record<string, string>>({}) },
    { weight: 2, arbitrary: fc.constant<Record<string, string>>({ 'x-latchkey-session': fx.session, origin: fx.url, 'sec-fetch-site': 'same-origin' }) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ 'sec-fetch-site': 'cross-site' }, { 'x-latchkey-session': fx.session, 'sec-fetch-site': 'cross-site' },
      { cookie: `lk_bind=${'b'.repeat(43)}` }, { cookie: `lk_session=${fx.session}; lk_bind=%` }, { origin: `http://127.0.0.1:${fx.port + 1}`, 'sec-fetch-site': 'same-site' }) },
  );

  const providerIds = ['test-idp', 'fz-a', 'fz-b', 'nope'];
  const accountIds = ['00000000-0000-4000-8000-000000000000', 'exists', 'workspace'];
  const agentIds = ['fz-agent', 'other'];
  const deletableProviders = ['fz-a', 'fz-b', 'nope'];
  const authIds = [fx.pendingId, fx.deniedId, 'lk-auth-unknown'];
  const waitIds = [fx.deniedId, 'lk-auth-unknown', `${fx.pendingId}x`];
  const startTokens = [fx.pendingStart, fx.deniedStart];
  const providerBase: Entries = [['provider_id', 'fz-a'], ['name', 'Fuzz'], ['client_id', 'c'], ['client_secret', CLIENT_SECRET], ['auth_url', `${ISSUER}/auth`], ['token_url', `${ISSUER}/token`]];
  const template = TEMPLATES[0]!;

  /** Build one case: method (sometimes another one), path, headers and, for writes, a body. */
  const make = (family: string, method: string, path: fc.Arbitrary<string>, auth: fc.Arbitrary<Record<string, string>>, body?: fc.Arbitrary<string>, types = JSON_TYPES): fc.Arbitrary<FuzzCase> =>
    fc.record({
      method: fc.oneof({ weight: 12, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND') }),
      path, host, auth, odd: oddHeaders,
      body: body ? body : fc.oneof({ weight: 9, arbitrary: fc.constant<string | undefined>(undefined) }, { weight: 1, arbitrary: jsonBody([['a', 1]]) }),
      type: types,
    }).map(({ method: m, path: p, host: h, auth: a, odd, body: text, type }) => {
      const headers: Record<string, string> = { ...a, ...odd };
      if (h !== null) headers.host = h;
      if (text !== undefined && type !== undefined) headers['content-type'] = type;
      return { family, req: { method: m, path: p, headers, body: text, omitHost: h === null } };
    });

  const sdkPrefix = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('/v2/auth', '/api-host/v2/auth') }, { weight: 1, arbitrary: fc.constantFrom('/V2/Auth', '/api-host/V2/AUTH', '/v2/auth/', '/v2//auth') });
  const at = (rest: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.tuple(sdkPrefix, rest).map(([p, r]) => `${p}${r}`);
  const tail = (...parts: Array<string | fc.Arbitrary<string>>): fc.Arbitrary<string> => fc.tuple(...parts.map((p) => (typeof p === 'string' ? fc.constant(p) : p))).map((xs) => xs.join(''));
  const safeWaitQuery = fc.constantFrom('?timeout=0', '?timeout=-1', '?timeout=-0.5', '?timeout=0.0', '?timeout=abc', '?timeout=', '?timeout=1e1', '?timeout=0.05', '?timeout=%201', '?timeout=0x10', '?timeout=0&timeout=9', '?timeout=0&timeout[]=9');
  const waitPath = fc.oneof(
    { weight: 3, arbitrary: tail('/wait/', segment(waitIds), query(['timeout'], queryValue(['0', '1', '-5', '600', '601', '1e3']))) },
    { weight: 1, arbitrary: tail('/wait/', fc.constant(fx.pendingId), safeWaitQuery) },
  );
  const sdk = fc.oneof(
    make('sdk', 'POST', at(fc.constant('/authenticate')), sdkAuth, jsonBody([['provider', 'test-idp'], ['scopes', ['openid']], ['user_id', 'fuzz'], ['agent_id', null]])),
    make('sdk', 'GET', at(waitPath), sdkAuth),
    make('sdk', 'GET', at(fc.constant('/providers')), sdkAuth),
    make('sdk', 'POST', at(fc.constant('/providers')), sdkAuth, jsonBody(providerBase)),
    make('sdk', 'POST', at(fc.constant('/providers/mcp-discover')), sdkAuth, jsonBody([['provider_id', 'fz-mcp'], ['name', 'M'], ['mcp_server_url', `${ISSUER}/mcp`]])),
    make('sdk', 'GET', at(tail('/providers/', segment(providerIds))), sdkAuth),
    make('sdk', 'PATCH', at(tail('/providers/', segment(providerIds))), sdkAuth, jsonBody([['name', 'Renamed'], ['uses_pkce', true], ['client_secret', CLIENT_SECRET]])),
    make('sdk', 'DELETE', at(tail('/providers/', segment(deletableProviders))), sdkAuth),
    make('sdk', 'GET', at(tail('/tokens/exists', query(['provider_id'], queryValue(providerIds)))), sdkAuth),
    make('sdk', 'DELETE', at(tail('/tokens', query(['provider_id'], queryValue(providerIds)))), sdkAuth),
    make('sdk', 'POST', at(tail('/callback/', segment(providerIds))), sdkAuth, jsonBody([['code', 'c'], ['state', 's']])),
    // Several accounts per provider (issue 14), together one family's share of the cases.
    fc.oneof(
      make('sdk', 'GET', at(fc.oneof(fc.constant('/tokens'), tail('/tokens', query(['provider_id'], queryValue(providerIds))))), sdkAuth),
      make('sdk', 'PATCH', at(tail('/tokens/', segment(accountIds), '/metadata')), sdkAuth, jsonBody([['provider_account_label', 'fuzz'], ['is_default', true]])),
      make('sdk', 'DELETE', at(tail('/tokens/', segment(accountIds))), sdkAuth),
      make('sdk', 'GET', at(tail('/agents/', segment(agentIds), '/connections')), sdkAuth),
      make('sdk', 'POST', at(tail('/agents/', segment(agentIds), '/connections')), sdkAuth, jsonBody([['oauth_token_id', accountIds[0] ?? '']])),
      make('sdk', 'DELETE', at(tail('/agents/', segment(agentIds), '/connections/', segment(accountIds))), sdkAuth),
      make('sdk', 'POST', at(tail('/agents/', segment(agentIds), '/providers/', segment(providerIds), '/tokens')), sdkAuth, jsonBody([['access_token', 'fz-imported'], ['scopes', ['openid']], ['expires_in_seconds', 60]])),
      make('sdk', 'GET', at(fc.constant('/tokens/workspace/slack/exists')), sdkAuth),
      make('sdk', 'DELETE', at(fc.constant('/tokens/workspace/slack')), sdkAuth),
    ),
  );

  const callbackQuery = query(['state', 'code', 'error', 'error_description', 'iss'], queryValue(['x'.repeat(43), 'abc', '<b>bad</b>', 'https%3A%2F%2Fevil.example']));
  const binding = fc.constantFrom('b'.repeat(43), 'short', '', 'x'.repeat(44));
  const stepBody = fc.oneof(
    { weight: 3, arbitrary: fc.record({ decision: fc.constantFrom('approve', 'deny', 'maybe', ''), duration: fc.constantFrom('once', '1h', 'forever', '2y', ''), binding }, { requiredKeys: [] }).map((f) => JSON.stringify(f)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom('{"decision":["approve"]}', '{"binding":{"a":1}}', `{"query":"?state=${'x'.repeat(43)}&code=abc","binding":"${'b'.repeat(43)}"}`, '{"query":1}', 'x'.repeat(70_000)) },
  );
  const flow = fc.oneof(
    make('flow', 'GET', tail('/start/', segment(startTokens), query(['r'], queryValue(['1']))), browser),
    make('flow', 'POST', tail('/start/', segment(startTokens), fc.constantFrom('/decision', '/continue')), browser, stepBody),
    make('flow', 'GET', tail('/consent/', segment(['x'.repeat(43)])), browser),
    make('flow', 'POST', tail('/consent/', segment(['x'.repeat(43)])), browser, stepBody),
    make('flow', 'GET', tail('/host-oauth-callback/', segment(providerIds), callbackQuery), browser),
    make('flow', 'POST', tail('/host-oauth-callback/', segment(providerIds)), browser, stepBody),
    make('flow', 'GET', tail(sdkPrefix, fc.constantFrom('/callback/', '/setup/'), segment(providerIds), callbackQuery), browser),
    make('flow', 'POST', fc.constant('/ui/login'), browser, fc.constantFrom('{"login_token":"yyyyyyyyyyyyyyyyyyyyyyyy"}', '{}', '{"login_token":1}', '[]')),
    make('flow', 'GET', fc.constantFrom('/', '/index.html', '/assets/page.css', '/assets/logo.svg', '/assets/flow.js', '/assets/../assets/page.css', '/ASSETS/LOGO.SVG',
      ...uiAssets, '/assets/ui/', '/assets/ui/..%2F..%2Findex.html', '/assets/ui/%2e%2e/%2e%2e/package.json', '/assets/ui/.env', '/assets/ui/nope.js'), browser),
  );

  const ui = (rest: fc.Arbitrary<string> | string): fc.Arbitrary<string> => tail(fc.oneof({ weight: 8, arbitrary: fc.constant('/ui/api') }, { weight: 1, arbitrary: fc.constantFrom('/UI/API', '/ui//api', '/ui/api/') }), rest);
  const rnd = segment(['0', 'x'.repeat(12)]);
  const durationBody = (k: string) => jsonBody([[k, '1h']]);
  const owner = fc.oneof(
    make('owner', 'GET', ui('/session'), ownerAuth),
    make('owner', 'POST', ui('/login-links'), ownerAuth, jsonBody([])),
    make('owner', 'GET', ui('/requests'), ownerAuth),
    make('owner', 'POST', ui(tail('/requests/', segment(authIds), '/approve')), ownerAuth, durationBody('duration')),
    make('owner', 'POST', ui(tail('/requests/', segment(authIds), '/deny')), ownerAuth, durationBody('remember')),
    make('owner', 'GET', ui('/templates'), ownerAuth),
    make('owner', 'GET', ui('/providers'), ownerAuth),
    make('owner', 'POST', ui('/providers'), ownerAuth, fc.oneof(
      jsonBody([['kind', 'generic'], ...providerBase.map(([k, v]): [string, unknown] => [k, k === 'provider_id' ? 'fz-b' : v])]),
      jsonBody([['kind', 'template'], ['template_id', template.id], ['provider_id', 'fz-b'], ['client_id', 'c'], ['client_secret', CLIENT_SECRET]]),
      jsonBody([['kind', 'issuer'], ['provider_id', 'fz-b'], ['name', 'I'], ['issuer', ISSUER], ['client_id', 'c']]),
    )),
    make('owner', 'PATCH', ui(tail('/providers/', segment(providerIds))), ownerAuth, jsonBody([['name', 'Renamed by owner'], ['client_secret', CLIENT_SECRET]])),
    make('owner', 'DELETE', ui(tail('/providers/', segment(deletableProviders))), ownerAuth),
    make('owner', 'GET', ui('/connections'), ownerAuth),
    make('owner', 'POST', ui(tail('/connections/', segment([fx.connectionId, 'c']), '/refresh')), ownerAuth, jsonBody([])),
    make('owner', 'POST', ui(tail('/connections/', segment([fx.connectionId, 'c']), '/reconnect')), ownerAuth, jsonBody([])),
    make('owner', 'DELETE', ui(tail('/connections/', segment(['c', `${fx.connectionId}x`]))), ownerAuth),
    make('owner', 'GET', ui('/grants'), ownerAuth),
    make('owner', 'DELETE', ui(tail('/grants/', rnd)), ownerAuth),
    make('owner', 'GET', ui('/keys'), ownerAuth),
    make('owner', 'POST', ui('/keys'), ownerAuth, jsonBody([['label', 'fz'], ['role', 'agent']])),
    make('owner', 'DELETE', ui(tail('/keys/', rnd)), ownerAuth),
    make('owner', 'GET', ui('/pairings'), ownerAuth),
    make('owner', 'POST', ui(tail('/pairings/', rnd, '/accept')), ownerAuth, jsonBody([['label', 'fz'], ['role', 'agent']])),
    make('owner', 'POST', ui(tail('/pairings/', rnd, '/reject')), ownerAuth, jsonBody([])),
    make('owner', 'GET', ui(tail(fc.constantFrom('/activity', '/activity/export'), query(['since', 'until', 'limit', 'before', 'provider', 'agent', 'key', 'type', 'decision'], queryValue(['15m', '2h', '7d', '2026-01-01T00:00:00Z', '0', '1000', '1001', 'test-idp'])))), ownerAuth),
    make('owner', 'GET', ui('/settings'), ownerAuth),
    make('owner', 'PUT', ui('/settings'), ownerAuth, jsonBody([['approval_mode', 'ask'], ['provider_modes', {}], ['trust_rules', []], ['activity_retention_days', 30]])),
    make('owner', 'GET', ui('/events'), ownerAuth),
    make('owner', 'GET', ui(tail('/events', query(['ticket'], queryValue(['x'.repeat(43), ''])))), fc.constant({})),
    make('owner', 'POST', ui('/events/tickets'), ownerAuth, jsonBody([])),
    make('owner', 'GET', ui('/sessions'), ownerAuth),
    // Never DELETE /sessions itself or /sessions/current here: that would sign the fuzzer's own owner out.
    make('owner', 'DELETE', ui(tail('/sessions/x', rnd)), ownerAuth),
  );

  const pieces = fc.constantFrom('v2', 'auth', 'api-host', 'ui', 'api', 'providers', 'start', 'wait', 'tokens', 'consent', 'assets', '..', '.', '%2F', '', 'host-oauth-callback', 'login');
  const soup = make('soup', 'GET', fc.array(fc.oneof(pieces, segment(['x'])), { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`), fc.oneof(sdkAuth, ownerAuth));

  return fc.oneof({ weight: 45, arbitrary: sdk }, { weight: 14, arbitrary: flow }, { weight: 34, arbitrary: owner }, { weight: 7, arbitrary: soup });
}

/**
 * Raw requests: bytes in places no HTTP client library will put them. Each is a valid request
 * with one or two anomalies (in the target, method, version, a header line or the framing), so
 * some get past Node's parser and reach Latchkey.
 */
function rawFamily(fx: Fixture): fc.Arbitrary<{ bytes: Buffer; method: string; target: string }> {
  const okTarget = fc.constantFrom('/v2/auth/providers', '/v2/auth/providers/test-idp', `/v2/auth/wait/${fx.deniedId}?timeout=0`, '/v2/auth/authenticate', '/ui/api/keys', `/start/${fx.pendingStart}`, '/host-oauth-callback/test-idp?state=x');
  const oddTarget = fc.oneof(
    fc.constantFrom(
      '/v2/auth/providers/\u0000', '/v2/auth/providers/a\u0001b', '/v2/auth/wait/\u00e9\u00e9?timeout=0', '/start/😀', '/v2/auth/providers/test-idp\u0000.json',
      'http://evil.example/v2/auth/providers', `http://127.0.0.1:${fx.port}/v2/auth/providers`, '*', '/v2/auth/providers#frag', '/v2/auth/providers?x=\u0000', '//v2/auth/providers',
      '/v2/auth/providers/..%00', '\\v2\\auth\\providers', '/v2/auth/providers/a b', '/ui/api/keys/\u007f', '/ui/login/\u0000', '/host-oauth-callback/test-idp?state=\u0000&code=\u0000',
      '', '/v2/auth/providers/\r', `/v2/auth/wait/${fx.deniedId}\u0000`, '/v2/auth/providers/%', '/v2/auth/providers/\u00e9', '/v2/auth/providers/\u{1F600}', 'v2/auth/providers',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map((s) => `/v2/auth/providers/${s}`),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map((s) => `/ui/api/providers/${s}`),
    fc.integer({ min: 8_000, max: 20_000 }).map((n) => `/start/${'t'.repeat(n)}`),
  );
  const oddLine = fc.constantFrom(
    'Host: evil.example', `Host: 127.0.0.1:${fx.port}\u0000`, 'Host:', `Host: 127.0.0.1:${fx.port}`, `x-api-key: ${fx.ownerKey}\u0000`, `X-API-KEY:${fx.ownerKey}`,
    ' folded: continuation', 'X Bad Name: 1', ': empty-name', 'Content-Type: application/json\u0000', 'Content-Type: application/json', 'Content-Type: text/plain',
    'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Content-Length: 2', 'Content-Length: -1', 'Content-Length: abc', 'Content-Length: 2, 3',
    'Expect: 100-continue', 'Expect: nonsense', `Cookie: lk_session=${fx.session}\u0001`, `Cookie: ${'k=v; '.repeat(4000)}`, 'Upgrade: h2c', 'Connection: Upgrade, HTTP2-Settings',
    `Authorization: Bearer ${fx.ownerKey} ${fx.ownerKey}`, `x-filler: ${'f'.repeat(17 * 1024)}`, 'x-unicode: \u00e9\u4e2d\u{1F600}', 'Origin: null', 'Sec-Fetch-Site: cross-site',
  );
  return fc.record({
    method: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PUT') }, { weight: 1, arbitrary: fc.constantFrom('FOO', 'get', 'G\u0000T', 'GET GET', 'PRI', '') }),
    target: fc.oneof({ weight: 1, arbitrary: okTarget }, { weight: 2, arbitrary: oddTarget }),
    version: fc.oneof({ weight: 8, arbitrary: fc.constant('HTTP/1.1') }, { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'http/1.1', '', 'HTTP/1.1 extra') }),
    lines: fc.oneof({ weight: 1, arbitrary: fc.constant<string[]>([]) }, { weight: 2, arbitrary: fc.array(oddLine, { minLength: 1, maxLength: 2 }) }),
    body: fc.constantFrom('', '', '{}', '{"provider":"test-idp","scopes":["openid"]}', 'zz\r\nabc\r\n0\r\n\r\n', '2\r\n{}\r\n0\r\n\r\n', '{"a":"\u0000"}', '{"provider":"\u00e9\ud83d"}'),
  }).map(({ method, target, version, lines, body: chosen }) => {
    let body = chosen;
    const all = [`Host: 127.0.0.1:${fx.port}`, `x-api-key: ${fx.ownerKey}`, 'Content-Type: application/json', ...lines];
    const framed = all.some((l) => /^(content-length|transfer-encoding):/i.test(l));
    // A framing header over an empty body would leave the server waiting for bytes that never come.
    if (framed && !body) body = '{}';
    if (body && !framed) all.push(`Content-Length: ${Buffer.byteLength(body)}`);
    const head = `${method} ${target}${version ? ` ${version}` : ''}\r\n${all.join('\r\n')}\r\nConnection: close\r\n\r\n`;
    // Request line and headers as UTF-8 bytes: raw non-ASCII, NUL and control characters.
    return { bytes: Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(body, 'utf8')]), method, target };
  });
}

// ---- the checks ---------------------------------------------------------------------------

interface Stats { cases: number; byStatus: Map<number, number>; nodeLevel: number; clientRefused: number; refusedWhy: Set<string>; compared: number; batches: number }

/** The 5xx answers agent-auth-api.md §5 documents, where they can legitimately happen. */
const TOLERATED_5XX = (route: { name: string; upstream: boolean }, status: number): boolean =>
  (status === 501 && route.name === 'mcp-discover') || ((status === 502 || status === 503) && route.upstream)
  // ui-static.ts: the owner's `/` before `npm run build:ui` ("The Latchkey window has not been built").
  || (status === 503 && route.name === 'home');

function describeCase(method: string, path: string, a: FuzzAnswer): string {
  const p = path.length > 160 ? `${path.slice(0, 160)}…(${path.length} chars)` : path;
  return `${method} ${JSON.stringify(p)} → ${a.status} ${a.body.slice(0, 300)}`;
}

/** Every assertion on one answer; throws an AssertionError naming the request. */
function checkAnswer(method: string, path: string, a: FuzzAnswer, ctx: { url: string; authUrls: Set<string>; stats: Stats }): void {
  const what = describeCase(method, path, a);
  const route = matchRoute(method, path);
  const type = a.headers['content-type'] ?? '';
  ctx.stats.byStatus.set(a.status, (ctx.stats.byStatus.get(a.status) ?? 0) + 1);
  assert.ok(a.status >= 200 && a.status < 600, `no valid status: ${what}`);
  for (const k of Object.keys(a.headers)) assert.ok(!k.startsWith('access-control-allow'), `S03 CORS header: ${what}`);
  assert.ok(!a.body.includes(CLIENT_SECRET), `the client secret was echoed: ${what}`);

  // Node's own HTTP server answered (parse error, headers over 16 KiB, an `Expect` it cannot
  // meet): the request never reached Latchkey.
  if ([400, 417, 431, 505].includes(a.status) && type === '' && a.body === '') {
    ctx.stats.nodeLevel++;
    return;
  }
  if (a.status >= 500) assert.ok(TOLERATED_5XX(route, a.status), `5xx on bad input (${route.name}): ${what}`);
  if (a.status === 429) assert.match(a.headers['retry-after'] ?? '', /^[1-9]\d*$/, `429 without Retry-After: ${what}`);
  const head = method.toUpperCase() === 'HEAD';

  if (a.status >= 400) {
    if (type.startsWith('text/html')) {
      assert.equal(route.kind, 'html', `an HTML error page outside the browser routes: ${what}`);
      if (!head) assert.match(a.body, /^<!doctype html>/i, `error page is not a page: ${what}`);
      return;
    }
    assert.match(type, /^application\/json/, `error without a JSON body: ${what}`);
    if (head) return;
    let body: unknown;
    try { body = JSON.parse(a.body); } catch { assert.fail(`error body is not JSON: ${what}`); }
    try { checkErrorBody(a.status, body); } catch (err) { assert.fail(`${(err as Error).message}: ${what}`); }
    return;
  }
  if (a.status >= 300) {
    assert.ok(a.status === 302 || a.status === 303 || (a.status === 301 && route.name === 'home-redirect'), `unexpected redirect status: ${what}`);
    const location = a.headers.location ?? '';
    const sameOrigin = location.startsWith('/') && !location.startsWith('//') && !location.startsWith('/\\');
    const toProvider = [...ctx.authUrls].some((u) => location.startsWith(`${u}?`));
    assert.ok(sameOrigin || toProvider, `S14 redirect to a URL that is neither ours nor a registered provider's: ${location} ← ${what}`);
    assert.ok(['start', 'decision', 'consent', 'login', 'home-redirect'].includes(route.name), `redirect from ${route.name}: ${what}`);
    return;
  }
  // 2xx: the route's documented success.
  assert.equal(a.status, route.success, `success other than ${route.success}: ${what}`);
  if (a.status === 204) return assert.equal(a.body, '', `204 with a body: ${what}`);
  if (route.kind === 'sse') return assert.ok(a.stream || head, `events route without an event stream: ${what}`);
  assert.ok(!a.stream, `an event stream from ${route.name}: ${what}`);
  if (route.kind === 'html') return assert.match(type, /^text\/html/, `page route without HTML: ${what}`);
  if (route.kind === 'asset') return assert.match(type, /^(text\/css|image\/svg\+xml|(text|application)\/javascript)/, `asset type: ${what}`);
  if (route.kind === 'ndjson') {
    assert.match(type, /^application\/x-ndjson/, what);
    if (!head) for (const line of a.body.split('\n').filter(Boolean)) JSON.parse(line);
    return;
  }
  assert.match(type, /^application\/json/, `success without JSON: ${what}`);
  assert.equal(a.headers['cache-control'], 'no-store', `S15 success without no-store: ${what}`);
  if (head) return;
  let body: unknown;
  try { body = JSON.parse(a.body); } catch { assert.fail(`success body is not JSON: ${what}`); }
  try { checkSuccessBody(route.name, body, ctx.url); } catch (err) { assert.fail(`${(err as Error).message}: ${what}`); }
}

const prototypeKeys = (): string[][] => [Object.prototype, Array.prototype, Function.prototype].map((p) => Reflect.ownKeys(p).map(String).sort());

/** A successful answer from a route that may change stored state. */
function changedState(method: string, path: string, a: FuzzAnswer): boolean {
  if (a.status >= 400) return false;
  const m = method.toUpperCase();
  if (m !== 'GET' && m !== 'HEAD') return true;
  return ['start', 'consent', 'callback-page', 'login'].includes(matchRoute(m, path).name);
}

describe('S31 fuzzing every route', () => {
  let b: TestBroker;
  let fx: Fixture;
  let client: FuzzClient;
  const unhandled: string[] = [];
  const outbound: string[] = [];
  const stats: Stats = { cases: 0, byStatus: new Map(), nodeLevel: 0, clientRefused: 0, refusedWhy: new Set(), compared: 0, batches: 0 };
  const authUrls = new Set<string>();
  let baselineListeners = 0;

  /** Logs nothing but remembers every 500 the error handler saw. */
  const logger: Logger = {
    info: () => {},
    warn: () => {},
    error: (event, fields) => { if (event === 'http.unhandled') unhandled.push(JSON.stringify(fields)); },
  };

  const snapshot = (): string => JSON.stringify({
    providers: b.core.providers.list(),
    connections: b.core.listConnections(),
    keys: b.core.keys.list(),
    grants: b.core.grants.list(),
    pending: b.core.requests.listPending(),
    policy: b.core.policy.get(),
  });
  const noteAuthUrls = (): void => { for (const p of b.core.providers.list()) authUrls.add(p.authUrl); };

  before(async () => {
    // No traffic beyond this process: every provider or discovery call fails as if offline.
    const offline = (async (input: string | URL | Request) => {
      outbound.push(String(input instanceof Request ? input.url : input));
      throw new TypeError('fetch failed (the fuzz test allows no upstream traffic)');
    }) as typeof fetch;
    b = await startTestBroker({ logger, fetch: offline });
    assert.equal((await b.api('/v2/auth/providers', { body: providerBody(ISSUER, { client_secret: CLIENT_SECRET }) })).status, 200);
    const agent = b.core.keys.create('fuzz-agent', 'agent', TEST_ACTOR);
    const pending = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['openid'], user_id: 'fuzz-pending' } });
    const denied = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['openid'], user_id: 'fuzz-denied' } });
    b.core.requests.deny(ownerVia('cli'), denied.body.auth_id);
    const conn = b.core.connections.save(
      { providerId: 'test-idp', keyId: agent.record.id, userId: 'fuzz', agentId: null },
      { accessToken: 'fuzz-access-token', tokenType: 'Bearer', refreshToken: 'fuzz-refresh-token', expiresAt: Date.now() + 3_600_000, idToken: null, extra: {} },
      ['openid'],
    );
    const owner = await signIn(b);
    fx = {
      url: b.url, port: b.port, ownerKey: b.key, agentKey: agent.key, control: b.core.sessions.controlSecret,
      session: owner.token,
      pendingId: pending.body.auth_id, pendingStart: new URL(pending.body.url).pathname.split('/').pop() ?? '',
      deniedId: denied.body.auth_id, deniedStart: new URL(denied.body.url).pathname.split('/').pop() ?? '',
      connectionId: conn.id,
    };
    assert.ok(fx.session.length > 20 && fx.pendingStart.length > 20 && fx.deniedStart.length > 20);
    client = fuzzClient(b.port, { timeoutMs: REQUEST_DEADLINE_MS, maxSockets: BATCH });
    baselineListeners = b.events.listenerCount();
    noteAuthUrls();
  });

  after(async () => {
    client.close();
    await b.cleanup();
  });

  /** fc.assert with the seed; a failure says how to replay it. No shrinking: the message names the request. */
  async function run<T>(name: string, property: fc.IAsyncProperty<[T]>, numRuns: number): Promise<void> {
    try {
      await fc.assert(property, { seed: SEED, numRuns, endOnFailure: true });
    } catch (err) {
      // fast-check's own message repeats the whole batch (up to megabytes); the cause names the request.
      const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message.slice(0, 4000);
      const where = /\{ seed: [^}]*\}/.exec((err as Error).message)?.[0] ?? '';
      throw new Error(`${name} failed ${where}; replay with LATCHKEY_FUZZ_SEED=${SEED} LATCHKEY_FUZZ_RUNS=${CASES} npm test -- test/integration/fuzz.test.ts\n${cause.slice(0, 4000)}`);
    }
  }

  test(`S31 ${CASES - RAW_CASES} random and malformed requests across every route: documented answers, no 5xx, no hang, rejected requests change nothing`, async () => {
    const t0 = performance.now();
    const prototypesBefore = prototypeKeys();
    const batches = Math.ceil((CASES - RAW_CASES) / BATCH);
    const property = fc.asyncProperty(fc.array(families(fx), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      const before = snapshot();
      const answers = await Promise.all(batch.map(async (c) => {
        try {
          return await client.send(c.req);
        } catch (err) {
          if (err instanceof ClientRefused) {
            stats.refusedWhy.add(err.message.replace(/".*"/, '…'));
            return null;
          }
          throw new Error(`no answer (${(err as Error).message}) to ${c.req.method} ${JSON.stringify(c.req.path.slice(0, 200))}`);
        }
      }));
      stats.batches++;
      noteAuthUrls();
      let changing = false;
      batch.forEach((c, i) => {
        const a = answers[i];
        if (!a) { stats.clientRefused++; return; }
        stats.cases++;
        checkAnswer(c.req.method, c.req.path, a, { url: fx.url, authUrls, stats });
        if (changedState(c.req.method, c.req.path, a)) changing = true;
      });
      assert.deepEqual(unhandled, [], 'the error handler saw an unhandled error');
      if (!changing) {
        stats.compared++;
        const after = snapshot();
        if (after !== before) {
          const summary = batch.map((c, i) => `${c.req.method} ${c.req.path.slice(0, 120)} → ${answers[i]?.status} ${answers[i]?.body.slice(0, 160) ?? ''}`).join('\n  ');
          if (process.env.LATCHKEY_FUZZ_DEBUG) console.log(JSON.stringify(batch.map((c) => ({ ...c.req, path: c.req.path.slice(0, 300), body: String(c.req.body ?? '').slice(0, 300) })), null, 1));
          assert.fail(`rejected requests changed stored state:\n  ${summary}`);
        }
      }
    });
    await run('S31 HTTP fuzz', property, batches);

    // No payload reached a prototype (the broker runs in this process).
    assert.deepEqual(prototypeKeys(), prototypesBefore, 'a request polluted a built-in prototype');
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    // Still healthy, and nothing left behind by thousands of aborted streams and waits.
    assert.equal((await b.api('/v2/auth/providers')).status, 200);
    for (let i = 0; i < 50 && (b.core.requests.waiters.size > 0 || b.events.listenerCount() > baselineListeners); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(b.core.requests.waiters.size, 0, 'waiters left registered');
    assert.equal(b.events.listenerCount(), baselineListeners, 'event listeners left subscribed');
    assert.ok(stats.cases >= CASES - RAW_CASES - stats.clientRefused, `ran ${stats.cases} cases`);
    assert.ok(stats.compared > batches / 10, `state compared in only ${stats.compared} of ${batches} batches`);
    const statuses = [...stats.byStatus].sort(([x], [y]) => x - y).map(([s, n]) => `${s}×${n}`).join(' ');
    console.log(`S31 fuzz: seed ${SEED}, ${stats.cases} requests in ${stats.batches} batches of ${BATCH} (${Math.round(performance.now() - t0)} ms); statuses ${statuses}; ` +
      `${stats.nodeLevel} refused by Node's parser, ${stats.clientRefused} refused by Node's client (${[...stats.refusedWhy].join('; ')}), state compared after ${stats.compared} batches, ${outbound.length} upstream calls refused`);
  });

  test(`S31 ${RAW_CASES} raw requests with NUL bytes, control characters and broken framing: Node or Latchkey answers, never 5xx`, async () => {
    const t0 = performance.now();
    const nodeLevelBefore = stats.nodeLevel;
    let count = 0;
    const property = fc.asyncProperty(rawFamily(fx), async (c) => {
      const before = snapshot();
      let a: FuzzAnswer;
      try {
        a = await client.sendRaw(c.bytes);
      } catch (err) {
        // `PRI` is the HTTP/2 preface: Node's server answers it itself (505), or with an
        // HTTP/0.9 request line just closes the connection. Latchkey never sees it.
        if (c.method === 'PRI') {
          stats.nodeLevel++;
          return;
        }
        throw new Error(`no answer (${(err as Error).message}) to raw ${JSON.stringify(c.bytes.toString('utf8').slice(0, 300))}`);
      }
      count++;
      checkAnswer(c.method, c.target, a, { url: fx.url, authUrls, stats });
      assert.deepEqual(unhandled, [], 'the error handler saw an unhandled error');
      if (a.status >= 400) assert.equal(snapshot(), before, `a rejected raw request changed stored state: ${JSON.stringify(c.bytes.toString('utf8').slice(0, 300))}`);
    });
    await run('S31 raw fuzz', property, RAW_CASES);
    assert.equal((await b.api('/v2/auth/providers')).status, 200);
    console.log(`S31 raw fuzz: seed ${SEED}, ${count} raw requests in ${Math.round(performance.now() - t0)} ms; ${stats.nodeLevel - nodeLevelBefore} answered by Node's parser, the rest by Latchkey`);
  });
});
