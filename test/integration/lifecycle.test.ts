/**
 * security.md S28–S30: long-poll timeouts, release on completion, caps, leaks, shutdown.
 * contract.test.ts already covers `wait` answering `timeout`/`not_found` and a 422 for
 * `timeout=soon`; cli.test.ts covers SIGTERM answering an open wait. This file adds the
 * bounds, the same-tick release, the caps, the return to baseline and SIGTERM with an open
 * event stream and an in-flight refresh.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../../main/adapters/logger.ts';
import { AlreadyRunningError, createBroker } from '../../main/compose.ts';
import type { ApiKey } from '../../main/core/model.ts';
import { readRuntime, readRuntimeRecord, runtimePath } from '../../main/runtime-file.ts';
import { alive, processTree } from '../helpers/process-tree.ts';
import { signIn, type OwnerSession } from '../helpers/owner-session.ts';
import { providerBody, startTestBroker, tempHome, tempHomes, type TestBroker } from '../helpers/test-broker.ts';
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
    const cookie = { 'x-latchkey-session': owner.token };
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
      // one click on the start page sends the browser to the provider, and the redirect is forwarded headless.
      assert.equal((await api('/v2/auth/providers', providerBody(idp.issuer, { provider_id: 'stall', client_secret: 'stall-secret' }))).status, 200);
      const first = await api('/v2/auth/authenticate', { provider: 'stall', scopes: ['api'], user_id: 'u' });
      const toProvider = await fetch(`${first.body.url}/continue`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ binding: 'b'.repeat(43) }) });
      const state = new URL(((await toProvider.json()) as { redirect_url: string }).redirect_url).searchParams.get('state');
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

/** The installed command as a user (or a supervisor) starts it: the bin's own pid, no node in front. */
const BIN = join(process.cwd(), 'bin', 'latchkey.js');
const userEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, LATCHKEY_NO_OPEN: '1', DISPLAY: '', WAYLAND_DISPLAY: '' };

interface Started { child: ChildProcess; output(): string; exited: Promise<{ code: number | null; signal: string | null }> }

