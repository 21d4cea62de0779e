/**
 * The renderer's owner API client against a recording fake fetch: paths, methods, JSON
 * bodies, the session header (never a cookie, S33) on every call, sign-in and sign-out, and errors turned into words.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError, detailFrom } from '../../../renderer/src/api/api-error.ts';
import { OwnerClient } from '../../../renderer/src/api/owner-client.ts';
import type { TokenStore } from '../../../renderer/src/api/session-store.ts';
import { loginTokenFrom } from '../../../renderer/src/api/session-store.ts';

function memoryStore(initial: string | null = 'session-token-1'): TokenStore & { value: string | null } {
  const store = { value: initial, read: () => store.value, save: (t: string) => { store.value = t; }, clear: () => { store.value = null; } };
  return store;
}
import { explainError } from '../../../renderer/src/logic/explain-error.ts';

interface Call { url: string; method: string; headers: Record<string, string>; body: string | undefined }

function fakeFetch(answer: (call: Call) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  const impl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call: Call = { url: String(input), method: init?.method ?? 'GET', headers: { ...(init?.headers as Record<string, string>) }, body: init?.body as string | undefined };
    calls.push(call);
    const { status, body } = answer(call);
    return new Response(body === undefined ? '' : JSON.stringify(body), { status });
  }) as typeof fetch;
  return { calls, impl };
}

const SESSION = { via: 'session', session_id: 'sid', version: '0.1.0', url: 'http://127.0.0.1:5', port: 5, policy: 'ask', keychain: { ok: true, backend: 'x', reason: null, vault: 'keychain' }, env_block: '' };

describe('owner API client', () => {
  test('S33 every call carries the session token in x-latchkey-session, sends no cookies; state changes have a JSON body', async () => {
    const f = fakeFetch((c) => ({ status: 200, body: c.url.endsWith('/session') ? SESSION : { auth_id: 'a/b', status: 'pending', consent_url: null } }));
    const client = new OwnerClient(f.impl, memoryStore());
    await client.session();
    await client.requests();
    await client.approve('a/b', '8h');
    await client.deny('x', 'forever');
    await client.deleteProvider('git hub');
    const [session, list, approve, deny, del] = f.calls;
    assert.equal(session?.url, '/ui/api/session');
    for (const c of f.calls) assert.equal(c.headers['x-latchkey-session'], 'session-token-1', c.url);
    assert.equal(list?.headers['content-type'], undefined);
    assert.equal(approve?.url, '/ui/api/requests/a%2Fb/approve');
    assert.equal(approve?.method, 'POST');
    assert.equal(approve?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(approve?.body ?? ''), { duration: '8h' });
    assert.deepEqual(JSON.parse(deny?.body ?? ''), { remember: 'forever' });
    assert.equal(del?.method, 'DELETE');
    assert.equal(del?.url, '/ui/api/providers/git%20hub');
    assert.equal(del?.body, undefined);
  });

  test('S33 sign-in trades the fragment token at POST /ui/login and keeps the session token; sign-out forgets it', async () => {
    const store = memoryStore(null);
    const f = fakeFetch((c) => ({ status: 200, body: c.url === '/ui/login' ? { session_token: 'fresh', session_id: 's', expires_at: '2026-01-01T00:00:00Z' } : { ended: 1 } }));
    const client = new OwnerClient(f.impl, store);
    assert.equal(client.hasSession(), false);
    await client.signIn('login-token-abcdefgh');
    assert.deepEqual(JSON.parse(f.calls[0]?.body ?? ''), { login_token: 'login-token-abcdefgh' });
    assert.equal(f.calls[0]?.headers['x-latchkey-session'], undefined);
    assert.equal(store.value, 'fresh');
    await client.signOut();
    assert.equal(f.calls[1]?.url, '/ui/api/sessions/current');
    assert.equal(f.calls[1]?.method, 'DELETE');
    assert.equal(f.calls[1]?.headers['x-latchkey-session'], 'fresh');
    assert.equal(store.value, null);
    assert.equal(loginTokenFrom('#login=abcdefghijklmnop_-12'), 'abcdefghijklmnop_-12');
    assert.equal(loginTokenFrom('#/pending'), null);
    assert.equal(loginTokenFrom('#login=short'), null);
  });

  test('a 401 forgets the stored token, so the window shows how to sign in', async () => {
    const store = memoryStore();
    const f = fakeFetch(() => ({ status: 401, body: { detail: 'Your Latchkey session has expired or is missing.' } }));
    await new OwnerClient(f.impl, store).keys().catch(() => undefined);
    assert.equal(store.value, null);
  });

  test('the activity query goes on the URL as given', async () => {
    const f = fakeFetch(() => ({ status: 200, body: { entries: [], next_before: null } }));
    const client = new OwnerClient(f.impl, memoryStore());
    await client.activity('provider=github&since=1h');
    await client.activity('');
    assert.deepEqual(f.calls.map((c) => c.url), ['/ui/api/activity?provider=github&since=1h', '/ui/api/activity']);
  });

  test('{detail} errors become ApiError with the sentence; 401 means signed out, with the command to sign in', async () => {
    const f = fakeFetch(() => ({ status: 401, body: { detail: 'Your Latchkey session has expired or is missing.' } }));
    const error = await new OwnerClient(f.impl, memoryStore()).providers().catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 401);
    const explained = explainError(error);
    assert.equal(explained.signedOut, true);
    assert.equal(explained.message, 'Your Latchkey session has expired or is missing.');
    assert.match(explained.fix ?? '', /npx latchkey ui/);
  });

  test('a broker that does not answer is status 0 with a fix that says to start it', async () => {
    const client = new OwnerClient((async () => { throw new TypeError('fetch failed'); }) as typeof fetch, memoryStore());
    const error = await client.keys().catch((e: unknown) => e);
    assert.ok(error instanceof ApiError && error.status === 0);
    assert.match(explainError(error).fix ?? '', /still running/);
  });

  test('validation issues (422) and odd bodies still read as sentences', () => {
    assert.equal(detailFrom(422, { detail: [{ loc: ['body', 'client_id'], msg: 'Required', type: 'missing' }, { loc: ['body'], msg: 'Bad', type: 'x' }] }), 'client_id: Required; Bad');
    assert.equal(detailFrom(500, 'oops'), 'Latchkey answered with HTTP 500.');
    assert.equal(explainError(new ApiError(403, 'Missing or wrong CSRF token; reload the Latchkey page and try again.')).fix, 'Reload the page and try again.');
    assert.equal(explainError(new ApiError(409, 'A provider with that id exists.')).fix, null);
    assert.equal(explainError(new Error('boom')).message, 'boom');
  });
});
