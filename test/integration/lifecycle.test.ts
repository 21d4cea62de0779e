/**
 * security.md S28–S30: long-poll timeouts, release on completion, caps, leaks, shutdown.
 * contract.test.ts already covers `wait` answering `timeout`/`not_found` and a 422 for
 * `timeout=soon`; cli.test.ts covers SIGTERM answering an open wait. This file adds the
 * bounds, the same-tick release, the caps, the return to baseline and SIGTERM with an open
 * event stream and an in-flight refresh.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rmSync } from 'node:fs';
import type { ApiKey } from '../../main/core/model.ts';
import { readRuntime } from '../../main/runtime-file.ts';
import { signIn, type OwnerSession } from '../helpers/owner-session.ts';
import { providerBody, startTestBroker, tempHome, type TestBroker } from '../helpers/test-broker.ts';
import { ownerVia } from '../helpers/owner.ts';

const ISSUER = 'http://127.0.0.1:9';

interface Opened { status: number; headers: IncomingMessage['headers']; body: string; ended: 'end' | 'aborted' | 'error' }

/**
 * A GET on its own connection (no keep-alive pool), so aborting it closes a socket on both
 * ends. The response never rejects: how it ended is part of the answer.
 */
function openGet(url: string, headers: Record<string, string>): { response: Promise<Opened>; abort(): void; firstByte: Promise<void> } {
  let abort = (): void => {};
  let gotFirstByte = (): void => {};
  const firstByte = new Promise<void>((r) => { gotFirstByte = r; });
  const response = new Promise<Opened>((resolve) => {
    const req = request(url, { headers, agent: false }, (res) => {
      let body = '';
      const done = (ended: Opened['ended']) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ended });
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; gotFirstByte(); });
      res.on('end', () => done('end'));
      res.on('error', () => done('aborted'));
      res.on('close', () => done(res.complete ? 'end' : 'aborted'));
    });
    req.on('error', () => resolve({ status: 0, headers: {}, body: '', ended: 'error' }));
    req.end();
    abort = () => req.destroy();
  });
  return { response, abort: () => abort(), firstByte };
}

const resourceCount = (kind: string): number => process.getActiveResourcesInfo().filter((r) => r === kind).length;

