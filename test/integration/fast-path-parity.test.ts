/**
 * The SDK fast path (main/http/fast-path.ts) must answer exactly like the Express mount: both
 * run the one pipeline of main/http/sdk-pipeline.ts, and this test holds them to it. Every
 * request goes three ways — the exact path with Content-Length (the fast path), the same
 * request with a trailing slash (a path the fast path does not take, so Express's router
 * answers it) and the trailing-slash request chunked — and the status, headers (apart from
 * framing) and body must match. The cases cover every status the two hot routes can answer
 * (200, 400, 401, 403, 404, 413, 415, 422, 429), bad and missing keys combined with bad bodies,
 * malformed and oversized bodies and wrong content types.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rawRequest } from '../helpers/raw-http.ts';
import { TEST_ACTOR } from '../helpers/owner.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

function chunked(body: string): string {
  return body.length === 0 ? '0\r\n\r\n' : `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
}

/** Headers minus framing; Retry-After counts seconds, so only its presence is compared. */
const comparable = (headers: string): string[] => headers.split('\r\n').slice(1)
  .filter((h) => !/^(date|connection|keep-alive|content-length|transfer-encoding):/i.test(h))
  .map((h) => h.replace(/^(retry-after):.*$/i, '$1: <n>')).sort();

const unchunk = (s: string): string => s.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, '');

interface Case {
  name: string;
  /** Header lines after the request line and Host, without framing headers. */
  headers: string[];
  body?: string;
  status: number;
}

let keySeq = 0;
/** A fresh unknown key per request: each spends its own failed-key budget (S09), never another case's. */
const unknownKey = (): string => `lk_unknown-parity-key-${String(keySeq++).padStart(6, '0')}`;