/** `latchkey serve` from bin/; resolves once it printed its banner or exited. */
async function startBin(home: string, port = '0'): Promise<Started> {
  const child = spawn(BIN, ['serve', '--port', port, '--home', home], { env: userEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => { output += String(d); });
  child.stderr!.on('data', (d) => { output += String(d); });
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  started.push(child);
  try {
    await until('the banner or an exit', () => output.includes('Press Ctrl-C to stop.') || child.exitCode !== null, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${String(err)}: ${output}`);
  }
  return { child, output: () => output, exited };
}

/** Every process startBin started: whatever a failing test left running is killed at the end. */
const started: ChildProcess[] = [];
after(() => { for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });

describe('issue 12 §3: signals to the pid the user started stop the broker gracefully and leave no process', () => {
  const newHome = tempHomes();

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    test(`S30 ${signal} to bin/latchkey.js serve: open wait answered, port and runtime.json gone, exit 0, no process of the tree left`, async () => {
      const home = newHome();
      const s = await startBin(home);
      let tree: number[] = [];
      try {
        assert.equal(s.child.exitCode, null, s.output());
        const { url } = readRuntime(home)!;
        const key = /LANGSMITH_API_KEY=(\S+)/.exec(s.output())?.[1] ?? '';
        const headers = { 'x-api-key': key, 'content-type': 'application/json' };
        assert.equal((await fetch(`${url}/v2/auth/providers`, { method: 'POST', headers, body: JSON.stringify(providerBody(ISSUER)) })).status, 200);
        const auth = await (await fetch(`${url}/v2/auth/authenticate`, { method: 'POST', headers, body: JSON.stringify({ provider: 'test-idp', scopes: ['openid'], user_id: signal }) })).json() as { auth_id: string };
        const waiting = openGet(`${url}/v2/auth/wait/${auth.auth_id}?timeout=120`, { 'x-api-key': key });
        await until('the wait to be held', () => s.output().length > 0);
        await new Promise((r) => setTimeout(r, 200));

        tree = processTree(s.child.pid!);
        s.child.kill(signal);
        const { code, signal: killedBy } = await s.exited;
        await new Promise((r) => setTimeout(r, 300));
        const left = tree.filter(alive);
        console.log(`${signal}: ${tree.length} process(es) before the signal, ${left.length} left after the exit`);
        assert.deepEqual(left, [], 'no process of the tree remains');
        assert.deepEqual({ code, killedBy }, { code: 0, killedBy: null }, s.output());
        assert.equal(tree.length, 1, 'the pid the user started is the broker: no launcher, no child');
        assert.equal(JSON.parse((await waiting.response).body).status, 'timeout', 'the open wait was answered');
        assert.equal(readRuntimeRecord(home), undefined, 'runtime.json removed');
        await assert.rejects(fetch(`${url}/v2/auth/providers`), 'nothing listens on the port any more');
      } finally {
        for (const pid of [s.child.pid!, ...tree]) if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
    });
  }
});

describe('issue 12 §2: one broker per home', () => {
  const fresh = tempHomes();

  test('a second serve on the same home exits 3 naming the first (pid, URL) and leaves its runtime.json and port alone', async () => {
    const home = fresh();
    const first = await startBin(home);
    try {
      const before = readFileSync(runtimePath(home), 'utf8');
      const { url, pid } = readRuntime(home)!;
      const second = await startBin(home);
      if (second.child.exitCode === null) {
        second.child.kill('SIGTERM');
        await second.exited;
        assert.fail(`a second broker started on the same home:\n${second.output()}`);
      }
      const { code } = await second.exited;
      assert.equal(code, 3, second.output());
      assert.equal(second.output().trim(), `Latchkey is already running for ${home} (pid ${pid}, ${url}).`);
      assert.equal(readFileSync(runtimePath(home), 'utf8'), before, "the first broker's runtime.json is untouched");
      const env = spawnSync(BIN, ['env', '--home', home], { env: userEnv, encoding: 'utf8' });
      assert.match(env.stdout, new RegExp(`LANGSMITH_API_URL=${url}`), 'the CLI still reaches the first broker');
      assert.equal((await fetch(`${url}/v2/auth/providers`, { headers: { 'x-api-key': 'x' } })).status, 401, 'the first broker still answers');
    } finally {
      first.child.kill('SIGTERM');
      assert.equal((await first.exited).code, 0);
    }
  });

  test('a home left locked by a SIGKILLed broker is taken over; two starts racing for it: exactly one wins, the other names the winner', async () => {
    const home = fresh();
    const crashed = await startBin(home);
    const crashedPid = readRuntime(home)!.pid;
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    assert.equal(readRuntime(home)?.pid, crashedPid, 'the crash left its runtime.json behind');

    const racers = await Promise.all([startBin(home), startBin(home)]);
    try {
      const winners = racers.filter((r) => r.child.exitCode === null);
      assert.equal(winners.length, 1, racers.map((r) => r.output()).join('\n----\n'));
      const winner = winners[0]!;
      const loser = racers.find((r) => r !== winner)!;
      const runtime = readRuntime(home)!;
      assert.equal(runtime.pid, winner.child.pid);
      assert.equal((await loser.exited).code, 3);
      // The loser may look while the winner is still starting (it waits up to 2 s for the address).
      assert.match(loser.output().trim(), new RegExp(`^Latchkey is already running for ${home} \\(pid ${winner.child.pid}, (${runtime.url}|still starting)\\)\\.$`));
      assert.equal((await fetch(`${runtime.url}/v2/auth/providers`, { headers: { 'x-api-key': 'x' } })).status, 401);
    } finally {
      for (const r of racers) if (r.child.exitCode === null) r.child.kill('SIGTERM');
      await Promise.all(racers.map((r) => r.exited));
    }
  });

  test('in one process too (the desktop shell and embedders start through createBroker): the second createBroker is refused before the port or the database', async () => {
    const first = await startTestBroker();
    try {
      // Same port: had it got as far as listening, this would be a PortInUseError.
      await assert.rejects(createBroker({ port: first.port, home: first.home, logger: silentLogger }), (err: unknown) => {
        assert.ok(err instanceof AlreadyRunningError);
        assert.equal(err.message, `Latchkey is already running for ${first.home} (pid ${process.pid}, ${first.url}).`);
        return true;
      });
      assert.equal(readRuntime(first.home)?.url, first.url);
      assert.equal((await first.api('/v2/auth/providers')).status, 200);
    } finally {
      await first.cleanup();
    }
  });
});

describe('S40 the home, the log and runtime.json are private; request bodies time out', () => {
  const newHome = tempHomes();

  test('S40 a home given with --home that does not exist is created 0700 and the log 0600 (umask 022)', async () => {
    const parent = newHome();
    const home = join(parent, 'new', 'home');
    const s = await startBin(home);
    try {
      assert.equal(s.child.exitCode, null, s.output());
      assert.equal(statSync(home).mode & 0o777, 0o700, 'home');
      await until('the log file', () => existsSync(join(home, 'latchkey.log')));
      assert.equal(statSync(join(home, 'latchkey.log')).mode & 0o777, 0o600, 'log');
      assert.equal(statSync(runtimePath(home)).mode & 0o777, 0o600, 'runtime.json');
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  test('S40 an existing world-readable runtime.json and log are narrowed to 0600 before the secret goes in', async () => {
    const home = newHome();
    writeFileSync(runtimePath(home), '{"pid":1,"startedAt":"then"}', { mode: 0o644 });
    chmodSync(runtimePath(home), 0o644);
    writeFileSync(join(home, 'latchkey.log'), '', { mode: 0o644 });
    chmodSync(join(home, 'latchkey.log'), 0o644);
    const s = await startBin(home);
    try {
      const { control } = readRuntime(home)!;
      assert.ok(control.length > 20, 'the control secret is in the file');
      assert.equal(statSync(runtimePath(home)).mode & 0o777, 0o600, 'runtime.json');
      assert.equal(statSync(join(home, 'latchkey.log')).mode & 0o777, 0o600, 'log');
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  test('S40 a request whose body dribbles in is cut off after requestTimeout; a long-poll longer than that is still answered', async () => {
    const b = await startTestBroker({ serverLimits: { requestTimeoutMs: 1_000, headersTimeoutMs: 1_000, checkIntervalMs: 200 } });
    try {
      const socket = connect(b.port, '127.0.0.1');
      let received = '';
      let closedByServer = false;
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => { received += d; });
      socket.on('error', () => {});
      const closed = new Promise<void>((r) => socket.on('close', () => r()));
      await new Promise<void>((r) => socket.once('connect', () => r()));
      socket.write(`POST /v2/auth/authenticate HTTP/1.1\r\nhost: 127.0.0.1:${b.port}\r\nx-api-key: ${b.key}\r\ncontent-type: application/json\r\ncontent-length: 10000\r\n\r\n{`);
      // One byte every 100 ms for up to 10 s: without a request timeout the socket stays open.
      const t0 = Date.now();
      while (!socket.destroyed && !received && Date.now() - t0 < 10_000) {
        socket.write(' ');
        await new Promise((r) => setTimeout(r, 100));
      }
      closedByServer = received.length > 0 || socket.destroyed;
      socket.destroy();
      await closed;
      assert.ok(closedByServer, 'the server gave up on the dribbling body');
      assert.match(received, /^HTTP\/1\.1 408 /);

      assert.equal((await b.api('/v2/auth/providers', { body: providerBody(ISSUER) })).status, 200);
      const pendingId = (await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['openid'], user_id: 's40' } })).body.auth_id as string;
      const res = await b.api(`/v2/auth/wait/${pendingId}?timeout=2`);
      assert.deepEqual(res.body, { status: 'timeout', token: null }, 'a 2 s wait outlives the 1 s request timeout');
    } finally {
      await b.cleanup();
    }
  });
});