async function until(what: string, ok: () => boolean, ms = 3_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('S28/S29 long-poll lifecycle', () => {
  let b: TestBroker;
  let owner: OwnerSession;
  let ownerKey: ApiKey;
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const pending = async (user: string): Promise<string> => {
    const res = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['openid'], user_id: user } });
    assert.equal(res.body.status, 'pending', res.text);
    return res.body.auth_id as string;
  };
  const wait = (authId: string, timeout: string) => openGet(`${b.url}/v2/auth/wait/${authId}?timeout=${timeout}`, { 'x-api-key': b.key });

  before(async () => {
    b = await startTestBroker({ clock });
    assert.equal((await b.api('/v2/auth/providers', { body: providerBody(ISSUER) })).status, 200);
    owner = await signIn(b);
    ownerKey = b.core.keys.list().find((k) => k.role === 'owner')!;
  });
  after(() => b.cleanup());

  test('S28 timeout values: non-numbers → 422; ≤ 0 answers at once; 1 s and 0.5 s are held that long, plus at most 1 s', async () => {
    const authId = await pending('s28-bounds');
    for (const bad of ['soon', '', 'Infinity', 'NaN', '1e3', '0x10', '+5', '%205', '5s', '1,5', '--1', '1.', '.5']) {
      const res = await b.api(`/v2/auth/wait/${authId}?timeout=${bad}`);
      assert.equal(res.status, 422, `timeout=${bad} → ${res.status}`);
      assert.deepEqual(res.body.detail[0].loc, ['query', 'timeout']);
    }
    const twice = await b.api(`/v2/auth/wait/${authId}?timeout=1&timeout=2`);
    assert.equal(twice.status, 422, 'a repeated timeout is not a number');
    for (const [timeout, min, max] of [['-5', 0, 500], ['-0.001', 0, 500], ['0', 0, 500], ['0.5', 450, 1_500], ['1', 950, 2_000]] as const) {
      const t0 = performance.now();
      const res = await b.api(`/v2/auth/wait/${authId}?timeout=${timeout}`);
      const took = performance.now() - t0;
      assert.deepEqual(res.body, { status: 'timeout', token: null }, `timeout=${timeout}`);
      assert.ok(took >= min && took < max, `timeout=${timeout} answered after ${Math.round(took)} ms, expected ${min}–${max} ms`);
    }
  });

  test('S28 timeouts over 600 s are clamped to 600 s (the waiter\'s timer), and a wait never outlives its request', async () => {
    const authId = await pending('s28-clamp');
    // Watch the timers the broker arms while these waits register (the broker runs in this process).
    const original = globalThis.setTimeout;
    const delays: number[] = [];
    globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      if (typeof ms === 'number' && ms >= 100_000) delays.push(ms);
      return original(fn, ms, ...args);
    }) as typeof setTimeout;
    const waits = ['601', '3600', '99999999999999999999', '600.5'].map((t) => wait(authId, t));
    try {
      await until('4 registered waiters', () => b.core.requests.waiters.size === 4);
    } finally {
      globalThis.setTimeout = original;
    }
    assert.deepEqual(delays, [600_000, 600_000, 600_000, 600_000], 'every long wait is armed for exactly 600 s');
    b.core.requests.deny(ownerVia('cli'), authId);
    for (const w of waits) assert.equal(JSON.parse((await w.response).body).status, 'denied');

    // A request with 1 s of life left: a 600 s wait ends with it, as `timeout`, then the id is gone.
    const short = await pending('s28-expiring');
    offset += 15 * 60_000 - 1_000;
    try {
      const t0 = performance.now();
      const res = await b.api(`/v2/auth/wait/${short}?timeout=600`);
      const took = performance.now() - t0;
      assert.deepEqual(res.body, { status: 'timeout', token: null });
      assert.ok(took < 2_000, `held ${Math.round(took)} ms past the request's life`);
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual((await b.api(`/v2/auth/wait/${short}?timeout=600`)).body, { status: 'not_found', token: null });
    } finally {
      offset = 0;
    }
  });

  test('S28 completion releases every waiter within 1 s — 100 over HTTP and two registered in the very tick of the completion', async () => {
    // A connection that already covers the scopes: the owner's approval alone completes the request.
    b.core.connections.save({ providerId: 'test-idp', keyId: ownerKey.id, userId: 's28-tick', agentId: null },
      { accessToken: 'tick-access-token', tokenType: 'Bearer', refreshToken: null, expiresAt: null, idToken: null, extra: {} }, ['openid']);
    const authId = await pending('s28-tick');
    const http = Array.from({ length: 100 }, () => wait(authId, '30'));
    await until('100 registered waiters', () => b.core.requests.waiters.size === 100);

    const t0 = performance.now();
    const justBefore = b.core.requests.wait(ownerKey, authId, 30).then((r) => ({ r, at: performance.now() }));
    const approving = b.core.requests.approve(ownerVia('cli'), authId, '1h');
    const justAfter = b.core.requests.wait(ownerKey, authId, 30).then((r) => ({ r, at: performance.now() }));
    const answers = await Promise.all(http.map((w) => w.response.then((res) => ({ body: JSON.parse(res.body) as { status: string; token: string }, at: performance.now() }))));
    assert.equal((await approving).consentRequired, false);
    for (const { body, at } of answers) {
      assert.deepEqual(body, { status: 'completed', token: 'tick-access-token' });
      assert.ok(at - t0 < 1_000, `released after ${Math.round(at - t0)} ms`);
    }
    for (const same of [await justBefore, await justAfter]) {
      assert.deepEqual(same.r, { status: 'completed', token: 'tick-access-token', expiresAt: null });
      assert.ok(same.at - t0 < 1_000);
    }
    assert.equal(b.core.requests.waiters.size, 0);
  });

  test('S28 an owner decision over HTTP (deny) releases 50 waiters within 1 s', async () => {
    const authId = await pending('s28-deny');
    const http = Array.from({ length: 50 }, () => wait(authId, '30'));
    await until('50 registered waiters', () => b.core.requests.waiters.size === 50);
    const t0 = performance.now();
    assert.equal((await owner.call('POST', `/ui/api/requests/${authId}/deny`, {})).status, 200);
    for (const w of http) {
      const body = JSON.parse((await w.response).body) as { status: string; detail: string };
      assert.equal(body.status, 'denied');
      assert.ok(performance.now() - t0 < 1_000);
    }
  });

  test('S29 257 waits on one auth_id: the 257th gets 429 with Retry-After; the 256 are all answered when the request is decided', async () => {
    const authId = await pending('s29-cap');
    const held = Array.from({ length: 256 }, () => wait(authId, '60'));
    await until('256 registered waiters', () => b.core.requests.waiters.size === 256, 10_000);
    const extra = await b.api(`/v2/auth/wait/${authId}?timeout=60`);
    assert.equal(extra.status, 429);
    assert.match(extra.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.equal(typeof extra.body.detail, 'string');
    // Another auth_id is not affected by this one's cap.
    const other = await pending('s29-other');
    assert.deepEqual((await b.api(`/v2/auth/wait/${other}?timeout=0`)).body, { status: 'timeout', token: null });
    b.core.requests.deny(ownerVia('cli'), authId);
    const statuses = await Promise.all(held.map(async (w) => JSON.parse((await w.response).body).status as string));
    assert.deepEqual([...new Set(statuses)], ['denied']);
    assert.equal(b.core.requests.waiters.size, 0);
  });

  test('S29 after 200 aborted waits and 32 aborted event streams, waiters, listeners, timers and sockets are back to baseline', async () => {
    const authId = await pending('s29-leak');
    const cookie = { cookie: `lk_session=${owner.browser.cookie(b.url, 'lk_session')}` };
    await new Promise((r) => setTimeout(r, 100));
    const base = { waiters: b.core.requests.waiters.size, listeners: b.events.listenerCount(), sockets: resourceCount('TCPSocketWrap'), timers: resourceCount('Timeout') };

    for (let round = 0; round < 2; round++) {
      const waits = Array.from({ length: 200 }, () => wait(authId, '300'));
      await until('200 registered waiters', () => b.core.requests.waiters.size === base.waiters + 200, 10_000);
      const streams = Array.from({ length: 32 }, () => openGet(`${b.url}/ui/api/events`, { ...cookie, accept: 'text/event-stream' }));
      await Promise.all(streams.map((s) => s.firstByte));
      assert.equal(b.events.listenerCount(), base.listeners + 32 * 5, 'each stream listens to the five event kinds');
      const over = await openGet(`${b.url}/ui/api/events`, { ...cookie, accept: 'text/event-stream' }).response;
      assert.equal(over.status, 429, 'the 33rd stream is refused');
      assert.match(String(over.headers['retry-after']), /^[1-9]\d*$/);
      assert.ok(resourceCount('TCPSocketWrap') >= base.sockets + 2 * 232, 'both ends of every connection are open');

      for (const w of [...waits, ...streams]) w.abort();
      await Promise.all([...waits, ...streams].map((w) => w.response));
      await until('waiters back to baseline', () => b.core.requests.waiters.size === base.waiters);
      await until('listeners back to baseline', () => b.events.listenerCount() === base.listeners);
      await until(`sockets back to baseline (${base.sockets}, now ${resourceCount('TCPSocketWrap')})`, () => resourceCount('TCPSocketWrap') <= base.sockets);
      await until(`timers back to baseline (${base.timers}, now ${resourceCount('Timeout')})`, () => resourceCount('Timeout') <= base.timers);
    }
    // The request itself was never touched by the aborted waits.
    assert.equal(b.core.requests.get(authId)?.status, 'pending');
  });
});

