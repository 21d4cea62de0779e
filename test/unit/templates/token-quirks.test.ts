/** The token-endpoint fetch wrapper on its own, against an in-memory fetch. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withTokenQuirks } from '../../../main/adapters/token-quirks.ts';

interface Seen { url: string; headers: Headers; body: string }

/** A fetch that records the request and answers with a fixed response. */
function recorder(answer: () => Response): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const body = init?.body;
    seen.push({ url: String(input), headers: new Headers(init?.headers), body: body instanceof URLSearchParams ? body.toString() : String(body ?? '') });
    return answer();
  };
  return { fetch: fetchFn, seen };
}

const tokenRequest = (extra: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
  body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c1', client_id: 'cid', ...extra }),
});

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('withTokenQuirks', () => {
  test('no token quirks: the very same fetch, untouched', () => {
    const { fetch: f } = recorder(() => json({}));
    assert.equal(withTokenQuirks(f, {}), f);
    assert.equal(withTokenQuirks(f, { scopeSeparator: ',', scopeParam: 'user_scope', refreshMarginMs: 60_000 }), f);
    assert.notEqual(withTokenQuirks(f, { refreshUrl: 'https://x.example/r' }), f);
  });

  test('adds headers, and token parameters on grant requests only, never over protocol ones', async () => {
    const r = recorder(() => json({ access_token: 'a', token_type: 'bearer' }));
    const f = withTokenQuirks(r.fetch, { tokenHeaders: { 'User-Agent': 'latchkey/test' }, tokenParams: { audience: 'api', code: 'forged' } });
    await f('https://p.example/token', tokenRequest());
    await f('https://p.example/revoke', { method: 'POST', body: new URLSearchParams({ token: 't' }) });
    const [grant, revoke] = r.seen;
    assert.equal(grant?.headers.get('user-agent'), 'latchkey/test');
    assert.equal(grant?.headers.get('accept'), 'application/json');
    const form = new URLSearchParams(grant?.body);
    assert.equal(form.get('audience'), 'api');
    assert.equal(form.get('code'), 'c1');
    assert.equal(revoke?.headers.get('user-agent'), 'latchkey/test');
    assert.equal(new URLSearchParams(revoke?.body).get('audience'), null);
  });

  test('re-encodes the form as a JSON body', async () => {
    const r = recorder(() => json({ access_token: 'a', token_type: 'bearer' }));
    await withTokenQuirks(r.fetch, { tokenRequestFormat: 'json' })('https://p.example/token', tokenRequest());
    assert.equal(r.seen[0]?.headers.get('content-type'), 'application/json');
    assert.deepEqual(JSON.parse(r.seen[0]?.body ?? ''), { grant_type: 'authorization_code', code: 'c1', client_id: 'cid' });
  });

  test('turns form-encoded and text/plain answers into JSON', async () => {
    for (const type of ['application/x-www-form-urlencoded; charset=utf-8', 'text/plain']) {
      const r = recorder(() => new Response('access_token=gho_1&scope=repo%2Cgist&token_type=bearer', { headers: { 'content-type': type, 'content-length': '55' } }));
      const res = await withTokenQuirks(r.fetch, { grantedScopeFormat: 'comma' })('https://p.example/token', tokenRequest());
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(res.headers.get('content-length'), null);
      assert.deepEqual(await res.json(), { access_token: 'gho_1', scope: 'repo gist', token_type: 'bearer' });
    }
  });

  test('leaves 5xx and bodies it cannot read alone', async () => {
    const quirks = { okFalseIsError: true, errorsWithStatus200: true };
    const down = await withTokenQuirks(recorder(() => json({ ok: false, error: 'fatal' }, 503)).fetch, quirks)('https://p.example/token', tokenRequest());
    assert.equal(down.status, 503);
    assert.deepEqual(await down.json(), { ok: false, error: 'fatal' });
    const html = await withTokenQuirks(recorder(() => new Response('<h1>oops</h1>', { status: 400, headers: { 'content-type': 'text/html' } })).fetch, quirks)('https://p.example/token', tokenRequest());
    assert.equal(html.status, 400);
    assert.equal(await html.text(), '<h1>oops</h1>');
  });

  test('defaults a missing token_type to bearer and keeps an unusual one aside', async () => {
    const missing = withTokenQuirks(recorder(() => json({ access_token: 'a' })).fetch, { tokenHeaders: {} });
    assert.equal((await (await missing('https://p.example/token', tokenRequest())).json()).token_type, 'bearer');
    const user = withTokenQuirks(recorder(() => json({ access_token: 'a', token_type: 'user' })).fetch, { tokenHeaders: {} });
    const body = await (await user('https://p.example/token', tokenRequest())).json();
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.provider_token_type, 'user');
  });

  test('assumes a lifetime only when a refresh can follow', async () => {
    const quirks = { assumedLifetimeSeconds: 900 };
    const withRefresh = withTokenQuirks(recorder(() => json({ access_token: 'a', token_type: 'Bearer', refresh_token: 'r' })).fetch, quirks);
    assert.equal((await (await withRefresh('https://p.example/token', tokenRequest())).json()).expires_in, 900);
    const without = withTokenQuirks(recorder(() => json({ access_token: 'a', token_type: 'Bearer' })).fetch, quirks);
    assert.equal((await (await without('https://p.example/token', tokenRequest())).json()).expires_in, undefined);
    const refreshed = await without('https://p.example/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r' }) });
    assert.equal((await refreshed.json()).expires_in, 900);
    const stated = withTokenQuirks(recorder(() => json({ access_token: 'a', token_type: 'Bearer', refresh_token: 'r', expires_in: 60 })).fetch, quirks);
    assert.equal((await (await stated('https://p.example/token', tokenRequest())).json()).expires_in, 60);
  });

  test('maps provider error codes into RFC 6749 errors, keeping the original code in the description', async () => {
    const f = withTokenQuirks(recorder(() => json({ status: 'BAD_AUTH_CODE', message: 'expired' }, 400, { 'x-request-id': 'r1' })).fetch,
      { errorCodeField: 'status', errorCodes: { BAD_AUTH_CODE: 'invalid_grant' } });
    const res = await f('https://p.example/token', tokenRequest());
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-request-id'), 'r1');
    assert.deepEqual(await res.json(), { error: 'invalid_grant', error_description: 'BAD_AUTH_CODE: expired' });
  });
});
