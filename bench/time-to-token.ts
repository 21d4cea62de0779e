/**
 * Benchmark 6 — time to token after the human's click (issue 17), two cases, median of 20 each:
 *  - Approve: a request whose consent is already covered (the connection holds the scopes;
 *    only the owner's approval is missing), an agent long-polling `wait` on it, then the
 *    owner's Approve as the window or CLI sends it (`POST /ui/api/requests/{auth_id}/approve`
 *    with the owner's control credential); from sending it to the `wait` answer arriving.
 *  - Callback: a request the owner approved whose provider sign-in has begun; the provider's
 *    redirect arrives as the callback page's script posts it (`POST /host-oauth-callback/…`
 *    with code, state and the browser binding); from sending it to the `wait` answer. It
 *    includes the code exchange with a token endpoint in this process that answers at once.
 * Baseline: a request held by a bare node:http server, released by a command from this
 * process — the floor for "something happened, the waiting client hears of it".
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BaselineReady } from './baseline-server.ts';
import { BENCH_PROVIDER, BENCH_SCOPES, type BenchContext, type BrokerReady, HOST, type Row, forkServer, median, percentile, round, row, sleep } from './helpers.ts';
import { RawWait } from './long-poll.ts';
import { CONTROL_HEADER } from '../main/http/owner-auth.ts';

const TARGET_MS = 20;

/** The provider's token endpoint for the callback case: every code is good, answered at once. */
async function tokenEndpoint(): Promise<{ url: string; close: () => void }> {
  let issued = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      issued++;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ access_token: `at-callback-${issued}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `rt-callback-${issued}`, scope: BENCH_SCOPES.join(' ') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return { url: `http://${HOST}:${(server.address() as AddressInfo).port}/token`, close: () => server.close() };
}

/** Opens a long-poll and resolves once its request has been sent, plus the 30 ms a human needs at least. */
async function waiting(port: number, authId: string, key: string): Promise<RawWait> {
  let opened = (): void => {};
  const isOpen = new Promise<void>((r) => { opened = r; });
  const wait = new RawWait(port, `/v2/auth/wait/${authId}?timeout=30`, key, () => opened());
  await isOpen;
  await sleep(30); // the wait is registered before the click, as when a human is the one clicking
  return wait;
}

export async function timeToToken(ctx: BenchContext): Promise<{ rows: Row[]; details: { latchkeyMs: number[]; callbackMs: number[]; baselineMs: number[] } }> {
  const runs = ctx.quick ? 5 : 20;
  const provider = await tokenEndpoint();
  const broker = await forkServer<BrokerReady>('broker-server.ts', { args: ['--token-url', provider.url] });
  const baseline = await forkServer<BaselineReady>('baseline-server.ts', { args: ['--mode', 'hold'] });
  try {
    const latchkeyMs: number[] = [];
    const baselineMs: number[] = [];
    const requests = await broker.call<Array<{ authId: string; key: string }>>('pending', { count: runs, tag: 'click' });
    for (const { authId, key } of requests) {
      // Latchkey: the agent waits, the owner clicks Approve.
      const wait = await waiting(broker.ready.port, authId, key);
      const t0 = performance.now();
      const approve = await fetch(`${broker.ready.url}/ui/api/requests/${authId}/approve`, {
        method: 'POST', headers: { 'content-type': 'application/json', [CONTROL_HEADER]: broker.ready.control }, body: JSON.stringify({ duration: '1h' }),
      });
      if (!approve.ok) throw new Error(`approve answered ${approve.status}: ${await approve.text()}`);
      await wait.answered;
      if (wait.status !== 'completed') throw new Error(`the wait answered ${wait.status}, not completed`);
      latchkeyMs.push((wait.answeredAt ?? Number.NaN) - t0);
      wait.socket.destroy();

      // Baseline: a held request released by a second request, on a bare server.
      let bOpened = (): void => {};
      const bOpen = new Promise<void>((r) => { bOpened = r; });
      const held = new RawWait(baseline.ready.port, '/held', 'none', () => bOpened());
      await bOpen;
      await sleep(30);
      const b0 = performance.now();
      await baseline.call('release', {});
      await held.answered;
      baselineMs.push((held.answeredAt ?? Number.NaN) - b0);
      held.socket.destroy();
    }

    // The provider's redirect: the callback page's script posts it with this browser's binding.
    const callbackMs: number[] = [];
    const binding = randomBytes(32).toString('base64url');
    const atProvider = await broker.call<Array<{ authId: string; key: string; state: string }>>('atProvider', { count: runs, tag: 'callback', binding });
    for (const { authId, key, state } of atProvider) {
      const wait = await waiting(broker.ready.port, authId, key);
      const t0 = performance.now();
      const callback = await fetch(`${broker.ready.url}/host-oauth-callback/${BENCH_PROVIDER}`, {
        method: 'POST', headers: { 'content-type': 'application/json', origin: broker.ready.url, 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ query: `?code=bench-code&state=${encodeURIComponent(state)}`, binding }),
      });
      const outcome = (await callback.json()) as { status?: string };
      if (!callback.ok || outcome.status !== 'completed') throw new Error(`the callback answered ${callback.status}: ${JSON.stringify(outcome)}`);
      await wait.answered;
      if (wait.status !== 'completed') throw new Error(`the wait answered ${wait.status}, not completed`);
      callbackMs.push((wait.answeredAt ?? Number.NaN) - t0);
      wait.socket.destroy();
    }

    const lk = median(latchkeyMs);
    const cb = median(callbackMs);
    const base = median(baselineMs);
    ctx.log(`  approve → wait: median ${lk.toFixed(2)} ms (p90 ${percentile(latchkeyMs, 90).toFixed(2)}) | callback → wait: median ${cb.toFixed(2)} ms (p90 ${percentile(callbackMs, 90).toFixed(2)}) | baseline ${base.toFixed(2)} ms`);
    return {
      rows: [
        row({ benchmark: 'time to token', metric: `owner's Approve → agent's wait answered, median of ${runs}`, unit: 'ms', latchkey: round(lk), baseline: round(base), target: `≤ ${TARGET_MS} ms`, met: lk <= TARGET_MS }),
        row({ benchmark: 'time to token', metric: `provider's callback (code exchange included) → agent's wait answered, median of ${runs}`, unit: 'ms', latchkey: round(cb), baseline: round(base), target: `≤ ${TARGET_MS} ms`, met: cb <= TARGET_MS }),
      ],
      details: { latchkeyMs, callbackMs, baselineMs },
    };
  } finally {
    await baseline.stop();
    await broker.stop();
    provider.close();
  }
}