describe('fast path parity with the Express routes', () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker();
    await b.api('/v2/auth/providers', { body: providerBody('http://127.0.0.1:9') });
  });
  after(() => b.cleanup());

  /** Sends one case three ways; `headers` may hold a `{key}` placeholder filled per request. */
  async function threeWays(method: string, path: string, c: Case, fill: () => string) {
    const [p, query] = path.split('?');
    const slashed = `${p}/${query === undefined ? '' : `?${query}`}`;
    const head = (target: string): string => [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${b.port}`, ...c.headers.map((h) => h.replace('{key}', fill()))].join('\n');
    const body = c.body;
    const withLength = (target: string) => rawRequest(b.port, body === undefined ? head(target) : `${head(target)}\nContent-Length: ${Buffer.byteLength(body)}`, body ?? '');
    const fast = await withLength(path);
    const slow = await withLength(slashed);
    const slowChunked = body === undefined ? slow : await rawRequest(b.port, `${head(slashed)}\nTransfer-Encoding: chunked`, chunked(body));
    return { fast, slow, slowChunked };
  }

  function same(label: string, r: Awaited<ReturnType<typeof threeWays>>, expected: number): void {
    for (const [way, other] of [['Express', r.slow], ['Express, chunked', r.slowChunked]] as const) {
      assert.equal(r.fast.status, other.status, `${label}: status, fast path vs ${way}: ${r.fast.body} / ${other.body}`);
      assert.deepEqual(comparable(r.fast.headers), comparable(other.headers), `${label}: headers vs ${way}`);
      assert.equal(unchunk(r.fast.body), unchunk(other.body), `${label}: body vs ${way}`);
    }
    assert.equal(r.fast.status, expected, `${label}: ${r.fast.body}`);
  }

  const json = 'Content-Type: application/json';
  const good = 'x-api-key: {key}';
  const authenticateCases: Case[] = [
    { name: 'a pending request', headers: [good, json], body: '{"provider":"test-idp","scopes":["a"],"user_id":"p"}', status: 200 },
    { name: 'scopes of the wrong type', headers: [good, json], body: '{"provider":"test-idp","scopes":"a"}', status: 422 },
    { name: 'an unknown provider', headers: [good, json], body: '{"provider":"nope","scopes":[]}', status: 404 },
    { name: 'truncated JSON', headers: [good, json], body: '{"provider":"test-idp",', status: 422 },
    { name: 'a JSON array', headers: [good, json], body: '[1,2]', status: 422 },
    { name: 'a JSON string', headers: [good, json], body: '"just a string"', status: 422 },
    { name: 'an empty body', headers: [good, json], body: '', status: 422 },
    { name: 'a __proto__ key', headers: [good, json], body: '{"__proto__":{"x":1},"provider":"test-idp","scopes":["b"],"check_only":true}', status: 200 },
    { name: 'an alias that would spell __proto__', headers: [good, json], body: '{"_Proto__":{"provider":"test-idp","scopes":["p"]}}', status: 422 },
    { name: 'a control character in a scope', headers: [good, json], body: '{"provider":"test-idp","scopes":["read\\u001b[2J"]}', status: 422 },
    { name: 'Bearer instead of x-api-key', headers: ['Authorization: Bearer {key}', json], body: '{"provider":"test-idp","scopes":["c"]}', status: 200 },
    { name: 'text/plain', headers: [good, 'Content-Type: text/plain'], body: '{"provider":"test-idp","scopes":["a"]}', status: 415 },
    { name: 'no content type', headers: [good], body: '{"provider":"test-idp","scopes":["a"]}', status: 415 },
    { name: 'a look-alike JSON type', headers: [good, 'Content-Type: application/jsonx'], body: '{}', status: 415 },
    { name: 'a latin1 charset', headers: [good, 'Content-Type: application/json; charset=latin1'], body: '{}', status: 415 },
    { name: 'a gzip body', headers: [good, json, 'Content-Encoding: gzip'], body: '{}', status: 415 },
    { name: 'an explicit utf-8 charset', headers: [good, 'Content-Type: application/json; charset=utf-8'], body: '{"provider":"test-idp","scopes":["d"]}', status: 200 },
    { name: 'an oversized body', headers: [good, json], body: `{"provider":"test-idp","scopes":["${'x'.repeat(70_000)}"]}`, status: 413 },
    { name: 'a browser request', headers: [good, json, 'Origin: http://evil.example'], body: '{}', status: 403 },
    { name: 'a cross-site fetch', headers: [good, json, 'Sec-Fetch-Site: cross-site'], body: '{}', status: 403 },
    // A key that fails is refused before the body is looked at, whatever the body is: the
    // failed-key budget (S09) and the pairing request never depend on the body's shape.
    { name: 'an unknown key and a valid body', headers: ['x-api-key: {unknown}', json], body: '{"provider":"test-idp","scopes":["a"]}', status: 401 },
    { name: 'an unknown key and truncated JSON', headers: ['x-api-key: {unknown}', json], body: '{"provider":"test-idp",', status: 401 },
    { name: 'an unknown key and an invalid body', headers: ['x-api-key: {unknown}', json], body: '{"scopes":7}', status: 401 },
    { name: 'an unknown key and text/plain', headers: ['x-api-key: {unknown}', 'Content-Type: text/plain'], body: 'hello', status: 401 },
    { name: 'an unknown key and an oversized body', headers: ['x-api-key: {unknown}', json], body: `{"x":"${'y'.repeat(70_000)}"}`, status: 401 },
    { name: 'no key and truncated JSON', headers: [json], body: '{"provider":', status: 401 },
    { name: 'no key and no content type', headers: [], body: 'x', status: 401 },
    { name: 'an empty x-api-key', headers: ['x-api-key: ', json], body: '{}', status: 401 },
  ];

  for (const c of authenticateCases) {
    test(`authenticate: ${c.name} → ${c.status}`, async () => {
      const r = await threeWays('POST', '/v2/auth/authenticate', { ...c, headers: c.headers.map((h) => h.replace('{unknown}', '{key}')) },
        () => (c.headers.some((h) => h.includes('{unknown}')) ? unknownKey() : b.key));
      same(c.name, r, c.status);
    });
  }

  test('authenticate under /api-host and with a doubled leading slash answers the same', async () => {
    for (const path of ['/api-host/v2/auth/authenticate', '//v2/auth/authenticate', '///api-host/v2/auth/authenticate']) {
      const r = await threeWays('POST', path, { name: path, headers: [good, json], body: '{"provider":"test-idp","scopes":["e"]}', status: 200 }, () => b.key);
      same(path, r, 200);
    }
  });

  test('a key out of failed-key budget gets the same 429 both ways (S09)', async () => {
    const spent = unknownKey();
    let last = 0;
    for (let i = 0; i < 40 && last !== 429; i++) last = (await b.api('/v2/auth/providers', { key: spent })).status;
    assert.equal(last, 429);
    const r = await threeWays('POST', '/v2/auth/authenticate', { name: '429', headers: [good, json], body: '{"provider":"test-idp",', status: 429 }, () => spent);
    same('429 authenticate', r, 429);
    assert.match(r.fast.headers, /retry-after: \d+/i);
    const w = await threeWays('GET', '/v2/auth/wait/x?timeout=0', { name: '429', headers: [good], status: 429 }, () => spent);
    same('429 wait', w, 429);
  });

  test('wait: timeout, completed-less ids, bad timeouts, keys, browsers → identical answers', async () => {
    const pending = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['w'] } });
    const denied = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['deny-me'] } });
    const control = { 'x-latchkey-control': b.core.sessions.controlSecret };
    const deny = await b.api(`/ui/api/requests/${denied.body.auth_id}/deny`, { body: {}, key: null, headers: control });
    assert.equal(deny.status, 200, deny.text);
    const cases: Array<[string, string, string[], number]> = [
      ['timeout', `/v2/auth/wait/${pending.body.auth_id}?timeout=0`, [good], 200],
      ['denied with detail', `/v2/auth/wait/${denied.body.auth_id}?timeout=0`, [good], 200],
      ['unknown id', '/v2/auth/wait/nope?timeout=0', [good], 200],
      ['a non-numeric timeout', '/v2/auth/wait/nope?timeout=x', [good], 422],
      ['an over-long id', `/v2/auth/wait/${'a'.repeat(300)}?timeout=0`, [good], 200],
      ['an unknown key', '/api-host/v2/auth/wait/nope', ['x-api-key: {unknown}'], 401],
      ['no key', '/v2/auth/wait/nope?timeout=x', [], 401],
      ['a browser', '/v2/auth/wait/nope?timeout=0', [good, 'Origin: http://evil.example'], 403],
      ['a doubled slash', `//v2/auth/wait/${pending.body.auth_id}?timeout=0`, [good], 200],
      // The fast path leaves an id it cannot decode to Express's router, which refuses it first.
      ['a malformed %-escape in the id', '/v2/auth/wait/%E0%A4%A?timeout=0', [good], 400],
      ['a malformed %-escape and an unknown key', '/v2/auth/wait/%ZZ', ['x-api-key: {unknown}'], 400],
    ];
    for (const [name, path, headers, status] of cases) {
      const r = await threeWays('GET', path, { name, headers: headers.map((h) => h.replace('{unknown}', '{key}')), status },
        () => (headers.some((h) => h.includes('{unknown}')) ? unknownKey() : b.key));
      same(`wait: ${name}`, r, status);
    }
  });

  // Every other route of the contract is dispatched by the fast path too (an agent-only
  // broker never loads Express): each answers like the Express mount, success and refusal.
  test('the rest of the contract table: identical answers on both mounts', async () => {
    const tokenId = '00000000-0000-4000-8000-000000000000';
    const agentKey = b.core.keys.create('parity agent', 'agent', TEST_ACTOR).key;
    const agent = 'x-api-key: {agent}';
    const cases: Array<[string, string, string, string | undefined, string[], number]> = [
      ['list providers', 'GET', '/v2/auth/providers', undefined, [good], 200],
      ['one provider', 'GET', '/api-host/v2/auth/providers/test-idp', undefined, [good], 200],
      ['an unknown provider, %-escaped', 'GET', '/v2/auth/providers/no%20such', undefined, [good], 404],
      ['create a provider with an agent key', 'POST', '/v2/auth/providers', '{"provider_id":"x"}', [agent, json], 403],
      ['discover an MCP server with an agent key', 'POST', '/v2/auth/providers/mcp-discover', '{}', [agent, json], 403],
      ['patch a provider with an agent key', 'PATCH', '/v2/auth/providers/test-idp', '{}', [agent, json], 403],
      ['delete a provider with an agent key', 'DELETE', '/v2/auth/providers/test-idp', undefined, [agent], 403],
      ['create a provider with the owner key and a bad body', 'POST', '/v2/auth/providers', '{"provider_id":"x"}', [good, json], 422],
      ['token exists', 'GET', '/v2/auth/tokens/exists?provider_id=test-idp', undefined, [good], 200],
      ['token exists without provider_id', 'GET', '/v2/auth/tokens/exists', undefined, [good], 422],
      ['list tokens', 'GET', '/v2/auth/tokens?provider_id=test-idp', undefined, [good], 200],
      ['slack workspace exists', 'GET', '/v2/auth/tokens/workspace/slack/exists', undefined, [good], 200],
      ['patch a token that is not a UUID', 'PATCH', '/v2/auth/tokens/not-a-uuid/metadata', '{}', [good, json], 422],
      ['delete an unknown token', 'DELETE', `/v2/auth/tokens/${tokenId}`, undefined, [good], 404],
      ["an agent's connections", 'GET', '/v2/auth/agents/agent-1/connections', undefined, [good], 200],
      ['bind an account with an agent key', 'POST', '/v2/auth/agents/agent-1/connections', `{"oauth_token_id":"${tokenId}"}`, [agent, json], 403],
      ['a callback without a binding from an agent key', 'POST', '/v2/auth/callback/test-idp', '{"code":"c","state":"s"}', [agent, json], 403],
      ['an unknown key on a provider route', 'GET', '/v2/auth/providers', undefined, ['x-api-key: {unknown}'], 401],
      // A page on a neighbour port reaches these routes on the fast path now: S02 holds there too.
      ['a browser page listing providers', 'GET', '/v2/auth/providers', undefined, [good, 'Origin: http://127.0.0.1:8080'], 403],
      ['a cross-site fetch revoking tokens', 'DELETE', '/v2/auth/tokens?provider_id=test-idp', undefined, [good, 'Sec-Fetch-Site: cross-site'], 403],
    ];
    for (const [name, method, path, body, headers, status] of cases) {
      const fill = headers.some((h) => h.includes('{unknown}')) ? unknownKey : headers.some((h) => h.includes('{agent}')) ? () => agentKey : () => b.key;
      const r = await threeWays(method, path, { name, headers: headers.map((h) => h.replace(/\{unknown\}|\{agent\}/, '{key}')), ...(body === undefined ? {} : { body }), status }, fill);
      same(`${method} ${path}: ${name}`, r, status);
    }
  });
});