/** A provider whose token endpoint answers the code grant and never answers a refresh. */
async function stallingProvider() {
  const stalled: Array<() => void> = [];
  let refreshCalls = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += String(d); });
    req.on('end', () => {
      const grant = new URLSearchParams(body).get('grant_type');
      if (grant === 'refresh_token') {
        refreshCalls++;
        stalled.push(() => res.destroy());
        return;
      }
      // Expired on arrival (expires_in 0), so the next authenticate must refresh: a token that is
      // merely short-lived is not refreshed before its last quarter (core/refresh.ts).
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'stall-access', refresh_token: 'stall-refresh', token_type: 'Bearer', expires_in: 0 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get refreshCalls() { return refreshCalls; },
    close: () => new Promise<void>((r) => { for (const s of stalled) s(); server.closeAllConnections(); server.close(() => r()); }),
  };
}

describe('S30 SIGTERM with an open event stream, an open wait and a refresh stuck at the provider', () => {
  const home = tempHome();
  let idp: Awaited<ReturnType<typeof stallingProvider>>;
  before(async () => { idp = await stallingProvider(); });
  after(async () => {
    await idp.close();
    rmSync(home, { recursive: true, force: true });
  });

  test('S30 the process exits 0 within 5 s, the stream is closed, the wait answered, the port released', async () => {
    const child = spawn(process.execPath, [join(process.cwd(), 'main', 'cli', 'latchkey.ts'), 'serve', '--port', '0', '--home', home, '--approval', 'auto-owner'],
      { env: { ...process.env, LATCHKEY_NO_OPEN: '1', DISPLAY: '', WAYLAND_DISPLAY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => { output += String(d); });
    child.stderr!.on('data', (d) => { output += String(d); });
    const exited = new Promise<{ code: number | null; at: number }>((r) => child.on('exit', (code) => r({ code, at: performance.now() })));
    try {
      await until('the banner', () => output.includes('Press Ctrl-C to stop.') || child.exitCode !== null, 20_000);
      const key = /LANGSMITH_API_KEY=(\S+)/.exec(output)?.[1] ?? '';
      const { url, control } = readRuntime(home)!;
      const api = async (path: string, body?: unknown) => {
        const res = await fetch(`${url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        return { status: res.status, body: (await res.json()) as any };
      };

      // A connection whose token has expired: the owner key is auto-approved,
      // the start link goes straight to the provider, and the redirect is forwarded headless.
      assert.equal((await api('/v2/auth/providers', providerBody(idp.issuer, { provider_id: 'stall', client_secret: 'stall-secret' }))).status, 200);
      const first = await api('/v2/auth/authenticate', { provider: 'stall', scopes: ['api'], user_id: 'u' });
      const toProvider = await fetch(first.body.url, { redirect: 'manual' });
      const state = new URL(toProvider.headers.get('location') ?? '').searchParams.get('state');
      assert.equal((await api('/v2/auth/callback/stall', { code: 'code-1', state })).body.status, 'completed');

      const stuck = api('/v2/auth/authenticate', { provider: 'stall', scopes: ['api'], user_id: 'u' }).catch((err: unknown) => err);
      await until('the refresh to reach the provider', () => idp.refreshCalls === 1);
      const open = await api('/v2/auth/authenticate', { provider: 'stall', scopes: ['api'], user_id: 'waiting' });
      const waiting = fetch(`${url}/v2/auth/wait/${open.body.auth_id}?timeout=120`, { headers: { 'x-api-key': key } }).then((r) => r.json() as Promise<{ status: string }>);
      const stream = openGet(`${url}/ui/api/events`, { 'x-latchkey-control': control, accept: 'text/event-stream' });
      await stream.firstByte;
      await new Promise((r) => setTimeout(r, 100));

      const t0 = performance.now();
      child.kill('SIGTERM');
      const { code, at } = await exited;
      assert.equal(code, 0, output);
      assert.ok(at - t0 < 5_000, `exited ${Math.round(at - t0)} ms after SIGTERM`);
      assert.doesNotMatch(output, /longer than 5 s/);
      assert.equal((await waiting).status, 'timeout', 'the open wait was answered');
      assert.equal((await stream.response).status, 200, 'the event stream was open and has ended');
      await stuck;
      assert.equal(readRuntime(home), undefined, 'runtime.json removed');
      await assert.rejects(fetch(`${url}/v2/auth/providers`), 'nothing listens on the port any more');
      console.log(`S30: exit 0 after ${Math.round(at - t0)} ms with an event stream, a wait and a stuck refresh open`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
